"""`Singleton`: one lazily built, reconfigurable client per process."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from typing import Any, Final, Generic, TypeVar

# Import the submodules by name, never names from the top-level package: the
# customerio-cdp-analytics wheel overwrites ``customerio/__init__.py``. The package
# ships no type information, hence the ignores.
from .client import BaseClient
from .errors import ConfigurationError
from .hooks import _register_fork_reset
from .transport import _TRACK_HOSTS, region_base_url

ClientT = TypeVar("ClientT", bound=BaseClient)

ENV_SITE_ID: Final = "CUSTOMERIO_SITE_ID"
ENV_API_KEY: Final = "CUSTOMERIO_TRACK_API_KEY"
ENV_REGION: Final = "CUSTOMERIO_REGION"


def _env_settings(
    environ: Mapping[str, str], given: Mapping[str, Any], default_region: str
) -> dict[str, Any]:
    settings: dict[str, Any] = {}
    missing: list[str] = []
    for key, var in (("site_id", ENV_SITE_ID), ("api_key", ENV_API_KEY)):
        if given.get(key) is not None:
            continue
        value = environ.get(var, "").strip()
        if value:
            settings[key] = value
        else:
            missing.append(var)
    if missing:
        raise ConfigurationError(
            "the Customer.io client is not configured: environment variable"
            f"{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"{'are' if len(missing) > 1 else 'is'} not set "
            "(or call configure(site_id=..., api_key=...))"
        )
    if given.get("region") is None:
        region = environ.get(ENV_REGION, "").strip() or default_region
        if region.lower() not in _TRACK_HOSTS:
            raise ConfigurationError(f"{ENV_REGION}={region!r} is not a valid region; use us or eu")
        settings["region"] = region.lower()
    return settings


class Singleton(Generic[ClientT]):
    """A lazily built, process-wide client for generated module-level helpers.

    ``get()`` builds the client on first use from ``CUSTOMERIO_SITE_ID``,
    ``CUSTOMERIO_TRACK_API_KEY`` and ``CUSTOMERIO_REGION`` (us|eu; when unset,
    ``default_region``, which the generator takes from the taxonomy).
    ``configure(**kwargs)`` builds it explicitly (missing credentials still come from
    the environment); ``reset()`` closes and forgets it (tests).
    """

    def __init__(
        self,
        factory: Callable[..., ClientT],
        *,
        default_region: str = "us",
        environ: Mapping[str, str] | None = None,
    ) -> None:
        region_base_url(default_region)  # validate early: a typo fails at import
        self._factory = factory
        self._default_region = default_region.lower()
        self._environ = environ
        self._lock = threading.Lock()
        self._instance: ClientT | None = None
        _register_fork_reset(self)

    def _env(self) -> Mapping[str, str]:
        return self._environ if self._environ is not None else os.environ

    def get(self) -> ClientT:
        instance = self._instance
        if instance is not None:
            return instance
        with self._lock:
            if self._instance is None:
                self._instance = self._factory(
                    **_env_settings(self._env(), {}, self._default_region)
                )
            return self._instance

    def configure(self, **kwargs: Any) -> ClientT:
        """Build the client now with explicit arguments, replacing (and closing) any
        previous one."""
        given = {key: value for key, value in kwargs.items() if value is not None}
        settings = {**_env_settings(self._env(), given, self._default_region), **given}
        client = self._factory(**settings)
        with self._lock:
            old, self._instance = self._instance, client
        if old is not None:
            old.close(old.config.atexit_timeout)
        return client

    def reset(self, timeout: float | None = None) -> None:
        """Close and forget the current client; the next ``get()`` builds a new one."""
        with self._lock:
            old, self._instance = self._instance, None
        if old is not None:
            old.close(timeout)

    @property
    def configured(self) -> bool:
        return self._instance is not None

    def _reset_after_fork(self) -> None:
        self._lock = threading.Lock()
