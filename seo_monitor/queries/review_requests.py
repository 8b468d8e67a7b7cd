"""Review requests by email as the page, the digest and the CLI show them: asks per week, and
their effect measured the honest way — new Google reviews per week before and after asking
started, and in weeks with asks against weeks without. Never by matching reviewers to patients:
that would process patients' information for no patient's benefit."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from seo_monitor.models import Review, ReviewAsk, Suppression
from seo_monitor.queries.common import (
    LocationIds,
    Period,
    as_date,
    in_locations,
    week_start_of_time,
)

EFFECT_WEEKS = 12  # compared on each side of the start: a quarter


@dataclass(frozen=True)
class AskWeek:
    week: date  # its Monday
    sent: int
    skipped: int
    unsubscribed: int
    bounced: int


def select_ask_weeks(session: Session, location_ids: LocationIds, period: Period) -> list[AskWeek]:
    """Asks sent, visits skipped, and addresses unsubscribed or bounced, per week."""
    counts: dict[date, Counter[str]] = {}
    sent_week = week_start_of_time(session, ReviewAsk.asked_at)
    rows = session.execute(
        select(sent_week, func.count())
        .where(
            ReviewAsk.status == "sent",
            ReviewAsk.asked_at >= period.start_time,
            ReviewAsk.asked_at < period.end_time,
            in_locations(ReviewAsk.location_id, location_ids),
        )
        .group_by(sent_week)
    )
    for week, n in rows:
        counts.setdefault(as_date(week), Counter())["sent"] += int(n)
    settled_week = week_start_of_time(session, ReviewAsk.updated_at)
    rows = session.execute(
        select(settled_week, func.count())
        .where(
            ReviewAsk.status == "skipped",
            ReviewAsk.updated_at >= period.start_time,
            ReviewAsk.updated_at < period.end_time,
            in_locations(ReviewAsk.location_id, location_ids),
        )
        .group_by(settled_week)
    )
    for week, n in rows:
        counts.setdefault(as_date(week), Counter())["skipped"] += int(n)
    suppressed_week = week_start_of_time(session, Suppression.created_at)
    rows = session.execute(
        select(suppressed_week, Suppression.reason, func.count())
        .where(
            Suppression.created_at >= period.start_time, Suppression.created_at < period.end_time
        )
        .group_by(suppressed_week, Suppression.reason)
    )
    for week, reason, n in rows:
        kind = "bounced" if reason == "bounced" else "unsubscribed"
        counts.setdefault(as_date(week), Counter())[kind] += int(n)
    return [
        AskWeek(week, c["sent"], c["skipped"], c["unsubscribed"], c["bounced"])
        for week, c in sorted(counts.items())
    ]


@dataclass(frozen=True)
class AskEffect:
    started: date | None  # the first ask; None before any
    weeks_before: int
    per_week_before: float | None  # new Google reviews a week
    weeks_after: int
    per_week_after: float | None
    weeks_with_asks: int
    per_week_with_asks: float | None
    weeks_without_asks: int
    per_week_without_asks: float | None


def select_ask_effect(session: Session, location_ids: LocationIds, today: date) -> AskEffect:
    """New Google reviews a week in the whole weeks before the first ask and after it (up to
    EFFECT_WEEKS each), and in the weeks after it with asks against those without."""
    first = session.scalar(
        select(func.min(ReviewAsk.asked_at)).where(
            ReviewAsk.status == "sent", in_locations(ReviewAsk.location_id, location_ids)
        )
    )
    if first is None:
        return AskEffect(None, 0, None, 0, None, 0, None, 0, None)
    started = first.date() if isinstance(first, datetime) else as_date(first)
    start_week = started - timedelta(days=started.weekday())
    last_whole = today - timedelta(days=today.weekday() + 7)  # the Monday of last week
    before = [start_week - timedelta(weeks=n) for n in range(EFFECT_WEEKS, 0, -1)]
    after = [w for n in range(EFFECT_WEEKS) if (w := start_week + timedelta(weeks=n)) <= last_whole]
    reviews = _reviews_per_week(
        session, location_ids, Period(before[0], last_whole + timedelta(days=6))
    )
    asked = _asks_per_week(session, location_ids)
    with_asks = [w for w in after if asked.get(w)]
    without = [w for w in after if not asked.get(w)]
    return AskEffect(
        started,
        len(before),
        _mean(reviews, before),
        len(after),
        _mean(reviews, after),
        len(with_asks),
        _mean(reviews, with_asks),
        len(without),
        _mean(reviews, without),
    )


def _mean(counts: dict[date, int], weeks: list[date]) -> float | None:
    return sum(counts.get(w, 0) for w in weeks) / len(weeks) if weeks else None


def _reviews_per_week(
    session: Session, location_ids: LocationIds, period: Period
) -> dict[date, int]:
    week = week_start_of_time(session, Review.created_at)
    rows = session.execute(
        select(week, func.count())
        .where(
            Review.source == "google",
            Review.created_at >= period.start_time,
            Review.created_at < period.end_time,
            in_locations(Review.location_id, location_ids),
        )
        .group_by(week)
    )
    return {as_date(w): int(n) for w, n in rows}


def _asks_per_week(session: Session, location_ids: LocationIds) -> dict[date, int]:
    week = week_start_of_time(session, ReviewAsk.asked_at)
    rows = session.execute(
        select(week, func.count())
        .where(ReviewAsk.status == "sent", in_locations(ReviewAsk.location_id, location_ids))
        .group_by(week)
    )
    return {as_date(w): int(n) for w, n in rows}


@dataclass(frozen=True)
class AskTotals:
    waiting: int  # visits not yet asked or settled
    sent: int
    skipped: Counter[str]  # reason -> visits
    suppressed: int  # addresses that get no more asks


def select_ask_totals(session: Session, location_ids: LocationIds, period: Period) -> AskTotals:
    place = in_locations(ReviewAsk.location_id, location_ids)
    waiting = session.scalar(
        select(func.count()).where(ReviewAsk.status.in_(("waiting", "queued")), place)
    )
    sent = session.scalar(
        select(func.count()).where(
            ReviewAsk.status == "sent",
            ReviewAsk.asked_at >= period.start_time,
            ReviewAsk.asked_at < period.end_time,
            place,
        )
    )
    reasons = session.execute(
        select(ReviewAsk.reason, func.count())
        .where(
            ReviewAsk.status.in_(("skipped", "bounced", "failed")),
            ReviewAsk.updated_at >= period.start_time,
            ReviewAsk.updated_at < period.end_time,
            place,
        )
        .group_by(ReviewAsk.reason)
    )
    suppressed = session.scalar(select(func.count()).select_from(Suppression))
    return AskTotals(
        int(waiting or 0),
        int(sent or 0),
        Counter({str(reason or "failed"): int(n) for reason, n in reasons}),
        int(suppressed or 0),
    )


@dataclass(frozen=True)
class SuppressionRow:
    """One address that gets no more asks, as the page lists it: never the address (only its
    keyed hash is kept), but when, why and who entered it."""

    created_at: datetime
    reason: str
    actor: str | None  # None: the mail server refused the address (a bounce found by a send)


def select_suppressions(session: Session, limit: int = 500) -> list[SuppressionRow]:
    """The newest suppressions first, at most `limit`."""
    rows = session.execute(
        select(Suppression.created_at, Suppression.reason, Suppression.actor)
        .order_by(Suppression.created_at.desc(), Suppression.email_key)
        .limit(limit)
    )
    return [SuppressionRow(created, reason, actor) for created, reason, actor in rows]


def select_suppression(session: Session, email_key: str) -> Suppression | None:
    return session.get(Suppression, email_key)


def select_visit_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(ReviewAsk)) or 0)
