"""Business Profile metrics and search keywords for the profile page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from seo_monitor.models import DailyMetric, SearchKeyword
from seo_monitor.profile_metrics import FINAL_AFTER_DAYS
from seo_monitor.queries.common import LocationIds, Period, as_date, in_locations


@dataclass(frozen=True)
class KeywordRow:
    keyword: str
    users: int  # the sum of the counts Google gave
    below_threshold: int  # how many (month, location) entries were only "fewer than N"
    threshold: int | None

    @property
    def shown(self) -> str:
        """Never a small count as 0: "< 15" when Google only said "fewer than 15"."""
        if self.below_threshold and not self.users:
            each = (
                f" ({self.below_threshold} months or locations)" if self.below_threshold > 1 else ""
            )
            return f"< {self.threshold}{each}"
        prefix = "≥ " if self.below_threshold else ""
        return f"{prefix}{self.users:,}"


def select_daily_metrics(
    session: Session, location_ids: LocationIds, period: Period
) -> list[tuple[date, str, int]]:
    rows = session.execute(
        select(DailyMetric.day, DailyMetric.metric, func.sum(DailyMetric.value))
        .where(
            in_locations(DailyMetric.location_id, location_ids),
            DailyMetric.day >= period.start,
            DailyMetric.day <= period.end,
        )
        .group_by(DailyMetric.day, DailyMetric.metric)
        .order_by(DailyMetric.day)
    ).all()
    return [(as_date(day), metric, int(value or 0)) for day, metric, value in rows]


def select_keywords(
    session: Session, location_ids: LocationIds, period: Period, limit: int = 200
) -> list[KeywordRow]:
    """Keywords of the months that start inside the period, most searched first."""
    first_month = period.start.replace(day=1)
    users = func.coalesce(func.sum(SearchKeyword.value), 0)
    below = func.sum(case((SearchKeyword.value.is_(None), 1), else_=0))
    rows = session.execute(
        select(
            SearchKeyword.keyword,
            users.label("users"),
            below.label("below"),
            func.max(SearchKeyword.threshold),
        )
        .where(
            in_locations(SearchKeyword.location_id, location_ids),
            SearchKeyword.month >= first_month,
            SearchKeyword.month <= period.end,
        )
        .group_by(SearchKeyword.keyword)
        .order_by(users.desc(), SearchKeyword.keyword)
        .limit(limit)
    ).all()
    return [
        KeywordRow(k, int(u or 0), int(b or 0), int(t) if t is not None else None)
        for k, u, b, t in rows
    ]


def select_keyword_months(session: Session, location_ids: LocationIds) -> list[date]:
    months = session.scalars(
        select(SearchKeyword.month)
        .where(in_locations(SearchKeyword.location_id, location_ids))
        .distinct()
        .order_by(SearchKeyword.month)
    ).all()
    return [as_date(m) for m in months]


@dataclass(frozen=True)
class FinalDays:
    """The profile metric days that can be compared: held for every reporting location and
    old enough that Google no longer revises them."""

    first: date  # the oldest day stored
    last: date  # the newest final day

    def period(self, days: int, up_to: date) -> Period | None:
        """The `days` final days ending at `up_to` or earlier; None when the database does
        not hold them all."""
        end = min(self.last, up_to)
        period = Period(end - timedelta(days=days - 1), end)
        return period if period.start >= self.first else None

    def holds(self, period: Period) -> bool:
        return self.first <= period.start and period.end <= self.last


def select_final_days(session: Session, location_ids: LocationIds, today: date) -> FinalDays | None:
    """The days every location reporting in the last four weeks holds, cut to the final
    ones (`FINAL_AFTER_DAYS` before `today`).

    A location whose collection stopped long ago is left out: it would hold back every
    comparison of the group."""
    rows = session.execute(
        select(func.min(DailyMetric.day), func.max(DailyMetric.day))
        .where(in_locations(DailyMetric.location_id, location_ids))
        .group_by(DailyMetric.location_id)
    ).all()
    spans = [(as_date(first), as_date(last)) for first, last in rows]
    final = today - timedelta(days=FINAL_AFTER_DAYS)  # as profile_metrics.last_final_day
    reporting = [s for s in spans if s[1] >= final - timedelta(days=28)] or spans
    if not reporting:
        return None
    first = max(s[0] for s in reporting)
    last = min(final, *(s[1] for s in reporting))
    return FinalDays(first, last) if last >= first else None
