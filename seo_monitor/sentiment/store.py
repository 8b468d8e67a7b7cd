"""Score stored reviews: only those whose stars, text or scorer changed since they were scored.

Runs inside the caller's transaction (the review job scores a location's reviews in the same
transaction that saved them), so a crash leaves reviews and scores consistent and the next run
scores whatever is still pending. Every writer of reviews (the review job, the CSV import,
`seo-monitor score`) ends with `score_location`, which also rebuilds the location's counts per
month (topics, and stars), so those always match the reviews and their topics.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import case, delete, func, insert, select
from sqlalchemy.orm import Session

from seo_monitor.config import Settings
from seo_monitor.db import day_of, month_of, upsert
from seo_monitor.models import (
    Location,
    Review,
    ReviewStarMonth,
    ReviewTopic,
    ReviewTopicDay,
    ReviewTopicMonth,
    StoredReviewScore,
)
from seo_monitor.sentiment import ReviewScore, ScoringRules, score_review, text_hash
from seo_monitor.times import utcnow

BATCH = 500


def rules_from(settings: Settings) -> ScoringRules:
    return ScoringRules(settings.reviews.negative_stars, settings.reviews.text_threshold)


def score_location(
    session: Session, location_id: int, rules: ScoringRules, *, rescore: bool = False
) -> int:
    """Score the location's reviews that are new or changed (all with `rescore`); how many."""
    pending = list(_pending(session, location_id, rules.fingerprint(), rescore))
    for start in range(0, len(pending), BATCH):
        _score_batch(session, pending[start : start + BATCH], rules)
    refresh_review_counts(session, location_id)
    return len(pending)


def refresh_review_counts(session: Session, location_id: int) -> None:
    """Rebuild the location's review counts: per topic by month and by day (from its live
    reviews' topics), and per star rating by month. Always, not only when something was
    scored: a review deleted on Google changes the counts too. About 5 ms for a location with
    1,000 reviews.

    Two transactions rebuilding one location (the review job and an import, on PostgreSQL)
    take turns on the location's row: otherwise the second would insert rows the first had
    just inserted. FOR NO KEY UPDATE, so that it does not wait for inserts of reviews."""
    session.execute(
        select(Location.id).where(Location.id == location_id).with_for_update(key_share=True)
    )
    session.execute(delete(ReviewTopicMonth).where(ReviewTopicMonth.location_id == location_id))
    month = month_of(session, Review.created_at)
    counts = (
        select(
            Review.location_id,
            month,
            ReviewTopic.topic,
            func.count(),
            func.count(case((ReviewTopic.negative.is_(True), 1))),
        )
        .join(ReviewTopic, ReviewTopic.review_id == Review.id)
        .where(Review.location_id == location_id, Review.deleted_at.is_(None))
        .group_by(Review.location_id, month, ReviewTopic.topic)
    )
    columns = ["location_id", "month", "topic", "reviews", "negative_reviews"]
    session.execute(insert(ReviewTopicMonth).from_select(columns, counts))
    _refresh_topic_days(session, location_id)
    _refresh_star_months(session, location_id)


def _refresh_topic_days(session: Session, location_id: int) -> None:
    """The location's live reviews per day and topic, and how many of them were negative."""
    session.execute(delete(ReviewTopicDay).where(ReviewTopicDay.location_id == location_id))
    day = day_of(session, Review.created_at)
    counts = (
        select(
            day,
            Review.location_id,
            ReviewTopic.topic,
            func.count(),
            func.count(case((ReviewTopic.negative.is_(True), 1))),
        )
        .join(ReviewTopic, ReviewTopic.review_id == Review.id)
        .where(Review.location_id == location_id, Review.deleted_at.is_(None))
        .group_by(day, Review.location_id, ReviewTopic.topic)
    )
    columns = ["day", "location_id", "topic", "reviews", "negative_reviews"]
    session.execute(insert(ReviewTopicDay).from_select(columns, counts))


def _refresh_star_months(session: Session, location_id: int) -> None:
    """The location's live reviews with stars, per month and star rating."""
    session.execute(delete(ReviewStarMonth).where(ReviewStarMonth.location_id == location_id))
    month = month_of(session, Review.created_at)
    counts = (
        select(Review.location_id, month, Review.rating, func.count())
        .where(
            Review.location_id == location_id,
            Review.deleted_at.is_(None),
            Review.rating.is_not(None),
        )
        .group_by(Review.location_id, month, Review.rating)
    )
    columns = ["location_id", "month", "rating", "reviews"]
    session.execute(insert(ReviewStarMonth).from_select(columns, counts))


def _pending(
    session: Session, location_id: int, version: str, rescore: bool
) -> Iterator[tuple[int, str | None, int | None, str]]:
    rows = session.execute(
        select(
            Review.id,
            Review.text,
            Review.rating,
            StoredReviewScore.text_hash,
            StoredReviewScore.scorer_version,
        )
        .outerjoin(StoredReviewScore, StoredReviewScore.review_id == Review.id)
        .where(Review.location_id == location_id)
        .order_by(Review.id)
    )
    for review_id, text, rating, stored_hash, stored_version in rows:
        digest = text_hash(text, rating)
        if rescore or stored_hash != digest or stored_version != version:
            yield review_id, text, rating, digest


def _score_batch(
    session: Session, batch: Sequence[tuple[int, str | None, int | None, str]], rules: ScoringRules
) -> None:
    version = rules.fingerprint()
    now = utcnow()
    scores: list[dict[str, Any]] = []
    topics: list[dict[str, Any]] = []
    for review_id, text, rating, digest in batch:
        score = score_review(text, rating, rules)
        scores.append(_score_row(review_id, score, version, digest, now))
        topics.extend(_topic_rows(review_id, score))
    ids = [row[0] for row in batch]
    session.execute(delete(ReviewTopic).where(ReviewTopic.review_id.in_(ids)))
    upsert(session, StoredReviewScore, scores, key=("review_id",))
    upsert(session, ReviewTopic, topics, key=("review_id", "topic"))


def _score_row(
    review_id: int, score: ReviewScore, version: str, digest: str, now: Any
) -> dict[str, Any]:
    return {
        "review_id": review_id,
        "scorer_version": version,
        "text_hash": digest,
        "compound": score.compound,
        "negative_probability": score.negative_probability,
        "polarity": score.polarity,
        "priority": score.priority,
        "flagged": score.flagged,
        "concern": score.concern,
        "reasons": list(score.reasons),
        "scored_at": now,
    }


def _topic_rows(review_id: int, score: ReviewScore) -> list[dict[str, Any]]:
    return [
        {
            "review_id": review_id,
            "topic": topic.key,
            "sentiment": topic.sentiment,
            "negative": topic.negative,
            "mentions": topic.mentions,
        }
        for topic in score.topics
    ]
