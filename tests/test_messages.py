"""The `messages:` and `broadcasts:` sections: the model they build and their located errors.

Semantic mistakes (method and class name clashes, undefined required keys; a data
key named like a send option, which is a warning: the option gives way) are golden cases (`tests/golden/messages_errors/`);
this file covers the meta-schema's errors and the model itself.
"""

from __future__ import annotations

import importlib
import json
import sys
import warnings
from pathlib import Path

import pytest
from generated_suite import imported, run_generated_tests
from golden_cases import package_name, package_root
from helpers import MINIMAL, REPO, ciogen, errors_of, from_payload, run_doc_example, to_payload

from ciogen.load import load_text, meta_schema
from ciogen.render import build_output

MESSAGE = """\
messages:
  password_reset:
    description: The reset link.
    id: password_reset
    channel: email
    properties:
      reset_url: {type: string, format: uri}
    required: [reset_url]
broadcasts:
  digest:
    description: A digest.
    id: 7
    properties:
      week: {type: integer, minimum: 1, maximum: 53}
"""


def test_messages_build_a_model_and_an_app_client() -> None:
    taxonomy, warnings = load_text(MINIMAL + MESSAGE, "taxonomy.yaml")
    assert warnings == []
    [message] = taxonomy.messages
    assert (message.method_name, message.message_id, message.channel) == (
        "send_password_reset",
        "password_reset",
        "email",
    )
    assert [f.wire_name for f in message.model.fields] == ["reset_url"]
    [broadcast] = taxonomy.broadcasts
    assert (broadcast.method_name, broadcast.campaign_id) == ("trigger_digest", 7)
    files = build_output(taxonomy, "pkg")
    assert "def send_password_reset(" in files["app_client.py"]
    assert "def trigger_digest(" in files["app_client.py"]
    assert "get_app_client" in files["__init__.py"]
    schema = json.loads(files["schemas/app/send_password_reset.json"])
    assert schema["required"] == ["reset_url"]


def test_a_plan_without_messages_has_no_app_client() -> None:
    taxonomy, _ = load_text(MINIMAL, "taxonomy.yaml")
    files = build_output(taxonomy, "pkg")
    assert "app_client.py" not in files
    assert "get_app_client" not in files["__init__.py"]
    assert not [f for f in files if f.startswith("schemas/app/")]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("    channel: email\n", "    channel: fax\n"),
            "taxonomy.yaml:13:14: messages.password_reset.channel: 'fax' is not one of "
            "['email', 'push', 'sms', 'in_app', 'inbox', 'whatsapp']",
        ),
        (
            ("    id: password_reset\n", ""),
            "taxonomy.yaml:11:5: messages.password_reset: 'id' is a required property",
        ),
        (
            ("    id: password_reset\n", "    id: 0\n"),
            "taxonomy.yaml:12:9: messages.password_reset.id: 0 is less than the minimum of 1",
        ),
        (
            ("    id: 7\n", '    id: "seven"\n'),
            "taxonomy.yaml:20:9: broadcasts.digest.id: 'seven' is not of type 'integer'",
        ),
        (
            ("    channel: email\n", "    channel: email\n    chanel: sms\n"),
            "taxonomy.yaml:14:5: messages.password_reset.chanel: unknown field 'chanel' "
            "(did you mean 'channel'?)",
        ),
        (
            ("      reset_url: {type: string, format: uri}\n", "      reset_url: {type: url}\n"),
            "taxonomy.yaml:15:25: messages.password_reset.properties.reset_url.type: 'url' is not "
            "one of ['string', 'integer', 'number', 'boolean', 'array', 'object', 'null', "
            "'timestamp']",
        ),
    ],
)
def test_meta_schema_errors_are_located(change: tuple[str, str], expected: str) -> None:
    text = MINIMAL + MESSAGE.replace(*change)
    assert errors_of(text) == [expected]


def test_the_sections_are_described_in_the_meta_schema() -> None:
    schema = meta_schema()
    for section in ("messages", "broadcasts"):
        assert "docs/messages.md" in schema["properties"][section]["description"]
    for definition in ("message", "broadcast"):
        for name, spec in schema["$defs"][definition]["properties"].items():
            assert spec.get("description") or "$ref" in spec, f"{definition}.{name}"


def test_the_docs_example_runs(tmp_path: Path) -> None:
    out = run_doc_example(
        (REPO / "docs" / "messages.md").read_text(encoding="utf-8"), "messages-example", tmp_path
    )
    assert out.strip() == "send email message"


def test_the_golden_messages_package_passes_its_app_property_tests() -> None:
    """Every channel and a data-less broadcast: each sends one request to its route with
    the data on the wire (pytest does not collect tests under tests/golden/)."""
    with imported(package_root("messages"), package_name("messages")):
        tests = importlib.import_module(f"{package_name('messages')}.tests.test_app_properties")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # inbox_note is deprecated
            assert run_generated_tests(tests) == 11


def test_the_command_line_counts_messages_and_broadcasts(tmp_path: Path) -> None:
    (tmp_path / "taxonomy.yaml").write_text(MINIMAL + MESSAGE, encoding="utf-8")
    result = ciogen("validate", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "(1 events, 0 attributes, 1 messages, 1 broadcasts)" in result.stdout


def test_classes_an_event_shares_with_app_data_are_defined_where_the_data_is() -> None:
    """`LineItem` and `Service` are used by one event and by a message or broadcast: they
    live in models.py beside the data classes, not in the event's lazy module (which the
    data classes' checks could not see: a NameError on first use)."""
    case = "shared_classes"
    with imported(package_root(case), package_name(case)) as package:
        models = importlib.import_module(f"{package_name(case)}.models")
        data = from_payload(
            models.ReceiptMessageData, {"line_items": [{"sku": "a", "quantity": 1}]}
        )
        assert to_payload(data) == {"line_items": [{"quantity": 1, "sku": "a"}]}
        assert to_payload(models.OutageBroadcastData(service="api")) == {"service": "api"}
        assert f"{package_name(case)}._events.order_completed" not in sys.modules
        assert package.OrderCompleted(line_items=[data.line_items[0]]).service is None
        for module in ("test_app_properties", "test_properties"):
            tests = importlib.import_module(f"{package_name(case)}.tests.{module}")
            assert run_generated_tests(tests) > 0
