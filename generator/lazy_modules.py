"""Third-party modules most runs never use, executed on first use instead of at start-up.

`ciogen diff` in a pre-commit hook starts a fresh interpreter on every commit,
and every module imported at start-up is paid for there. jsonschema (0.05 s)
only writes the messages for a plan the fast meta-schema check rejects
(`meta_fast.py`), and Jinja (0.02 s) only renders, which `diff` and
`validate` never do. So the modules that use them name them at the top, as
usual, through `lazy`: the module object exists at once and runs its code on
the first attribute read. Only third-party modules are deferred this way; every
ciogen module is imported plainly, so tests/test_architecture.py sees the
whole import graph.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def lazy(name: str) -> ModuleType:
    """The module `name`, loaded when an attribute is first read (at once if already loaded)."""
    loaded = sys.modules.get(name)
    if loaded is not None:
        return loaded
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module
