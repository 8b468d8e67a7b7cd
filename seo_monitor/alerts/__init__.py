"""Alert and digest emails: an outbox that sends each email exactly once over SMTP."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from email.message import EmailMessage

from sqlalchemy.orm import Session, sessionmaker

from seo_monitor.alerts import smtp
from seo_monitor.alerts.outbox import Batch, DeliveryReport, deliver_due
from seo_monitor.alerts.render import compose
from seo_monitor.models import utcnow
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


__all__ = ["send_due"]
