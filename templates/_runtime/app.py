"""`BaseAppClient`: transactional sends and broadcast triggers over the App API.

The generated ``AppClient`` subclasses this with one typed method per message and
broadcast; each validates its data into the generated data class, then calls
``_send_message`` or ``_trigger_broadcast`` here. Everything below is synchronous:
the caller waits for Customer.io's answer and gets the delivery (or trigger) id.

Retries follow one rule (docs/messages.md): the App API has no idempotency key, so
a request is sent again only when it provably did not arrive — the connection was
refused or timed out, the name did not resolve, or Customer.io answered ``429``
(with or without ``Retry-After``). Anything ambiguous raises ``MessageMaybeSent``
at once. ``customerio`` (3.2.0 or later) is imported when the first client is built,
not before; without it that raises ``CustomerioMissing`` with the install line.
"""

from __future__ import annotations

import datetime as _dt
import json
import logging
import os
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Generic, TypeVar

from . import app_channels as _ch
from .app_dependency import customerio_api
from .app_errors import MessageMaybeSent, MessageNotSent, MessageRejected, scrub
from .app_transport import AnswerLost, AppTransport, ConnectFailed, HTTPAppTransport
from .errors import ConfigurationError
from .hooks import _register_fork_reset
from .values import Person
from .wire import _encode_any

_log = logging.getLogger(__name__.rpartition(".")[0])

ENV_APP_API_KEY: Final = "CUSTOMERIO_APP_API_KEY"
ENV_REGION: Final = "CUSTOMERIO_REGION"


@dataclass(frozen=True, slots=True)
class AppConfig:
    """Timeouts and the retry budget of the App client.

    ``max_attempts`` bounds the attempts of one send when it provably did not
    arrive (refused, DNS, connect timeout, ``429``); the pause doubles from
    ``backoff_base`` up to ``backoff_cap``, or follows ``Retry-After`` up to
    ``retry_after_cap`` (broadcast triggers are limited to one per 10 seconds).
    """

    timeout: float = 10.0
    connect_timeout: float = 5.0
    max_attempts: int = 4
    backoff_base: float = 0.25
    backoff_cap: float = 4.0
    retry_after_cap: float = 30.0
    ca_bundle: str | None = None

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ConfigurationError("AppConfig.max_attempts must be at least 1")
        for name in ("timeout", "connect_timeout", "backoff_base", "backoff_cap"):
            if not getattr(self, name) > 0:
                raise ConfigurationError(f"AppConfig.{name} must be positive")
        if self.retry_after_cap < 0:
            raise ConfigurationError("AppConfig.retry_after_cap must not be negative")


def _text(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {type(value).__name__}")
    if not value.strip():
        raise ValueError(f"{name} must not be empty")
    if "\r" in value or "\n" in value:
        raise ValueError(f"{name} must not contain a line break")
    return value


def _flag(value: object, name: str) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be a bool, got {type(value).__name__}")
    return value


def _string_map(value: object, name: str) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise TypeError(f"{name} must be a mapping, got {type(value).__name__}")
    return {_text(k, f"a key of {name}"): _text(v, f"{name}[...]") for k, v in value.items()}


def _json_map(value: object, name: str) -> dict[str, Any]:
    if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
        raise TypeError(f"{name} must be a mapping with str keys")
    out = dict(value)
    try:
        _encode_any(out)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must hold JSON values only ({exc})") from None
    return out


def _strings(value: object, name: str) -> list[str]:
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise TypeError(f"{name} must be a list of str, got {type(value).__name__}")
    return [_text(item, f"each of {name}") for item in value]


def _timestamp(value: object, name: str) -> int:
    if not isinstance(value, _dt.datetime) or value.tzinfo is None:
        raise TypeError(f"{name} must be a timezone-aware datetime")
    return int(value.timestamp())


def _person(value: object, name: str) -> dict[str, str]:
    if isinstance(value, str):
        value = Person.id(value)
    if not isinstance(value, Person):
        raise TypeError(f"{name} must be a Person (Person.id(...), Person.email(...))")
    return value.identifiers()


def _attachments(value: object, name: str) -> dict[str, bytes | str]:
    if not isinstance(value, Mapping):
        raise TypeError(f"{name} must be a mapping of file name to bytes or str")
    total = 0
    out: dict[str, bytes | str] = {}
    for key, content in value.items():
        _text(key, f"an attachment name in {name}")
        if not isinstance(content, bytes | str):
            raise TypeError(f"attachment {key!r} must be bytes or str")
        total += len(content if isinstance(content, bytes) else content.encode("utf-8"))
        out[key] = content
    if total > _ch.MAX_ATTACHMENTS_BYTES:
        raise ValueError(
            f"{name} total {total} bytes; Customer.io accepts at most "
            f"{_ch.MAX_ATTACHMENTS_BYTES} bytes"
        )
    return out


# How each option's value is checked before anything is sent, by its type in
# ``app_channels.OPTION_TYPES``.
_CHECKS: Final[dict[str, Callable[[object, str], Any]]] = {
    "str": _text,
    "bool": _flag,
    "Person": _person,
    "_dt.datetime": _timestamp,
    "_t.Mapping[str, str]": _string_map,
    "_t.Mapping[str, _t.Any]": _json_map,
    "_t.Mapping[str, bytes | str]": _attachments,
    "_t.Sequence[str]": _strings,
}


def _checked_options(allowed: tuple[str, ...], options: Mapping[str, object]) -> dict[str, Any]:
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        raise TypeError(f"unexpected option(s) {', '.join(unknown)}")
    return {
        name: _CHECKS[_ch.OPTION_TYPES[name]](value, name)
        for name, value in options.items()
        if value is not None
    }


def _personal_values(body: Mapping[str, Any]) -> dict[str, Any]:
    """The parts of a request that are the person's (scrubbed from error texts)."""
    return {k: v for k, v in body.items() if k != "transactional_message_id"}


class BaseAppClient:
    """The App API client the generated ``AppClient`` extends.

    ``AppClient(api_key, region="us"|"eu")`` talks to Customer.io;
    ``transport=RecordingAppTransport()`` keeps everything in memory (tests). The
    key is held by the transport only and appears in no repr, log line or error.
    """

    def __init__(
        self,
        api_key: str,
        *,
        region: str = "us",
        base_url: str | None = None,
        config: AppConfig | None = None,
        transport: AppTransport | None = None,
    ) -> None:
        if not isinstance(api_key, str) or not api_key.strip():
            raise ConfigurationError("the App API key must be a non-empty str")
        if region not in ("us", "eu"):
            raise ConfigurationError(f"region must be 'us' or 'eu', not {region!r}")
        # Checked here, not at the first send: a missing or too old customerio shows
        # when the client is built, with the install line (CustomerioMissing).
        self._api: Any = customerio_api()
        self.config = config or AppConfig()
        self.region = region
        self._secrets = (api_key,)
        self._rng = random.Random()
        self._transport: AppTransport = transport or HTTPAppTransport(
            api_key,
            region=region,
            base_url=base_url,
            timeout=self.config.timeout,
            connect_timeout=self.config.connect_timeout,
            ca_bundle=self.config.ca_bundle,
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}(region={self.region!r})"

    def close(self) -> None:
        """Close the HTTP session (its keep-alive connections)."""
        self._transport.close()

    def __enter__(self) -> BaseAppClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- what the generated methods call ---------------------------------------------

    def _send_message(
        self,
        channel: str,
        message_id: int | str,
        message_data: dict[str, Any],
        options: Mapping[str, object],
    ) -> str:
        """Send one transactional message; returns Customer.io's ``delivery_id``."""
        checked = _checked_options(_ch.options(channel), options)
        for name in _ch.REQUIRED_OPTIONS[channel]:
            if name not in checked:
                raise TypeError(f"a {channel} message needs {name}")
        api = self._api
        attachments = checked.pop("attachments", {})
        fields = {_ch.REQUEST_FIELDS.get(k, k): v for k, v in checked.items()}
        request = getattr(api, _ch.REQUEST_TYPES[channel])(
            transactional_message_id=message_id, message_data=message_data, **fields
        )
        for name, content in attachments.items():
            request.attach(name, content)  # base64, as Customer.io expects
        body: dict[str, Any] = request._to_dict()
        answer = self._post(_ch.ROUTES[channel], body, f"send {channel} message")
        delivery_id = answer.get("delivery_id")
        if not isinstance(delivery_id, str | int) or isinstance(delivery_id, bool):
            raise MessageMaybeSent(
                f"send {channel} message: Customer.io accepted it but named no delivery_id",
                operation=f"send {channel} message",
            )
        return str(delivery_id)

    def _trigger_broadcast(
        self, campaign_id: int, data: dict[str, Any], options: Mapping[str, object]
    ) -> int:
        """Trigger one API-triggered broadcast; returns the trigger id."""
        checked = _checked_options(_ch.BROADCAST_OPTIONS, options)
        if "ids" in checked and "emails" in checked:
            raise ValueError("a broadcast trigger takes ids or emails, not both")
        body = {"data": data, **checked}
        operation = f"trigger broadcast {campaign_id}"
        answer = self._post(_ch.BROADCAST_ROUTE.format(campaign_id=campaign_id), body, operation)
        trigger_id = answer.get("id")
        if not isinstance(trigger_id, int) or isinstance(trigger_id, bool):
            raise MessageMaybeSent(
                f"{operation}: Customer.io accepted it but named no trigger id",
                operation=operation,
            )
        return trigger_id

    # -- the one request loop ---------------------------------------------------------

    def _pause(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.config.retry_after_cap)
        cap = min(self.config.backoff_cap, self.config.backoff_base * 2.0 ** (attempt - 1))
        return cap * (0.5 + self._rng.random() / 2)

    def _post(self, path: str, body: dict[str, Any], operation: str) -> dict[str, Any]:
        attempts = self.config.max_attempts
        for attempt in range(1, attempts + 1):
            retry_after: float | None = None
            try:
                response = self._transport.post(path, body)
            except ConnectFailed as exc:
                if not exc.retryable or attempt == attempts:
                    raise MessageNotSent(
                        f"{operation}: not sent ({exc.reason}, {attempt} attempt(s)); "
                        "sending again is safe",
                        operation=operation,
                    ) from None
                reason = exc.reason
            except AnswerLost as exc:
                raise MessageMaybeSent(
                    f"{operation}: may have been sent ({exc.reason}); the App API has no "
                    "idempotency key, so sending again may deliver it twice",
                    operation=operation,
                ) from None
            else:
                status = response.status
                _log.debug("%s: HTTP %d (attempt %d)", operation, status, attempt)
                if 200 <= status < 300:
                    return self._answer(response.body, operation)
                if status == 429 and attempt < attempts:
                    retry_after = response.retry_after()
                    reason = "HTTP 429, rate limited"
                else:
                    raise self._failure(status, response.body, body, operation, attempt)
            pause = self._pause(attempt, retry_after)
            _log.warning(
                "%s: not sent (%s); retrying in %.2f s (attempt %d of %d)",
                operation,
                reason,
                pause,
                attempt + 1,
                attempts,
            )
            time.sleep(pause)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _answer(self, raw: bytes, operation: str) -> dict[str, Any]:
        try:
            answer = json.loads(raw)
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            raise MessageMaybeSent(
                f"{operation}: Customer.io accepted it with an unreadable answer",
                operation=operation,
                status=200,
            )
        return answer

    def _failure(
        self, status: int, raw: bytes, body: dict[str, Any], operation: str, attempt: int
    ) -> Exception:
        if status == 429:
            return MessageNotSent(
                f"{operation}: not sent (HTTP 429, rate limited, {attempt} attempt(s)); "
                "sending again later is safe",
                operation=operation,
                status=429,
            )
        if 400 <= status < 500:
            detail = scrub(raw, _personal_values(body), self._secrets)
            hint = " (check the App API key)" if status in (401, 403) else ""
            return MessageRejected(
                f"{operation}: rejected by Customer.io, HTTP {status}{hint}: {detail}",
                operation=operation,
                status=status,
                detail=detail,
            )
        return MessageMaybeSent(
            f"{operation}: may have been sent (HTTP {status}); the App API has no "
            "idempotency key, so sending again may deliver it twice",
            operation=operation,
            status=status,
        )


def _app_settings(
    environ: Mapping[str, str], given: Mapping[str, Any], region: str
) -> dict[str, Any]:
    settings: dict[str, Any] = {}
    if given.get("api_key") is None:
        key = environ.get(ENV_APP_API_KEY, "").strip()
        if not key:
            raise ConfigurationError(
                f"the Customer.io App client is not configured: environment variable "
                f"{ENV_APP_API_KEY} is not set (or call configure_app(api_key=...))"
            )
        settings["api_key"] = key
    if given.get("region") is None:
        chosen = environ.get(ENV_REGION, "").strip().lower() or region
        if chosen not in ("us", "eu"):
            raise ConfigurationError(f"{ENV_REGION}={chosen!r} is not a valid region; use us or eu")
        settings["region"] = chosen
    return settings


AppClientT = TypeVar("AppClientT", bound=BaseAppClient)


class AppSingleton(Generic[AppClientT]):
    """The process-wide App client behind the generated ``get_app_client()``.

    Built on first ``get()`` from ``CUSTOMERIO_APP_API_KEY`` and ``CUSTOMERIO_REGION``
    (default: the taxonomy's region); ``configure(**kwargs)`` builds it explicitly;
    ``reset()`` closes and forgets it (tests).
    """

    def __init__(
        self,
        factory: Callable[..., AppClientT],
        *,
        default_region: str = "us",
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self._factory = factory
        self._default_region = default_region
        self._environ = environ
        self._lock = threading.Lock()
        self._instance: AppClientT | None = None
        _register_fork_reset(self)

    def _env(self) -> Mapping[str, str]:
        return self._environ if self._environ is not None else os.environ

    def get(self) -> AppClientT:
        with self._lock:
            if self._instance is None:
                settings = _app_settings(self._env(), {}, self._default_region)
                self._instance = self._factory(**settings)
            return self._instance

    def configure(self, **kwargs: Any) -> AppClientT:
        given = {k: v for k, v in kwargs.items() if v is not None}
        client = self._factory(**_app_settings(self._env(), given, self._default_region), **given)
        with self._lock:
            old, self._instance = self._instance, client
        if old is not None:
            old.close()
        return client

    def reset(self) -> None:
        with self._lock:
            old, self._instance = self._instance, None
        if old is not None:
            old.close()

    def _reset_after_fork(self) -> None:
        """In a forked child: forget the parent's client (its keep-alive connections are
        the parent's) without closing it; the child's first use builds its own."""
        self._lock = threading.Lock()
        self._instance = None
