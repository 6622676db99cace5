"""Boundary Structs of the alerts domain: the browser's push subscription, the acknowledgement
mutation, the office's alert settings, and the push and group-post payloads."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import msgspec

from app.alerts.kinds import LadderStep
from app.sync.schemas import Mutation

B64Url = Annotated[str, msgspec.Meta(min_length=16, max_length=200, pattern=r"^[A-Za-z0-9_-]+=*$")]
Note = Annotated[str, msgspec.Meta(max_length=200)]


class SubscriptionKeys(msgspec.Struct):
    p256dh: B64Url
    auth: Annotated[str, msgspec.Meta(min_length=16, max_length=100, pattern=r"^[A-Za-z0-9_-]+=*$")]


class SubscriptionIn(msgspec.Struct):
    """What `PushSubscription.toJSON()` gives in the browser, plus a label for the device list."""

    endpoint: Annotated[str, msgspec.Meta(min_length=10, max_length=1000)]
    keys: SubscriptionKeys
    label: Annotated[str, msgspec.Meta(max_length=100)] = ""
    expirationTime: float | None = None  # the browser's name for it; not used


class AlertAcknowledgeData(msgspec.Struct, forbid_unknown_fields=True):
    alert_id: UUID
    note: Note = ""  # e.g. "On my way, there in 10 minutes" (D7: respond, come on site if needed)


class AlertAcknowledge(Mutation, tag="alert.acknowledge"):
    """Acknowledge an alert: the escalation ladder stops (W6, D7)."""

    data: AlertAcknowledgeData


class KindSettings(msgspec.Struct):
    channels: list[str]
    ladder: list[LadderStep]


class OfficeAlertSettings(msgspec.Struct):
    """An office's alert settings with every kind filled in (stored values, else the defaults)."""

    webhook_kind: str
    webhook_url: str
    webhook_secret: str
    kinds: dict[str, KindSettings]

    @property
    def has_webhook(self) -> bool:
        return bool(self.webhook_kind and self.webhook_url)


class PushPayload(msgspec.Struct, omit_defaults=True):
    """What the service worker gets: small (push services cap payloads at about 4 KB)."""

    id: str  # the alert id
    title: str
    body: str
    url: str  # the page to open: the alert's page, with the acknowledge button
    kind: str
    needs_ack: bool = False
    level: int = 0


class Addressee(msgspec.Struct):
    id: int  # staff id
    name: str  # display name when the post was queued


class WebhookPayload(msgspec.Struct):
    """A queued group post: its text, the mobiles it @-mentions, and the people it was for
    (recorded with the delivery, so the record says whom the group channel reached)."""

    text: str
    mobiles: list[str] = []
    to: list[Addressee] = []  # empty for posts naming nobody (acknowledged, test message)

    @property
    def names(self) -> str:
        return "、".join(person.name for person in self.to)
