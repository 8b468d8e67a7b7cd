"""The weekly digest as plain data: in total and per location, for the last whole week."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from seo_monitor.config import Settings
from seo_monitor.links import PROFILE_MANAGER_URL, public_address, review_link
from seo_monitor.models import CollectorRun, Location, Review, StoredReviewScore
from seo_monitor.queries.common import Period, in_locations
from seo_monitor.queries.listings import ListingRow, select_listings
from seo_monitor.queries.overview import LIVE, UNANSWERED, select_metric_totals, select_rating
from seo_monitor.queries.profile import select_final_days
from seo_monitor.queries.profile_guard import (
    select_google_updates,
    select_pending_edits,
    select_profile_changes,
)
from seo_monitor.queries.referrals import (
    select_referral_count,
    select_referral_report,
    select_referrals_due,
)
from seo_monitor.queries.review_requests import (
    AskEffect,
    select_ask_effect,
    select_ask_totals,
    select_ask_weeks,
    select_visit_count,
)
from seo_monitor.queries.reviews import select_topic_summary
from seo_monitor.referrals import StatusRules
from seo_monitor.times import utcnow

METRICS = ("views", "calls", "directions", "website_clicks")
WAITING_SHOWN = 5  # per section; the rest are counted
WAITING_MAX_DAYS = 90  # older reviews waiting for a reply are counted apart, not listed
REPLY_WINDOW_HOURS = 48  # Google asks owners to reply within 24-48 hours


def digest_week(now: datetime, timezone: str) -> Period:
    """The last whole week (Monday to Sunday) before `now` in the scheduler's time zone."""
    today = now.astimezone(ZoneInfo(timezone)).date()
    this_monday = today - timedelta(days=today.weekday())
    return Period(this_monday - timedelta(days=7), this_monday - timedelta(days=1))


def build_digest(
    session: Session,
    settings: Settings,
    locations: Iterable[Location],
    week: Period,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The digest of `week` as built at `now` (default: the clock): the rating and the
    reviews waiting for a reply are today's. With several locations the total summarises
    what each location's section lists."""
    now = now or utcnow()
    chosen = list(locations)
    ids = [loc.id for loc in chosen]
    several = len(chosen) > 1
    sections = [_section(session, settings, [loc.id], loc.title, week, now) for loc in chosen]
    total = _section(
        session, settings, ids, "All locations", week, now, group_wide=True, summary=several
    )
    failing = total["failures"] or total["location_failures"]
    limit = settings.alerts.digest_location_sections
    shown, more_attention, calm = _sections_shown(sections, limit)
    return {
        "week_start": week.start.isoformat(),
        "week_end": week.end.isoformat(),
        "total": total,
        "locations": shown if several else [],
        "more_attention": more_attention,
        "calm": calm,
        "quiet": total["new_reviews"] == 0 and not failing,
        "excerpts": settings.alerts.excerpt_chars > 0,
        "dashboard_links": public_address(settings) is not None,
        "referrals": referral_section(session, settings, ids, week.end),
        "review_requests": request_section(session, ids, week),
        "profile": profile_section(session, ids, week),
        "listings": listing_section(session, ids),
    }


def _mismatch(row: ListingRow) -> dict[str, Any]:
    says = "; ".join(f"{m['field']}: {m['listing']}" for m in row.mismatches)
    return {"location": row.location, "site": row.site, "url": row.url, "says": says}


def listing_section(session: Session, ids: list[int]) -> dict[str, Any] | None:
    """The listings whose last check found another name, address or phone than Google's, and
    how many could not be read; None when no listing needs a look."""
    listings = select_listings(session, ids)
    mismatched = [row for row in listings if row.status == "mismatch"]
    unread = sum(1 for row in listings if row.status in ("blocked", "unreachable", "unreadable"))
    if not mismatched and not unread:
        return None
    return {
        "mismatches": [_mismatch(row) for row in mismatched],
        "unread": unread,
        "consistent": sum(1 for row in listings if row.status == "consistent"),
    }


PROFILE_CHANGES_LISTED = 8  # the rest are counted
REVIEW_KEYS = ("reviewed_at", "reviewed_by")  # always empty: only unreviewed changes are listed


def profile_section(session: Session, ids: list[int], week: Period) -> dict[str, Any] | None:
    """The week's changes to the Business Profiles no one has marked as reviewed yet, the
    values Google shows today instead of the owner's, and the owners' edits Google has not
    published yet; None when there are none of these."""
    changes = select_profile_changes(session, ids, week, unreviewed=True)
    updates = select_google_updates(session, ids)
    pending = select_pending_edits(session, ids)
    if not changes and not updates and not pending:
        return None
    return {
        # Stored with the email as JSON: the day it was seen is the digest's week.
        "changes": [
            {k: v for k, v in asdict(c).items() if k not in ("seen_at", *REVIEW_KEYS)}
            for c in changes[:PROFILE_CHANGES_LISTED]
        ],
        "more_changes": max(0, len(changes) - PROFILE_CHANGES_LISTED),
        "google_updates": [asdict(u) for u in updates],
        "pending": [{k: v for k, v in asdict(p).items() if k != "checked_at"} for p in pending],
        "manage_url": PROFILE_MANAGER_URL,
    }


def request_section(session: Session, ids: list[int], week: Period) -> dict[str, Any] | None:
    """The week's review requests: sent, not asked (by reason), unsubscribed, bounced; None
    when the practice imports no visits."""
    if not select_visit_count(session):
        return None
    totals = select_ask_totals(session, ids, week)
    weeks = select_ask_weeks(session, ids, week)
    return {
        "sent": totals.sent,
        "skipped": dict(totals.skipped.most_common()),
        "unsubscribed": sum(w.unsubscribed for w in weeks),
        "bounced": sum(w.bounced for w in weeks),
        "waiting": totals.waiting,
        "effect": _effect(select_ask_effect(session, ids, week.end + timedelta(days=1))),
    }


def _effect(found: AskEffect) -> dict[str, Any] | None:
    """The page's effect figure, as the digest says it (whole weeks up to the digest's own);
    None before the first ask."""
    if found.started is None:
        return None

    def rate(value: float | None) -> str:
        return "–" if value is None else f"{value:.1f}"

    return {
        "started": found.started.isoformat(),
        "weeks_before": found.weeks_before,
        "before": rate(found.per_week_before),
        "weeks_after": found.weeks_after,
        "after": rate(found.per_week_after),
        "weeks_with_asks": found.weeks_with_asks,
        "with_asks": rate(found.per_week_with_asks),
        "weeks_without_asks": found.weeks_without_asks,
        "without_asks": rate(found.per_week_without_asks),
    }


REFERRERS_NAMED = 5  # per list; the rest are counted


def referral_section(
    session: Session, settings: Settings, ids: list[int], as_of: date
) -> dict[str, Any] | None:
    """Slipping, lapsed and new referrers and what is due, as of the week's last day; None
    when the practice tracks no referrals. A digest of every location also counts the
    practice's own (no location) referrals."""
    if not select_referral_count(session):
        return None
    every = set(ids) >= set(session.scalars(select(Location.id).where(Location.active.is_(True))))
    scope = None if every else ids
    rules = StatusRules.from_settings(settings)
    report = select_referral_report(
        session, Period(as_of - timedelta(days=6), as_of), as_of, rules, scope
    )
    due = select_referrals_due(session, as_of, rules, scope)
    section: dict[str, Any] = {
        "referrals_week": report.totals.referrals,
        "new_days": rules.new_days,
        "lapsed_days": rules.lapsed_days,
    }
    for status in ("slipping", "lapsed", "new"):
        names = [r.name for r in report.referrers if r.status == status]
        section[status] = names[:REFERRERS_NAMED]
        section[f"{status}_count"] = len(names)
    section["due"] = [{"name": d.name, "what": d.what} for d in due[:REFERRERS_NAMED]]
    section["due_count"] = len(due)
    return section


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
    now: datetime,
    *,
    group_wide: bool = False,
    summary: bool = False,
) -> dict[str, Any]:
    """One block of the digest; `group_wide` adds the failures of runs for no one location
    (locations, competitors); `summary` counts what the locations' own blocks list."""
    stars = _new_by_stars(session, ids, week)
    topics = [t for t in select_topic_summary(session, ids, week) if t.negative][:3]
    failures = _failures(session, ids, week, group_wide)
    listed = [f for f in failures if not (summary and f["location"])]
    return {
        "title": title,
        **_rating(session, ids, week, now),
        "new_reviews": sum(stars.values()),
        "by_stars": {str(s): int(stars.get(s, 0)) for s in (5, 4, 3, 2, 1)},
        **_waiting(session, settings, ids, now, 0 if summary else WAITING_SHOWN),
        "topics": [
            {"label": t.label, "negative": t.negative, "before": t.previous_negative}
            for t in topics
        ],
        **_metrics(session, ids, week, now),
        "failures": [{k: f[k] for k in ("collector", "error", "times")} for f in listed],
        "location_failures": sum(int(f["times"]) for f in failures if f not in listed),
    }


def _new_by_stars(session: Session, ids: list[int], week: Period) -> dict[int | None, int]:
    rows = session.execute(
        select(Review.rating, func.count())
        .where(
            LIVE,
            in_locations(Review.location_id, ids),
            Review.created_at >= week.start_time,
            Review.created_at < week.end_time,
        )
        .group_by(Review.rating)
    ).all()
    return {rating: int(count) for rating, count in rows}


def _rating(session: Session, ids: list[int], week: Period, now: datetime) -> dict[str, Any]:
    """Google's rating today and its change since the week began. Before Google's figure
    of then was recorded (a new install), the change is that of the stored reviews' average."""
    rating, count = select_rating(session, ids, now.date())
    before, _ = select_rating(session, ids, week.start - timedelta(days=1))
    change, source = None, None
    if rating is not None and before is not None:
        change, source = round(rating - before, 2), "google"
    elif rating is not None:
        change = _average_change(session, ids, week.start_time, now)
        source = "reviews" if change is not None else None
    return {
        "rating": rating,
        "rating_change": change,
        "rating_change_from": source,
        "rating_since": week.start.isoformat(),
        "review_count": count,
    }


def _average_change(
    session: Session, ids: list[int], since: datetime, now: datetime
) -> float | None:
    def average(before: datetime) -> float | None:
        value = session.scalar(
            select(func.avg(Review.rating)).where(
                LIVE, in_locations(Review.location_id, ids), Review.created_at < before
            )
        )
        return float(value) if value is not None else None

    then, today = average(since), average(now)
    return round(today - then, 2) if then is not None and today is not None else None


def needs_a_reply(settings: Settings, ids: list[int], now: datetime) -> ColumnElement[bool]:
    """Unanswered, already written, and low in stars or negative (or good stars with a
    complaint in the text): what a manager should answer."""
    return and_(
        UNANSWERED,
        in_locations(Review.location_id, ids),
        Review.created_at <= now,
        or_(
            Review.rating <= settings.alerts.negative_max_stars,
            StoredReviewScore.polarity == "negative",
            StoredReviewScore.flagged.is_(True),
        ),
    )


def _waiting(
    session: Session, settings: Settings, ids: list[int], now: datetime, shown: int
) -> dict[str, Any]:
    """How many reviews of the last `WAITING_MAX_DAYS` need a reply (how many are new, at
    how many locations) and how many older ones do, and the `shown` most urgent: new ones
    inside Google's reply window first, then the others, newest first."""
    needed = needs_a_reply(settings, ids, now)
    new = Review.created_at >= now - timedelta(hours=REPLY_WINDOW_HOURS)
    recent = Review.created_at >= now - timedelta(days=WAITING_MAX_DAYS)
    scored = (StoredReviewScore, StoredReviewScore.review_id == Review.id)
    count, urgent, places, everything = session.execute(
        select(
            func.count(case((recent, 1))),
            func.count(case((new, 1))),
            func.count(case((recent, Review.location_id)).distinct()),
            func.count(),
        )
        .select_from(Review)
        .outerjoin(*scored)
        .where(needed)
    ).one()
    rows = session.execute(
        select(Review.id, Location.title, Location.maps_uri, Review.rating, Review.created_at)
        .add_columns(Review.text, new.label("new"), StoredReviewScore.flagged)
        .join(Location, Location.id == Review.location_id)
        .outerjoin(*scored)
        .where(needed, recent)
        .order_by(case((new, 0), else_=1), Review.created_at.desc(), Review.id.desc())
        .limit(shown)
    ).all()
    limit = min(settings.alerts.excerpt_chars, 160)
    return {
        "waiting_summary": not shown,
        "waiting_count": int(count),
        "waiting_new": int(urgent),
        "waiting_locations": int(places),
        "waiting_older": int(everything) - int(count),
        "waiting": [_waiting_item(settings, row, now, limit) for row in rows],
    }


def _waiting_item(settings: Settings, row: Any, now: datetime, limit: int) -> dict[str, Any]:
    link = review_link(settings, row.id)
    return {
        "review_id": row.id,
        "location": row.title,
        "stars": row.rating,
        "age": waited(now - row.created_at),
        "new": bool(row.new),
        "complaint": bool(row.flagged),  # good stars, a complaint in the text
        "excerpt": excerpt(row.text, limit),
        "link": link or row.maps_uri,
        "link_label": "Open it in the dashboard" if link else "See it on Google",
    }


def waited(age: timedelta) -> str:
    """'under an hour', '5 hours', '1 day', '12 days': never negative."""
    hours = max(0, int(age.total_seconds() // 3600))
    if hours < 1:
        return "under an hour"
    if hours < 24:
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{hours // 24} day{'s' if hours >= 48 else ''}"


def excerpt(text: str | None, limit: int) -> str | None:
    if not text or limit == 0:
        return None
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _metrics(session: Session, ids: list[int], week: Period, now: datetime) -> dict[str, Any]:
    """Profile metrics of the newest 7 final days (at most to the week's end) against the 7
    days before: Google's late and provisional days would look like a drop. No comparison
    when the database does not hold the days before."""
    final = select_final_days(session, ids, now.date())
    period = final.period(7, week.end) if final else None
    if final is None or period is None:
        return {"metrics": None, "metrics_from": None, "metrics_through": None}
    previous = period.previous()
    current = select_metric_totals(session, ids, period)
    before = select_metric_totals(session, ids, previous) if final.holds(previous) else None
    earlier = dict.fromkeys(METRICS) if before is None else {m: before.get(m, 0) for m in METRICS}
    return {
        "metrics": {m: {"week": current.get(m, 0), "before": earlier[m]} for m in METRICS},
        "metrics_from": period.start.isoformat(),
        "metrics_through": period.end.isoformat(),
    }


def _failures(
    session: Session, ids: list[int], week: Period, group_wide: bool
) -> list[dict[str, Any]]:
    whose = CollectorRun.location_id.in_(ids)
    at_location = CollectorRun.location_id.is_not(None)
    rows = session.execute(
        select(CollectorRun.collector, CollectorRun.error, at_location, func.count())
        .where(
            CollectorRun.status == "failed",
            or_(whose, CollectorRun.location_id.is_(None)) if group_wide else whose,
            CollectorRun.started_at >= week.start_time,
            CollectorRun.started_at < week.end_time,
        )
        .group_by(CollectorRun.collector, CollectorRun.error, at_location)
    ).all()
    return [
        {"collector": c, "error": e or "", "times": str(n), "location": bool(at)}
        for c, e, at, n in rows
    ]
