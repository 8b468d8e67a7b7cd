"""Reputation KPIs, the review inbox and topic trends."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import Session

from seo_monitor.models import (
    GOOGLE_SOURCE,
    Location,
    Review,
    ReviewTopic,
    ReviewTopicDay,
    ReviewTopicMonth,
    StoredReviewScore,
)
from seo_monitor.queries.common import (
    LocationIds,
    Period,
    days_outside,
    hours_between,
    in_locations,
    select_median,
    whole_months,
)
from seo_monitor.queries.overview import LIVE, UNANSWERED, select_rating, select_star_totals
from seo_monitor.queries.urgency import negative_column, select_most_urgent, waiting
from seo_monitor.sentiment.lexicon import TOPIC_BY_KEY
from seo_monitor.times import utcnow

VELOCITY_DAYS = 30
BASELINE_DAYS = 90


@dataclass(frozen=True)
class Reputation:
    rating: float | None  # Google's where known
    computed_rating: float | None  # from the stored reviews (all sources)
    review_count: int
    velocity: int  # new reviews in the 30 days up to the end of the period
    baseline: float  # new reviews per 30 days over the 90 days before that
    response_rate: float | None  # share of the period's reviews with an owner reply
    median_reply_hours: float | None  # for the period's replied reviews
    reviews_needed: int | None  # new 5-star reviews to reach the target rating
    target_rating: float

    @property
    def velocity_change(self) -> float | None:
        """+0.25 means a quarter more reviews than usual; None without a baseline."""
        return self.velocity / self.baseline - 1 if self.baseline else None


def reviews_needed(star_sum: float, count: int, target: float) -> int | None:
    """The smallest k with (S + 5k) / (N + k) >= target, assuming every new review is 5 stars
    (docs/reviews.md). 0 when the rating is already there; None when 5 stars cannot reach it."""
    if count and star_sum / count >= target:
        return 0
    if target >= 5:
        return None if count and star_sum < 5 * count else 0
    # (S + 5k) >= target (N + k)  <=>  k >= (target N - S) / (5 - target)
    return max(0, math.ceil((target * count - star_sum) / (5 - target) - 1e-9))


def select_reputation(
    session: Session, location_ids: LocationIds, period: Period, target: float
) -> Reputation:
    rating, google_count = select_rating(session, location_ids, period.end)
    stars = select_star_totals(session, location_ids, period.end_time)
    computed = stars[0] / stars[1] if stars[1] else None
    if rating is not None and google_count:
        needed = reviews_needed(rating * google_count, google_count, target)
    else:
        needed = reviews_needed(stars[0], stars[1], target) if stars[1] else None
    velocity, baseline = _velocity(session, location_ids, period.end_time)
    rate, median = _replies(session, location_ids, period)
    return Reputation(
        rating=rating,
        computed_rating=round(computed, 2) if computed is not None else None,
        review_count=google_count or stars[1],
        velocity=velocity,
        baseline=baseline,
        response_rate=rate,
        median_reply_hours=median,
        reviews_needed=needed,
        target_rating=target,
    )


def _velocity(session: Session, location_ids: LocationIds, end: datetime) -> tuple[int, float]:
    recent_start = end - timedelta(days=VELOCITY_DAYS)
    baseline_start = recent_start - timedelta(days=BASELINE_DAYS)
    recent, earlier = session.execute(
        select(
            func.count(case((Review.created_at >= recent_start, 1))),
            func.count(case((Review.created_at < recent_start, 1))),
        ).where(
            LIVE,
            in_locations(Review.location_id, location_ids),
            Review.created_at >= baseline_start,
            Review.created_at < end,
        )
    ).one()
    return int(recent), round(int(earlier) * VELOCITY_DAYS / BASELINE_DAYS, 1)


def _replies(
    session: Session, location_ids: LocationIds, period: Period
) -> tuple[float | None, float | None]:
    """Response rate and median hours to the reply, over the reviews written in the period.

    Google gives the time the reply was last updated, not first posted: an edited reply
    counts from its edit, so the median errs long, never short."""
    in_period = (
        LIVE,
        in_locations(Review.location_id, location_ids),
        Review.created_at >= period.start_time,
        Review.created_at < period.end_time,
    )
    total = session.scalar(select(func.count()).where(*in_period))
    if not total:
        return None, None
    # Answered reviews from their own index: the rate and the median read no review rows.
    answered = (*in_period, Review.reply_text.is_not(None))
    timed = Review.reply_updated_at >= Review.created_at
    replied, timed_count = session.execute(
        select(func.count(), func.count(case((timed, 1)))).where(*answered)
    ).one()
    delays = select(hours_between(session, Review.created_at, Review.reply_updated_at)).where(
        *answered, timed
    )
    median = select_median(session, delays, int(timed_count))
    return round(int(replied) / int(total), 3), round(median, 1) if median is not None else None


@dataclass(frozen=True)
class InboxFilter:
    location_ids: LocationIds = None
    needs_reply: bool = True  # unanswered and not deleted
    stars: Sequence[int] = ()  # empty: any
    polarity: str | None = None  # negative, neutral, positive
    topic: str | None = None  # only reviews that are negative about this topic
    concern: str | None = None  # clinical or operational
    flagged_only: bool = False
    source: str | None = None
    since: date | None = None
    until: date | None = None
    review_id: int | None = None  # one review (an email's link to it)

    @property
    def reads_scores(self) -> bool:
        return bool(self.polarity or self.concern or self.flagged_only)


@dataclass(frozen=True)
class TopicMention:
    key: str
    label: str
    concern: str
    negative: bool


@dataclass(frozen=True)
class InboxReview:
    id: int
    location: str
    source: str
    rating: int | None
    text: str | None
    author: str | None
    created_at: datetime
    replied: bool
    reply_state: str | None
    priority: int | None  # None: not scored yet
    polarity: str | None
    flagged: bool
    concern: str | None
    reasons: list[str]
    google_url: str | None
    location_phone: str | None = None  # the clinic's own number: fine in a reply
    topics: list[TopicMention] = field(default_factory=list)
    waiting_days: int = 0  # whole days since the review was written, never negative
    urgency: str = ""  # why it is where it is: "new — reply within 48 h (31 h left)", …
    urgent: bool = False  # negative and still in Google's 48-hour reply window


def select_inbox(
    session: Session,
    filters: InboxFilter,
    limit: int = 50,
    offset: int = 0,
    *,
    now: datetime | None = None,
    negative_stars: int = 2,
) -> tuple[list[InboxReview], int]:
    """One page of reviews, most urgent first (queries.urgency); and how many match."""
    now = now or utcnow()
    query = _inbox_query(filters).add_columns(negative_column(negative_stars))
    # Counted from the reviews alone (their partial indexes) unless a filter reads the score:
    # the joins never remove a row, but SQLite still reads every match through them (5x).
    counted = select(func.count()).select_from(Review)
    if filters.reads_scores:
        counted = counted.outerjoin(StoredReviewScore, StoredReviewScore.review_id == Review.id)
    total = session.scalar(_inbox_filtered(counted, filters)) or 0
    rows = select_most_urgent(session, query, now, negative_stars, limit, offset)
    topics = _topics_of(session, [row.id for row in rows])
    return [_inbox_review(row, topics.get(row.id, []), now) for row in rows], int(total)


def _inbox_review(row: Any, topics: list[TopicMention], now: datetime) -> InboxReview:
    waited = waiting(row.created_at, now, negative=bool(row.negative))
    return InboxReview(
        id=row.id,
        location=row.title,
        source=row.source,
        rating=row.rating,
        text=row.text,
        author=row.author_name,
        created_at=row.created_at,
        replied=row.reply_text is not None,
        reply_state=row.reply_state,
        priority=row.priority,
        polarity=row.polarity,
        flagged=bool(row.flagged),
        concern=row.concern,
        reasons=list(row.reasons or []),
        google_url=row.maps_uri if row.source == "google" else None,
        location_phone=row.phone,
        topics=topics,
        waiting_days=waited.days,
        urgency="answered" if row.reply_text is not None else waited.reason,
        urgent=waited.urgent,
    )


def _inbox_query(filters: InboxFilter) -> Select[*tuple[Any, ...]]:
    query: Select[*tuple[Any, ...]] = (
        select(
            Review.id,
            Location.title,
            Location.maps_uri,
            Location.phone,
            Review.source,
            Review.rating,
            Review.text,
            Review.author_name,
            Review.created_at,
            Review.reply_text,
            Review.reply_state,
            StoredReviewScore.priority,
            StoredReviewScore.polarity,
            StoredReviewScore.flagged,
            StoredReviewScore.concern,
            StoredReviewScore.reasons,
        )
        .join(Location, Location.id == Review.location_id)
        .outerjoin(StoredReviewScore, StoredReviewScore.review_id == Review.id)
    )
    return _inbox_filtered(query, filters)


def _inbox_filtered(
    query: Select[*tuple[Any, ...]], filters: InboxFilter
) -> Select[*tuple[Any, ...]]:
    query = query.where(UNANSWERED if filters.needs_reply else LIVE).where(
        in_locations(Review.location_id, filters.location_ids)
    )
    if filters.stars:
        query = query.where(Review.rating.in_(list(filters.stars)))
    if filters.polarity:
        query = query.where(StoredReviewScore.polarity == filters.polarity)
    if filters.concern:
        query = query.where(StoredReviewScore.concern == filters.concern)
    if filters.flagged_only:
        query = query.where(StoredReviewScore.flagged.is_(True))
    if filters.source:
        query = query.where(Review.source == filters.source)
    if filters.review_id is not None:
        query = query.where(Review.id == filters.review_id)
    if filters.since:
        query = query.where(Review.created_at >= Period(filters.since, filters.since).start_time)
    if filters.until:
        query = query.where(Review.created_at < Period(filters.until, filters.until).end_time)
    if filters.topic:
        about = select(ReviewTopic.review_id).where(
            ReviewTopic.topic == filters.topic, ReviewTopic.negative.is_(True)
        )
        query = query.where(Review.id.in_(about))
    return query


def _topics_of(session: Session, review_ids: list[int]) -> dict[int, list[TopicMention]]:
    found: dict[int, list[TopicMention]] = {}
    if not review_ids:
        return found
    rows = session.execute(
        select(ReviewTopic.review_id, ReviewTopic.topic, ReviewTopic.negative)
        .where(ReviewTopic.review_id.in_(review_ids))
        .order_by(ReviewTopic.review_id, ReviewTopic.negative.desc(), ReviewTopic.topic)
    )
    for review_id, key, negative in rows:
        topic = TOPIC_BY_KEY.get(key)
        if topic is not None:
            found.setdefault(review_id, []).append(
                TopicMention(key, topic.label, topic.concern, bool(negative))
            )
    return found


@dataclass(frozen=True)
class TopicCount:
    key: str
    label: str
    concern: str
    mentions: int
    negative: int
    previous_negative: int  # in the period of the same length before


def select_topic_summary(
    session: Session, location_ids: LocationIds, period: Period
) -> list[TopicCount]:
    """Reviews per topic in the period, how many were negative about it, and the change."""
    counts = [
        TopicCount(key, TOPIC_BY_KEY[key].label, TOPIC_BY_KEY[key].concern, *figures)
        for key, figures in _topic_counts(session, location_ids, period).items()
        if key in TOPIC_BY_KEY
    ]
    return sorted(counts, key=lambda c: (-c.negative, -c.mentions, c.key))


def _topic_counts(
    session: Session, location_ids: LocationIds, period: Period
) -> dict[str, tuple[int, int, int]]:
    """Per topic: mentions and negative mentions in the period, negative mentions in the
    period before. The whole months inside either period come from review_topic_months (kept
    by the scorer), the days around them from review_topic_days."""
    earlier = period.previous()
    months = whole_months(Period(earlier.start, period.end), split_at=period.start)
    totals: dict[str, list[int]] = {}
    for key, in_period, mentions, negatives in _topic_month_counts(
        session, location_ids, months, period.start
    ):
        _add_topic_counts(totals, key, in_period, mentions, negatives)
    edges = days_outside(Period(earlier.start, period.end), months)
    for key, in_period, mentions, negatives in _topic_day_counts(
        session, location_ids, edges, period.start
    ):
        _add_topic_counts(totals, key, in_period, mentions, negatives)
    return {
        key: (mentions, negatives, before) for key, (mentions, negatives, before) in totals.items()
    }


def _add_topic_counts(
    totals: dict[str, list[int]], key: str, in_period: bool, mentions: int, negatives: int
) -> None:
    counts = totals.setdefault(key, [0, 0, 0])
    if in_period:
        counts[0] += mentions
        counts[1] += negatives
    else:
        counts[2] += negatives


def _topic_month_counts(
    session: Session, location_ids: LocationIds, months: list[Period], split_at: date
) -> list[tuple[str, bool, int, int]]:
    if not months:
        return []
    rows = session.execute(
        select(
            ReviewTopicMonth.month,
            ReviewTopicMonth.topic,
            func.sum(ReviewTopicMonth.reviews),
            func.sum(ReviewTopicMonth.negative_reviews),
        )
        .where(
            in_locations(ReviewTopicMonth.location_id, location_ids),
            ReviewTopicMonth.month.in_([f"{month.start:%Y-%m}" for month in months]),
        )
        .group_by(ReviewTopicMonth.month, ReviewTopicMonth.topic)
    )
    return [
        (key, month >= f"{split_at:%Y-%m}", int(mentions), int(negatives))
        for month, key, mentions, negatives in rows
    ]


def _topic_day_counts(
    session: Session, location_ids: LocationIds, runs: list[Period], split_at: date
) -> list[tuple[str, bool, int, int]]:
    if not runs:
        return []
    in_period = ReviewTopicDay.day >= split_at
    rows = session.execute(
        select(
            ReviewTopicDay.topic,
            in_period,
            func.sum(ReviewTopicDay.reviews),
            func.sum(ReviewTopicDay.negative_reviews),
        )
        .where(
            in_locations(ReviewTopicDay.location_id, location_ids),
            or_(*(ReviewTopicDay.day.between(run.start, run.end) for run in runs)),
        )
        .group_by(ReviewTopicDay.topic, in_period)
    )
    return [
        (key, bool(inside), int(mentions), int(negatives))
        for key, inside, mentions, negatives in rows
    ]


@dataclass(frozen=True)
class TopicMonth:
    month: str  # YYYY-MM
    key: str
    label: str
    negative: int
    positive: int


def select_topic_trend(
    session: Session, location_ids: LocationIds, period: Period
) -> list[TopicMonth]:
    """Negative and other reviews per topic per month (UTC) of the review's date, for the
    whole months the period touches; from the per-month counts kept by the scorer."""
    negative = func.sum(ReviewTopicMonth.negative_reviews)
    rows = session.execute(
        select(ReviewTopicMonth.month, ReviewTopicMonth.topic, negative)
        .add_columns(func.sum(ReviewTopicMonth.reviews) - negative)
        .where(
            in_locations(ReviewTopicMonth.location_id, location_ids),
            ReviewTopicMonth.month >= f"{period.start:%Y-%m}",
            ReviewTopicMonth.month <= f"{period.end:%Y-%m}",
        )
        .group_by(ReviewTopicMonth.month, ReviewTopicMonth.topic)
        .order_by(ReviewTopicMonth.month, ReviewTopicMonth.topic)
    )
    return [
        TopicMonth(month, key, TOPIC_BY_KEY[key].label, int(neg), int(other))
        for month, key, neg, other in rows
        if key in TOPIC_BY_KEY
    ]


def select_review_sources(session: Session) -> list[str]:
    """The sites reviews came from: google plus any imported ones. (Read as two questions so
    that neither scans every review: ix_reviews_imported_source holds only imported ones.)"""
    from_google = select(Review.id).where(Review.source == GOOGLE_SOURCE).exists()
    imported = select(Review.source).where(Review.source != GOOGLE_SOURCE).distinct()
    google = [GOOGLE_SOURCE] if session.scalar(select(from_google)) else []
    return sorted([*session.scalars(imported), *google])
