"""One App API request over HTTPS, on the ``customerio`` package's ``APIClient``.

``APIClient`` does several things well and is used for them: its ``requests``
session with TCP keep-alive, the ``Authorization: Bearer`` header, the region hosts,
the ``User-Agent``. Two things it does are unsafe for messages and are replaced:

* its ``urllib3.Retry(total=3, allowed_methods=None, status_forcelist=[500, ...])``
  re-sends a ``POST`` that timed out after Customer.io accepted it (two password
  resets). The session here mounts the same keep-alive adapter with *no* retry; the
  caller (``app.BaseAppClient``) retries only what provably did not arrive;
* its ``CustomerIOException`` message embeds the request body and the answer. Here a
  failure becomes ``ConnectFailed`` (provably not sent) or ``AnswerLost`` (may have
  been sent) carrying only the kind of failure, never a URL's query, body or key.

``customerio`` is imported on the first ``HTTPAppTransport()``, never by importing
this module: the tracking path does not pay for ``requests``.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Protocol

from .app_dependency import customerio_api
from .wire import _encode_any


@dataclass(frozen=True, slots=True)
class AppResponse:
    """An HTTP answer: status, lower-cased headers, raw body."""

    status: int
    body: bytes = b"{}"
    headers: Mapping[str, str] = field(default_factory=dict)

    def retry_after(self) -> float | None:
        """``Retry-After`` in seconds (delta-seconds or an HTTP-date), None if absent."""
        value = self.headers.get("retry-after")
        if value is None:
            return None
        value = value.strip()
        if value.isdigit():
            return float(value)
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return max(0.0, (when - datetime.now(UTC)).total_seconds())


class ConnectFailed(Exception):
    """The request never left: nothing reached Customer.io. ``retryable`` is False
    for failures that another attempt cannot fix (a certificate that does not verify)."""

    def __init__(self, reason: str, *, retryable: bool = True) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable


class AnswerLost(Exception):
    """The request may have been received and acted on, but no answer came back."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class AppTransport(Protocol):
    """What the App client sends through: one ``POST`` of a JSON object."""

    def post(self, path: str, body: dict[str, Any]) -> AppResponse: ...

    def close(self) -> None: ...


# (class name anywhere in the failure's chain, reason, provably not sent, retryable).
# Signs that the request was written come first: when a chain shows both, the
# answer is "maybe sent", the side that cannot cause a duplicate.
_FAILURES: tuple[tuple[str, str, bool, bool], ...] = (
    ("ReadTimeoutError", "read timed out after the request was sent", False, False),
    ("ReadTimeout", "read timed out after the request was sent", False, False),
    ("RemoteDisconnected", "connection closed before an answer", False, False),
    ("ConnectionResetError", "connection reset after the request was sent", False, False),
    ("ProtocolError", "connection broken before an answer", False, False),
    ("NameResolutionError", "DNS lookup failed", True, True),
    ("gaierror", "DNS lookup failed", True, True),
    ("SSLCertVerificationError", "TLS certificate did not verify", True, False),
    ("ConnectionRefusedError", "connection refused", True, True),
    ("NewConnectionError", "could not connect", True, True),
    ("ConnectTimeoutError", "connect timed out", True, True),
    ("ConnectTimeout", "connect timed out", True, True),
)


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception, what it wraps (``args[0]``, ``.reason``) and its causes, bounded."""
    seen: list[BaseException] = []
    todo: list[BaseException] = [exc]
    while todo and len(seen) < 20:
        item = todo.pop(0)
        if any(item is s for s in seen):
            continue
        seen.append(item)
        linked = [getattr(item, "reason", None), item.__cause__, item.__context__]
        linked += [a for a in item.args if isinstance(a, BaseException)]
        todo += [x for x in linked if isinstance(x, BaseException)]
    return seen


def classify_failure(exc: BaseException) -> ConnectFailed | AnswerLost:
    """What a network exception means for the message: provably not sent, or maybe sent.

    Anything not recognised as a failure before the request was written counts
    as *maybe sent*: wrongly saying "not sent" would invite a duplicate.
    """
    names = {cls.__name__ for item in _chain(exc) for cls in type(item).__mro__}
    for name, reason, not_sent, retryable in _FAILURES:
        if name in names:
            if not_sent:
                return ConnectFailed(reason, retryable=retryable)
            return AnswerLost(reason)
    return AnswerLost(f"network error ({type(exc).__name__}) after the request may have been sent")


@functools.cache
def _api_client_class() -> type[Any]:
    """``customerio.api.APIClient`` with its retrying session replaced (imported here,
    on first use)."""
    api: Any = customerio_api()  # CustomerioMissing, with the install line, if absent
    base: Any = importlib.import_module("customerio.client_base")
    retry_module: Any = importlib.import_module("urllib3.util.retry")

    class _APIClient(api.APIClient):  # type: ignore[misc]
        def _build_session(self) -> Any:
            session = super()._build_session()  # User-Agent, Bearer auth, keep-alive
            no_retry = retry_module.Retry(
                total=0, connect=0, read=False, redirect=0, status=0, raise_on_status=False
            )
            adapter = base.TCPKeepAliveHTTPAdapter(max_retries=no_retry)
            session.mount("https://", adapter)
            session.mount("http://", adapter)
            return session

        def __repr__(self) -> str:
            return "<customerio APIClient (key hidden)>"

    return _APIClient


def _region(name: str) -> Any:
    regions: Any = importlib.import_module("customerio.regions")
    return regions.Regions.EU if name == "eu" else regions.Regions.US


class HTTPAppTransport:
    """Sends App API requests with ``customerio``'s session and no automatic retry."""

    def __init__(
        self,
        api_key: str,
        *,
        region: str = "us",
        base_url: str | None = None,
        timeout: float = 10.0,
        connect_timeout: float = 5.0,
        ca_bundle: str | None = None,
    ) -> None:
        self._client = _api_client_class()(api_key, url=base_url, region=_region(region))
        self._timeout = (connect_timeout, timeout)
        # Per request: a session-level `verify` loses to REQUESTS_CA_BUNDLE.
        self._verify: str | bool = ca_bundle if ca_bundle is not None else True

    @property
    def base_url(self) -> str:
        return str(self._client.url)

    def post(self, path: str, body: dict[str, Any]) -> AppResponse:
        try:
            response = self._client.http.request(
                "POST",
                url=self._client.url + path,
                # Encoded here, not by requests: Decimals go out as their exact digits.
                data=_encode_any(self._client._sanitize(body)).encode("utf-8"),
                headers={"Content-Type": "application/json"},
                timeout=self._timeout,
                verify=self._verify,
            )
        except Exception as exc:  # every requests/urllib3/socket failure
            raise classify_failure(exc) from None
        try:
            content = bytes(response.content)
        except Exception as exc:  # the body broke off mid-read: it was received
            raise AnswerLost(f"answer broke off ({type(exc).__name__})") from None
        headers = {str(k).lower(): str(v) for k, v in response.headers.items()}
        return AppResponse(int(response.status_code), content, headers)

    def close(self) -> None:
        self._client.close()

    def __repr__(self) -> str:
        return f"HTTPAppTransport({self.base_url!r})"
