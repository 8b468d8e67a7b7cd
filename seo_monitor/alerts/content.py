"""What goes into the emails: new negative reviews and the weekly digest, as plain data.

Payloads are computed when the email is queued and stored with it, so what a recipient gets is
what was true then, and a resend is the same email.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from seo_monitor.alerts.outbox import enqueue
from seo_monitor.config import Settings
from seo_monitor.links import review_link
from seo_monitor.models import Location, Review, ReviewTopic, StoredReviewScore
from seo_monitor.queries import LIVE, build_digest, digest_week, excerpt
from seo_monitor.replies import suggest_templates
from seo_monitor.sentiment.lexicon import TOPIC_BY_KEY

__all__ = ["build_digest", "digest_week", "queue_digests", "queue_negative_alerts"]


def recipients_for(settings: Settings, location: Location) -> list[str]:
    extra = settings.location_settings(location.name, location.store_code)
    people = [*settings.alerts.recipients, *(extra.alert_recipients if extra else [])]
    return list(dict.fromkeys(str(p) for p in people))


def mode_of(settings: Settings, recipient: str) -> str:
    return settings.alerts.recipient_modes.get(recipient, "immediate")


def next_daily(settings: Settings, now: datetime) -> datetime:
    zone = ZoneInfo(settings.scheduler.timezone)
    local = now.astimezone(zone)
    due = datetime.combine(local.date(), time(settings.alerts.daily_hour), tzinfo=zone)
    return due if due > local else due + timedelta(days=1)


def alert_recipients(
    settings: Settings, location: Location, now: datetime
) -> list[tuple[str, datetime]]:
    """Who gets an alert about the location and when it is due, by each recipient's mode
    (`alerts.recipient_modes`): immediate now, daily in the next daily batch, weekly never
    (the digest only). Review and profile alerts both use it."""
    due = {"immediate": now, "daily": next_daily(settings, now)}
    return [
        (person, due[mode])
        for person in recipients_for(settings, location)
        if (mode := mode_of(settings, person)) in due
    ]


def queue_negative_alerts(
    session: Session, settings: Settings, location: Location, now: datetime
) -> int:
    """Queue an alert per recipient for each new, unanswered negative review of the location;
    called in the review job's transaction. Returns how many emails were added."""
    alerts = settings.alerts
    people = alert_recipients(settings, location, now)
    if not people:
        return 0
    rows = session.execute(
        select(Review, StoredReviewScore)
        .outerjoin(StoredReviewScore, StoredReviewScore.review_id == Review.id)
        .where(
            Review.location_id == location.id,
            LIVE,
            Review.reply_text.is_(None),
            Review.created_at >= now - timedelta(days=alerts.max_review_age_days),
            or_(
                Review.rating <= alerts.negative_max_stars, StoredReviewScore.polarity == "negative"
            ),
        )
    ).all()
    added = 0
    for review, score in rows:
        payload = negative_payload(session, settings, location, review, score)
        for person, due in people:
            added += enqueue(
                session, f"negative:{review.id}:{person}", "negative", person, payload, due
            )
    return added


def negative_payload(
    session: Session,
    settings: Settings,
    location: Location,
    review: Review,
    score: StoredReviewScore | None,
) -> dict[str, Any]:
    topics = session.scalars(
        select(ReviewTopic.topic).where(
            ReviewTopic.review_id == review.id, ReviewTopic.negative.is_(True)
        )
    ).all()
    alerts, replies = settings.alerts, settings.replies
    template = suggest_templates(
        review.rating,
        bool(review.text),
        score.polarity if score else None,
        bool(score and score.flagged),
        score.concern if score else None,
        topics,
    )[0]
    return {
        "review_id": review.id,
        "location": location.title,
        "stars": review.rating,
        "excerpt": excerpt(review.text, alerts.excerpt_chars),
        "topics": [TOPIC_BY_KEY[t].label for t in topics if t in TOPIC_BY_KEY],
        "concern": score.concern if score else None,
        "written": review.created_at.isoformat(),
        "google_url": location.maps_uri,
        "dashboard_url": review_link(settings, review.id),
        "suggested_reply": template.fill(
            location.title, replies.office_phone or "our main number", replies.contact_role
        ),
    }


def queue_digests(session: Session, settings: Settings, now: datetime) -> int:
    """Queue this week's digest for every recipient (of all locations or of theirs)."""
    week = digest_week(now, settings.scheduler.timezone)
    locations = list(
        session.scalars(select(Location).where(Location.active.is_(True)).order_by(Location.title))
    )
    by_person: dict[str, list[Location]] = {}
    for location in locations:
        for person in recipients_for(settings, location):
            by_person.setdefault(person, []).append(location)
    added = 0
    for person, theirs in by_person.items():
        digest = build_digest(session, settings, theirs, week, now)
        if digest["quiet"] and settings.alerts.quiet_week == "skip":
            continue
        added += enqueue(
            session, f"digest:{week.end.isoformat()}:{person}", "digest", person, digest, now
        )
    return added
