"""What the adoption tests share: a small user's plan, and a copy of this checkout to build.

A wheel is built from a copy holding only what the package ships (`pyproject.toml`,
the README it names, `generator/`, `templates/`), so a build never sees the tests'
own files, virtualenvs or caches.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from helpers import REPO

SHOP_PLAN = """\
version: 1
name: shop
events:
  order_placed:
    description: A customer placed an order.
    properties:
      total: {type: number, minimum: 0, description: Order total in dollars.}
    required: [total]
"""
"""The user's plan: one event, one described, bounded, required property."""


def copy_checkout(dest: Path) -> Path:
    """Copy what a wheel of ciogen is built from into `dest` (created); return it."""
    dest.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, dest / name)
    for folder in ("generator", "templates"):
        shutil.copytree(REPO / folder, dest / folder, ignore=shutil.ignore_patterns("__pycache__"))
    return dest
