"""The HTTP transport: one keep-alive connection per client, reset after fork.

This module is imported with the package, so it holds only what a client needs
before its first request (settings checked at construction, :class:`Response`);
the sockets and TLS live in :mod:`.connections`, loaded on the first send.
"""

from __future__ import annotations

import binascii
import os
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Final, Protocol

from .errors import ConfigurationError
from .hooks import _register_fork_reset
from .lazy import Logger, module
from .record import Record

if TYPE_CHECKING:
    from .connections import Connections

_log = Logger(__name__.rpartition(".")[0])

_TRACK_HOSTS: Final[dict[str, str]] = {"us": "track.customer.io", "eu": "track-eu.customer.io"}
"""The Track API host of each region (``customerio.regions.Regions``), spelled out:
importing customerio pulls in requests and urllib3 (~0.3 s) for two host names.
tests/client/test_no_customerio.py checks they still agree."""


class Response(Record):
    """An HTTP response as the runtime needs it. Header names should be lower-case."""

    __match_args__ = ("status", "headers", "body")
    _FIELDS = __match_args__
    __slots__ = _FIELDS
    status: int
    headers: Mapping[str, str]
    body: bytes

    def __init__(
        self, status: int, headers: Mapping[str, str] | None = None, body: bytes = b""
    ) -> None:
        object.__setattr__(self, "status", status)
        object.__setattr__(self, "headers", {} if headers is None else headers)
        object.__setattr__(self, "body", body)

    def header(self, name: str) -> str | None:
        """The value of header ``name`` (any case), or None."""
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
        parse = module("urllib.parse")
        parts = parse.urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigurationError(
                f"base_url must be an http:// or https:// URL with a host, got {base_url!r}"
            )
        self._https: bool = parts.scheme == "https"
        self._host: str = parts.hostname
        try:
            port: int | None = parts.port
        except ValueError:
            raise ConfigurationError(f"base_url has an invalid port: {base_url!r}") from None
        self._port = port or (443 if self._https else 80)
        self._prefix: str = parts.path.rstrip("/")
        self._base_url = base_url.rstrip("/")
        self._timeout = timeout
        # The only place the key lives after construction; never formatted anywhere.
        self._headers = {
            "Authorization": f"Basic {_base64(f'{site_id}:{api_key}'.encode())}",
            "Content-Type": "application/json",
            "Accept": "application/json",
            "User-Agent": user_agent,
        }
        self._verify = verify
        self._ca_bundle = ca_bundle
        if self._https and not verify:
            _log.warning("TLS certificate verification is disabled for the Customer.io client")
        if self._https and verify and ca_bundle is not None:
            _check_ca_bundle(ca_bundle)
        self._proxy: tuple[str, int, dict[str, str]] | None = None
        if proxy is not None:
            p = parse.urlsplit(proxy)
            if p.scheme != "http" or not p.hostname:
                raise ConfigurationError("proxy must be an http://host:port URL")
            proxy_headers: dict[str, str] = {}
            if p.username is not None:
                cred = f"{parse.unquote(p.username)}:{parse.unquote(p.password or '')}".encode()
                proxy_headers["Proxy-Authorization"] = "Basic " + _base64(cred)
            self._proxy = (p.hostname, p.port or 8080, proxy_headers)
        self._connections: Connections | None = None
        self._connections_lock = threading.Lock()
        _register_fork_reset(self)

    def _reset_after_fork(self) -> None:
        self._connections_lock = threading.Lock()
        if self._connections is not None:
            self._connections.reset_after_fork()

    @property
    def base_url(self) -> str:
        return self._base_url

    def __repr__(self) -> str:
        return f"HTTPTransport(base_url={self._base_url!r})"

    def _open(self) -> Connections:
        """The connections, made on the first request: this is where ``http.client``
        and ``ssl`` are imported and the TLS context is built."""
        with self._connections_lock:
            if self._connections is None:
                factory: type[Connections] = module(
                    __name__.rpartition(".")[0] + ".connections"
                ).Connections
                self._connections = factory(
                    self._host,
                    self._port,
                    https=self._https,
                    timeout=self._timeout,
                    verify=self._verify,
                    ca_bundle=self._ca_bundle,
                    proxy=self._proxy,
                )
            return self._connections

    def send(self, method: str, path: str, body: bytes) -> Response:
        connections = self._connections or self._open()
        status, headers, data = connections.send(method, self._prefix + path, body, self._headers)
        return Response(status, headers, data)

    def close(self) -> None:
        """Close every connection this transport opened (a later send reconnects)."""
        if self._connections is not None:
            self._connections.close()


def _base64(data: bytes) -> str:
    return binascii.b2a_base64(data, newline=False).decode("ascii")


def _check_ca_bundle(ca_bundle: str | os.PathLike[str]) -> None:
    """A missing, unreadable or non-PEM ``ca_bundle`` fails at construction, as it did
    when the TLS context was built there; the context itself is built on first send."""
    try:
        with open(ca_bundle, "rb") as f:
            text = f.read()
    except OSError as exc:
        raise ConfigurationError(f"cannot load ca_bundle {os.fspath(ca_bundle)!r}: {exc}") from None
    if b"-----BEGIN " not in text or b"CERTIFICATE-----" not in text:
        raise ConfigurationError(
            f"cannot load ca_bundle {os.fspath(ca_bundle)!r}: no PEM certificate in it"
        )
