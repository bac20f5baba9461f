"""A fake Customer.io Track API for the runtime's tests.

Speaks just enough of the Track API (per ``customerio-track-openapi.json``) to hold the
client to it: Basic auth, the v1 person routes, ``POST /api/v1/events`` and
``POST /api/v2/batch`` with the documented limits and ``207`` partial failures. It
records every delivered operation and can misbehave on purpose, at a configurable
rate or from a script, in all the ways a real network does.

Runs over HTTPS with a throwaway trustme certificate (or plain HTTP), on 127.0.0.1
only, in a thread, so tests need no network.
"""

from __future__ import annotations

import base64
import contextlib
import json
import random
import re
import socket
import ssl
import struct
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote

import trustme

ULID_RE = re.compile(r"^[0-7][0-9A-HJKMNP-TV-Z]{25}$")
MAX_REQUEST = 500_000
MAX_OP = 32 * 1024
ACTIONS = {
    "identify",
    "delete",
    "event",
    "screen",
    "page",
    "add_relationships",
    "delete_relationships",
    "add_device",
    "delete_device",
    "merge",
    "suppress",
    "unsuppress",
}
IDENTIFIER_KEYS = {"id", "email", "cio_id", "phone"}

FAULT_500 = "500"
FAULT_503 = "503"
FAULT_429 = "429"
FAULT_429_RETRY_AFTER = "429-retry-after"
FAULT_429_HTTP_DATE = "429-http-date"
FAULT_SLOW = "slow"
FAULT_RESET = "reset"
FAULT_DROP_AFTER_PROCESS = "drop-after-process"
ALL_FAULTS = (
    FAULT_500,
    FAULT_503,
    FAULT_429,
    FAULT_429_RETRY_AFTER,
    FAULT_429_HTTP_DATE,
    FAULT_SLOW,
    FAULT_RESET,
    FAULT_DROP_AFTER_PROCESS,
)


@dataclass(frozen=True)
class Scripted:
    """A forced answer for the next request: a status (+headers/body) or a fault."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b"{}"
    fault: str | None = None


@dataclass(frozen=True)
class RequestLog:
    method: str
    path: str
    status: int | None  # None: no response (fault)
    fault: str | None
    n_ops: int
    at: float


class TrackServer:
    """The fake API. Configure, ``start()``, point a client at ``url``, inspect."""

    def __init__(
        self,
        *,
        site_id: str = "test-site",
        api_key: str = "test-key-s3cr3t",
        ca: trustme.CA | None = None,
        fault_rate: float = 0.0,
        faults: tuple[str, ...] = ALL_FAULTS,
        slow_seconds: float = 0.6,
        seed: int = 1234,
    ) -> None:
        self.site_id = site_id
        self.api_key = api_key
        self.fault_rate = fault_rate
        self.faults = faults
        self.slow_seconds = slow_seconds
        self.lock = threading.Lock()
        self.rng = random.Random(seed)
        self.script: deque[Scripted] = deque()
        self.reject_ids: dict[str, str] = {}  # ULID -> reason returned in a 207
        self.requests: list[RequestLog] = []
        self.ops: list[dict[str, Any]] = []  # every accepted v2 op (duplicates included)
        self.v1: list[tuple[str, str, Any]] = []  # (method, path, body) of v1 calls
        self.event_ids: Counter[str] = Counter()  # delivered events by id (dupes counted)
        self.events_without_id = 0
        self.connections = 0  # TCP connections accepted (keep-alive reuse shows here)
        self._ca = ca
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ----------------------------------------------------------------------

    def start(self) -> TrackServer:
        handler = type("Handler", (_Handler,), {"track": self})
        httpd = _Server(("127.0.0.1", 0), handler)
        if self._ca is not None:
            cert = self._ca.issue_cert("127.0.0.1", "localhost")
            ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            cert.configure_cert(ctx)
            # Handshake lazily in the handler thread, not in the accept loop.
            httpd.socket = ctx.wrap_socket(
                httpd.socket, server_side=True, do_handshake_on_connect=False
            )
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, args=(0.02,), daemon=True, name="track"
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    @property
    def port(self) -> int:
        assert self._httpd is not None
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        scheme = "https" if self._ca is not None else "http"
        return f"{scheme}://127.0.0.1:{self.port}"

    # -- test helpers -------------------------------------------------------------------

    def push(self, *answers: Scripted) -> None:
        with self.lock:
            self.script.extend(answers)

    def delivered_ids(self) -> set[str]:
        with self.lock:
            return set(self.event_ids)

    def batch_requests(self) -> list[RequestLog]:
        with self.lock:
            return [r for r in self.requests if r.path == "/api/v2/batch"]

    def wait_for(self, predicate: Any, timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if predicate(self):
                    return True
            time.sleep(0.01)
        return False

    # -- decisions (called from handler threads) --------------------------------------------

    def _next_answer(self) -> Scripted | None:
        with self.lock:
            if self.script:
                return self.script.popleft()
            if self.fault_rate and self.rng.random() < self.fault_rate:
                return Scripted(fault=self.rng.choice(self.faults))
        return None

    def _log(self, method: str, path: str, status: int | None, fault: str | None, n: int) -> None:
        with self.lock:
            self.requests.append(RequestLog(method, path, status, fault, n, time.monotonic()))


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # faults and client timeouts produce broken sockets by design


class _Handler(BaseHTTPRequestHandler):
    track: TrackServer
    protocol_version = "HTTP/1.1"
    timeout = 10

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def setup(self) -> None:
        with self.track.lock:
            self.track.connections += 1
        super().setup()
        # Headers and body are separate writes: without this, Nagle + delayed ACK
        # add 40 ms to every response.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    # -- plumbing -------------------------------------------------------------------

    def _reply(self, status: int, body: Any = None, headers: dict[str, str] | None = None) -> None:
        data = body if isinstance(body, bytes) else json.dumps(body or {}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def _reset(self) -> None:
        """Abort the connection with a TCP RST (SO_LINGER 0, then close)."""
        self.close_connection = True
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.rfile.close()
        self.connection.close()

    def _authorized(self) -> bool:
        header = self.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return False
        try:
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        except ValueError:
            return False
        return user == self.track.site_id and password == self.track.api_key

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def _dispatch(self, method: str) -> None:
        track = self.track
        raw = self._body()
        path = self.path
        if not self._authorized():
            track._log(method, path, 401, None, 0)
            self._reply(401, {"meta": {"error": "Unauthorized request"}})
            return
        answer = track._next_answer()
        fault = answer.fault if answer else None
        if answer is not None and fault is None:
            track._log(method, path, answer.status, None, 0)
            self._reply(answer.status, answer.body, answer.headers)
            return
        if fault in (FAULT_500, FAULT_503):
            track._log(method, path, int(fault), fault, 0)
            self._reply(int(fault), {"meta": {"error": "internal error"}})
            return
        if fault == FAULT_429:
            track._log(method, path, 429, fault, 0)
            self._reply(429, {"meta": {"error": "rate limited"}})
            return
        if fault == FAULT_429_RETRY_AFTER:
            track._log(method, path, 429, fault, 0)
            self._reply(429, {"meta": {"error": "rate limited"}}, {"Retry-After": "0"})
            return
        if fault == FAULT_429_HTTP_DATE:
            track._log(method, path, 429, fault, 0)
            date = formatdate(time.time() - 5, usegmt=True)  # already passed: retry now
            self._reply(429, {"meta": {"error": "rate limited"}}, {"Retry-After": date})
            return
        if fault == FAULT_RESET:
            track._log(method, path, None, fault, 0)
            self._reset()
            return
        if fault == FAULT_SLOW:
            time.sleep(track.slow_seconds)  # the client has timed out by now
        status, body, n_ops = self._route(method, path, raw)
        if fault == FAULT_DROP_AFTER_PROCESS:
            track._log(method, path, None, fault, n_ops)
            self.close_connection = True  # processed, but the client never hears back
            return
        track._log(method, path, status, fault, n_ops)
        try:
            self._reply(status, body)
        except OSError:
            self.close_connection = True

    # -- the API ----------------------------------------------------------------------

    def _route(self, method: str, path: str, raw: bytes) -> tuple[int, Any, int]:
        if path == "/api/v2/batch" and method == "POST":
            return self._batch(raw)
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            return 400, {"meta": {"error": "invalid JSON"}}, 0
        parts = [unquote(p) for p in path.split("/")[1:]]
        ok = False
        if parts[:2] == ["api", "v1"]:
            rest = parts[2:]
            if rest == ["events"] and method == "POST":
                if not isinstance(body, dict) or not body.get("name"):
                    return 400, {"meta": {"error": "name is required"}}, 0
                ok = True
                self._record_event(body)
            elif rest == ["merge_customers"] and method == "POST":
                ok = isinstance(body.get("primary"), dict) and isinstance(
                    body.get("secondary"), dict
                )
            elif len(rest) >= 2 and rest[0] == "customers" and rest[1]:
                tail = rest[2:]
                if not tail and method in ("PUT", "DELETE"):
                    ok = True
                elif tail == ["events"] and method == "POST":
                    ok = bool(body.get("name"))
                    if ok:
                        self._record_event(body)
                elif tail == ["devices"] and method == "PUT":
                    ok = isinstance(body.get("device"), dict)
                elif (len(tail) == 2 and tail[0] == "devices" and method == "DELETE") or (
                    tail in (["suppress"], ["unsuppress"]) and method == "POST"
                ):
                    ok = True
        if not ok:
            return 404, {"meta": {"error": "not found"}}, 0
        with self.track.lock:
            self.track.v1.append((method, path, body))
        return 200, {}, 1

    def _record_event(self, body: dict[str, Any]) -> None:
        event_id = body.get("id")
        with self.track.lock:
            if isinstance(event_id, str) and ULID_RE.match(event_id):
                self.track.event_ids[event_id] += 1
            else:
                self.track.events_without_id += 1

    def _batch(self, raw: bytes) -> tuple[int, Any, int]:
        if len(raw) >= MAX_REQUEST:
            return 400, {"errors": [{"reason": "request too large", "message": str(len(raw))}]}, 0
        try:
            ops = json.loads(raw)["batch"]
            assert isinstance(ops, list)
        except (ValueError, KeyError, TypeError, AssertionError):
            return (
                400,
                {"errors": [{"reason": "invalid", "message": "body must be {batch:[...]}"}]},
                0,
            )
        too_big = [
            {"batch_index": i, "reason": "too large", "field": "", "message": f"{n} bytes"}
            for i, op in enumerate(ops)
            if (n := len(json.dumps(op, separators=(",", ":"), ensure_ascii=False).encode()))
            > MAX_OP
        ]
        if too_big:
            return 400, {"errors": too_big}, 0
        errors: list[dict[str, Any]] = []
        accepted: list[dict[str, Any]] = []
        for index, op in enumerate(ops):
            problem = _validate(op)
            if problem is None and isinstance(op.get("id"), str):
                problem = self.track.reject_ids.get(op["id"])
            if problem is not None:
                errors.append(
                    {"batch_index": index, "reason": problem, "field": "id", "message": problem}
                )
            else:
                accepted.append(op)
        with self.track.lock:
            for op in accepted:
                self.track.ops.append(op)
                if op.get("action") in ("event", "page"):
                    event_id = op.get("id")
                    if isinstance(event_id, str) and ULID_RE.match(event_id):
                        self.track.event_ids[event_id] += 1
                    else:
                        self.track.events_without_id += 1
        if errors:
            return 207, {"errors": errors}, len(accepted)
        return 200, {}, len(accepted)


def _validate(op: Any) -> str | None:
    """The shape checks of the spec's person operations; a reason string if invalid."""
    if not isinstance(op, dict) or op.get("type") != "person":
        return "type must be person"
    action = op.get("action")
    if action not in ACTIONS:
        return f"unknown action {action!r}"
    if action == "merge":
        for side in ("primary", "secondary"):
            ident = op.get(side)
            if not isinstance(ident, dict) or len(ident) != 1 or not set(ident) <= IDENTIFIER_KEYS:
                return f"{side} must name exactly one identifier"
        return None
    ident = op.get("identifiers")
    if not isinstance(ident, dict) or len(ident) != 1 or not set(ident) <= IDENTIFIER_KEYS:
        return "identifiers must have exactly one of id, email, cio_id, phone"
    value = next(iter(ident.values()))
    if not isinstance(value, str) or not value or len(value.encode()) > 150:
        return "invalid identifier"
    if action in ("event", "page", "screen") and not op.get("name"):
        return "name is required"
    if "id" in op and not (isinstance(op["id"], str) and ULID_RE.match(op["id"])):
        return "id must be a ULID"
    if "timestamp" in op and not isinstance(op["timestamp"], int):
        return "timestamp must be an integer"
    if action in ("add_device", "delete_device"):
        device = op.get("device")
        if not isinstance(device, dict) or not device.get("token"):
            return "device.token is required"
        if action == "add_device" and device.get("platform") not in ("ios", "android"):
            return "device.platform must be ios or android"
    return None


class ConnectProxy:
    """A minimal HTTP CONNECT proxy on 127.0.0.1 that counts the tunnels it opens."""

    def __init__(self) -> None:
        self.tunnels: list[str] = []
        self._sock = socket.create_server(("127.0.0.1", 0))
        self._stop = False
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._sock.getsockname()[1]}"

    def start(self) -> ConnectProxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop = True
        self._sock.close()

    def _serve(self) -> None:
        while not self._stop:
            try:
                client, _ = self._sock.accept()
            except OSError:
                return
            threading.Thread(target=self._tunnel, args=(client,), daemon=True).start()

    def _tunnel(self, client: socket.socket) -> None:
        with client:
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = client.recv(4096)
                if not chunk:
                    return
                head += chunk
            target = head.split(b" ")[1].decode()
            host, _, port = target.rpartition(":")
            if host != "127.0.0.1":  # never relay anywhere but loopback
                client.sendall(b"HTTP/1.1 403 Forbidden\r\n\r\n")
                return
            self.tunnels.append(target)
            with socket.create_connection((host, int(port))) as upstream:
                client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                pumps = [
                    threading.Thread(target=_pump, args=(client, upstream), daemon=True),
                    threading.Thread(target=_pump, args=(upstream, client), daemon=True),
                ]
                for pump in pumps:
                    pump.start()
                for pump in pumps:
                    pump.join(30)


def _pump(src: socket.socket, dst: socket.socket) -> None:
    try:
        while chunk := src.recv(65536):
            dst.sendall(chunk)
    except OSError:
        pass
    finally:
        with contextlib.suppress(OSError):
            dst.shutdown(socket.SHUT_WR)
