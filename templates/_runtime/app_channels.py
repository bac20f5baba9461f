"""The App API's channels: their routes, the ``customerio`` request type of each, and
the options each channel's send method accepts.

This module is the one table both sides read: the generated App client's methods
take exactly these options, and the compiler (``runtime_facts.app_channels``) reads
this file to refuse a ``message_data`` key that would collide with one of them. It
imports nothing, so the compiler can load it on its own.
"""

from __future__ import annotations

from typing import Final

ROUTES: Final[dict[str, str]] = {
    "email": "/v1/send/email",
    "push": "/v1/send/push",
    "sms": "/v1/send/sms",
    "in_app": "/v1/send/in_app",
    "inbox": "/v1/send/inbox_message",
    "whatsapp": "/v1/send/whatsapp",
}
"""``POST`` route of each channel's transactional send."""

REQUEST_TYPES: Final[dict[str, str]] = {
    "email": "SendEmailRequest",
    "push": "SendPushRequest",
    "sms": "SendSMSRequest",
    "in_app": "SendInAppRequest",
    "inbox": "SendInboxMessageRequest",
    "whatsapp": "SendWhatsAppRequest",
}
"""The class of ``customerio.api`` that maps each channel's fields to its JSON body."""

COMMON_OPTIONS: Final = (
    "identifiers",
    "send_at",
    "language",
    "disable_message_retention",
    "queue_draft",
)
"""Options of every channel (``identifiers`` is required: who the message is for)."""

CHANNEL_OPTIONS: Final[dict[str, tuple[str, ...]]] = {
    "email": (
        "to",
        "from_",
        "reply_to",
        "bcc",
        "subject",
        "preheader",
        "headers",
        "attachments",
        "tracked",
        "send_to_unsubscribed",
    ),
    "push": (
        "to",
        "title",
        "message",
        "image_url",
        "link",
        "sound",
        "custom_data",
        "send_to_unsubscribed",
    ),
    "sms": ("to", "send_to_unsubscribed"),
    "whatsapp": ("to", "tracked", "send_to_unsubscribed"),
    "in_app": (),
    "inbox": (),
}
"""The typed options of each channel besides the common ones."""

REQUIRED_OPTIONS: Final[dict[str, tuple[str, ...]]] = {
    channel: ("identifiers", "to") if channel == "email" else ("identifiers",) for channel in ROUTES
}
"""Options a send cannot do without: the API rejects an email without ``to``."""

REQUEST_FIELDS: Final[dict[str, str]] = {"from_": "_from"}
"""Option names that differ from the request type's keyword (``from`` is a keyword)."""

BROADCAST_OPTIONS: Final = ("ids", "emails", "id_ignore_missing", "email_ignore_missing")
"""Recipients of a broadcast trigger; none means the broadcast's own audience."""

BROADCAST_ROUTE: Final = "/v1/campaigns/{campaign_id}/triggers"

MAX_ATTACHMENTS_BYTES: Final = 2_000_000
"""Customer.io refuses emails whose attachments total more than 2 MB (before base64)."""


def options(channel: str) -> tuple[str, ...]:
    """Every option a ``channel`` send accepts, common ones first."""
    return (*COMMON_OPTIONS, *CHANNEL_OPTIONS[channel])


OPTION_TYPES: Final[dict[str, str]] = {
    "identifiers": "Person",
    "send_at": "_dt.datetime",
    "language": "str",
    "disable_message_retention": "bool",
    "queue_draft": "bool",
    "to": "str",
    "from_": "str",
    "reply_to": "str",
    "bcc": "str",
    "subject": "str",
    "preheader": "str",
    "headers": "_t.Mapping[str, str]",
    "attachments": "_t.Mapping[str, bytes | str]",
    "tracked": "bool",
    "send_to_unsubscribed": "bool",
    "title": "str",
    "message": "str",
    "image_url": "str",
    "link": "str",
    "sound": "str",
    "custom_data": "_t.Mapping[str, _t.Any]",
    "ids": "_t.Sequence[str]",
    "emails": "_t.Sequence[str]",
    "id_ignore_missing": "bool",
    "email_ignore_missing": "bool",
}
"""Each option's type, as the generated method annotates it (and the runtime checks it)."""

OPTION_DOCS: Final[dict[str, str]] = {
    "identifiers": "The person the message is for (Person.id(...), Person.email(...)).",
    "send_at": "Send later, at this aware datetime (Unix seconds on the wire).",
    "language": "The template translation to use, e.g. 'fr'.",
    "disable_message_retention": "Do not keep the message body in Customer.io's delivery log.",
    "queue_draft": "Queue the message as a draft for review instead of sending it.",
    "to": "The recipient: an email address, a device token or a phone number, by channel.",
    "from_": "The sender address, instead of the template's.",
    "reply_to": "The Reply-To address.",
    "bcc": "A blind-copy address.",
    "subject": "The subject line, instead of the template's.",
    "preheader": "The preview text, instead of the template's.",
    "headers": "Extra email headers.",
    "attachments": "File name to content (bytes or text); base64-encoded for you, 2 MB at most.",
    "tracked": "Whether opens and clicks are tracked.",
    "send_to_unsubscribed": "Send even if the person unsubscribed.",
    "title": "The notification title, instead of the template's.",
    "message": "The notification text, instead of the template's.",
    "image_url": "An image shown with the notification.",
    "link": "The deep link opened by a tap.",
    "sound": "The notification sound.",
    "custom_data": "Extra key-value data delivered with the notification.",
    "ids": "Send to these person ids instead of the broadcast's audience.",
    "emails": "Send to these email addresses instead of the broadcast's audience.",
    "id_ignore_missing": "Skip ids that match nobody instead of failing.",
    "email_ignore_missing": "Skip email addresses that match nobody instead of failing.",
}
"""One line per option for the generated methods' ``Args:`` sections."""
