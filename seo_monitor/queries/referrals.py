"""Referrals as the report, the Referrals page and the digest show them.

Counts are aggregated in the database; only the days from referral to first visit come back
row by row, for the medians. A referrer's status reads its whole history up to the as-of day;
the other figures read the period. Generic sources (self-referrals, online, unknown) count in
the totals and the trends but are no referrer: nobody to thank, nothing to lapse.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Integer, and_, case, func, select, true
from sqlalchemy.orm import Session

from seo_monitor.models import Referral, ReferralTouch, Referrer
from seo_monitor.queries.common import (
    LocationIds,
    Period,
    as_date,
    dialect,
    first_of_next_month,
)
from seo_monitor.referrals import (
    CARE_STARTED_DAYS,
    CHECK_INS,
    Activity,
    StatusRules,
    Touches,
    due_touches,
    referrer_status,
)

PARETO_SHARE = 0.2  # the top fifth of referrers


@dataclass(frozen=True)
class ReferralTotals:
    referrals: int
    referrers: int
    converted: int
    conversion_rate: float | None  # 0–1; None without referrals
    median_days_to_first_visit: float | None


@dataclass(frozen=True)
class ReferrerRow:
    id: int
    name: str
    npi: str | None
    kind: str
    specialty: str | None  # from the NPI registry, when loaded
    referrals: int
    converted: int
    conversion_rate: float | None
    median_days_to_first_visit: float | None
    last_referral: date | None  # up to the as-of day, in or before the period
    status: str
    monthly: dict[str, int] = field(default_factory=dict)  # "YYYY-MM" -> referrals
    registry_name: str | None = None  # the NPI registry's name and practice address, when
    practice_address: str | None = None  # loaded (`referrals npi-load`)


@dataclass(frozen=True)
class Pareto:
    top_referrers: list[str]  # the top ⌈20 %⌉ by referrals in the period (ties by name)
    share: float | None  # their share of all referrals in the period


@dataclass(frozen=True)
class ReferralReport:
    period: Period
    as_of: date
    totals: ReferralTotals
    pareto: Pareto
    referrers: list[ReferrerRow]
    by_kind: list[tuple[str, str, int]]  # (YYYY-MM, kind, referrals)

    def as_json(self) -> dict[str, Any]:
        """The report's documented JSON shape: rates as fractions 0 to 1, dates ISO."""
        return {
            "period": {
                "since": self.period.start.isoformat(),
                "until": self.period.end.isoformat(),
            },
            "as_of": self.as_of.isoformat(),
            "totals": vars(self.totals),
            "pareto": vars(self.pareto),
            "referrers": [
                {
                    "name": r.name,
                    "npi": r.npi,
                    "kind": r.kind,
                    "referrals": r.referrals,
                    "converted": r.converted,
                    "conversion_rate": r.conversion_rate,
                    "median_days_to_first_visit": r.median_days_to_first_visit,
                    "last_referral": r.last_referral.isoformat() if r.last_referral else None,
                    "status": r.status,
                    "monthly": r.monthly,
                }
                for r in self.referrers
            ],
        }


def select_referral_report(
    session: Session,
    period: Period,
    as_of: date,
    rules: StatusRules,
    location_ids: LocationIds = None,
) -> ReferralReport:
    where = _place(location_ids)
    counts = _period_counts(session, period, where)
    days = _days_to_first_visit(session, period, where)
    monthly = _monthly(session, period, where)
    activity = _activity(session, as_of, rules, where)
    people = _referrers(session, set(counts) | set(activity))
    rows = [
        _row(
            referrer,
            counts.get(referrer.id),
            days.get(referrer.id, []),
            monthly,
            activity,
            as_of,
            rules,
        )
        for referrer in people.values()
        if not referrer.generic and referrer.id in activity
    ]
    rows.sort(key=lambda r: (-r.referrals, r.name.lower()))
    total = sum(c[0] for c in counts.values())
    converted = sum(c[1] for c in counts.values())
    every_day = [d for ds in days.values() for d in ds]
    totals = ReferralTotals(
        total,
        sum(1 for r in rows if r.referrals),
        converted,
        converted / total if total else None,
        statistics.median(every_day) if every_day else None,
    )
    return ReferralReport(
        period, as_of, totals, _pareto(rows, total), rows, _by_kind(session, period, where)
    )


def _place(location_ids: LocationIds) -> ColumnElement[bool]:
    """Referrals of these locations; every referral, the practice's own included, for None."""
    return Referral.location_id.in_(list(location_ids)) if location_ids is not None else true()


def _in(period: Period) -> ColumnElement[bool]:
    return Referral.referral_date.between(period.start, period.end)


def _period_counts(
    session: Session, period: Period, where: ColumnElement[bool]
) -> dict[int, tuple[int, int]]:
    """referrer -> (referrals, converted) in the period."""
    converted = func.sum(case((Referral.first_visit_date.is_not(None), 1), else_=0))
    rows = session.execute(
        select(Referral.referrer_id, func.count(), converted)
        .where(_in(period), where)
        .group_by(Referral.referrer_id)
    )
    return {referrer: (int(n), int(c or 0)) for referrer, n, c in rows}


def _days(session: Session) -> Any:
    if dialect(session).name == "postgresql":
        return Referral.first_visit_date - Referral.referral_date
    return func.cast(
        func.julianday(Referral.first_visit_date) - func.julianday(Referral.referral_date), Integer
    )


def _days_to_first_visit(
    session: Session, period: Period, where: ColumnElement[bool]
) -> dict[int, list[int]]:
    found: dict[int, list[int]] = defaultdict(list)
    rows = session.execute(
        select(Referral.referrer_id, _days(session)).where(
            _in(period), where, Referral.first_visit_date.is_not(None)
        )
    )
    for referrer, days in rows:
        found[referrer].append(int(days))
    return found


def month_of_day(session: Session, day: Any) -> Any:
    """'YYYY-MM' of a DATE column."""
    if dialect(session).name == "postgresql":
        return func.to_char(day, "YYYY-MM")
    return func.substr(day, 1, 7)


def _monthly(
    session: Session, period: Period, where: ColumnElement[bool]
) -> dict[int, dict[str, int]]:
    month = month_of_day(session, Referral.referral_date)
    rows = session.execute(
        select(Referral.referrer_id, month, func.count())
        .where(_in(period), where)
        .group_by(Referral.referrer_id, month)
    )
    found: dict[int, dict[str, int]] = defaultdict(dict)
    for referrer, month_text, n in rows:
        found[referrer][str(month_text)] = int(n)
    return found


def _activity(
    session: Session, as_of: date, rules: StatusRules, where: ColumnElement[bool]
) -> dict[int, Activity]:
    baseline, recent, _ = rules.windows(as_of)
    in_recent = case((Referral.referral_date >= recent, 1), else_=0)
    in_baseline = case(
        (and_(Referral.referral_date >= baseline, Referral.referral_date < recent), 1), else_=0
    )
    rows = session.execute(
        select(
            Referral.referrer_id,
            func.min(Referral.referral_date),
            func.max(Referral.referral_date),
            func.sum(in_recent),
            func.sum(in_baseline),
        )
        .where(Referral.referral_date <= as_of, where)
        .group_by(Referral.referrer_id)
    )
    return {
        referrer: Activity(as_date(first), as_date(last), int(r or 0), int(b or 0))
        for referrer, first, last, r, b in rows
    }


def _referrers(session: Session, ids: Iterable[int]) -> dict[int, Referrer]:
    wanted = list(ids)
    if not wanted:
        return {}
    found = session.scalars(select(Referrer).where(Referrer.id.in_(wanted))).all()
    return {referrer.id: referrer for referrer in found}


def _row(
    referrer: Referrer,
    counts: tuple[int, int] | None,
    days: list[int],
    monthly: dict[int, dict[str, int]],
    activity: dict[int, Activity],
    as_of: date,
    rules: StatusRules,
) -> ReferrerRow:
    referrals, converted = counts or (0, 0)
    seen = activity[referrer.id]
    return ReferrerRow(
        referrer.id,
        referrer.name,
        referrer.npi,
        referrer.kind,
        (referrer.nppes or {}).get("specialty"),
        referrals,
        converted,
        converted / referrals if referrals else None,
        statistics.median(days) if days else None,
        seen.last,
        referrer_status(seen, as_of, rules),
        dict(sorted(monthly.get(referrer.id, {}).items())),
        (referrer.nppes or {}).get("name"),
        (referrer.nppes or {}).get("address"),
    )


def _pareto(rows: list[ReferrerRow], total: int) -> Pareto:
    """Rows come sorted by referrals, then name: the top ⌈20 %⌉ of those who referred."""
    referring = [r for r in rows if r.referrals]
    top = referring[: math.ceil(len(referring) * PARETO_SHARE)]
    share = sum(r.referrals for r in top) / total if total else None
    return Pareto([r.name for r in top], share)


def _by_kind(
    session: Session, period: Period, where: ColumnElement[bool]
) -> list[tuple[str, str, int]]:
    month = month_of_day(session, Referral.referral_date)
    rows = session.execute(
        select(month, Referrer.kind, func.count())
        .join(Referrer, Referrer.id == Referral.referrer_id)
        .where(_in(period), where)
        .group_by(month, Referrer.kind)
        .order_by(month, Referrer.kind)
    )
    return [(str(m), str(kind), int(n)) for m, kind, n in rows]


@dataclass(frozen=True)
class DueTouch:
    referrer_id: int
    name: str
    status: str
    what: str  # thank-you, check-in, progress update
    why: str


def select_referrals_due(
    session: Session, as_of: date, rules: StatusRules, location_ids: LocationIds = None
) -> list[DueTouch]:
    """What the practice owes its referrers on `as_of`: check-ins first, then thank-yous, then
    progress updates; within each, the referrers who send the most first."""
    where = _place(location_ids)
    activity = _activity(session, as_of, rules, where)
    people = _referrers(session, activity)
    touches = _touches(session, as_of, where)
    due = []
    for referrer in people.values():
        if referrer.generic:
            continue
        seen = activity[referrer.id]
        status = referrer_status(seen, as_of, rules)
        for owed in due_touches(seen, status, touches.get(referrer.id, Touches()), as_of, rules):
            due.append(
                (
                    seen.recent + seen.baseline,
                    DueTouch(referrer.id, referrer.name, status, owed.what, owed.why),
                )
            )
    order = {"check-in": 0, "thank-you": 1, "progress update": 2}
    due.sort(key=lambda item: (order[item[1].what], -item[0], item[1].name.lower()))
    return [touch for _, touch in due]


def _touches(session: Session, as_of: date, where: ColumnElement[bool]) -> dict[int, Touches]:
    latest: dict[int, dict[str, date]] = defaultdict(dict)
    rows = session.execute(
        select(ReferralTouch.referrer_id, ReferralTouch.kind, func.max(ReferralTouch.day))
        .where(ReferralTouch.day <= as_of)
        .group_by(ReferralTouch.referrer_id, ReferralTouch.kind)
    )
    for referrer, kind, day in rows:
        sort = "check-in" if kind in CHECK_INS else kind
        previous = latest[referrer].get(sort)
        latest[referrer][sort] = max(as_date(day), previous) if previous else as_date(day)
    care = session.execute(
        select(Referral.referrer_id, func.max(Referral.first_visit_date))
        .where(
            where,
            Referral.first_visit_date.between(as_of - timedelta(days=CARE_STARTED_DAYS), as_of),
        )
        .group_by(Referral.referrer_id)
    )
    in_care = {referrer: as_date(day) for referrer, day in care}
    return {
        referrer: Touches(
            found.get("thank-you"),
            found.get("check-in"),
            found.get("progress update"),
            in_care.get(referrer),
        )
        for referrer, found in latest.items()
    } | {
        referrer: Touches(in_care_since=day)
        for referrer, day in in_care.items()
        if referrer not in latest
    }


@dataclass(frozen=True)
class TouchRow:
    id: int
    referrer: str
    kind: str
    day: date
    note: str | None
    actor: str | None


def select_touches(
    session: Session, referrer_id: int | None = None, limit: int = 100
) -> list[TouchRow]:
    query = (
        select(ReferralTouch, Referrer.name)
        .join(Referrer, Referrer.id == ReferralTouch.referrer_id)
        .order_by(ReferralTouch.day.desc(), ReferralTouch.id.desc())
        .limit(limit)
    )
    if referrer_id is not None:
        query = query.where(ReferralTouch.referrer_id == referrer_id)
    return [
        TouchRow(t.id, name, t.kind, t.day, t.note, t.actor) for t, name in session.execute(query)
    ]


@dataclass(frozen=True)
class ReferrerChoice:
    id: int
    name: str
    npi: str | None
    kind: str


def select_referrer_choices(session: Session) -> list[ReferrerChoice]:
    """Referrers a person can pick (not merged away, not generic sources), by name."""
    rows = session.scalars(
        select(Referrer)
        .where(Referrer.merged_into.is_(None), Referrer.generic.is_(False))
        .order_by(func.lower(Referrer.name))
    )
    return [ReferrerChoice(r.id, r.name, r.npi, r.kind) for r in rows]


def select_referral_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Referral)) or 0)


@dataclass(frozen=True)
class ThankYou:
    referrer_id: int
    name: str
    kind: str
    referrals: int  # in the month: the letter names the count, never a patient


def select_thank_you_counts(
    session: Session,
    month: date,
    referrer_ids: list[int] | None = None,
    location_ids: LocationIds = None,
) -> list[ThankYou]:
    """Each referrer (not a generic source) who referred in the month, with how many (to
    these locations; None: the whole practice, its own referrals included)."""
    end = first_of_next_month(month) - timedelta(days=1)
    query = (
        select(Referrer.id, Referrer.name, Referrer.kind, func.count())
        .join(Referral, Referral.referrer_id == Referrer.id)
        .where(
            Referral.referral_date.between(month, end),
            Referrer.generic.is_(False),
            _place(location_ids),
        )
        .group_by(Referrer.id, Referrer.name, Referrer.kind)
        .order_by(func.lower(Referrer.name))
    )
    if referrer_ids is not None:
        query = query.where(Referrer.id.in_(referrer_ids))
    return [ThankYou(rid, name, kind, int(n)) for rid, name, kind, n in session.execute(query)]
