"""A fake Customer.io App API for the App client's tests.

A ``TrackServer`` that speaks the App API instead: ``Authorization: Bearer`` auth,
the transactional send routes (``POST /v1/send/{email,push,sms,in_app,
inbox_message,whatsapp}``) and broadcast triggers (``POST /v1/campaigns/{id}/
triggers``), with the answers Customer.io gives — ``200`` with a delivery (or
trigger) id, ``400`` for a body that is not JSON, ``401`` for a wrong key, ``404``
for an unknown template or campaign, ``422`` for a send the API cannot make (its
error text quotes the recipient, as real ones can, so scrubbing is tested), ``429``
for a second trigger inside the broadcast interval. Faults (``500``, ``503``,
``429``, reset, slow, accept-then-drop) come from ``TrackServer``'s machinery,
scripted or at a rate. HTTPS on 127.0.0.1 only.
"""

from __future__ import annotations

import json
import ssl
import threading
import time
from dataclasses import dataclass
from typing import Any

import trustme

from .track_server import TrackServer, _Handler, _Server

SEND_ROUTES = {
    "/v1/send/email": "email",
    "/v1/send/push": "push",
    "/v1/send/sms": "sms",
    "/v1/send/in_app": "in_app",
    "/v1/send/inbox_message": "inbox",
    "/v1/send/whatsapp": "whatsapp",
}
IDENTIFIER_KEYS = {"id", "email", "cio_id"}


@dataclass(frozen=True)
class AppRequest:
    """A request the fake App API acted on (sent a message or triggered a broadcast)."""

    path: str
    body: dict[str, Any]
    authorization: str


class AppServer(TrackServer):
    """The fake App API: configure, ``start()``, aim an App client at ``url``, inspect
    ``sends`` (every request acted on, duplicates included)."""

    def __init__(
        self,
        *,
        api_key: str = "app-key-s3cr3t",
        ca: trustme.CA | None = None,
        templates: dict[int | str, str] | None = None,
        campaigns: set[int] | None = None,
        broadcast_interval: float = 0.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(api_key=api_key, ca=ca, **kwargs)
        self.templates = templates  # id -> channel; None: every id exists
        self.campaigns = campaigns  # None: every campaign exists
        self.broadcast_interval = broadcast_interval
        self.sends: list[AppRequest] = []
        self._last_trigger: dict[int, float] = {}

    def start(self, port: int = 0) -> AppServer:
        handler = type("Handler", (_AppHandler,), {"track": self})
        httpd = _Server(("127.0.0.1", port), handler)
        if self._ca is not None:
            cert = self._ca.issue_cert("127.0.0.1", "localhost")
            ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            cert.configure_cert(ctx)
            httpd.socket = ctx.wrap_socket(
                httpd.socket, server_side=True, do_handshake_on_connect=False
            )
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, args=(0.02,), daemon=True, name="app-api"
        )
        self._thread.start()
        return self

    def paths(self) -> list[str]:
        with self.lock:
            return [s.path for s in self.sends]


class _AppHandler(_Handler):
    track: AppServer

    def _authorized(self) -> bool:
        return self.headers.get("Authorization", "") == f"Bearer {self.track.api_key}"

    def _route(self, method: str, path: str, raw: bytes) -> tuple[int, Any, int]:
        server = self.track
        if method != "POST":
            return 404, {"meta": {"error": "not found"}}, 0
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            return 400, {"meta": {"error": "request body is not valid JSON"}}, 0
        if not isinstance(body, dict):
            return 400, {"meta": {"error": "request body must be a JSON object"}}, 0
        if path in SEND_ROUTES:
            problem = self._check_send(SEND_ROUTES[path], body)
            if problem is not None:
                return problem
            with server.lock:
                server.sends.append(AppRequest(path, body, self.headers["Authorization"]))
                n = len(server.sends)
            return 200, {"delivery_id": f"dlv-{n}", "queued_at": int(time.time())}, 1
        parts = path.strip("/").split("/")
        if len(parts) == 4 and parts[:2] == ["v1", "campaigns"] and parts[3] == "triggers":
            return self._trigger(parts[2], body, path)
        return 404, {"meta": {"error": "not found"}}, 0

    def _check_send(self, channel: str, body: dict[str, Any]) -> tuple[int, Any, int] | None:
        server = self.track
        message_id = body.get("transactional_message_id")
        if not isinstance(message_id, int | str) or isinstance(message_id, bool):
            return 400, {"meta": {"error": "transactional_message_id is required"}}, 0
        if server.templates is not None and server.templates.get(message_id) != channel:
            return 404, {"meta": {"error": f"{channel} message {message_id} not found"}}, 0
        identifiers = body.get("identifiers")
        if (
            not isinstance(identifiers, dict)
            or len(identifiers) != 1
            or not set(identifiers) <= IDENTIFIER_KEYS
        ):
            return 422, {"meta": {"error": "identifiers must hold one of id, email, cio_id"}}, 0
        if not isinstance(body.get("message_data", {}), dict):
            return 422, {"meta": {"error": "message_data must be an object"}}, 0
        to = body.get("to")
        if channel == "email" and (not isinstance(to, str) or "@" not in to):
            # Customer.io's texts can quote the recipient; the client must scrub it.
            return 422, {"meta": {"error": f"to: {to!r} is not a valid email address"}}, 0
        return None

    def _trigger(self, campaign: str, body: dict[str, Any], path: str) -> tuple[int, Any, int]:
        server = self.track
        if not campaign.isdigit() or (
            server.campaigns is not None and int(campaign) not in server.campaigns
        ):
            return 404, {"meta": {"error": f"campaign {campaign} not found"}}, 0
        if not isinstance(body.get("data", {}), dict):
            return 422, {"meta": {"error": "data must be an object"}}, 0
        now = time.monotonic()
        with server.lock:
            last = server._last_trigger.get(int(campaign))
            if last is not None and now - last < server.broadcast_interval:
                return 429, {"meta": {"error": "rate limited: 1 trigger per 10 seconds"}}, 0
            server._last_trigger[int(campaign)] = now
            server.sends.append(AppRequest(path, body, self.headers["Authorization"]))
            n = len(server.sends)
        return 200, {"id": n}, 1
