"""What goes into the emails: new negative reviews and the weekly digest, as plain data.

Payloads are computed when the email is queued and stored with it, so what a recipient gets is
what was true then, and a resend is the same email.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from seo_monitor.alerts.outbox import enqueue
from seo_monitor.models import (
    CollectorRun,
    DailyMetric,
    Location,
    Review,
    ReviewTopic,
    StoredReviewScore,
)
from seo_monitor.queries.common import Period, in_locations
from seo_monitor.queries.overview import (
    LIVE,
    select_metric_totals,
    select_rating,
    select_unanswered_negative,
)
from seo_monitor.queries.reviews import select_topic_summary
from seo_monitor.replies.templates import suggest_templates
from seo_monitor.sentiment.lexicon import TOPIC_BY_KEY
from seo_monitor.settings import Settings

METRICS = ("views", "calls", "directions", "website_clicks")


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


def queue_negative_alerts(
    session: Session, settings: Settings, location: Location, now: datetime
) -> int:
    """Queue an alert per recipient for each new, unanswered negative review of the location;
    called in the review job's transaction. Returns how many emails were added."""
    alerts = settings.alerts
    people = [p for p in recipients_for(settings, location) if mode_of(settings, p) != "weekly"]
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
        for person in people:
            due = now if mode_of(settings, person) == "immediate" else next_daily(settings, now)
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
        "excerpt": _excerpt(review.text, alerts.excerpt_chars),
        "topics": [TOPIC_BY_KEY[t].label for t in topics if t in TOPIC_BY_KEY],
        "concern": score.concern if score else None,
        "written": review.created_at.isoformat(),
        "google_url": location.maps_uri,
        "dashboard_url": f"{alerts.dashboard_url.rstrip('/')}/reviews"
        if alerts.dashboard_url
        else None,
        "suggested_reply": template.fill(
            location.title, replies.office_phone or "our main number", replies.contact_role
        ),
    }


def _excerpt(text: str | None, limit: int) -> str | None:
    if not text or limit == 0:
        return None
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def digest_week(now: datetime, timezone: str) -> Period:
    """The last whole week (Monday to Sunday) before `now` in the scheduler's time zone."""
    today = now.astimezone(ZoneInfo(timezone)).date()
    this_monday = today - timedelta(days=today.weekday())
    return Period(this_monday - timedelta(days=7), this_monday - timedelta(days=1))


def build_digest(
    session: Session, settings: Settings, locations: Iterable[Location], week: Period
) -> dict[str, Any]:
    chosen = list(locations)
    ids = [loc.id for loc in chosen]
    sections = [_section(session, settings, [loc.id], loc.title, week) for loc in chosen]
    total = _section(session, settings, ids, "All locations", week, group_wide=True)
    quiet = total["new_reviews"] == 0 and not total["failures"]
    limit = settings.alerts.digest_location_sections
    shown, more_attention, calm = _sections_shown(sections, limit)
    return {
        "week_start": week.start.isoformat(),
        "week_end": week.end.isoformat(),
        "total": total,
        "locations": shown if len(sections) > 1 else [],
        "more_attention": more_attention,
        "calm": calm,
        "quiet": quiet,
        "excerpts": settings.alerts.excerpt_chars > 0,
    }


def _sections_shown(
    sections: list[dict[str, Any]], limit: int
) -> tuple[list[dict[str, Any]], int, int]:
    """Every section when there are at most `limit`; otherwise those that need attention
    most, up to `limit`, and how many more need attention and how many do not."""
    if len(sections) <= limit:
        return sections, 0, 0
    needing = sorted(
        (s for s in sections if _attention(s) > (0, 0, 0.0, 0)), key=_attention, reverse=True
    )
    shown = needing[:limit]
    return shown, len(needing) - len(shown), len(sections) - len(needing)


def _attention(section: dict[str, Any]) -> tuple[int, int, float, int]:
    """How much a location needs a look this week, most urgent first: collector failures,
    new 1-2 star reviews, a rating drop, reviews complaining about a topic."""
    return (
        len(section["failures"]),
        int(section["by_stars"]["1"]) + int(section["by_stars"]["2"]),
        -min(0.0, section["rating_change"] or 0.0),
        sum(int(t["negative"]) for t in section["topics"]),
    )


def _section(
    session: Session,
    settings: Settings,
    ids: list[int],
    title: str,
    week: Period,
    *,
    group_wide: bool = False,
) -> dict[str, Any]:
    """One block of the digest; `group_wide` adds the failures of runs for no one location
    (locations, competitors), which a location's own block leaves to the total."""
    rating, count = select_rating(session, ids, week.end)
    before, _ = select_rating(session, ids, week.start - timedelta(days=1))
    stars = dict(
        session.execute(
            select(Review.rating, func.count())
            .where(
                LIVE,
                in_locations(Review.location_id, ids),
                Review.created_at >= week.start_time,
                Review.created_at < week.end_time,
            )
            .group_by(Review.rating)
        ).all()
    )
    # Most urgent first as of the week's end, as the dashboard orders them (docs/reviews.md).
    waiting = select_unanswered_negative(
        session,
        ids,
        max_rating=5,
        limit=5,
        now=week.end_time,
        negative_stars=settings.reviews.negative_stars,
    )
    limit = settings.alerts.excerpt_chars
    metrics_week = _metrics_week(session, ids, week)
    current = select_metric_totals(session, ids, metrics_week)
    previous = select_metric_totals(session, ids, metrics_week.previous())
    topics = [t for t in select_topic_summary(session, ids, week) if t.negative][:3]
    return {
        "title": title,
        "rating": rating,
        "rating_change": round(rating - before, 2)
        if rating is not None and before is not None
        else None,
        "review_count": count,
        "new_reviews": sum(stars.values()),
        "by_stars": {str(s): int(stars.get(s, 0)) for s in (5, 4, 3, 2, 1)},
        "waiting": [
            {
                "location": w.location,
                "stars": w.rating,
                "days": w.waiting_days,
                "excerpt": _excerpt(w.text, min(limit, 160)),
            }
            for w in waiting
        ],
        "topics": [
            {"label": t.label, "negative": t.negative, "before": t.previous_negative}
            for t in topics
        ],
        "metrics": {m: {"week": current.get(m, 0), "before": previous.get(m, 0)} for m in METRICS},
        "metrics_through": metrics_week.end.isoformat(),
        "failures": _failures(session, ids, week, group_wide),
    }


def _metrics_week(session: Session, ids: list[int], week: Period) -> Period:
    """Google reports metrics days late: the week ends on the newest reported day, at most
    the review week's end."""
    newest = session.scalar(
        select(func.max(DailyMetric.day)).where(in_locations(DailyMetric.location_id, ids))
    )
    end = min(_as_date(newest), week.end) if newest is not None else week.end
    return Period(end - timedelta(days=6), end)


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _failures(
    session: Session, ids: list[int], week: Period, group_wide: bool
) -> list[dict[str, str]]:
    whose = CollectorRun.location_id.in_(ids)
    rows = session.execute(
        select(CollectorRun.collector, CollectorRun.error, func.count())
        .where(
            CollectorRun.status == "failed",
            or_(whose, CollectorRun.location_id.is_(None)) if group_wide else whose,
            CollectorRun.started_at >= week.start_time,
            CollectorRun.started_at < week.end_time,
        )
        .group_by(CollectorRun.collector, CollectorRun.error)
    ).all()
    return [{"collector": c, "error": e or "", "times": str(n)} for c, e, n in rows]


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
        digest = build_digest(session, settings, theirs, week)
        if digest["quiet"] and settings.alerts.quiet_week == "skip":
            continue
        added += enqueue(
            session, f"digest:{week.end.isoformat()}:{person}", "digest", person, digest, now
        )
    return added
