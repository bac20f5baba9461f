"""Faults: a send is retried only when it provably did not reach Customer.io.

Against the fake App API (and against loopback sockets that refuse or never accept):
refused connections, connect timeouts and `429`s are retried and then either
delivered once or reported as `MessageNotSent`; a lost answer (accept-then-drop,
read timeout, reset, `5xx`) raises `MessageMaybeSent` at once and is never sent a
second time; `4xx` raises `MessageRejected` with Customer.io's text scrubbed. No
error, repr or log line carries the key, the recipient or the message data.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import http.client
import logging
import socket
import ssl
import traceback
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
import trustme
import urllib3

from generated import MessageMaybeSent, MessageNotSent, MessageRejected, Person
from generated._runtime.app_transport import AnswerLost, ConnectFailed, classify_failure

from . import track_server as ts
from .app_server import AppServer
from .app_support import KEY

RECIPIENT = "ada.lovelace@example.com"
SECRET_URL = "https://acme.example/reset?token=tok-9f8e7d"


def _reset(app: Any, n: int = 0, to: str = RECIPIENT) -> str:
    return str(
        app.send_password_reset(
            to=to, identifiers=Person.id(f"person-{n}"), reset_url=SECRET_URL, first_name=f"n{n}"
        )
    )


def _assert_no_leak(exc: BaseException, logs: str) -> None:
    # The traceback as logged, without the lines of source code it quotes (the
    # caller's code, not data; Python 3.13 quotes whole multi-line statements).
    lines = "".join(traceback.format_exception(exc)).splitlines()
    shown = [line for line in lines if not line.startswith("    ")]
    assert exc.__cause__ is None  # no chained network error (or its URL, or its body)
    assert exc.__context__ is None or exc.__suppress_context__
    texts = [str(exc), repr(exc), "\n".join(shown), logs]
    for text in texts:
        for secret in (KEY, RECIPIENT, SECRET_URL, "tok-9f8e7d", "person-"):
            assert secret not in text


@pytest.mark.parametrize(
    "fault",
    [ts.FAULT_DROP_AFTER_PROCESS, ts.FAULT_SLOW, ts.FAULT_RESET, ts.FAULT_500, ts.FAULT_503],
)
def test_a_lost_answer_is_maybe_sent_and_never_sent_twice(
    app_server: AppServer,
    make_app: Callable[..., Any],
    fault: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = make_app()
    app_server.push(ts.Scripted(fault=fault))
    with caplog.at_level(logging.DEBUG), pytest.raises(MessageMaybeSent) as info:
        _reset(app)
    assert "may have been sent" in str(info.value)
    # (a slow answer is logged when the server finishes, after the client gave up)
    assert app_server.wait_for(lambda s: len(s.requests) == 1, timeout=2)
    processed = fault in (ts.FAULT_DROP_AFTER_PROCESS, ts.FAULT_SLOW)
    assert len(app_server.sends) == int(processed)
    if fault in (ts.FAULT_500, ts.FAULT_503):
        assert info.value.status == int(fault)
    _assert_no_leak(info.value, caplog.text)
    assert _reset(app, 1)  # the client still works afterwards
    assert len(app_server.requests) == 2  # and the failed send was never repeated


@pytest.mark.parametrize("fault", [ts.FAULT_429, ts.FAULT_429_RETRY_AFTER, ts.FAULT_429_HTTP_DATE])
def test_429_is_retried_and_delivered_once(
    app_server: AppServer, make_app: Callable[..., Any], fault: str
) -> None:
    app = make_app()
    app_server.push(ts.Scripted(fault=fault), ts.Scripted(fault=fault))
    assert _reset(app) == "dlv-1"
    assert len(app_server.requests) == 3
    assert len(app_server.sends) == 1


def test_429_until_the_attempts_run_out_is_not_sent(
    app_server: AppServer, make_app: Callable[..., Any], caplog: pytest.LogCaptureFixture
) -> None:
    app = make_app(max_attempts=3)
    app_server.push(*[ts.Scripted(fault=ts.FAULT_429)] * 3)
    with caplog.at_level(logging.DEBUG), pytest.raises(MessageNotSent) as info:
        _reset(app)
    assert info.value.status == 429
    assert len(app_server.requests) == 3 and app_server.sends == []
    assert "retrying" in caplog.text
    _assert_no_leak(info.value, caplog.text)


def test_broadcast_rate_limit_is_waited_out(
    app_server: AppServer, make_app: Callable[..., Any]
) -> None:
    """The server allows one trigger per interval; the client's retries outlast it."""
    app_server.broadcast_interval = 0.05
    app = make_app(backoff_base=0.04, backoff_cap=0.08, max_attempts=6)
    when = dt.datetime(2026, 12, 24, tzinfo=dt.UTC)
    for _ in range(2):
        app.trigger_maintenance_window(
            starts_at=when, duration_minutes=5, affected_services=["api"]
        )
    statuses = [r.status for r in app_server.requests]
    assert len(app_server.sends) == 2 and statuses[0] == 200 and statuses[-1] == 200


def _closed_port() -> int:
    """A loopback port nothing listens on: connecting is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_refused_connection_is_retried_then_not_sent(
    make_app: Callable[..., Any], caplog: pytest.LogCaptureFixture
) -> None:
    app = make_app(base_url=f"https://127.0.0.1:{_closed_port()}")
    with caplog.at_level(logging.WARNING), pytest.raises(MessageNotSent) as info:
        _reset(app)
    assert "connection refused" in str(info.value) or "could not connect" in str(info.value)
    assert "4 attempt(s)" in str(info.value)
    assert caplog.text.count("retrying") == 3
    _assert_no_leak(info.value, caplog.text)


class _StartOnFirstRetry(logging.Handler):
    """Starts the server when the client logs its first retry: the first attempt is
    certain to be refused, the second certain to find the server."""

    def __init__(self, start: Callable[[], None]) -> None:
        super().__init__()
        self.start = start
        self.started = False

    def emit(self, record: logging.LogRecord) -> None:
        if not self.started and "retrying" in record.getMessage():
            self.started = True
            self.start()


def test_a_refused_send_is_delivered_once_the_server_is_up(
    ca: trustme.CA, make_app: Callable[..., Any]
) -> None:
    port = _closed_port()
    late = AppServer(api_key=KEY, ca=ca)
    handler = _StartOnFirstRetry(lambda: late.start(port))
    logger = logging.getLogger("generated._runtime")
    logger.addHandler(handler)
    try:
        app = make_app(base_url=f"https://127.0.0.1:{port}")
        assert _reset(app) == "dlv-1"
        assert handler.started
        assert len(late.sends) == 1 and len(late.requests) == 1
    finally:
        logger.removeHandler(handler)
        late.stop()


@contextlib.contextmanager
def _never_accepting() -> Iterator[int]:
    """A loopback listener whose accept queue is full: a connect there times out."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = int(listener.getsockname()[1])
    fillers: list[socket.socket] = []
    try:
        for _ in range(8):  # bounded: the queue holds one or two on Linux
            filler = socket.socket()
            filler.settimeout(0.2)
            fillers.append(filler)
            try:
                filler.connect(("127.0.0.1", port))
            except OSError:
                break
        yield port
    finally:
        for filler in fillers:
            filler.close()
        listener.close()


def test_a_connect_timeout_is_retried_then_not_sent(make_app: Callable[..., Any]) -> None:
    with _never_accepting() as port:
        app = make_app(base_url=f"https://127.0.0.1:{port}", connect_timeout=0.1, max_attempts=2)
        with pytest.raises(MessageNotSent) as info:
            _reset(app)
    assert "connect timed out" in str(info.value)
    assert "2 attempt(s)" in str(info.value)


def test_accept_then_drop_under_random_faults_never_sends_twice(
    app_server: AppServer, make_app: Callable[..., Any]
) -> None:
    """Every fault at a 50% rate over 40 sends: each send is delivered at most once,
    every returned delivery id was sent exactly once, and "not sent" means not sent."""
    app_server.fault_rate = 0.5
    app = make_app(max_attempts=3)
    outcomes: dict[int, str] = {}
    for n in range(40):
        try:
            _reset(app, n)
            outcomes[n] = "sent"
        except MessageMaybeSent:
            outcomes[n] = "maybe"
        except MessageNotSent:
            outcomes[n] = "not"
    app_server.fault_rate = 0.0
    # A slow fault finishes processing after the client gave up: let it land.
    app_server.wait_for(lambda s: False, timeout=ts.TrackServer().slow_seconds)
    counts = {n: 0 for n in outcomes}
    for sent in app_server.sends:
        counts[int(sent.body["message_data"]["first_name"][1:])] += 1
    assert max(counts.values()) <= 1
    assert all(counts[n] == 1 for n, o in outcomes.items() if o == "sent")
    assert all(counts[n] == 0 for n, o in outcomes.items() if o == "not")
    assert set(outcomes.values()) >= {"sent", "maybe"}


def test_a_wrong_key_is_rejected_with_a_hint(
    app_server: AppServer, make_app: Callable[..., Any], caplog: pytest.LogCaptureFixture
) -> None:
    app = make_app(api_key="wrong-key-123")
    with caplog.at_level(logging.DEBUG), pytest.raises(MessageRejected) as info:
        _reset(app)
    assert info.value.status == 401
    assert "check the App API key" in str(info.value)
    assert "wrong-key-123" not in str(info.value) + repr(app) + caplog.text
    assert len(app_server.requests) == 1


def test_an_unknown_template_is_rejected(
    app_server: AppServer, make_app: Callable[..., Any]
) -> None:
    app_server.templates = {12: "email"}
    with pytest.raises(MessageRejected) as info:
        _reset(make_app())
    assert info.value.status == 404
    assert "email message password_reset not found" in info.value.detail


def test_customerio_error_text_is_scrubbed_of_the_recipient(
    app_server: AppServer, make_app: Callable[..., Any], caplog: pytest.LogCaptureFixture
) -> None:
    """The server's 422 quotes the bad `to`; the error keeps the message, not the value."""
    with caplog.at_level(logging.DEBUG), pytest.raises(MessageRejected) as info:
        _reset(make_app(), to="not-an-address-ada")
    assert info.value.status == 422
    assert "not-an-address-ada" not in str(info.value)
    assert "is not a valid email address" in info.value.detail
    _assert_no_leak(info.value, caplog.text)


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (400, b'{"meta": {"error": "bad request for ada.lovelace@example.com"}}'),
        (422, b'{"errors": [{"message": "call +1 415 555 0100 or ada.lovelace@example.com"}]}'),
        (404, b"<html>not json, mentions tok-9f8e7d</html>"),
    ],
)
def test_scripted_4xx_answers_are_rejected_and_scrubbed(
    app_server: AppServer, make_app: Callable[..., Any], status: int, body: bytes
) -> None:
    app_server.push(ts.Scripted(status=status, body=body))
    with pytest.raises(MessageRejected) as info:
        _reset(make_app())
    assert info.value.status == status
    assert "415 555" not in info.value.detail
    _assert_no_leak(info.value, "")


def test_a_dns_failure_is_retried_then_not_sent(
    make_app: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The resolver answers "no such name" for one host (nothing leaves the machine:
    the real `requests`/`urllib3` stack calls the patched `socket.getaddrinfo`)."""
    real = socket.getaddrinfo
    asked: list[str] = []

    def resolve(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host == "app-api.invalid":
            asked.append(host)
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    app = make_app(base_url="https://app-api.invalid", max_attempts=2)
    with pytest.raises(MessageNotSent) as info:
        _reset(app)
    assert "DNS lookup failed" in str(info.value) and "2 attempt(s)" in str(info.value)
    assert asked == ["app-api.invalid"] * 2  # each attempt asked the (patched) resolver


def _requests_failures() -> list[tuple[BaseException, str]]:
    """Real `requests`/`urllib3` exception objects, shaped as `requests` raises them."""
    pool = urllib3.HTTPSConnectionPool("127.0.0.1", 1)
    conn = urllib3.connection.HTTPSConnection("127.0.0.1", 1)

    def wrapped(reason: Exception) -> urllib3.exceptions.MaxRetryError:
        return urllib3.exceptions.MaxRetryError(pool, "/v1/send/email", reason)

    refused = urllib3.exceptions.NewConnectionError(conn, "refused")
    refused.__context__ = ConnectionRefusedError(111, "Connection refused")
    return [
        (requests.ConnectionError(wrapped(refused)), "not"),
        (
            requests.ConnectionError(
                wrapped(
                    urllib3.exceptions.NameResolutionError(
                        "app-api.invalid", conn, socket.gaierror(-2, "Name or service not known")
                    )
                )
            ),
            "not",
        ),
        (
            requests.ConnectTimeout(wrapped(urllib3.exceptions.ConnectTimeoutError(conn, "t"))),
            "not",
        ),
        (
            requests.exceptions.SSLError(
                wrapped(
                    urllib3.exceptions.SSLError(
                        ssl.SSLCertVerificationError(1, "certificate verify failed")
                    )
                )
            ),
            "not-final",
        ),
        (requests.ReadTimeout(urllib3.exceptions.ReadTimeoutError(pool, "/", "read")), "maybe"),
        (
            requests.ConnectionError(
                urllib3.exceptions.ProtocolError(
                    "Connection aborted.", http.client.RemoteDisconnected("closed")
                )
            ),
            "maybe",
        ),
        (
            requests.ConnectionError(
                urllib3.exceptions.ProtocolError(
                    "Connection aborted.", ConnectionResetError(104, "reset")
                )
            ),
            "maybe",
        ),
        (requests.exceptions.ChunkedEncodingError("broken"), "maybe"),
        (requests.exceptions.SSLError("decryption failed mid-answer"), "maybe"),
        (RuntimeError("anything else"), "maybe"),
    ]


def test_network_failures_are_classified_by_whether_the_request_left() -> None:
    for exc, expected in _requests_failures():
        verdict = classify_failure(exc)
        if expected == "maybe":
            assert isinstance(verdict, AnswerLost), exc
        else:
            assert isinstance(verdict, ConnectFailed), exc
            assert verdict.retryable is (expected == "not"), exc
