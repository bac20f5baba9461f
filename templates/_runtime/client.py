"""`BaseClient`: the methods every generated client shares."""

from __future__ import annotations

import os
import weakref
from collections.abc import Callable
from datetime import datetime
from json.encoder import encode_basestring as _json_str
from typing import Any, Final, Literal, Self

# Import the submodules by name, never names from the top-level package: the
# customerio-cdp-analytics wheel overwrites ``customerio/__init__.py``. The package
# ships no type information, hence the ignores.
from .config import ClientConfig
from .deadletters import read_dead_letters
from .errors import ConfigurationError, DeliveryError, PayloadTooLargeError
from .ids import _time_ns, _ulid_at
from .limits import (
    MAX_EVENT_DATA_BYTES,
    MAX_EVENT_NAME_BYTES,
    MAX_IDENTIFY_ATTRIBUTES,
    MAX_OPERATION_BYTES,
)
from .pipeline import _Pipeline
from .transport import HTTPTransport, Transport, region_base_url
from .values import ErrorCallback, Person, Stats, _check_identifier
from .wire import (
    _AnonymousEvent,
    _check_attribute,
    _chunks,
    _identifiers,
    _identifiers_json,
    _json_object,
    _name_json,
    _serialize,
    _unix_seconds,
    _utf8,
)

# Per kind of timestamped operation: the data's key and its name in errors, the
# operation's name in errors, the size limit checked at the call, and whether it
# carries a ULID ``id``. Anonymous events travel alone (v1), so only their data
# limit applies.
_OPERATIONS: Final[dict[str, tuple[str, str, str, int, bool]]] = {
    "event": ("attributes", "event data", "event", MAX_OPERATION_BYTES, True),
    "anonymous": ("data", "event data", "anonymous event", MAX_EVENT_DATA_BYTES, True),
    "page": ("attributes", "attributes", "page", MAX_OPERATION_BYTES, True),
    "identify": ("attributes", "attributes", "identify", MAX_OPERATION_BYTES, False),
}


class BaseClient:
    """Base of the generated client: operations, queueing and lifecycle.

    ``mode="background"`` (default) queues operations and returns at once; a daemon
    thread sends them in batches. ``mode="sync"`` sends in the calling thread with the
    same retry policy and raises :class:`DeliveryError` on failure.

    Thread-safe. Fork-safe: a forked child gets an empty queue and its own sender.
    """

    def __init__(
        self,
        site_id: str,
        api_key: str,
        *,
        region: str = "us",
        base_url: str | None = None,
        mode: Literal["background", "sync"] = "background",
        transport: Transport | None = None,
        config: ClientConfig | None = None,
        on_error: ErrorCallback | None = None,
        dead_letter_path: str | os.PathLike[str] | None = None,
    ) -> None:
        """Build a client; nothing is sent until the first operation.

        Args:
            site_id: The workspace's Track API site id.
            api_key: The Track API key of that site id (never logged or shown).
            region: ``"us"`` or ``"eu"``: the Track API host, unless ``base_url`` is given.
            base_url: Send to this host instead (a proxy, a test server).
            mode: ``"background"`` queues and returns; ``"sync"`` sends before returning.
            transport: How requests are made (``RecordingTransport`` in tests).
            config: Batching, retries, queue limits and TLS (``ClientConfig``).
            on_error: Called with ``(failed_operations, reason)`` for what is not delivered.
            dead_letter_path: A JSON-lines file that receives what is not delivered.

        Raises:
            ConfigurationError: an empty ``site_id``/``api_key``, a bad ``mode`` or region.
        """
        if not isinstance(site_id, str) or not site_id.strip():
            raise ConfigurationError("site_id must be a non-empty str")
        if not isinstance(api_key, str) or not api_key.strip():
            raise ConfigurationError("api_key must be a non-empty str")
        if mode not in ("background", "sync"):
            raise ConfigurationError(f"mode must be 'background' or 'sync', got {mode!r}")
        self._region = region.lower() if isinstance(region, str) else region
        region_url = region_base_url(region)
        self._config = config if config is not None else ClientConfig()
        self._base_url = (base_url or region_url).rstrip("/")
        self._mode = mode
        if transport is None:
            transport = HTTPTransport(
                self._base_url,
                site_id,
                api_key,
                timeout=self._config.timeout,
                verify=self._config.verify,
                ca_bundle=self._config.ca_bundle,
                proxy=self._config.proxy,
            )
        self._transport = transport
        pipeline = _Pipeline(
            transport,
            self._config,
            on_error,
            os.fspath(dead_letter_path) if dead_letter_path is not None else None,
            mode == "sync",
            site_id,
        )
        self._pipeline = pipeline
        self._submit: Callable[[bytes], None] = (
            pipeline.put if mode == "background" else (lambda item: pipeline.send_now([item]))
        )
        finalizer = weakref.finalize(self, pipeline.release)
        finalizer.atexit = False  # the runtime's own atexit hook flushes with a timeout

    # -- introspection ------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """Where requests go, e.g. ``https://track-eu.customer.io``."""
        return self._base_url

    @property
    def region(self) -> str:
        """``"us"`` or ``"eu"`` (what ``base_url`` defaults from)."""
        return str(self._region)

    @property
    def config(self) -> ClientConfig:
        """The ``ClientConfig`` this client was built with (frozen)."""
        return self._config

    def __repr__(self) -> str:
        # Never the API key (nor the site id, which identifies the workspace).
        return (
            f"{type(self).__name__}(region={self._region!r}, base_url={self._base_url!r}, "
            f"mode={self._mode!r})"
        )

    def stats(self) -> Stats:
        """A consistent snapshot of the delivery counters (``Stats``: ``queued``,
        ``sent``, ``retried``, ``failed``, ``dropped``, ``pending``, ``requests``)."""
        return self._pipeline.stats()

    # -- operations (the hot path is _track) --------------------------------------------

    def _check_size(self, item: bytes, data_json: str | None, what: str) -> None:
        if data_json is not None:
            data_size = len(data_json.encode("utf-8", "surrogatepass"))
            if data_size > MAX_EVENT_DATA_BYTES:
                raise PayloadTooLargeError(
                    f"{what}: event data is {data_size:,} bytes of JSON; Customer.io accepts "
                    f"at most {MAX_EVENT_DATA_BYTES:,} bytes",
                    size=data_size,
                    limit=MAX_EVENT_DATA_BYTES,
                )
        if type(item) is not _AnonymousEvent and len(item) > MAX_OPERATION_BYTES:
            raise PayloadTooLargeError(
                f"{what}: the operation is {len(item):,} bytes of JSON; the Track API accepts "
                f"at most {MAX_OPERATION_BYTES:,} bytes per batch operation",
                size=len(item),
                limit=MAX_OPERATION_BYTES,
            )

    def _track(
        self,
        person: str | Person,
        name: str,
        data: dict[str, Any],
        timestamp: datetime | None,
        kind: str = "event",
        ids: str = "",
    ) -> str:
        """Queue a person event; returns its ULID (also sent as the event ``id``).

        Also the one builder of every timestamped operation, chosen by ``kind``:
        ``"event"``, ``"anonymous"`` (``person`` is the anonymous id), ``"page"`` and
        ``"identify"`` (no name, no id; returns ""; ``ids`` is the identifiers JSON
        ``_identify`` already built). Validation runs in argument order
        (person, name, timestamp, data), in the caller's thread; the typed event
        methods call this directly, so the hot path is one call deep.
        """
        if kind == "event":
            head = (
                f'{{"type":"person","identifiers":{_identifiers_json(person)},"action":"event",'
                f'"name":{_name_json(name, "event name", MAX_EVENT_NAME_BYTES)}'
            )
        elif kind == "anonymous":
            anon = _json_str(_check_identifier(person, "anonymous_id"))
            head = f'{{"anonymous_id":{anon},"name":{_name_json(name, "event name", MAX_EVENT_NAME_BYTES)}'
        elif kind == "page":
            head = (
                f'{{"type":"person","identifiers":{_identifiers_json(person)},"action":"page",'
                f'"name":{_name_json(name, "page name", None)}'
            )
        else:
            head = (
                f'{{"type":"person","identifiers":{ids or _identifiers_json(person)},'
                '"action":"identify"'
            )
        data_key, data_what, label, limit, with_id = _OPERATIONS[kind]
        now = _time_ns()
        ts = now // 1_000_000_000 if timestamp is None else _unix_seconds(timestamp, "timestamp")
        data_json = _json_object(data, data_what)
        if with_id:
            ulid = _ulid_at(now // 1_000_000)
            text = f'{head},"id":"{ulid}","timestamp":{ts},"{data_key}":{data_json}}}'
        else:
            ulid = ""
            text = f'{head},"timestamp":{ts},"{data_key}":{data_json}}}'
        try:  # _utf8, inlined: this is the hot path
            item = text.encode("utf-8")
        except UnicodeEncodeError:
            item = _utf8(text, label)
        if kind == "anonymous":
            item = _AnonymousEvent(item)
        if len(item) > limit:
            named = kind in ("event", "anonymous")
            self._check_size(item, data_json, f"{label} {name!r}" if named else label)
        self._submit(item)
        return ulid

    def _track_anonymous(
        self,
        anonymous_id: str,
        name: str,
        data: dict[str, Any],
        timestamp: datetime | None,
    ) -> str:
        """Queue an anonymous event (sent alone to ``POST /api/v1/events``, because the
        v2 batch cannot carry one); returns its ULID."""
        return self._track(anonymous_id, name, data, timestamp, "anonymous")

    def _identify(
        self,
        person: str | Person,
        attributes: dict[str, Any],
        timestamp: datetime | None,
    ) -> None:
        """Queue an identify (create or update a person's attributes).

        The person is checked first, as in every call, and its identifiers JSON is
        built once: the attribute checks below and the operation share it."""
        ids = _identifiers_json(person)
        if len(attributes) > MAX_IDENTIFY_ATTRIBUTES:
            raise ValueError(
                f"identify has {len(attributes)} attributes; Customer.io accepts at most "
                f"{MAX_IDENTIFY_ATTRIBUTES} per call"
            )
        if isinstance(attributes, dict):
            for key, value in attributes.items():
                if (
                    (type(key) is str and len(key) > 37)
                    or (type(value) is str and len(value) > 250)
                    or type(value) in (dict, list)
                ):
                    _check_attribute(key, value)
        self._track(person, "", attributes, timestamp, "identify", ids)

    def page(
        self,
        person: str | Person,
        name: str,
        *,
        attributes: dict[str, Any] | None = None,
        timestamp: datetime | None = None,
    ) -> str:
        """Record a page view: a ``"page"`` operation of ``POST /api/v2/batch``.

        Queued, not sent before returning (``mode="sync"``: sent, ``DeliveryError`` on
        failure). Returns the ULID sent as its ``id``: a retried copy is dropped as a
        duplicate.

        Args:
            person: A person id (``str``) or a ``Person`` (id, email or cio_id).
            name: The page, usually its URL (non-empty).
            attributes: JSON-safe data about the view, at most 100,000 bytes of JSON.
            timestamp: When it happened (timezone-aware); defaults to now.

        Raises:
            TypeError, IdentifierError, ValueError, PayloadTooLargeError: invalid
                arguments, checked in the calling thread.
            QueueFullError: the queue is full and ``overflow`` is ``"raise"``/``"block"``.
            ClientClosedError: the client is closed.
        """
        return self._track(
            person, name, attributes if attributes is not None else {}, timestamp, "page"
        )

    def _simple(self, person: str | Person, action: str, extra: dict[str, Any]) -> None:
        op: dict[str, Any] = {
            "type": "person",
            "identifiers": _identifiers(person),
            "action": action,
        }
        op.update(extra)
        item = _serialize(op, action)
        if len(item) > MAX_OPERATION_BYTES:
            self._check_size(item, None, action)
        self._submit(item)

    def suppress(self, person: str | Person) -> None:
        """Suppress the person (``"suppress"`` operation of ``POST /api/v2/batch``):
        Customer.io deletes them and ignores any later operation for that identifier.

        Queued, not sent before returning; in ``mode="sync"`` failures raise
        ``DeliveryError``. Raises ``TypeError``/``IdentifierError`` for an invalid
        person, ``QueueFullError`` or ``ClientClosedError`` when it cannot be queued.
        """
        self._simple(person, "suppress", {})

    def unsuppress(self, person: str | Person) -> None:
        """Lift a suppression (``"unsuppress"`` operation of ``POST /api/v2/batch``):
        the identifier can be added again; the deleted profile is not restored.

        Queued, not sent before returning; in ``mode="sync"`` failures raise
        ``DeliveryError``. Raises ``TypeError``/``IdentifierError`` for an invalid
        person, ``QueueFullError`` or ``ClientClosedError`` when it cannot be queued.
        """
        self._simple(person, "unsuppress", {})

    def delete(self, person: str | Person) -> None:
        """Delete the person and their data (``"delete"`` operation of
        ``POST /api/v2/batch``); a later identify creates them anew.

        Queued, not sent before returning; in ``mode="sync"`` failures raise
        ``DeliveryError``. Raises ``TypeError``/``IdentifierError`` for an invalid
        person, ``QueueFullError`` or ``ClientClosedError`` when it cannot be queued.
        """
        self._simple(person, "delete", {})

    def add_device(
        self,
        person: str | Person,
        token: str,
        platform: Literal["ios", "android"],
        *,
        last_used: datetime | None = None,
        attributes: dict[str, str] | None = None,
    ) -> None:
        """Add or refresh a push device (``"add_device"`` of ``POST /api/v2/batch``).

        Queued, not sent before returning (``mode="sync"``: sent, ``DeliveryError``).

        Args:
            person: A person id (``str``) or a ``Person``.
            token: The device token from APNs or FCM (non-empty).
            platform: ``"ios"`` or ``"android"``.
            last_used: When the device was last used (timezone-aware); defaults to now.
            attributes: Device attributes, ``str`` to ``str``.

        Raises:
            TypeError, IdentifierError, ValueError: invalid arguments, at the call.
            QueueFullError, ClientClosedError: it cannot be queued.
        """
        if not isinstance(token, str) or not token.strip():
            raise ValueError("device token must be a non-empty str")
        if platform not in ("ios", "android"):
            raise ValueError(f"platform must be 'ios' or 'android', got {platform!r}")
        device: dict[str, Any] = {
            "token": token,
            "platform": platform,
            "last_used": (
                _time_ns() // 1_000_000_000
                if last_used is None
                else _unix_seconds(last_used, "last_used")
            ),
        }
        if attributes:
            for key, value in attributes.items():
                if not isinstance(key, str) or not isinstance(value, str):
                    raise TypeError(
                        f"device attributes must map str to str, got {key!r}: "
                        f"{type(value).__name__}"
                    )
            device["attributes"] = dict(attributes)
        self._simple(person, "add_device", {"device": device})

    def delete_device(self, person: str | Person, token: str) -> None:
        """Remove a push device by its token (``"delete_device"`` of ``POST /api/v2/batch``).

        Queued, not sent before returning; in ``mode="sync"`` failures raise
        ``DeliveryError``. Raises ``TypeError``/``IdentifierError`` for an invalid
        person, ``ValueError`` for an empty
        token, ``QueueFullError`` or ``ClientClosedError`` when it cannot be queued.
        """
        if not isinstance(token, str) or not token.strip():
            raise ValueError("device token must be a non-empty str")
        self._simple(person, "delete_device", {"device": {"token": token}})

    def merge(self, primary: str | Person, secondary: str | Person) -> None:
        """Merge ``secondary`` into ``primary`` (``"merge"`` of ``POST /api/v2/batch``).

        ``primary`` remains and ``secondary`` is deleted; not reversible. If ``primary``
        does not exist yet, Customer.io does nothing. Queued, not sent before returning
        (``mode="sync"``: sent, ``DeliveryError`` on failure).

        Raises:
            TypeError, IdentifierError: an invalid identifier.
            ValueError: both name the same person.
            QueueFullError, ClientClosedError: it cannot be queued.
        """
        first = _identifiers(primary, "primary")
        second = _identifiers(secondary, "secondary")
        if first == second:
            raise ValueError("cannot merge a person into itself")
        op = {"type": "person", "action": "merge", "primary": first, "secondary": second}
        self._submit(_serialize(op, "merge"))

    # -- lifecycle ----------------------------------------------------------------------

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every operation queued before this call is delivered or failed.

        Returns False if ``timeout`` seconds passed first (``None``: no limit; each
        batch is still bounded by ``retry_budget``).
        """
        return self._pipeline.flush(timeout)

    def close(self, timeout: float | None = None) -> None:
        """Flush, then stop. Operations still undelivered after ``timeout`` seconds are
        reported failed (``on_error``, dead-letter file). Idempotent."""
        self._pipeline.close(timeout)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def replay_dead_letters(
        self, path: str | os.PathLike[str], *, timeout: float | None = None
    ) -> int:
        """Queue again every operation of a dead-letter file; returns how many.

        Events keep their ULIDs, so replaying something that did arrive is harmless:
        the API drops the duplicate. Waits for queue room whatever the overflow policy
        (``timeout`` per operation). Move the file aside before replaying if it is this
        client's own dead-letter file, since new failures are appended to it.
        """
        items = read_dead_letters(path)
        if self._mode == "sync":
            ops = [i for i in items if type(i) is not _AnonymousEvent]
            singles = [i for i in items if type(i) is _AnonymousEvent]
            chunks = _chunks(ops, self._config.batch_size, self._config.max_batch_bytes)
            chunks.extend([single] for single in singles)
            failures: list[DeliveryError] = []
            for chunk in chunks:
                try:
                    self._pipeline.send_now(chunk)
                except DeliveryError as exc:
                    failures.append(exc)
            if failures:
                failed = [f for exc in failures for f in exc.failed]
                raise DeliveryError(
                    f"replay: {len(failed)} of {len(items)} operation(s) not delivered",
                    status=failures[-1].status,
                    reason=failures[-1].reason,
                    failed=failed,
                )
            return len(items)
        for item in items:
            self._pipeline.put_blocking(item, timeout)
        return len(items)
