"""Reputation and visibility figures for the overview: KPIs, trends, per-location rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Subquery, and_, func, select
from sqlalchemy.orm import Session

from seo_monitor.db import month_of
from seo_monitor.models import (
    Account,
    DailyMetric,
    DailyMetricGroups,
    Location,
    RatingSnapshot,
    Review,
    ReviewStarMonth,
    StoredReviewScore,
)
from seo_monitor.profile_metrics import GROUP_METRICS
from seo_monitor.queries.common import (
    LocationIds,
    Period,
    as_date,
    days_outside,
    first_of_next_month,
    in_locations,
    month_start,
    week_start_of_time,
    whole_months,
)
from seo_monitor.queries.urgency import negative_column, select_most_urgent, waiting
from seo_monitor.times import utcnow

LIVE = Review.deleted_at.is_(None)
UNANSWERED = and_(LIVE, Review.reply_text.is_(None))


@dataclass(frozen=True)
class Kpis:
    rating: float | None  # Google's figure where known, else computed from stored reviews
    review_count: int
    reviews_in_period: int
    unanswered: int
    views: int
    calls: int
    directions: int
    website_clicks: int


@dataclass(frozen=True)
class LocationRow:
    id: int
    title: str
    rating: float | None
    reviews: int
    reviews_in_period: int
    unanswered: int
    views: int
    calls: int


@dataclass(frozen=True)
class AttentionReview:
    id: int
    location: str
    rating: int | None
    created_at: datetime
    text: str | None
    waiting_days: int = 0  # whole days since the review was written, never negative
    urgency: str = ""  # "new — reply within 48 h (31 h left)", "waiting 12 days", …
    urgent: bool = False  # negative and still in Google's 48-hour reply window


@dataclass(frozen=True)
class LocationChoice:
    id: int
    title: str
    account_id: int | None
    account_name: str | None


def select_location_choices(session: Session) -> list[LocationChoice]:
    rows = session.execute(
        select(Location.id, Location.title, Account.id, Account.account_name)
        .outerjoin(Account, Account.id == Location.account_id)
        .where(Location.active.is_(True))
        .order_by(Location.title)
    ).all()
    return [LocationChoice(*row) for row in rows]


def select_newest_metric_day(session: Session) -> date | None:
    value = session.scalar(select(func.max(DailyMetric.day)))
    return as_date(value) if value is not None else None


def select_first_metric_day(session: Session, location_ids: LocationIds) -> date | None:
    """The first day of profile metrics stored for these locations: a period that starts
    before it is not fully held, and is never compared."""
    value = session.scalar(
        select(func.min(DailyMetric.day)).where(in_locations(DailyMetric.location_id, location_ids))
    )
    return as_date(value) if value is not None else None


def select_kpis(
    session: Session, location_ids: LocationIds, period: Period, metrics_period: Period
) -> Kpis:
    """Reviews and rating for `period`; profile metrics for `metrics_period`, the days of the
    same length up to the newest day Google has reported (it reports two to three days late)."""
    rating, count = select_rating(session, location_ids, period.end)
    metrics = select_metric_totals(session, location_ids, metrics_period)
    in_period = select_new_review_count(session, location_ids, period)
    unanswered = (
        session.scalar(
            select(func.count()).where(
                UNANSWERED,
                in_locations(Review.location_id, location_ids),
                Review.created_at < period.end_time,
            )
        )
        or 0
    )
    return Kpis(
        rating,
        count,
        in_period,
        unanswered,
        metrics.get("views", 0),
        metrics.get("calls", 0),
        metrics.get("directions", 0),
        metrics.get("website_clicks", 0),
    )


def select_new_review_count(session: Session, location_ids: LocationIds, period: Period) -> int:
    """Live reviews written in the period, with or without stars."""
    return int(
        session.scalar(
            select(func.count()).where(
                LIVE,
                in_locations(Review.location_id, location_ids),
                Review.created_at >= period.start_time,
                Review.created_at < period.end_time,
            )
        )
        or 0
    )


def latest_snapshots(session: Session, location_ids: LocationIds, as_of: date) -> Subquery:
    """Google's rating and count per location as last recorded on or before `as_of`."""
    latest_day = (
        select(RatingSnapshot.location_id, func.max(RatingSnapshot.day).label("day"))
        .where(RatingSnapshot.day <= as_of, in_locations(RatingSnapshot.location_id, location_ids))
        .group_by(RatingSnapshot.location_id)
        .subquery()
    )
    return (
        select(
            RatingSnapshot.location_id,
            RatingSnapshot.average_rating,
            RatingSnapshot.total_review_count,
        )
        .join(
            latest_day,
            and_(
                latest_day.c.location_id == RatingSnapshot.location_id,
                latest_day.c.day == RatingSnapshot.day,
            ),
        )
        .subquery()
    )


def select_rating(
    session: Session, location_ids: LocationIds, as_of: date
) -> tuple[float | None, int]:
    """Google's average rating and review count on `as_of` (the latest figure per location,
    weighted by review count). Computed from stored reviews only where Google never gave one:
    before the first recorded day the rating is unknown, not recomputed."""
    google = latest_snapshots(session, location_ids, as_of)
    weighted_stars, google_count = session.execute(
        select(
            func.sum(google.c.average_rating * google.c.total_review_count),
            func.sum(google.c.total_review_count),
        ).where(google.c.average_rating.is_not(None))
    ).one()
    if google_count and weighted_stars is not None:
        return round(float(weighted_stars) / float(google_count), 2), int(google_count)
    recorded = select(RatingSnapshot.id).where(
        in_locations(RatingSnapshot.location_id, location_ids)
    )
    if session.scalar(select(recorded.exists())):
        return None, 0
    computed = session.execute(
        select(func.avg(Review.rating), func.count()).where(
            LIVE,
            in_locations(Review.location_id, location_ids),
            Review.rating.is_not(None),
            Review.created_at < Period(as_of, as_of).end_time,
        )
    ).one()
    return (round(float(computed[0]), 2) if computed[0] is not None else None), int(computed[1])


def select_star_totals(
    session: Session, location_ids: LocationIds, before: datetime
) -> tuple[int, int]:
    """(sum of stars, reviews with stars) of the live reviews written before `before`: the
    whole months from review_star_months, the rest from the reviews of `before`'s own month."""
    month_begins = before.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    months = session.execute(
        select(
            func.sum(ReviewStarMonth.rating * ReviewStarMonth.reviews),
            func.sum(ReviewStarMonth.reviews),
        ).where(
            in_locations(ReviewStarMonth.location_id, location_ids),
            ReviewStarMonth.month < f"{month_begins:%Y-%m}",
        )
    ).one()
    recent = session.execute(
        select(func.sum(Review.rating), func.count(Review.rating)).where(
            LIVE,
            in_locations(Review.location_id, location_ids),
            Review.created_at >= month_begins,
            Review.created_at < before,
        )
    ).one()
    return (
        int(months[0] or 0) + int(recent[0] or 0),
        int(months[1] or 0) + int(recent[1] or 0),
    )


def select_metric_totals(
    session: Session, location_ids: LocationIds, period: Period
) -> dict[str, int]:
    """Each metric group's total over the period; groups Google reported nothing for are left
    out. From the daily group totals: one row per location and day."""
    sums = session.execute(
        select(*(func.sum(column) for column in _group_columns())).where(
            in_locations(DailyMetricGroups.location_id, location_ids),
            DailyMetricGroups.day >= period.start,
            DailyMetricGroups.day <= period.end,
        )
    ).one()
    return {
        group: int(value)
        for group, value in zip(GROUP_METRICS, sums, strict=True)
        if value is not None
    }


def select_weekly_metrics(
    session: Session, location_ids: LocationIds, period: Period
) -> list[tuple[date, str, int]]:
    """(Monday of the week, metric group, total) for the whole weeks (Monday to Sunday) inside
    the period: a part-week would look like a drop. Summed by day in the database and by week
    here (cheaper than a week expression on every row)."""
    period = whole_weeks(period)
    rows = session.execute(
        select(DailyMetricGroups.day, *(func.sum(column) for column in _group_columns()))
        .where(
            in_locations(DailyMetricGroups.location_id, location_ids),
            DailyMetricGroups.day >= period.start,
            DailyMetricGroups.day <= period.end,
        )
        .group_by(DailyMetricGroups.day)
    ).all()
    totals: dict[tuple[date, str], int] = {}
    for day_value, *sums in rows:
        day = as_date(day_value)
        monday = day - timedelta(days=day.weekday())
        for group, value in zip(GROUP_METRICS, sums, strict=True):
            if value is not None:
                totals[(monday, group)] = totals.get((monday, group), 0) + int(value)
    return [(week_, group, value) for (week_, group), value in sorted(totals.items())]


def _group_columns() -> list[Any]:
    """daily_metric_groups' columns, in the order of GROUP_METRICS."""
    return [getattr(DailyMetricGroups, group) for group in GROUP_METRICS]


def whole_weeks(period: Period) -> Period:
    start = period.start + timedelta(days=(7 - period.start.weekday()) % 7)
    end = period.end - timedelta(days=(period.end.weekday() + 1) % 7)
    return Period(start, end)


def select_monthly_reviews(
    session: Session, location_ids: LocationIds, period: Period
) -> list[tuple[str, int, int]]:
    """(YYYY-MM, stars, new reviews) for the months of the period: the whole months from
    review_star_months, the days around them from the reviews."""
    months = whole_months(period, split_at=period.start)
    counts: dict[tuple[str, int], int] = {}
    if months:
        rows = session.execute(
            select(ReviewStarMonth.month, ReviewStarMonth.rating, func.sum(ReviewStarMonth.reviews))
            .where(
                in_locations(ReviewStarMonth.location_id, location_ids),
                ReviewStarMonth.month.in_([f"{month.start:%Y-%m}" for month in months]),
            )
            .group_by(ReviewStarMonth.month, ReviewStarMonth.rating)
        )
        counts.update({(str(m), int(stars)): int(count) for m, stars, count in rows})
    month = month_of(session, Review.created_at).label("month")
    for run in days_outside(period, months):
        rows = session.execute(
            select(month, Review.rating, func.count())
            .where(
                LIVE,
                in_locations(Review.location_id, location_ids),
                Review.rating.is_not(None),
                Review.created_at >= run.start_time,
                Review.created_at < run.end_time,
            )
            .group_by(month, Review.rating)
        )
        for m, stars, count in rows:
            key = (str(m), int(stars))
            counts[key] = counts.get(key, 0) + int(count)
    return [(m, stars, count) for (m, stars), count in sorted(counts.items())]


def select_rating_history(
    session: Session, location_ids: LocationIds, period: Period
) -> list[tuple[date, float]]:
    """(day, average of all stored reviews up to that day): the rating as patients saw it.

    One point at the start of the period (the last known value, so a quiet month still shows
    its rating), then one at the end of each week (periods up to 120 days) or month. Everything
    before the period comes from the counts per month (select_star_totals); only the period's
    reviews are grouped.
    """
    rated = and_(LIVE, Review.rating.is_not(None), in_locations(Review.location_id, location_ids))
    before = select_star_totals(session, location_ids, period.start_time)
    weekly = period.days <= 120
    bucket_of = week_start_of_time if weekly else month_start
    bucket = bucket_of(session, Review.created_at).label("bucket")
    rows = session.execute(
        select(bucket, func.sum(Review.rating), func.count())
        .where(rated, Review.created_at >= period.start_time, Review.created_at < period.end_time)
        .group_by(bucket)
        .order_by(bucket)
    ).all()
    stars, count = before
    history = [(period.start, round(stars / count, 2))] if count else []
    for bucket_start, bucket_stars, bucket_count in rows:
        stars, count = stars + int(bucket_stars or 0), count + int(bucket_count)
        end = bucket_end(as_date(bucket_start), weekly)
        history.append((min(end, period.end), round(stars / count, 2)))
    if history and history[-1][0] < period.end:
        history.append((period.end, history[-1][1]))  # unchanged to the last day
    return history


def bucket_end(start: date, weekly: bool) -> date:
    if weekly:
        return start + timedelta(days=6)
    return first_of_next_month(start) - timedelta(days=1)


def select_location_rows(
    session: Session, location_ids: LocationIds, period: Period, metrics_period: Period
) -> list[LocationRow]:
    """One row per location. Rating and review count are Google's figures (a row per location
    to read); stored reviews are counted only for the period, the unanswered ones, and for
    locations Google never gave figures for."""
    google = latest_snapshots(session, location_ids, period.end)
    # Written as "IN (locations without figures)" so the index is searched, not scanned.
    without_google_figures = select(Location.id).where(
        Location.id.not_in(select(RatingSnapshot.location_id))
    )
    computed = (
        select(
            Review.location_id,
            func.count().label("reviews"),
            func.avg(Review.rating).label("rating"),
        )
        .where(LIVE, Review.location_id.in_(without_google_figures))
        .group_by(Review.location_id)
        .subquery()
    )
    new = (
        select(Review.location_id, func.count().label("new"))
        .where(LIVE, Review.created_at >= period.start_time, Review.created_at < period.end_time)
        .group_by(Review.location_id)
        .subquery()
    )
    unanswered = (
        select(Review.location_id, func.count().label("unanswered"))
        .where(UNANSWERED)
        .group_by(Review.location_id)
        .subquery()
    )
    metrics = (
        select(
            DailyMetricGroups.location_id,
            func.sum(DailyMetricGroups.views).label("views"),
            func.sum(DailyMetricGroups.calls).label("calls"),
        )
        .where(
            DailyMetricGroups.day >= metrics_period.start,
            DailyMetricGroups.day <= metrics_period.end,
        )
        .group_by(DailyMetricGroups.location_id)
        .subquery()
    )
    rows = session.execute(
        select(
            Location.id,
            Location.title,
            func.coalesce(google.c.average_rating, computed.c.rating).label("rating"),
            func.coalesce(google.c.total_review_count, computed.c.reviews).label("reviews"),
            new.c.new,
            unanswered.c.unanswered,
            metrics.c.views,
            metrics.c.calls,
        )
        .outerjoin(google, google.c.location_id == Location.id)
        .outerjoin(computed, computed.c.location_id == Location.id)
        .outerjoin(new, new.c.location_id == Location.id)
        .outerjoin(unanswered, unanswered.c.location_id == Location.id)
        .outerjoin(metrics, metrics.c.location_id == Location.id)
        .where(Location.active.is_(True), in_locations(Location.id, location_ids))
        .order_by(Location.title)
    ).all()
    return [
        LocationRow(
            r.id,
            r.title,
            _rating(r.rating),
            int(r.reviews or 0),
            int(r.new or 0),
            int(r.unanswered or 0),
            int(r.views or 0),
            int(r.calls or 0),
        )
        for r in rows
    ]


def select_unanswered_negative(
    session: Session,
    location_ids: LocationIds,
    max_rating: int = 3,
    limit: int = 10,
    *,
    now: datetime | None = None,
    negative_stars: int = 2,
) -> list[AttentionReview]:
    """The most urgent unanswered reviews at or below `max_rating` stars, as the inbox
    orders them (queries.urgency): a new 1-2★ review first, not the oldest."""
    now = now or utcnow()
    query = (
        select(Review.id, Location.title, Review.rating, Review.created_at, Review.text)
        .add_columns(negative_column(negative_stars))
        .join(Location, Location.id == Review.location_id)
        .outerjoin(StoredReviewScore, StoredReviewScore.review_id == Review.id)
        .where(
            UNANSWERED, Review.rating <= max_rating, in_locations(Review.location_id, location_ids)
        )
    )
    rows = select_most_urgent(session, query, now, negative_stars, limit)
    return [_attention_review(row, now) for row in rows]


def _attention_review(row: Any, now: datetime) -> AttentionReview:
    waited = waiting(row.created_at, now, negative=bool(row.negative))
    return AttentionReview(
        row.id,
        row.title,
        row.rating,
        row.created_at,
        row.text,
        waited.days,
        waited.reason,
        waited.urgent,
    )


def _rating(value: float | None) -> float | None:
    return round(float(value), 2) if value is not None else None
