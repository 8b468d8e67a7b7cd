"""Alert and digest emails: an outbox that sends each email exactly once over SMTP."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from seo_monitor.alerts import smtp
from seo_monitor.alerts.outbox import Batch, DeliveryReport, deliver_due, enqueue, unbuildable
from seo_monitor.alerts.render import CONTROL, compose, digest_html
from seo_monitor.config import Settings
from seo_monitor.errors import UserError
from seo_monitor.models import Location, Notification
from seo_monitor.queries import Period, build_digest, digest_week
from seo_monitor.times import utcnow

# The emails this sender sends; review requests go through the outbox too, at their own pace
# (seo_monitor.review_requests.sending).
ALERT_KINDS = ("negative", "profile", "digest", "test")
REQUEST_KIND = "review_request"


def send_due(
    sessions: sessionmaker[Session],
    settings: Settings,
    now: Callable[[], datetime] = utcnow,
    send: Callable[[EmailMessage], None] | None = None,
) -> DeliveryReport:
    """Send every email that is due, through the configured SMTP server."""
    alerts = settings.alerts

    def composed(batch: Batch) -> EmailMessage:
        return compose(alerts, batch, now())

    def delivered(message: EmailMessage) -> None:
        smtp.send(alerts, message)

    return deliver_due(
        sessions, composed, send or delivered, alerts.max_attempts, now, kinds=ALERT_KINDS
    )


def one_address(text: str) -> str:
    """A single email address typed by a person, or a UserError saying what is wrong with it."""
    if CONTROL.search(text):
        raise UserError("the address contains a line break or another control character")
    if any(mark in text for mark in ",;"):
        raise UserError("give one email address (no commas or semicolons)")
    try:
        return validate_email(text.strip(), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise UserError(f"{text.strip()!r} is not an email address: {exc}") from None


def send_test_email(
    sessions: sessionmaker[Session],
    settings: Settings,
    address: str,
    now: Callable[[], datetime] = utcnow,
    send: Callable[[EmailMessage], None] | None = None,
) -> str | None:
    """Queue a test email to one address and send what is due; None when the test email went
    out, else why it did not (it stays queued and is retried like any other email)."""
    if settings.alerts.from_address is None:
        raise UserError("alerts.from_address is not set: set the sender address in config.toml")
    address = one_address(address)
    key = f"test:{uuid.uuid4().hex}"
    server = f"{settings.alerts.smtp_host}:{settings.alerts.smtp_port}"
    with sessions.begin() as session:
        enqueue(session, key, "test", address, {"server": server}, due=now())
    send_due(sessions, settings, now, send)
    with sessions() as session:
        row = session.scalars(select(Notification).where(Notification.dedupe_key == key)).one()
        return None if row.sent_at else row.last_error or "it is still waiting to be sent"


@dataclass(frozen=True)
class ReadEmail:
    subject: str
    text: str  # the plain-text part, as the recipient reads it


def read_email(session: Session, settings: Settings, notification_id: int) -> ReadEmail | None:
    """An email of the outbox composed again from what was queued, as of when it was sent
    (or queued): the Alerts page shows what went out without a copy of every message."""
    row = session.get(Notification, notification_id)
    if row is None:
        return None
    if row.kind == REQUEST_KIND:  # composed by seo_monitor.review_requests.sending.read_ask
        return None
    batch = Batch(row.kind, row.recipient, (row.id,), (row.payload,), (row.dedupe_key,))
    try:
        message = compose(settings.alerts, batch, row.sent_at or row.created_at)
    except Exception as exc:  # a row the sender gave up on for the same reason
        return ReadEmail(f"email #{row.id}", unbuildable(row.id, exc))
    body = message.get_body(("plain",))
    return ReadEmail(str(message["Subject"]), body.get_content() if body else "")


@dataclass(frozen=True)
class DigestPreview:
    week: Period
    html: str


def preview_digest(
    session: Session, settings: Settings, locations: Sequence[Location], now: datetime | None = None
) -> DigestPreview:
    """Last week's digest for `locations` (in title order) as recipients would see it, built
    now and sent to no one: `seo-monitor alerts preview weekly` and the Alerts page."""
    week = digest_week(now or utcnow(), settings.scheduler.timezone)
    chosen = sorted(locations, key=lambda location: location.title)
    digest = build_digest(session, settings, chosen, week, now)
    return DigestPreview(week, digest_html(settings.alerts, digest))


__all__ = [
    "DigestPreview",
    "ReadEmail",
    "one_address",
    "preview_digest",
    "read_email",
    "send_due",
    "send_test_email",
]
