"""What the runtime loads on first use instead of at import: stdlib modules and loggers.

``import <package>`` runs in every web worker, Celery child, serverless cold start
and test process, most of which send nothing for a while or ever. ``http.client``,
``ssl``, ``socket`` and ``email`` (~17 ms together), ``logging`` (~5 ms) and
``dataclasses`` (~5 ms, it imports ``inspect``) are only needed once something is
sent, logged or introspected, so the modules that need them ask for them here, at
that moment. This is the one place that imports by name at run time; everything
else imports at the top of its module.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import logging

DEBUG = 10
"""``logging.DEBUG``, without importing logging to read it."""


def module(name: str) -> ModuleType:
    """The stdlib module ``name``, imported now if nothing has imported it yet.

    Always through ``importlib``, never a bare ``sys.modules`` look-up: another thread
    may be importing the module this moment, and only the import system waits for it
    to finish initializing (a partially initialized ``logging`` has no ``getLogger``).
    """
    return importlib.import_module(name)


class Logger:
    """A ``logging.getLogger(name)`` that imports logging on its first use.

    Records carry the caller's file and line (``stacklevel`` counts this wrapper),
    and handlers or levels configured on the real logger apply as usual.
    """

    __slots__ = ("_logger", "_name")

    def __init__(self, name: str) -> None:
        self._name = name
        self._logger: logging.Logger | None = None

    def _get(self) -> logging.Logger:
        logger = self._logger
        if logger is None:
            logger = self._logger = module("logging").getLogger(self._name)
        return logger

    def isEnabledFor(self, level: int) -> bool:
        return self._get().isEnabledFor(level)

    def debug(self, msg: str, *args: object, **kwargs: Any) -> None:
        self._get().debug(msg, *args, stacklevel=2, **kwargs)

    def info(self, msg: str, *args: object, **kwargs: Any) -> None:
        self._get().info(msg, *args, stacklevel=2, **kwargs)

    def warning(self, msg: str, *args: object, **kwargs: Any) -> None:
        self._get().warning(msg, *args, stacklevel=2, **kwargs)

    def error(self, msg: str, *args: object, **kwargs: Any) -> None:
        self._get().error(msg, *args, stacklevel=2, **kwargs)

    def exception(self, msg: str, *args: object, **kwargs: Any) -> None:
        self._get().exception(msg, *args, stacklevel=2, **kwargs)
