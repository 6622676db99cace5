"""Alert tables: push subscriptions, office alert settings, alerts, who was notified, the delivery
queue and the record of everything that happened to an alert (SPEC D7, W6)."""

from piccolo.columns import JSON, UUID, Boolean, ForeignKey, Integer, OnDelete, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.auth.tables import Staff
from app.org.tables import Office


class PushSubscription(Table):
    """One browser on one device of one staff member (a person may have several)."""

    id = Serial(primary_key=True)

    office = ForeignKey(references=Office, null=False, index=True)
    staff = ForeignKey(references=Staff, null=False, index=True, on_delete=OnDelete.cascade)
    endpoint_hash = Varchar(length=64, unique=True)  # SHA-256 of the endpoint: one row per browser
    endpoint = Text()
    p256dh = Varchar(length=200)
    auth = Varchar(length=100)
    label = Varchar(length=100, default="")  # "Chrome on Android", shown in the device list
    created_at = Timestamptz(default=TimestamptzNow())
    last_success_at = Timestamptz(null=True, default=None)


class AlertSettings(Table):
    """Per office: the work-chat robot, and per alert kind its channels and escalation ladder."""

    id = Serial(primary_key=True)

    office = ForeignKey(references=Office, null=False, unique=True)
    webhook_kind = Varchar(length=10, default="")  # "" | wecom | dingtalk
    webhook_url = Varchar(length=500, default="")
    webhook_secret = Varchar(length=200, default="")  # DingTalk 加签 secret (optional)
    kinds = JSON(default={})  # {kind: {"channels": [...], "ladder": [{"to": ..., "wait_minutes": n}]}}
    updated_at = Timestamptz(default=TimestamptzNow())
    updated_by = ForeignKey(references=Staff, null=True, default=None)


class Alert(Table):
    """Something a person must hear about now; with `needs_ack`, the ladder runs until acknowledged."""

    id = UUID(primary_key=True)
    office = ForeignKey(references=Office, null=False, index=True)
    kind = Varchar(length=30)  # app.alerts.kinds.KINDS
    title = Varchar(length=200)
    body = Text(default="")
    url = Varchar(length=500, default="")  # the page of what the alert is about (a work order, a log entry)
    source = Varchar(length=100, default="", index=True)  # e.g. "duty_log:<uuid>": one alert per source
    raised_by = ForeignKey(references=Staff, null=True, default=None)
    raised_at = Timestamptz()
    needs_ack = Boolean(default=False)
    channels = JSON(default=[])  # snapshot at raise time: push, inapp, webhook
    ladder = JSON(default=[])  # snapshot at raise time: [{"to": target, "wait_minutes": n}]
    named = JSON(default=[])  # staff ids named by the caller (target "recipients")
    level = Integer(default=0)  # the ladder step notified last
    next_escalation_at = Timestamptz(null=True, default=None, index=True)
    status = Varchar(length=15, default="open")  # open | acknowledged | info (no acknowledgement needed)
    acknowledged_by = ForeignKey(references=Staff, null=True, default=None)
    acknowledged_at = Timestamptz(null=True, default=None)
    ack_note = Varchar(length=200, default="")


class AlertRecipient(Table):
    """A person notified of an alert, at which ladder step; in-app display and page opening."""

    id = Serial(primary_key=True)

    alert = ForeignKey(references=Alert, null=False, index=True, on_delete=OnDelete.cascade)
    office = ForeignKey(references=Office, null=False)
    staff = ForeignKey(references=Staff, null=False, index=True)
    level = Integer(default=0)
    notified_at = Timestamptz(index=True)
    shown_at = Timestamptz(null=True, default=None)  # first sent to an open page of the app
    opened_at = Timestamptz(null=True, default=None)  # first opened the alert's page


class AlertDelivery(Table):
    """The durable notification queue: pending → sent / failed / gone (DESIGN "Push")."""

    id = UUID(primary_key=True)
    office = ForeignKey(references=Office, null=False, index=True)
    alert = ForeignKey(references=Alert, null=False, index=True, on_delete=OnDelete.cascade)
    staff = ForeignKey(references=Staff, null=True, default=None)  # push: the person; webhook: none
    subscription = ForeignKey(references=PushSubscription, null=True, default=None, on_delete=OnDelete.set_null)
    channel = Varchar(length=10)  # push | webhook
    level = Integer(default=0)
    payload = Text()  # JSON: what is sent (push: title, body, url, id; webhook: text, mentions)
    status = Varchar(length=10, default="pending")  # pending | sending | sent | failed | gone
    attempts = Integer(default=0)
    next_attempt_at = Timestamptz()
    claim = Varchar(length=36, null=True, default=None)  # the drainer holding it while sending
    claimed_until = Timestamptz(null=True, default=None)
    last_status = Integer(null=True, default=None)  # HTTP status of the last attempt
    last_error = Varchar(length=300, default="")
    created_at = Timestamptz()
    sent_at = Timestamptz(null=True, default=None)


class AlertEvent(Table):
    """Append-only record of an alert: raised, notified, delivered, failed, shown, acknowledged, escalated …"""

    id = Serial(primary_key=True)

    alert = ForeignKey(references=Alert, null=False, index=True, on_delete=OnDelete.cascade)
    office = ForeignKey(references=Office, null=False)
    at = Timestamptz()
    action = Varchar(length=20)
    level = Integer(null=True, default=None)
    staff = ForeignKey(references=Staff, null=True, default=None)
    channel = Varchar(length=10, default="")  # push | inapp | webhook | ""
    detail = Varchar(length=300, default="")
