"""The monthly report as plain data: one month against the month before and the same month a
year earlier, from the same queries the dashboard and the digest use, so the three never
disagree. A month the database does not hold is None ("no data"), never zeros."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from seo_monitor.config import Settings
from seo_monitor.errors import UserError
from seo_monitor.models import (
    CollectorRun,
    Location,
    RatingSnapshot,
    Review,
    StoredReviewScore,
)
from seo_monitor.queries.common import LocationIds, Period, in_locations
from seo_monitor.queries.digest import METRICS, needs_a_reply
from seo_monitor.queries.listings import select_listings
from seo_monitor.queries.overview import (
    select_metric_totals,
    select_monthly_reviews,
    select_new_review_count,
    select_weekly_metrics,
)
from seo_monitor.queries.profile import FinalDays, select_final_days, select_keywords
from seo_monitor.queries.profile_guard import select_google_updates, select_profile_changes
from seo_monitor.queries.rankings import ScanView, select_scans
from seo_monitor.queries.referrals import select_referral_count, select_referral_report
from seo_monitor.queries.review_requests import select_ask_totals, select_visit_count
from seo_monitor.queries.reviews import select_reputation, select_topic_summary
from seo_monitor.queries.website import select_audits
from seo_monitor.referrals import StatusRules

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
KEYWORDS_SHOWN = 10
TOPICS_SHOWN = 6
CHART_WEEKS = 13  # the weekly charts show the quarter up to the month's end


@dataclass(frozen=True, order=True)
class Month:
    first: date  # its first day

    @classmethod
    def parse(cls, text: str) -> Month:
        match = MONTH.match(text.strip())
        if not match or not 1 <= int(match[2]) <= 12:
            raise UserError(f"{text!r} is not a month: write it as YYYY-MM, e.g. 2026-11")
        return cls(date(int(match[1]), int(match[2]), 1))

    @classmethod
    def last_complete(cls, today: date) -> Month:
        """The month before the one `today` is in."""
        return cls(today.replace(day=1)).previous()

    @property
    def last(self) -> date:
        return (self.first + timedelta(days=32)).replace(day=1) - timedelta(days=1)

    @property
    def period(self) -> Period:
        return Period(self.first, self.last)

    def previous(self) -> Month:
        return Month((self.first - timedelta(days=1)).replace(day=1))

    def year_before(self) -> Month:
        return Month(self.first.replace(year=self.first.year - 1))

    @property
    def key(self) -> str:
        return f"{self.first:%Y-%m}"

    @property
    def label(self) -> str:
        return f"{self.first:%B %Y}"

    @property
    def short(self) -> str:
        return f"{self.first:%b %Y}"


@dataclass(frozen=True)
class Figures:
    """One month's figures for the report's locations."""

    month: Month
    rating: float | None  # Google's at the month's end
    review_count: int | None
    new_reviews: int
    by_stars: dict[int, int]  # 1..5 -> new reviews
    response_rate: float | None
    median_reply_hours: float | None
    metrics: dict[str, int] | None  # None: Google's figures for some day are not held
    reviews_needed: int | None  # new 5-star reviews to reach the target rating


@dataclass(frozen=True)
class KeywordLine:
    keyword: str
    users: str  # as Google gave it: "1,204", "< 15"
    previous: str | None


@dataclass(frozen=True)
class TopicLine:
    label: str
    mentions: int
    negative: int
    previous_negative: int


@dataclass(frozen=True)
class RankLine:
    keyword: str
    scan: ScanView  # the month's last scan
    previous: ScanView | None  # the last scan before the month


@dataclass(frozen=True)
class Website:
    url: str
    score: int | None
    previous_score: int | None
    high: list[str]  # the open high-severity findings, as messages
    reason: str | None  # why there is no score


@dataclass(frozen=True)
class Referrals:
    referrals: int
    previous: int
    converted: int
    conversion_rate: float | None
    top: list[tuple[str, int]]
    slipping: list[str]  # slipping or lapsed referrers


@dataclass(frozen=True)
class Asks:
    sent: int
    previous: int
    not_asked: int


@dataclass(frozen=True)
class MonthData:
    """Everything the report says about one scope (a location, or all of them) for a month."""

    title: str
    month: Month
    location_ids: list[int]
    current: Figures | None
    previous: Figures | None
    year_ago: Figures | None
    metrics_through: date | None  # the newest day Google has finished counting
    weekly: list[tuple[date, str, int]]  # (Monday, metric group, total), whole final weeks
    keywords: list[KeywordLine]
    topics: list[TopicLine]
    waiting_replies: int  # reviews needing a reply, as of the month's end
    target_rating: float
    rankings: list[RankLine] = field(default_factory=list)  # per location only
    website: Website | None = None  # per location only
    profile_changes: list[tuple[str, str, str]] = field(default_factory=list)  # place, field, src
    google_updates: list[tuple[str, str]] = field(default_factory=list)  # location, field
    listing_mismatches: list[tuple[str, str, str]] = field(default_factory=list)  # loc, site, …
    listings_checked: int = 0
    referrals: Referrals | None = None
    asks: Asks | None = None


def build_month(
    session: Session,
    settings: Settings,
    title: str,
    locations: list[Location],
    month: Month,
    today: date,
    *,
    charts: bool = True,
) -> MonthData:
    """The report's data for `locations` taken together (with one location, its rankings and
    website audit too). Without `charts`, no weekly metrics or keywords: a group's page per
    location shows neither."""
    ids = [location.id for location in locations]
    final = select_final_days(session, ids, today)
    figures = {m: _figures(session, settings, ids, m, final) for m in _months(month)}
    data = MonthData(
        title=title,
        month=month,
        location_ids=ids,
        current=figures[month],
        previous=figures[month.previous()],
        year_ago=figures[month.year_before()],
        metrics_through=final.last if final else None,
        weekly=_weekly(session, ids, month, final) if charts else [],
        keywords=_keywords(session, ids, month) if charts else [],
        topics=_topics(session, ids, month),
        waiting_replies=_waiting(session, settings, ids, month),
        target_rating=settings.reviews.target_rating,
    )
    return _with_detail(session, settings, data, locations, month)


def _months(month: Month) -> tuple[Month, Month, Month]:
    return month, month.previous(), month.year_before()


def _with_detail(
    session: Session, settings: Settings, data: MonthData, locations: list[Location], month: Month
) -> MonthData:
    ids = data.location_ids
    listings = select_listings(session, ids)
    changes = select_profile_changes(session, ids, month.period)
    one = locations[0] if len(locations) == 1 else None
    return MonthData(
        **{
            **vars(data),
            "rankings": _rankings(session, one.id, month) if one else [],
            "website": _website(session, one.id, month) if one else None,
            "profile_changes": [(c.location, c.field, c.source) for c in changes],
            "google_updates": [(u.location, u.field) for u in select_google_updates(session, ids)],
            "listing_mismatches": [
                (row.location, row.site, ", ".join(m["field"] for m in row.mismatches))
                for row in listings
                if row.status == "mismatch"
            ],
            "listings_checked": sum(1 for row in listings if row.checked_at is not None),
            "referrals": _referrals(session, settings, ids, month),
            "asks": _asks(session, ids, month),
        }
    )


def _figures(
    session: Session, settings: Settings, ids: LocationIds, month: Month, final: FinalDays | None
) -> Figures | None:
    """The month's figures; None when the database holds nothing of that month (no review
    written by its end, no rating recorded by then, no profile metrics for it)."""
    period = month.period
    metrics = select_metric_totals(session, ids, period) if final and final.holds(period) else None
    if metrics is None and not _reviews_held(session, ids, period):
        return None
    reputation = select_reputation(session, ids, period, settings.reviews.target_rating)
    by_stars = dict.fromkeys(range(1, 6), 0)
    for _month, stars, count in select_monthly_reviews(session, ids, period):
        by_stars[stars] += count
    return Figures(
        month=month,
        rating=reputation.rating,
        review_count=reputation.review_count if reputation.rating is not None else None,
        new_reviews=select_new_review_count(session, ids, period),
        by_stars=by_stars,
        response_rate=reputation.response_rate,
        median_reply_hours=reputation.median_reply_hours,
        metrics={m: metrics.get(m, 0) for m in METRICS} if metrics is not None else None,
        reviews_needed=reputation.reviews_needed,
    )


def _reviews_held(session: Session, ids: LocationIds, period: Period) -> bool:
    """Reviews are read with their whole history, so a month is held once reviews were read
    at all, if any review or rating dates from its end or before."""
    written = select(Review.id).where(
        in_locations(Review.location_id, ids), Review.created_at < period.end_time
    )
    rated = select(RatingSnapshot.id).where(
        in_locations(RatingSnapshot.location_id, ids), RatingSnapshot.day <= period.end
    )
    read = select(CollectorRun.id).where(
        CollectorRun.collector == "reviews",
        CollectorRun.status == "ok",
        in_locations(CollectorRun.location_id, ids),
        CollectorRun.started_at < period.end_time,
    )
    return any(session.scalar(select(q.exists())) for q in (written, rated, read))


def _weekly(
    session: Session, ids: LocationIds, month: Month, final: FinalDays | None
) -> list[tuple[date, str, int]]:
    if final is None:
        return []
    end = min(month.last, final.last)
    start = max(final.first, end - timedelta(weeks=CHART_WEEKS) + timedelta(days=1))
    return select_weekly_metrics(session, ids, Period(start, end)) if start < end else []


def _keywords(session: Session, ids: LocationIds, month: Month) -> list[KeywordLine]:
    current = select_keywords(session, ids, month.period, KEYWORDS_SHOWN)
    before = {
        row.keyword: row.shown for row in select_keywords(session, ids, month.previous().period)
    }
    return [KeywordLine(row.keyword, row.shown, before.get(row.keyword)) for row in current]


def _topics(session: Session, ids: LocationIds, month: Month) -> list[TopicLine]:
    summary = select_topic_summary(session, ids, month.period)
    complaints = [t for t in summary if t.negative or t.previous_negative]
    return [
        TopicLine(t.label, t.mentions, t.negative, t.previous_negative)
        for t in complaints[:TOPICS_SHOWN]
    ]


def _waiting(session: Session, settings: Settings, ids: list[int], month: Month) -> int:
    """Reviews written by the month's end that still need a reply today."""
    end = month.period.end_time
    return int(
        session.scalar(
            select(func.count())
            .select_from(Review)
            .outerjoin(StoredReviewScore, StoredReviewScore.review_id == Review.id)
            .where(needs_a_reply(settings, ids, end))
        )
        or 0
    )


def _rankings(session: Session, location_id: int, month: Month) -> list[RankLine]:
    """Each keyword's last scan in the month, beside its last scan before the month."""
    start, end = month.period.start_time, month.period.end_time
    since = month.previous().period.start_time  # a scan before that is no comparison
    scans = select_scans(session, location_id, limit=200, between=(since, end))
    lines = []
    for keyword in sorted({s.keyword for s in scans}):
        mine = [s for s in scans if s.keyword == keyword]  # newest first
        in_month = [s for s in mine if s.started_at >= start]
        if not in_month:
            continue
        before = next((s for s in mine if s.started_at < start), None)
        lines.append(RankLine(keyword, in_month[0], before))
    return lines


def _website(session: Session, location_id: int, month: Month) -> Website | None:
    end = month.period.end_time
    audits = [a for a in select_audits(session, location_id) if a.fetched_at < end]
    if not audits:
        return None
    latest = audits[0]
    start = month.period.start_time
    before = next((a for a in audits if a.fetched_at < start and a.score is not None), None)
    high = [str(f["message"]) for f in latest.findings if f.get("severity") == "high"]
    return Website(latest.url, latest.score, before.score if before else None, high, latest.reason)


def _referrals(
    session: Session, settings: Settings, ids: list[int], month: Month
) -> Referrals | None:
    if not select_referral_count(session):
        return None
    every = set(ids) >= set(session.scalars(select(Location.id).where(Location.active.is_(True))))
    scope = None if every else ids  # the whole practice also counts referrals to no location
    rules = StatusRules.from_settings(settings)
    report = select_referral_report(session, month.period, month.last, rules, scope)
    previous = select_referral_report(
        session, month.previous().period, month.previous().last, rules, scope
    )
    ranked = sorted(report.referrers, key=lambda r: (-r.referrals, r.name))
    return Referrals(
        referrals=report.totals.referrals,
        previous=previous.totals.referrals,
        converted=report.totals.converted,
        conversion_rate=report.totals.conversion_rate,
        top=[(r.name, r.referrals) for r in ranked if r.referrals][:5],
        slipping=[r.name for r in ranked if r.status in ("slipping", "lapsed")],
    )


def _asks(session: Session, ids: list[int], month: Month) -> Asks | None:
    if not select_visit_count(session):
        return None
    totals = select_ask_totals(session, ids, month.period)
    before = select_ask_totals(session, ids, month.previous().period)
    return Asks(totals.sent, before.sent, sum(totals.skipped.values()))


def report_month(text: str | None, now: datetime) -> Month:
    """The month asked for, or the last whole month; a month not over yet is refused (its
    figures would look like a drop)."""
    today = now.date()
    if text is None:
        return Month.last_complete(today)
    month = Month.parse(text)
    if month.last >= today:
        raise UserError(
            f"{month.label} is not over yet: a report covers a whole month (the last one is "
            f"{Month.last_complete(today).key})"
        )
    return month
