"""Business Profile metrics and search keywords for the profile page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from seo_monitor.models import DailyMetric, SearchKeyword
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
