"""Alert and digest emails: an outbox that sends each email exactly once over SMTP."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from email.message import EmailMessage

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from seo_monitor.alerts import smtp
from seo_monitor.alerts.outbox import Batch, DeliveryReport, deliver_due, enqueue
from seo_monitor.alerts.render import CONTROL, compose
from seo_monitor.errors import UserError
from seo_monitor.models import Notification, utcnow
from seo_monitor.settings import Settings


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

    return deliver_due(sessions, composed, send or delivered, alerts.max_attempts, now)


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


__all__ = ["one_address", "send_due", "send_test_email"]
