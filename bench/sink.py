"""A fast loopback HTTP sink for the client benchmarks.

One asyncio process (raw ``asyncio.Protocol``, no framework) that accepts

* Customer.io Track API v2 ``POST /api/v2/batch``  (``{"batch": [...]}``)
* Customer.io Track API v1 ``POST /api/v1/customers/{id}/events`` (one event)
* Segment-style ``POST /v1/batch`` (``{"batch": [...]}``, optionally gzip)

on plain HTTP and, optionally, on TLS (a throw-away self-signed certificate,
needed by ``customerio``'s https-only URL builder).  It counts events, replies
``200 {}`` at once, and keeps HTTP/1.1 connections alive.

Control endpoints (same listener): ``GET /__stats`` returns a JSON object
(``events``, ``requests``, ``bytes``, ``first_t``, ``last_t`` — the
``time.monotonic()`` of the first/last event received, comparable across
processes on Linux), ``POST /__reset`` zeroes it.

Run it as ``python -m bench.sink [--tls]`` (``bench.sink_client.SinkProcess`` does): it prints one JSON line with the
URLs, then serves until stdin closes or a time limit (``--max-seconds``)
passes, so it can never outlive its parent for long.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gzip
import json
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from typing import Any

_OK = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
_OK_CLOSE = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
    b"Connection: close\r\n\r\n{}"
)
_CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
_MAX_BODY = 64 * 1024 * 1024


class Stats:
    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.events = 0
        self.requests = 0
        self.bytes = 0
        self.first_t: float | None = None
        self.last_t: float | None = None
        self.errors = 0
        self.paths: dict[str, int] = {}
        self.auth: dict[str, int] = {}

    def as_dict(self) -> dict[str, Any]:
        return {
            "events": self.events,
            "requests": self.requests,
            "bytes": self.bytes,
            "first_t": self.first_t,
            "last_t": self.last_t,
            "errors": self.errors,
            "paths": self.paths,
            "auth": self.auth,
            "now": time.monotonic(),
        }


def count_events(path: str, body: bytes, encoding: str) -> int:
    """Number of events a request carries (raises on a malformed body)."""
    if path.endswith("/events"):  # v1 customers/{id}/events or /api/v1/events
        return 1
    if encoding == "gzip":
        body = gzip.decompress(body)
    doc = json.loads(body)
    batch = doc.get("batch")
    if not isinstance(batch, list):
        raise ValueError("no batch array")
    return len(batch)


class SinkProtocol(asyncio.Protocol):
    def __init__(self, stats: Stats) -> None:
        self.stats = stats
        self.buf = bytearray()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buf += data
        while self._one_request():
            pass

    def _one_request(self) -> bool:
        buf = self.buf
        end = buf.find(b"\r\n\r\n")
        if end < 0:
            return False
        head = bytes(buf[:end]).decode("latin-1")
        lines = head.split("\r\n")
        try:
            method, target, _version = lines[0].split(" ", 2)
        except ValueError:
            self._fail()
            return False
        headers: dict[str, str] = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        start = end + 4
        body: bytes
        if headers.get("transfer-encoding", "").lower() == "chunked":
            parsed = _parse_chunked(buf, start)
            if parsed is None:
                return False
            body, consumed_to = parsed
            del buf[:consumed_to]
        else:
            length = int(headers.get("content-length", "0") or 0)
            if length > _MAX_BODY:
                self._fail()
                return False
            if len(buf) - start < length:
                if headers.get("expect", "").lower() == "100-continue" and len(buf) == start:
                    assert self.transport is not None
                    self.transport.write(_CONTINUE)
                    headers.pop("expect", None)
                return False
            body = bytes(buf[start : start + length])
            del buf[: start + length]
        self._handle(method, target, headers, body)
        return True

    def _handle(self, method: str, target: str, headers: dict[str, str], body: bytes) -> None:
        assert self.transport is not None
        stats = self.stats
        path = target.split("?", 1)[0]
        close = headers.get("connection", "").lower() == "close"
        if path == "/__stats":
            payload = json.dumps(stats.as_dict()).encode()
            self.transport.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                + str(len(payload)).encode()
                + b"\r\n\r\n"
                + payload
            )
            return
        if path == "/__reset":
            stats.reset()
            self.transport.write(_OK_CLOSE if close else _OK)
            return
        if method == "POST":
            try:
                n = count_events(path, body, headers.get("content-encoding", ""))
            except Exception:
                n = 0
                stats.errors += 1
            now = time.monotonic()
            stats.requests += 1
            stats.bytes += len(body)
            if path == "/api/v2/batch":
                key = "v2_batch"
            elif path.endswith("/events"):
                key = "v1_event"
            else:
                key = "segment_batch" if path == "/v1/batch" else "other"
            stats.paths[key] = stats.paths.get(key, 0) + n
            scheme = headers.get("authorization", "").split(" ", 1)[0].lower() or "none"
            stats.auth[scheme] = stats.auth.get(scheme, 0) + 1
            if n:
                if stats.first_t is None:
                    stats.first_t = now
                stats.events += n
                stats.last_t = now
        self.transport.write(_OK_CLOSE if close else _OK)
        if close:
            self.transport.close()

    def _fail(self) -> None:
        self.stats.errors += 1
        assert self.transport is not None
        self.transport.write(
            b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )
        self.transport.close()
        self.buf.clear()


def _parse_chunked(buf: bytearray, pos: int) -> tuple[bytes, int] | None:
    out = bytearray()
    while True:
        eol = buf.find(b"\r\n", pos)
        if eol < 0:
            return None
        size = int(bytes(buf[pos:eol]).split(b";", 1)[0], 16)
        pos = eol + 2
        if size == 0:
            # optional trailers end with an empty line
            end = buf.find(b"\r\n", pos)
            if end < 0:
                return None
            while end != pos:
                pos = end + 2
                end = buf.find(b"\r\n", pos)
                if end < 0:
                    return None
            return bytes(out), end + 2
        if len(buf) < pos + size + 2:
            return None
        out += buf[pos : pos + size]
        pos += size + 2


def make_tls_context(workdir: str) -> tuple[ssl.SSLContext, str]:
    """A server context with a throw-away cert for 127.0.0.1; returns (ctx, ca_pem_path).

    Uses ``trustme`` when importable, else the ``openssl`` command line tool.
    """
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca_path = os.path.join(workdir, "ca.pem")
    try:
        import trustme

        ca = trustme.CA()
        cert = ca.issue_cert("127.0.0.1", "localhost")
        cert.configure_cert(ctx)
        ca.cert_pem.write_to_path(ca_path)
        return ctx, ca_path
    except ImportError:
        pass
    openssl = shutil.which("openssl")
    if not openssl:
        raise RuntimeError("neither trustme nor openssl is available for the TLS sink")
    key = os.path.join(workdir, "key.pem")
    crt = os.path.join(workdir, "cert.pem")
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            key,
            "-out",
            crt,
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    ctx.load_cert_chain(crt, key)
    shutil.copyfile(crt, ca_path)
    return ctx, ca_path


async def _serve(args: argparse.Namespace) -> None:
    stats = Stats()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SinkProtocol(stats), "127.0.0.1", args.port, backlog=512
    )
    port = server.sockets[0].getsockname()[1]
    info: dict[str, Any] = {"url": f"http://127.0.0.1:{port}", "pid": os.getpid()}
    tls_server = None
    workdir = tempfile.mkdtemp(prefix="ciogen-sink-")
    try:
        if args.tls:
            ctx, ca = make_tls_context(workdir)
            tls_server = await loop.create_server(
                lambda: SinkProtocol(stats), "127.0.0.1", args.tls_port, ssl=ctx, backlog=512
            )
            info["tls_url"] = f"https://127.0.0.1:{tls_server.sockets[0].getsockname()[1]}"
            info["ca"] = ca
        print(json.dumps(info), flush=True)
        stop = asyncio.Event()

        def watch_stdin() -> None:
            with contextlib.suppress(Exception):
                sys.stdin.read()
            loop.call_soon_threadsafe(stop.set)

        if args.watch_stdin:
            threading.Thread(target=watch_stdin, daemon=True).start()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=args.max_seconds)
    finally:
        server.close()
        if tls_server is not None:
            tls_server.close()
        shutil.rmtree(workdir, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--tls", action="store_true", help="also listen with TLS (self-signed)")
    p.add_argument("--tls-port", type=int, default=0)
    p.add_argument("--max-seconds", type=float, default=3600.0, help="hard stop")
    p.add_argument(
        "--no-watch-stdin",
        dest="watch_stdin",
        action="store_false",
        help="don't exit when stdin closes",
    )
    args = p.parse_args(argv)
    asyncio.run(_serve(args))


if __name__ == "__main__":
    main()
