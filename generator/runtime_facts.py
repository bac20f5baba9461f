"""What the compiler knows about the code it generates, read from the templates themselves.

Both stages need this: the parse stage (`build_model`) must refuse taxonomy
names that would shadow a name the generated code or its runtime already uses,
and must enforce the API limits the runtime enforces; the render stage
(`render`, `strategy_code`) must find the templates and load the format
checks. Keeping it here, below both, means neither stage imports the other.

Everything that can be read from the templates is read from them (the
`BaseClient`'s public names, the limits, the format checks), so the compiler
and the runtime cannot drift apart.
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import importlib.util
import re
from pathlib import Path
from types import ModuleType


def templates_dir() -> Path:
    """`ciogen/templates` inside an installed wheel; `templates/` at the root of a checkout."""
    here = Path(__file__).resolve().parent
    packaged = here / "templates"
    if (packaged / "models.py.j2").is_file():
        return packaged
    return here.parent / "templates"


def _load(relative: str, module_name: str) -> ModuleType:
    """A standalone template module (one that imports nothing of ours), loaded by path."""
    spec = importlib.util.spec_from_file_location(module_name, templates_dir() / relative)
    if spec is None or spec.loader is None:  # pragma: no cover - a broken installation
        raise ImportError(f"cannot load template {relative}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclasses.dataclass(frozen=True)
class Limits:
    """Customer.io's Track API limits, as `templates/_runtime/limits.py` states them."""

    identifier_bytes: int
    attribute_name_bytes: int
    attribute_value_bytes: int
    attributes_per_call: int
    event_name_bytes: int
    event_data_bytes: int
    operation_bytes: int
    batch_bytes: int


@functools.cache
def limits() -> Limits:
    """The limits the generated runtime enforces, read from the file it is built from."""
    module = _load("_runtime/limits.py", "_ciogen_limits")
    values: dict[str, int] = {}
    for field in dataclasses.fields(Limits):
        value = getattr(module, "MAX_" + field.name.upper())
        if not isinstance(value, int):  # pragma: no cover - only an edited template gets here
            raise TypeError(f"MAX_{field.name.upper()} must be an int, not {value!r}")
        values[field.name] = value
    return Limits(**values)


@functools.cache
def app_channels() -> ModuleType:
    """`templates/_runtime/app_channels.py`: the App API's routes and each channel's options."""
    return _load("_runtime/app_channels.py", "_ciogen_app_channels")


@functools.cache
def checks() -> ModuleType:
    """`templates/_checks.py`, the generated packages' own format checks, loaded once."""
    return _load("_checks.py", "_ciogen_checks")


def _runtime_sources() -> list[Path]:
    """The runtime's source files: one `_runtime.py`, or the modules of a `_runtime/` package."""
    root = templates_dir()
    return sorted([*root.glob("_runtime.py"), *root.glob("_runtime/*.py")])


# The generated Client's own methods (in client.py.j2); BaseClient's public names
# are added from the runtime's source (see `client_reserved`).
CLIENT_METHODS = frozenset({"identify", "update_person", "track", "track_anonymous"})
_DEFINES_BASE_CLIENT = re.compile(r"^class\s+BaseClient\b", re.MULTILINE)


@functools.cache
def client_reserved() -> frozenset[str]:
    """Public attribute names of the generated Client: event methods may not shadow them."""
    names = set(CLIENT_METHODS)
    for source in _runtime_sources():
        text = source.read_text(encoding="utf-8")
        # Parsing every runtime module cost 0.1 s of each `ciogen diff` run; only the one
        # that defines the class (at the top level, so at a line start) is parsed.
        if not _DEFINES_BASE_CLIENT.search(text):
            continue
        tree = ast.parse(text)
        for node in tree.body:
            if isinstance(node, ast.ClassDef) and node.name == "BaseClient":
                for item in node.body:
                    if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                        names.add(item.name)
                    elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                        names.add(item.target.id)
    return frozenset(n for n in names if not n.startswith("_"))


# Module-level names of the generated models.py / __init__.py, and what each one is.
MODULE_RESERVED = {
    "ValidationError": "the validation error class",
    "CLEAR": "the value that clears an attribute",
    "ClearType": "the type of CLEAR",
    "EVENT_TYPES": "the event registry",
    "AnyEvent": "the union of all event classes",
    "Client": "the client class",
    "Person": "the person identifier type",
    "AppClient": "the App API client class",
    "AppConfig": "the App API client's settings",
    "AppError": "the App API error class",
    "MessageMaybeSent": "the App API error class",
    "MessageNotSent": "the App API error class",
    "MessageRejected": "the App API error class",
    "RecordingAppTransport": "the App API recording transport",
    "AppResponse": "the App API recording transport's answer type",
    "AnswerLost": "the App API recording transport's fault type",
    "ConnectFailed": "the App API recording transport's fault type",
    # Runtime names re-exported by the generated package's __init__.py.
    **{
        name: "a name the generated package exports from its runtime"
        for name in (
            "ClientConfig",
            "RecordingTransport",
            "Response",
            "Stats",
            "FailedOperation",
            "CustomerIOError",
            "ConfigurationError",
            "IdentifierError",
            "PayloadTooLargeError",
            "QueueFullError",
            "ClientClosedError",
            "TransportError",
            "DeliveryError",
        )
    },
}
