"""The App client's types: bad data fails before any request, mypy rejects bad calls,
the singleton reads its key from the environment, the recording transport records.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers import fork_in_test

import generated
from generated import (
    AppClient,
    AppConfig,
    ConfigurationError,
    LineItem,
    MessageMaybeSent,
    MessageNotSent,
    Person,
    RecordingAppTransport,
    ValidationError,
)
from generated._runtime.app_transport import AnswerLost, AppResponse, ConnectFailed

from .app_server import AppServer

REPO = Path(__file__).resolve().parents[2]
PAID = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
RESET: dict[str, Any] = {
    "to": "ada@example.com",
    "identifiers": Person.id("42"),
    "reset_url": "https://acme.example/r",
}
RECEIPT: dict[str, Any] = {
    "to": "ada@example.com",
    "identifiers": Person.id("42"),
    "order_id": "0b6f0f8e-3f0e-4e43-9c3c-6d7e4c1a2b3c",
    "total": 1.0,
    "line_items": [LineItem(sku="A-1", quantity=1, unit_price=1.0)],
    "paid_at": PAID,
}


@pytest.mark.parametrize(
    ("method", "arguments", "error", "match"),
    [
        ("send_password_reset", {**RESET, "reset_url": "not a url"}, ValidationError, "uri"),
        ("send_password_reset", {**RESET, "expires_in_minutes": 2}, ValidationError, ">= 5"),
        ("send_password_reset", {**RESET, "to": ""}, ValueError, "to must not be empty"),
        ("send_password_reset", {**RESET, "to": None}, TypeError, "needs to"),
        ("send_password_reset", {**RESET, "identifiers": 42}, TypeError, "identifiers"),
        ("send_password_reset", {**RESET, "send_at": dt.datetime(2026, 1, 1)}, TypeError, "aware"),
        ("send_password_reset", {**RESET, "reply_to": "a@b\r\nBcc: x"}, ValueError, "line break"),
        ("send_password_reset", {**RESET, "tracked": "yes"}, TypeError, "bool"),
        ("send_password_reset", {**RESET, "attachments": {"a": 1}}, TypeError, "bytes or str"),
        (
            "send_password_reset",
            {**RESET, "attachments": {"big.bin": b"x" * 2_000_001}},
            ValueError,
            "at most",
        ),
        ("send_receipt", {**RECEIPT, "line_items": []}, ValidationError, "line_items"),
        (
            "send_receipt",
            {**RECEIPT, "paid_at": dt.datetime(2026, 1, 1)},
            ValidationError,
            "paid_at",
        ),
        (
            "send_order_shipped",
            {"identifiers": Person.id("1"), "order_id": RECEIPT["order_id"], "carrier": "pigeon"},
            ValidationError,
            "carrier",
        ),
        (
            "trigger_maintenance_window",
            {
                "starts_at": PAID,
                "duration_minutes": 5,
                "affected_services": ["api"],
                "ids": ["1"],
                "emails": ["a@example.com"],
            },
            ValueError,
            "not both",
        ),
        (
            "trigger_maintenance_window",
            {"starts_at": PAID, "duration_minutes": 0, "affected_services": ["api"]},
            ValidationError,
            "duration_minutes",
        ),
        (
            "send_password_reset",
            {"to": "a@example.com", "identifiers": Person.id("1")},
            TypeError,
            "reset_url",
        ),
    ],
)
def test_bad_data_fails_before_any_request(
    app_server: AppServer,
    make_app: Callable[..., Any],
    method: str,
    arguments: dict[str, Any],
    error: type[Exception],
    match: str,
) -> None:
    app = make_app()
    with pytest.raises(error, match=match):
        getattr(app, method)(**arguments)
    assert app_server.requests == []


def test_the_methods_type_check(tmp_path: Path) -> None:
    """mypy accepts a correct call and names each mistake of a wrong one."""
    (tmp_path / "calls.py").write_text(
        textwrap.dedent(
            """
            import datetime as dt
            from generated import AppClient, Person

            app = AppClient("key")
            ok: str = app.send_password_reset(
                to="a@example.com", identifiers=Person.id("1"), reset_url="https://a.example/"
            )
            trigger: int = app.trigger_maintenance_window(
                starts_at=dt.datetime.now(dt.UTC), duration_minutes=5, affected_services=["api"]
            )
            app.send_password_reset(to="a@example.com", identifiers=Person.id("1"))  # line 12
            app.send_password_reset(
                to="a@example.com", identifiers=Person.id("1"), reset_url=3  # line 14
            )
            app.send_order_shipped(identifiers=Person.id("1"), order_id="o", carrier="pigeon")
            app.send_password_reset("a@example.com", Person.id("1"), "https://a.example/")
            app.send_receipt(to="a", identifiers=Person.id("1"), order_id="o", total=1.0,
                             line_items=[], paid_at=dt.datetime.now(dt.UTC), reset_url="x")
            """
        ),
        encoding="utf-8",
    )
    out = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(tmp_path / "calls.py")],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO,
    )
    lines = {int(line.split(":")[1]) for line in out.stdout.splitlines() if ": error:" in line}
    assert lines == {12, 14, 16, 17, 18}, out.stdout
    assert '"reset_url"' in out.stdout and "pigeon" in out.stdout


def test_the_singleton_reads_the_app_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CUSTOMERIO_APP_API_KEY", raising=False)
    monkeypatch.delenv("CUSTOMERIO_REGION", raising=False)
    generated.reset_app_client()
    with pytest.raises(ConfigurationError, match="CUSTOMERIO_APP_API_KEY is not set"):
        generated.get_app_client()
    monkeypatch.setenv("CUSTOMERIO_APP_API_KEY", "key-from-env")
    monkeypatch.setenv("CUSTOMERIO_REGION", "EU")
    try:
        app = generated.get_app_client()
        assert generated.get_app_client() is app
        assert isinstance(app, AppClient) and app.region == "eu"
        assert "key-from-env" not in repr(app) + repr(app._transport)
        monkeypatch.setenv("CUSTOMERIO_REGION", "mars")
        generated.reset_app_client()
        with pytest.raises(ConfigurationError, match="CUSTOMERIO_REGION='mars'"):
            generated.get_app_client()
        recorder = RecordingAppTransport()
        configured = generated.configure_app(api_key="k", region="us", transport=recorder)
        assert generated.get_app_client() is configured
        configured.send_password_reset(**RESET)
        assert [s.path for s in recorder.sent] == ["/v1/send/email"]
    finally:
        generated.reset_app_client()


def test_the_recording_transport_scripts_failures() -> None:
    recorder = RecordingAppTransport()
    app = AppClient(
        "k", transport=recorder, config=AppConfig(backoff_base=0.001, backoff_cap=0.002)
    )
    recorder.push(ConnectFailed("connection refused"), AppResponse(429))
    assert app.send_password_reset(**RESET) == "test-1"
    assert recorder.attempts == 3 and len(recorder.sent) == 1
    recorder.push(AnswerLost("read timed out"))
    with pytest.raises(MessageMaybeSent):
        app.send_password_reset(**RESET)
    assert len(recorder.sent) == 2  # it may have arrived: recorded
    recorder.push(*[ConnectFailed("refused")] * app.config.max_attempts)
    with pytest.raises(MessageNotSent):
        app.send_password_reset(**RESET)
    assert len(recorder.sent) == 2
    assert recorder.sent[0].message_data == {
        "reset_url": "https://acme.example/r",
        "expires_in_minutes": 60,
    }


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
def test_a_forked_child_builds_its_own_app_client() -> None:
    """The parent's keep-alive connections are not shared with a child."""
    parent = generated.configure_app(api_key="k", transport=RecordingAppTransport())
    try:
        pid = fork_in_test()
        if pid == 0:  # the child: exit at once, with the verdict as status
            os._exit(0 if generated.app_client._app._instance is None else 1)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        assert generated.get_app_client() is parent
    finally:
        generated.reset_app_client()
