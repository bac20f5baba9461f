"""Real temporary git repositories for `ciogen diff` tests."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

BASE = """\
version: 1
name: Diff test plan
customerio:
  region: us
definitions:
  plan:
    type: string
    enum: [free, pro]
  address:
    type: object
    properties:
      city: {type: string, maxLength: 100}
    required: [city]
attributes:
  properties:
    email: {type: string, format: email}
    nickname: {type: string}
    old_score: {type: integer, deprecated: "use score", clearable: true}
    plan: {$ref: "#/definitions/plan"}
  required: [email]
events:
  signed_up:
    description: A person signed up.
    properties:
      method: {type: string, enum: [email, google]}
      source: {type: string, minLength: 1, maxLength: 200, pattern: "[a-z]+"}
      code: {type: string}
      homepage: {type: string}
      seats: {type: integer, minimum: 1, maximum: 100}
      price: {type: number, minimum: 0}
      ratio: {type: number}
      started_at: {type: timestamp}
      count: {type: integer}
      tags: {type: array, items: {type: string}, minItems: 1, maxItems: 10}
      shipping: {$ref: "#/definitions/address"}
      note: {type: [string, "null"]}
      channel: {type: string, default: web}
      legacy: {type: string, deprecated: true}
      flag: {type: boolean}
    required: [method]
  order_placed:
    description: An order was placed.
    anonymous: true
    properties:
      total: {type: number}
  old_event:
    description: Going away.
    deprecated: "use order_placed"
  doomed:
    description: Removed without warning.
messages:
  password_reset:
    description: The link that lets a person choose a new password.
    id: password_reset
    channel: email
    properties:
      reset_url: {type: string, format: uri}
      token: {type: string}
      expires_in: {type: integer, minimum: 5}
      old_hint: {type: string, deprecated: "the template no longer reads it"}
    required: [reset_url]
  receipt:
    description: A receipt after payment.
    id: 12
    channel: email
  welcome_sms:
    description: Going away.
    id: 13
    channel: sms
    deprecated: "use the welcome email"
broadcasts:
  maintenance_window:
    description: Planned downtime.
    id: 7
    properties:
      starts_at: {type: timestamp}
    required: [starts_at]
  flash_sale:
    description: A sale for a day.
    id: 8
  old_promo:
    description: A promotion that ended.
    id: 9
    deprecated: true
"""


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository on `main` whose first commit holds BASE as taxonomy.yaml."""
    monkeypatch.setenv("CIOGEN_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    (root / "taxonomy.yaml").write_text(BASE, encoding="utf-8")
    git(root, "add", "taxonomy.yaml")
    git(root, "commit", "-q", "-m", "base")
    return root
