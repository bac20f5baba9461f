"""The HTTP transport: one keep-alive connection per client, reset after fork."""

from __future__ import annotations

import base64
import contextlib
import http.client
import logging
import os
import socket
import ssl
import threading
import time
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Protocol
from urllib.parse import unquote, urlsplit

from .errors import ConfigurationError, TransportError
from .hooks import _register_fork_reset

_log = logging.getLogger(__name__.rpartition(".")[0])


_IDLE_RECONNECT_SECONDS: Final = 30.0
"""Reconnect instead of reusing a keep-alive connection idle this long: load balancers
drop idle connections silently, and the first request on a dead one would fail."""

_TRACK_HOSTS: Final[dict[str, str]] = {"us": "track.customer.io", "eu": "track-eu.customer.io"}
"""The Track API host of each region (``customerio.regions.Regions``), spelled out:
importing customerio pulls in requests and urllib3 (~0.3 s) for two host names.
tests/client/test_no_customerio.py checks they still agree."""


@dataclass(frozen=True, slots=True)
class Response:
    """An HTTP response as the runtime needs it. Header names should be lower-case."""

    status: int
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""

    def header(self, name: str) -> str | None:
        value = self.headers.get(name.lower())
        if value is not None:
            return value
        lowered = name.lower()
        for key, val in self.headers.items():
            if key.lower() == lowered:
                return val
        return None


class Transport(Protocol):
    """What the runtime needs from HTTP: one request in, one response out.

    ``path`` starts with ``/api/``. Raise :class:`TransportError` when no response was
    received; return every response (including 4xx/5xx) as a :class:`Response`. The
    runtime calls ``send`` from one sender thread (or from many caller threads in
    synchronous mode) and ``close`` once when the client closes.
    """

    def send(self, method: str, path: str, body: bytes) -> Response: ...

    def close(self) -> None: ...


def region_base_url(region: str) -> str:
    """``https://track.customer.io`` for ``"us"``, ``https://track-eu.customer.io`` for
    ``"eu"``."""
    key = region.lower() if isinstance(region, str) else region
    if key not in _TRACK_HOSTS:
        raise ConfigurationError(f"region must be 'us' or 'eu', got {region!r}")
    return f"https://{_TRACK_HOSTS[key]}"


class _Conn:
    __slots__ = ("conn", "last_used", "pid", "uses")

    def __init__(self, conn: http.client.HTTPConnection, pid: int) -> None:
        self.conn = conn
        self.pid = pid
        self.uses = 0
        self.last_used = time.monotonic()


def _tune_socket(sock: Any) -> None:
    # Like urllib3: no Nagle delay for small requests, and keepalive probes so a
    # silently dropped connection is noticed instead of hanging until the timeout.
    with contextlib.suppress(OSError, AttributeError):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)


class _HTTPConnection(http.client.HTTPConnection):
    def connect(self) -> None:
        super().connect()
        _tune_socket(self.sock)


class _HTTPSConnection(http.client.HTTPSConnection):
    def connect(self) -> None:
        super().connect()
        _tune_socket(self.sock)


class HTTPTransport:
    """Track API over stdlib ``http.client`` with one keep-alive connection per thread.

    Why not the customerio package's ``send_request``: its urllib3 ``Retry`` re-sends
    POSTs blindly (duplicates, since it sends no event ids), it folds every failure
    into one exception class that loses the status code, it treats ``207`` partial
    failures as success, and its URL builder is https-only (no local test servers).
    Owning the HTTP layer lets the runtime decide exactly what is retried.
    """

    def __init__(
        self,
        base_url: str,
        site_id: str,
        api_key: str,
        *,
        timeout: float = 10.0,
        verify: bool = True,
        ca_bundle: str | os.PathLike[str] | None = None,
        proxy: str | None = None,
        user_agent: str = "ciogen-runtime (python http.client)",
    ) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigurationError(
                f"base_url must be an http:// or https:// URL with a host, got {base_url!r}"
            )
        self._https = parts.scheme == "https"
        self._host = parts.hostname
        try:
            port = parts.port
        except ValueError:
            raise ConfigurationError(f"base_url has an invalid port: {base_url!r}") from None
        self._port = port or (443 if self._https else 80)
        self._prefix = parts.path.rstrip("/")
        self._base_url = base_url.rstrip("/")
        self._timeout = timeout
        token = base64.b64encode(f"{site_id}:{api_key}".encode()).decode("ascii")
        # The only place the key lives after construction; never formatted anywhere.
        self._headers = {
            "Authorization": f"Basic {token}",
            "Content-Type": "application/json",
            "Accept": "application/json",
            "User-Agent": user_agent,
        }
        self._context: ssl.SSLContext | None = None
        if self._https:
            self._context = _ssl_context(verify, ca_bundle)
        self._proxy: tuple[str, int, dict[str, str]] | None = None
        if proxy is not None:
            p = urlsplit(proxy)
            if p.scheme != "http" or not p.hostname:
                raise ConfigurationError("proxy must be an http://host:port URL")
            proxy_headers: dict[str, str] = {}
            if p.username is not None:
                cred = f"{unquote(p.username)}:{unquote(p.password or '')}".encode()
                proxy_headers["Proxy-Authorization"] = "Basic " + base64.b64encode(cred).decode()
            self._proxy = (p.hostname, p.port or 8080, proxy_headers)
        self._local = threading.local()
        self._all_lock = threading.Lock()
        self._all: weakref.WeakSet[http.client.HTTPConnection] = weakref.WeakSet()
        _register_fork_reset(self)

    def _reset_after_fork(self) -> None:
        # The parent's connections stay the parent's: the child opens its own (``send``
        # also compares pids, for connections cached in thread-locals).
        self._all_lock = threading.Lock()
        self._all = weakref.WeakSet()
        self._local = threading.local()

    @property
    def base_url(self) -> str:
        return self._base_url

    def __repr__(self) -> str:
        return f"HTTPTransport(base_url={self._base_url!r})"

    def _new_connection(self) -> http.client.HTTPConnection:
        host, port = self._host, self._port
        if self._proxy is not None:
            host, port = self._proxy[0], self._proxy[1]
        conn: http.client.HTTPConnection
        if self._https:
            conn = _HTTPSConnection(host, port, timeout=self._timeout, context=self._context)
        else:
            conn = _HTTPConnection(host, port, timeout=self._timeout)
        if self._proxy is not None:
            conn.set_tunnel(self._host, self._port, headers=self._proxy[2])
        with self._all_lock:
            self._all.add(conn)
        return conn

    def send(self, method: str, path: str, body: bytes) -> Response:
        state: _Conn | None = getattr(self._local, "state", None)
        now = time.monotonic()
        pid = os.getpid()
        if state is not None and (
            state.pid != pid or now - state.last_used > _IDLE_RECONNECT_SECONDS
        ):
            if state.pid == pid:  # never touch a socket inherited from the parent
                state.conn.close()
            state = None
        if state is None:
            state = self._local.state = _Conn(self._new_connection(), pid)
        reused = state.uses > 0
        conn = state.conn
        try:
            conn.request(method, self._prefix + path, body=body, headers=self._headers)
            resp = conn.getresponse()
            data = resp.read()
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            self._local.state = None
            raise TransportError(_describe(exc), reused_connection=reused) from exc
        state.uses += 1
        state.last_used = time.monotonic()
        if resp.will_close:
            conn.close()
            self._local.state = None
        headers = {k.lower(): v for k, v in resp.getheaders()}
        return Response(resp.status, headers, data)

    def close(self) -> None:
        """Close every connection this transport opened (a later send reconnects)."""
        with self._all_lock:
            conns = list(self._all)
        for conn in conns:
            with contextlib.suppress(Exception):
                conn.close()
        self._local = threading.local()


def _describe(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return "timed out waiting for the Track API"
    text = str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {text}"


def _ssl_context(verify: bool, ca_bundle: str | os.PathLike[str] | None) -> ssl.SSLContext:
    if not verify:
        _log.warning("TLS certificate verification is disabled for the Customer.io client")
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        return ctx
    if ca_bundle is not None:
        try:
            return ssl.create_default_context(cafile=ca_bundle)
        except (OSError, ssl.SSLError) as exc:
            raise ConfigurationError(
                f"cannot load ca_bundle {os.fspath(ca_bundle)!r}: {exc}"
            ) from None
    ctx = ssl.create_default_context()
    if ctx.cert_store_stats().get("x509_ca", 0) == 0:
        # Minimal containers and some macOS Pythons have no usable system store (or a
        # lazily loaded directory). certifi ships with customerio's dependencies;
        # adding it never removes trust the system already grants.
        try:
            import certifi

            ctx.load_verify_locations(certifi.where())
        except (ImportError, OSError):  # pragma: no cover - environment dependent
            pass
    return ctx
