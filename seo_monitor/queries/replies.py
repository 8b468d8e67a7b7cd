"""Replies: the reply log as rows (the dashboard's page, its CSV download and `seo-monitor reply
log`), and what the reply check needs to know of the review being answered."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from seo_monitor.models import Location, ReplyLog, Review


class ReplyContext(NamedTuple):
    author_name: str | None
    text: str | None
    phone: str | None  # the location's own number: not a patient's


def select_reply_context(session: Session, review_id: int) -> ReplyContext | None:
    row = session.execute(
        select(Review.author_name, Review.text, Location.phone)
        .join(Location, Location.id == Review.location_id)
        .where(Review.id == review_id)
    ).first()
    return None if row is None else ReplyContext(*row)


REPLY_LOG_COLUMNS = (
    "id",
    "when",
    "who",
    "action",
    "location",
    "review",
    "text",
    "findings",
    "override_reason",
    "api_status",
    "api_error",
    "reply_state",
    "policy_violation",
)


def reply_log_rows(session: Session) -> list[dict[str, Any]]:
    """The whole reply log, oldest first, for the dashboard and the CSV export."""
    rows = session.execute(
        select(ReplyLog, Review.external_id, Location.title)
        .join(Review, Review.id == ReplyLog.review_id)
        .join(Location, Location.id == Review.location_id)
        .order_by(ReplyLog.id)
    )
    return [
        {
            "id": entry.id,
            "when": _iso(entry.created_at),
            "who": entry.actor,
            "action": entry.action,
            "location": title,
            "review": external_id,
            "text": entry.text or "",
            "findings": "; ".join(f"{f['category']}: {f['text']}" for f in entry.findings),
            "override_reason": entry.override_reason or "",
            "api_status": entry.api_status,
            "api_error": entry.api_error or "",
            "reply_state": entry.reply_state or "",
            "policy_violation": entry.policy_violation or "",
        }
        for entry, external_id, title in rows
    ]


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")
