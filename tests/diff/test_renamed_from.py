"""`renamed_from:` that cannot mean a rename is refused at load, located (file:line, field).

The diff reads `renamed_from` only to pair an item with a base name that is
gone; a note that names the item itself, a sibling that still exists, an old
name another sibling already took, or sits where nothing is paired would be
silently ignored by the diff, so validate and generate refuse it.
"""

from __future__ import annotations

import os
from pathlib import Path

from helpers import ciogen, errors_of

from ciogen.load import load_text

from .conftest import BASE


def line(text: str, marker: str) -> int:
    return next(n for n, x in enumerate(text.splitlines(), 1) if marker in x)


def test_a_real_rename_is_accepted() -> None:
    text = BASE.replace("  order_placed:\n", "  order_completed:\n    renamed_from: order_placed\n")
    text = text.replace("code: {type: string}", "promo_code: {type: string, renamed_from: code}")
    taxonomy, _ = load_text(text, "taxonomy.yaml")
    assert {e.wire_name: e.renamed_from for e in taxonomy.events}["order_completed"] == (
        "order_placed"
    )


def test_renamed_from_its_own_name() -> None:
    text = BASE.replace("code: {type: string}", "code: {type: string, renamed_from: code}")
    [error] = errors_of(text)
    assert error.startswith(f"taxonomy.yaml:{line(text, 'renamed_from: code')}:")
    assert (
        "events.signed_up.properties.code.renamed_from: property 'code' is renamed from its own name"
        in error
    )


def test_renamed_from_a_sibling_that_still_exists() -> None:
    text = BASE.replace("  doomed:\n", "  doomed:\n    renamed_from: old_event\n")
    [error] = errors_of(text)
    assert error.startswith(f"taxonomy.yaml:{line(text, 'renamed_from: old_event')}:")
    where = f"(line {line(text, '  old_event:')})"
    assert (
        f"events.doomed.renamed_from: event 'doomed' is renamed from 'old_event', which still exists {where}"
        in error
    )
    assert "delete 'old_event', or remove renamed_from" in error


def test_two_items_renamed_from_one_name() -> None:
    text = BASE.replace(
        "    nickname: {type: string}\n",
        "    alias: {type: string, renamed_from: nick}\n    handle: {type: string, renamed_from: nick}\n",
    )
    [error] = errors_of(text)
    assert error.startswith(f"taxonomy.yaml:{line(text, 'handle:')}:")
    assert (
        "attributes.properties.handle.renamed_from: property 'handle' is renamed from 'nick', "
        f"as property 'alias' (line {line(text, 'alias:')}) already is"
    ) in error


def test_renamed_from_where_nothing_is_paired() -> None:
    text = BASE.replace(
        "  address:\n    type: object\n", "  address:\n    type: object\n    renamed_from: place\n"
    )
    text = text.replace("items: {type: string}", "items: {type: string, renamed_from: tag}")
    errors = errors_of(text)
    assert len(errors) == 2, errors
    assert errors[0].startswith(f"taxonomy.yaml:{line(text, 'renamed_from: place')}:")
    assert (
        "definitions.address.renamed_from: renamed_from has no effect on a definition" in errors[0]
    )
    assert (
        "events.signed_up.properties.tags.items.renamed_from: renamed_from has no effect on array items"
        in errors[1]
    )


def test_renamed_from_of_the_wrong_type() -> None:
    text = BASE.replace("  doomed:\n", "  doomed:\n    renamed_from: [a, b]\n")
    [error] = errors_of(text)
    assert error.startswith(f"taxonomy.yaml:{line(text, 'renamed_from: [a, b]')}:")
    assert "events.doomed.renamed_from:" in error and "is not of type 'string'" in error


def test_message_data_is_checked_too() -> None:
    text = BASE.replace(
        "      token: {type: string}", "      token: {type: string, renamed_from: expires_in}"
    )
    [error] = errors_of(text)
    assert (
        "messages.password_reset.properties.token.renamed_from: property 'token' is renamed "
        "from 'expires_in', which still exists" in error
    )


def test_validate_and_generate_refuse_it(tmp_path: Path) -> None:
    text = BASE.replace("code: {type: string}", "code: {type: string, renamed_from: code}")
    (tmp_path / "taxonomy.yaml").write_text(text, encoding="utf-8")
    env = {**os.environ, "CIOGEN_CACHE_DIR": "off"}
    for verb in ("validate", "generate"):
        done = ciogen(verb, "--taxonomy", "taxonomy.yaml", cwd=tmp_path, env=env)
        assert done.returncode == 2, (verb, done.stdout, done.stderr)
        assert f"taxonomy.yaml:{line(text, 'renamed_from: code')}:" in done.stderr
        assert "renamed from its own name" in done.stderr
        assert "Traceback" not in done.stderr
    assert not (tmp_path / "generated").exists()
