"""Which ``customerio`` the App client needs, and a clear error when it is not there.

The App half builds its request bodies with ``customerio``'s request types and sends
them with its ``APIClient`` (``app_transport``), so it needs that package, at least
3.2.0: the first release with ``SendWhatsAppRequest``. The tracking path needs none
of it, so ``customerio`` is the user's dependency, not a requirement of the package:
without this check the first App client would fail with a ``ModuleNotFoundError``
(or an ``AttributeError`` on an older release) from deep inside the runtime.

3.2.0 has no ``__version__``: the installed version is read from the package's
metadata, and the classes this runtime uses are then looked up (a copy installed
without metadata is judged by those alone). Nothing here imports ``customerio``
until ``customerio_api()`` is called, nor ``importlib.metadata`` (~50 ms, which
``customerio``'s own imports load anyway) until the first check: naming
``AppClient`` stays cheap.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import re
from typing import Any, Final

from .app_channels import REQUEST_TYPES
from .errors import ConfigurationError

MIN_CUSTOMERIO: Final = (3, 2, 0)
"""The oldest ``customerio`` release the App client works with."""

INSTALL: Final = "pip install 'customerio>=3.2.0'"
"""The install line every error here ends with."""

_NEEDED: Final = ("APIClient", *sorted(REQUEST_TYPES.values()))
_RELEASE: Final = re.compile(r"(\d+)(?:\.(\d+))?(?:\.(\d+))?")


class CustomerioMissing(ConfigurationError, ImportError):
    """The App client cannot be used: ``customerio`` is missing or older than 3.2.0.

    An ``ImportError`` too, so ``except ImportError`` around optional features keeps
    working; the message names the package, the version found and the install line.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.name = "customerio"


def _release(version: str) -> tuple[int, ...]:
    """``3.2.0`` -> ``(3, 2, 0)``; a version that does not start with digits -> ``()``."""
    match = _RELEASE.match(version)
    return tuple(int(part or 0) for part in match.groups()) if match else ()


def customerio_problem() -> str | None:
    """Why the installed ``customerio`` cannot serve the App client, or None.

    Reads metadata only (no import): the generated App tests call it to skip with
    this reason when ``customerio`` is absent or too old.
    """
    metadata: Any = importlib.import_module("importlib.metadata")
    try:
        installed = metadata.version("customerio")
    except metadata.PackageNotFoundError:
        if importlib.util.find_spec("customerio") is None:
            return (
                "the App client (transactional messages, broadcasts) needs the customerio "
                f"package, version 3.2.0 or later, which is not installed: {INSTALL}"
            )
        return None  # a copy without metadata: customerio_api() checks its classes
    if _release(installed) < MIN_CUSTOMERIO:
        return (
            f"the App client needs customerio 3.2.0 or later; customerio {installed} "
            f"is installed: {INSTALL.replace('install', 'install -U', 1)}"
        )
    return None


@functools.cache
def customerio_api() -> Any:
    """``customerio.api``, checked: imported here, on the first App client (a failure
    is not cached, so installing the package fixes a running process's next try)."""
    problem = customerio_problem()
    if problem is not None:
        raise CustomerioMissing(problem)
    try:
        api = importlib.import_module("customerio.api")
    except ImportError as exc:
        raise CustomerioMissing(
            f"the App client could not import customerio ({exc}): {INSTALL}"
        ) from None
    missing = [name for name in _NEEDED if not hasattr(api, name)]
    if missing:
        raise CustomerioMissing(
            f"the installed customerio has no {', '.join(missing)}: the App client needs "
            f"customerio 3.2.0 or later: {INSTALL.replace('install', 'install -U', 1)}"
        )
    return api
