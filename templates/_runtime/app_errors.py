"""What a transactional send or broadcast trigger can end in, as exceptions.

The App API has no idempotency key: a request that reached Customer.io and is sent
again is a second email. So a failure is sorted by one question, *did the request
provably not arrive?*

* ``MessageNotSent``: it did not (connection refused, DNS failure, connect timeout,
  a TLS failure, or ``429`` answers until the attempts ran out). Sending again is safe.
* ``MessageMaybeSent``: it may have (read timeout, connection reset or closed after
  the request was written, a ``5xx``). Sending again may send twice; the application
  decides (check the delivery log, or accept the risk for a password reset).
* ``MessageRejected``: Customer.io answered ``4xx``: it did not send and will not
  (bad data, unknown template, bad key). ``status`` and Customer.io's error text.

No message of these exceptions contains the request body, the recipient or the
App API key: only the operation (``send email``, ``trigger broadcast 7``), the
status and the kind of network failure. Customer.io's error text is shortened and
scrubbed of every string that was in the request (see ``scrub``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any, Final

from .errors import CustomerIOError

MAX_DETAIL: Final = 200
_EMAIL_LIKE: Final = re.compile(r"[^\s@\"'<>,;:]+@[^\s@\"'<>,;:]+")
_PHONE_LIKE: Final = re.compile(r"\+?\d[\d ().-]{6,}\d")
_PIECES: Final = re.compile(r"[^\w-]+")
_REDACTED: Final = "<redacted>"


class AppError(CustomerIOError):
    """Base class of the App client's send and trigger errors."""

    def __init__(self, message: str, *, operation: str, status: int | None = None) -> None:
        super().__init__(message)
        self.operation = operation
        self.status = status

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"


class MessageNotSent(AppError):
    """The request provably did not reach Customer.io; sending again is safe."""


class MessageMaybeSent(AppError):
    """The request may have reached Customer.io: sending again may deliver it twice."""


class MessageRejected(AppError):
    """Customer.io refused the request (``4xx``); ``detail`` is its scrubbed error text."""

    def __init__(self, message: str, *, operation: str, status: int, detail: str) -> None:
        super().__init__(message, operation=operation, status=status)
        self.detail = detail


def _strings(value: Any) -> Iterable[str]:
    """Every string value (not the keys: they are the template's, not the person's)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        yield str(value)


def _error_text(body: bytes) -> str:
    """Customer.io's error message out of its JSON answer (or the raw text)."""
    try:
        data = json.loads(body)
    except ValueError:
        return body.decode("utf-8", "replace")
    if isinstance(data, dict):
        meta = data.get("meta")
        if isinstance(meta, dict) and isinstance(meta.get("error"), str):
            return str(meta["error"])
        errors = data.get("errors")
        if isinstance(errors, list):
            texts = [
                str(e.get("message") or e.get("detail") or e.get("reason") or "")
                for e in errors
                if isinstance(e, dict)
            ]
            return "; ".join(t for t in texts if t)
        if isinstance(data.get("error"), str):
            return str(data["error"])
    return ""


def scrub(body: bytes, sent: Any, secrets: Iterable[str] = ()) -> str:
    """Customer.io's error text, safe for a log line.

    Every string of the request we sent (recipient, identifiers, message data),
    every piece of six characters or more of one, and every secret is replaced by
    ``<redacted>``, then anything shaped like an email address or a phone number,
    then the text is cut to ``MAX_DETAIL`` characters. It over-redacts on purpose.
    """
    text = " ".join(_error_text(body).split())
    values = [*_strings(sent), *secrets]
    # Whole values, and their longer pieces: a token of a URL, an address's local part.
    pieces = [p for v in values for p in _PIECES.split(v) if len(p) >= 6]
    known = {s for s in (*values, *pieces) if len(s) >= 3}
    for value in sorted(known, key=len, reverse=True):
        text = text.replace(value, _REDACTED)
    text = _EMAIL_LIKE.sub(_REDACTED, text)
    text = _PHONE_LIKE.sub(_REDACTED, text)
    if len(text) > MAX_DETAIL:
        text = text[: MAX_DETAIL - 3] + "..."
    return text
