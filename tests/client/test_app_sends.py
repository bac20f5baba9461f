"""The generated App client against the fake App API: the right JSON to the right route.

Each test calls a typed method of `generated.AppClient` (from this repository's
taxonomy.yaml) over HTTPS to the local server and checks what the server received:
the route, the Bearer key, `transactional_message_id`, `identifiers`, the data under
its wire names, and every typed option in Customer.io's field names.
"""

from __future__ import annotations

import ast
import base64
import datetime as dt
import os
import pathlib
import subprocess
import sys
import threading
from collections.abc import Callable
from typing import Any

import pytest

import generated
from generated import LineItem, Person

from .app_server import AppServer
from .app_support import KEY

ORDER = "0b6f0f8e-3f0e-4e43-9c3c-6d7e4c1a2b3c"
THIRD_PARTY = {"customerio", "requests", "urllib3"}
PAID = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)


def test_password_reset_email(app_server: AppServer, make_app: Callable[..., Any]) -> None:
    app = make_app()
    delivery = app.send_password_reset(
        to="ada@example.com",
        identifiers=Person.id("42"),
        reset_url="https://acme.example/reset?t=abc",
        first_name="Ada",
        from_="Acme <security@acme.example>",
        reply_to="help@acme.example",
        language="fr",
        disable_message_retention=True,
        send_at=PAID,
        headers={"X-Campaign": "reset"},
    )
    [sent] = app_server.sends
    assert delivery == "dlv-1"
    assert sent.path == "/v1/send/email"
    assert sent.authorization == f"Bearer {KEY}"
    assert sent.body == {
        "transactional_message_id": "password_reset",
        "identifiers": {"id": "42"},
        "to": "ada@example.com",
        "from": "Acme <security@acme.example>",
        "reply_to": "help@acme.example",
        "language": "fr",
        "disable_message_retention": True,
        "send_at": int(PAID.timestamp()),
        "headers": {"X-Campaign": "reset"},
        "message_data": {
            "reset_url": "https://acme.example/reset?t=abc",
            "expires_in_minutes": 60,
            "first_name": "Ada",
        },
    }


def test_receipt_with_line_items_and_an_attachment(
    app_server: AppServer, make_app: Callable[..., Any]
) -> None:
    app = make_app()
    app.send_receipt(
        to="ada@example.com",
        identifiers=Person.email("ada@example.com"),
        order_id=ORDER,
        total=25.5,
        line_items=[
            LineItem(sku="A-1", quantity=2, unit_price=10.0),
            LineItem(sku="B-2", name="Cable", quantity=1, unit_price=5.5),
        ],
        paid_at=PAID,
        attachments={"receipt.pdf": b"%PDF-1.4 fake", "notes.txt": "thank you"},
    )
    [sent] = app_server.sends
    assert sent.body["transactional_message_id"] == 12
    assert sent.body["identifiers"] == {"email": "ada@example.com"}
    assert sent.body["message_data"] == {
        "order_id": ORDER,
        "total": 25.5,
        "currency": "USD",
        "line_items": [
            {"sku": "A-1", "quantity": 2, "unit_price": 10.0},
            {"sku": "B-2", "name": "Cable", "quantity": 1, "unit_price": 5.5},
        ],
        "paid_at": int(PAID.timestamp()),
    }
    assert sent.body["attachments"] == {
        "receipt.pdf": base64.b64encode(b"%PDF-1.4 fake").decode(),
        "notes.txt": base64.b64encode(b"thank you").decode(),
    }


def test_push_uses_its_route_and_fields(
    app_server: AppServer, make_app: Callable[..., Any]
) -> None:
    app = make_app()
    app.send_order_shipped(
        identifiers=Person.cio_id("c-1"),
        order_id=ORDER,
        carrier="dhl",
        title="On its way",
        custom_data={"deep": ["link", 1]},
    )
    [sent] = app_server.sends
    assert sent.path == "/v1/send/push"
    assert sent.body == {
        "transactional_message_id": 31,
        "identifiers": {"cio_id": "c-1"},
        "title": "On its way",
        "custom_data": {"deep": ["link", 1]},
        "message_data": {"order_id": ORDER, "carrier": "dhl"},
    }


def test_broadcast_trigger_returns_the_trigger_id(
    app_server: AppServer, make_app: Callable[..., Any]
) -> None:
    app = make_app()
    trigger = app.trigger_maintenance_window(
        starts_at=PAID,
        duration_minutes=30,
        affected_services=["api", "email"],
        ids=["1", "2"],
        id_ignore_missing=True,
    )
    [sent] = app_server.sends
    assert trigger == 1
    assert sent.path == "/v1/campaigns/7/triggers"
    assert sent.body == {
        "data": {
            "starts_at": int(PAID.timestamp()),
            "duration_minutes": 30,
            "affected_services": ["api", "email"],
        },
        "ids": ["1", "2"],
        "id_ignore_missing": True,
    }


def test_keep_alive_reuses_one_connection(
    app_server: AppServer, make_app: Callable[..., Any]
) -> None:
    app = make_app()
    for n in range(3):
        app.send_password_reset(
            to="ada@example.com", identifiers=Person.id(str(n)), reset_url="https://a.example/r"
        )
    assert len(app_server.sends) == 3
    assert app_server.connections == 1


APP_MODULES = (
    "app.py",
    "app_channels.py",
    "app_dependency.py",
    "app_errors.py",
    "app_testing.py",
    "app_transport.py",
)


def test_no_app_module_imports_customerio_at_import_time() -> None:
    """`customerio` (and `requests`, `urllib3`) appear in no module body of the App
    half: only building a client (`app_transport.HTTPAppTransport`) imports them."""
    root = pathlib.Path(generated.__path__[0])
    sources = [root / "_runtime" / name for name in APP_MODULES] + [root / "app_client.py"]
    for path in sources:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = [
            alias.name if isinstance(node, ast.Import) else (node.module or "")
            for node in tree.body
            if isinstance(node, ast.Import | ast.ImportFrom)
            for alias in node.names
        ]
        assert not [m for m in imported if m.split(".")[0] in THIRD_PARTY], path.name


def test_customerio_is_imported_when_the_app_client_is_first_used() -> None:
    """`import generated` loads no App module; the App classes load without
    `customerio`; building the first App client imports it."""
    code = (
        "import os, sys\n"
        "import generated\n"
        "print('generated._runtime.app' in sys.modules, 'customerio' in sys.modules)\n"
        "generated.AppClient, generated.MessageMaybeSent  # loaded on first access\n"
        "print('generated._runtime.app' in sys.modules, 'customerio' in sys.modules)\n"
        "os.environ['CUSTOMERIO_APP_API_KEY'] = 'k'\n"
        "generated.get_app_client()\n"
        "print('customerio.api' in sys.modules, 'requests' in sys.modules)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("CUSTOMERIO_")}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\n")[:3] == ["False False", "True False", "True True"]


@pytest.mark.parametrize("region", ["us", "eu"])
def test_region_hosts(region: str) -> None:
    app = generated.AppClient("k", region=region)
    try:
        host = "api.customer.io" if region == "us" else "api-eu.customer.io"
        assert app._transport.base_url == f"https://{host}"
    finally:
        app.close()


def test_threads_share_one_client(app_server: AppServer, make_app: Callable[..., Any]) -> None:
    """Eight threads, five sends each, one client: every send delivered exactly once."""
    app = make_app()
    ids: list[str] = []
    lock = threading.Lock()

    def work(t: int) -> None:
        for n in range(5):
            delivery = app.send_password_reset(
                to="ada@example.com",
                identifiers=Person.id(f"{t}-{n}"),
                reset_url="https://a.example/r",
            )
            with lock:
                ids.append(delivery)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(ids) == len(set(ids)) == 40
    people = sorted(s.body["identifiers"]["id"] for s in app_server.sends)
    assert people == sorted(f"{t}-{n}" for t in range(8) for n in range(5))
