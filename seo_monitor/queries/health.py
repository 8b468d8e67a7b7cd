"""Locations and collector runs: the CLI summary and the data health page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from seo_monitor.models import (
    CollectorRun,
    DailyMetric,
    Location,
    Review,
    SchedulerJob,
    SearchKeyword,
)
from seo_monitor.queries.common import as_date


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


FAILED = ("failed", "interrupted")


@dataclass(frozen=True)
class LatestRun:
    collector: str
    location_id: int | None
    status: str
    started_at: datetime
    api_calls: int
    error: str | None
    hint: str | None

    @property
    def failed(self) -> bool:
        return self.status in FAILED


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
    return _latest_runs(session)


def _latest_runs(session: Session, *conditions: ColumnElement[bool]) -> list[LatestRun]:
    # The newest id per collector and location comes from ix_collector_runs_latest alone: the
    # run history grows by one row per location every review sync.
    newest = (
        select(func.max(CollectorRun.id).label("id"))
        .group_by(CollectorRun.collector, CollectorRun.location_id)
        .subquery()
    )
    rows = session.execute(
        select(
            CollectorRun.collector,
            CollectorRun.location_id,
            CollectorRun.status,
            CollectorRun.started_at,
            CollectorRun.api_calls,
            CollectorRun.error,
            CollectorRun.hint,
        )
        .join(newest, newest.c.id == CollectorRun.id)
        .where(*conditions)
        .order_by(CollectorRun.collector, CollectorRun.location_id)
    )
    return [LatestRun(*row) for row in rows]


@dataclass(frozen=True)
class DatasetFreshness:
    collector: str
    last_success: datetime | None  # when a run of this collector last ended ok or partial
    newest_data: date | None  # the newest day the stored data covers


def select_recent_failures(session: Session, since: datetime) -> list[LatestRun]:
    """The latest run of each collector and location, where it failed since `since`."""
    return _latest_runs(session, CollectorRun.status.in_(FAILED), CollectorRun.started_at >= since)


def select_freshness(session: Session) -> list[DatasetFreshness]:
    success = dict(
        session.execute(
            select(CollectorRun.collector, func.max(CollectorRun.finished_at))
            .where(CollectorRun.status.in_(("ok", "partial")))
            .group_by(CollectorRun.collector)
        ).all()
    )
    newest = {
        "reviews": session.scalar(
            select(func.max(Review.created_at)).where(Review.deleted_at.is_(None))
        ),
        "metrics": session.scalar(select(func.max(DailyMetric.day))),
        "keywords": session.scalar(select(func.max(SearchKeyword.month))),
        "locations": session.scalar(select(func.max(Location.updated_at))),
    }
    return [DatasetFreshness(name, success.get(name), _day(newest[name])) for name in newest]


def _day(value: object) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    return as_date(value)


@dataclass(frozen=True)
class ScheduledJob:
    job_id: str
    last_run_at: datetime | None
    last_status: str | None
    last_error: str | None
    next_run_at: datetime | None


def select_scheduled_jobs(session: Session) -> list[ScheduledJob]:
    rows = session.scalars(select(SchedulerJob).order_by(SchedulerJob.job_id)).all()
    return [
        ScheduledJob(r.job_id, r.last_run_at, r.last_status, r.last_error, r.next_run_at)
        for r in rows
    ]
