"""The email outbox as the dashboard shows it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from seo_monitor.models import Notification


@dataclass(frozen=True)
class EmailRow:
    id: int
    kind: str  # negative, digest, test
    recipient: str
    created_at: datetime
    sent_at: datetime | None
    attempts: int
    last_error: str | None
    status: str  # sent, waiting, retrying, given up


def select_emails(session: Session, max_attempts: int, limit: int = 200) -> list[EmailRow]:
    """The newest emails first, each with where it stands."""
    rows = session.scalars(select(Notification).order_by(Notification.id.desc()).limit(limit))
    return [
        EmailRow(
            row.id,
            row.kind,
            row.recipient,
            row.created_at,
            row.sent_at,
            row.attempts,
            row.last_error,
            _status(row, max_attempts),
        )
        for row in rows
    ]


def _status(row: Notification, max_attempts: int) -> str:
    if row.sent_at is not None:
        return "sent"
    if row.attempts >= max_attempts:
        return "given up"
    return "retrying" if row.attempts else "waiting"
