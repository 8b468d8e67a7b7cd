"""What a user would see of the collected data, keyed by Google's ids (not our row ids).

Bookkeeping that legitimately differs between two runs (run records, fetch and first-seen
times, when a full review read last happened) is left out.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select

from seo_monitor.models import (
    DailyMetric,
    DailyMetricGroups,
    Location,
    RatingSnapshot,
    Review,
    ReviewStarMonth,
    ReviewTopic,
    ReviewTopicDay,
    SearchKeyword,
    StoredReviewScore,
)


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    with engine.connect() as connection:
        names = dict(connection.execute(select(Location.id, Location.name)).all())
        reviews = connection.execute(select(Review)).all()
        locations = connection.execute(select(Location)).all()
        metrics = connection.execute(select(DailyMetric)).all()
        groups = connection.execute(select(DailyMetricGroups)).all()
        star_months = connection.execute(select(ReviewStarMonth)).all()
        topic_days = connection.execute(select(ReviewTopicDay)).all()
        keywords = connection.execute(select(SearchKeyword)).all()
        ratings = connection.execute(select(RatingSnapshot)).all()
        reviews_by_id = {r.id: (names[r.location_id], r.external_id) for r in reviews}
        scores = connection.execute(select(StoredReviewScore)).all()
        topics = connection.execute(select(ReviewTopic)).all()
    return {
        "locations": sorted(
            (
                r.name,
                r.title,
                r.store_code,
                r.phone,
                r.place_id,
                r.new_review_uri,
                r.latitude,
                r.longitude,
                r.active,
            )
            for r in locations
        ),
        "reviews": sorted(
            (
                names[r.location_id],
                r.external_id,
                r.rating,
                r.text,
                r.original_text,
                r.author_name,
                r.created_at,
                r.updated_at,
                r.reply_text,
                r.reply_state,
                r.deleted_at is not None,
            )
            for r in reviews
        ),
        "daily_metrics": sorted((names[r.location_id], r.metric, r.day, r.value) for r in metrics),
        "daily_metric_groups": sorted(
            (
                names[r.location_id],
                r.day,
                r.views,
                r.calls,
                r.directions,
                r.website_clicks,
                r.bookings,
                r.messages,
            )
            for r in groups
        ),
        "review_star_months": sorted(
            (names[r.location_id], r.month, r.rating, r.reviews) for r in star_months
        ),
        "review_topic_days": sorted(
            (names[r.location_id], r.day, r.topic, r.reviews, r.negative_reviews)
            for r in topic_days
        ),
        "search_keywords": sorted(
            (names[r.location_id], r.month, r.keyword, r.value, r.threshold) for r in keywords
        ),
        "rating_snapshots": sorted(
            (names[r.location_id], r.day, r.average_rating, r.total_review_count) for r in ratings
        ),
        # The scorer's verdicts (priority leaves out: it falls with a review's age).
        "review_scores": sorted(
            (*reviews_by_id[r.review_id], r.scorer_version, r.text_hash, r.polarity, r.flagged)
            for r in scores
        ),
        "review_topics": sorted(
            (*reviews_by_id[r.review_id], r.topic, r.negative, r.mentions) for r in topics
        ),
    }
