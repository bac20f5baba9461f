"""The sockets behind :class:`~.transport.HTTPTransport`: keep-alive connections and TLS.

Loaded by the transport on its first request (through :mod:`.lazy`), not when the
package is imported: ``http.client``, ``ssl`` and ``socket`` are most of what the
runtime would otherwise cost at import, and a process that never sends never
pays for them.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import socket
import ssl
import threading
import time
import weakref
from typing import Any, Final

from .errors import TransportError
from .lazy import Logger, module

_log = Logger(__name__.rpartition(".")[0])

_IDLE_RECONNECT_SECONDS: Final = 30.0
"""Reconnect instead of reusing a keep-alive connection idle this long: load balancers
drop idle connections silently, and the first request on a dead one would fail."""

Answer = tuple[int, dict[str, str], bytes]
"""Status, lower-cased headers and body of one HTTP response."""


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


class Connections:
    """One keep-alive connection per sending thread to one host (through a proxy).

    The transport's settings arrive already validated; what can still fail here
    (a certificate file that is not PEM) fails on the first request instead.
    """

    def __init__(
        self,
        host: str,
        port: int,
        *,
        https: bool,
        timeout: float,
        verify: bool,
        ca_bundle: str | os.PathLike[str] | None,
        proxy: tuple[str, int, dict[str, str]] | None,
    ) -> None:
        self._host = host
        self._port = port
        self._timeout = timeout
        self._proxy = proxy
        self._context = _ssl_context(verify, ca_bundle) if https else None
        self._local = threading.local()
        self._all_lock = threading.Lock()
        self._all: weakref.WeakSet[http.client.HTTPConnection] = weakref.WeakSet()

    def reset_after_fork(self) -> None:
        # The parent's connections stay the parent's: the child opens its own (``send``
        # also compares pids, for connections cached in thread-locals).
        self._all_lock = threading.Lock()
        self._all = weakref.WeakSet()
        self._local = threading.local()

    def _new_connection(self) -> http.client.HTTPConnection:
        host, port = self._host, self._port
        if self._proxy is not None:
            host, port = self._proxy[0], self._proxy[1]
        conn: http.client.HTTPConnection
        if self._context is not None:
            conn = _HTTPSConnection(host, port, timeout=self._timeout, context=self._context)
        else:
            conn = _HTTPConnection(host, port, timeout=self._timeout)
        if self._proxy is not None:
            conn.set_tunnel(self._host, self._port, headers=self._proxy[2])
        with self._all_lock:
            self._all.add(conn)
        return conn

    def send(self, method: str, path: str, body: bytes, headers: dict[str, str]) -> Answer:
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
            conn.request(method, path, body=body, headers=headers)
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
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data

    def close(self) -> None:
        """Close every connection opened so far (a later send reconnects)."""
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
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        return ctx
    if ca_bundle is not None:
        try:
            return ssl.create_default_context(cafile=ca_bundle)
        except (OSError, ssl.SSLError) as exc:
            raise TransportError(f"cannot load ca_bundle {os.fspath(ca_bundle)!r}: {exc}") from None
    ctx = ssl.create_default_context()
    if ctx.cert_store_stats().get("x509_ca", 0) == 0:
        # Minimal containers and some macOS Pythons have no usable system store (or a
        # lazily loaded directory). certifi ships with customerio's dependencies;
        # adding it never removes trust the system already grants.
        with contextlib.suppress(ImportError, OSError):  # certifi absent or unreadable
            ctx.load_verify_locations(module("certifi").where())
    return ctx
