"""The read model: every query the dashboard, the emails and the CLI summaries use.

Aggregation happens in the database; callers get plain rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from seo_monitor.models import CollectorRun, Location, Review


@dataclass(frozen=True)
class LocationSummary:
    id: int
    name: str
    store_code: str | None
    title: str
    active: bool
    reviews: int
    average_rating: float | None
    unanswered: int


@dataclass(frozen=True)
class LatestRun:
    collector: str
    location_id: int | None
    status: str
    started_at: datetime
    api_calls: int
    error: str | None
    hint: str | None


def select_location_summaries(session: Session) -> list[LocationSummary]:
    live = Review.deleted_at.is_(None)
    stats = (
        select(
            Review.location_id,
            func.count().label("reviews"),
            func.avg(Review.rating).label("average_rating"),
            func.sum(case((Review.reply_text.is_(None), 1), else_=0)).label("unanswered"),
        )
        .where(live)
        .group_by(Review.location_id)
        .subquery()
    )
    rows = session.execute(
        select(
            Location.id,
            Location.name,
            Location.store_code,
            Location.title,
            Location.active,
            stats.c.reviews,
            stats.c.average_rating,
            stats.c.unanswered,
        )
        .outerjoin(stats, stats.c.location_id == Location.id)
        .order_by(Location.title)
    ).all()
    return [
        LocationSummary(
            r.id,
            r.name,
            r.store_code,
            r.title,
            r.active,
            r.reviews or 0,
            float(r.average_rating) if r.average_rating is not None else None,
            int(r.unanswered or 0),
        )
        for r in rows
    ]


def select_latest_runs(session: Session) -> list[LatestRun]:
    """The newest run of each collector for each location (None = account-wide)."""
    newest = (
        select(
            CollectorRun.collector, CollectorRun.location_id, func.max(CollectorRun.id).label("id")
        )
        .group_by(CollectorRun.collector, CollectorRun.location_id)
        .subquery()
    )
    runs = session.scalars(
        select(CollectorRun)
        .join(newest, newest.c.id == CollectorRun.id)
        .order_by(CollectorRun.collector, CollectorRun.location_id)
    ).all()
    return [
        LatestRun(r.collector, r.location_id, r.status, r.started_at, r.api_calls, r.error, r.hint)
        for r in runs
    ]
