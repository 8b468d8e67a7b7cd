"""Helpers shared by the read-model queries: location filters, periods, date buckets."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Date, Dialect, Select, cast, func, select, true
from sqlalchemy.orm import InstrumentedAttribute, Session

LocationIds = Sequence[int] | None  # None: every location


@dataclass(frozen=True)
class Period:
    """Whole days, both ends included."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of the same length just before this one."""
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    @property
    def start_time(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=UTC)

    @property
    def end_time(self) -> datetime:
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=UTC)


def whole_months(span: Period, split_at: date) -> list[Period]:
    """The calendar months that lie wholly inside `span` and wholly on one side of
    `split_at` (a month cut by the boundary between two periods is counted by its days)."""
    months: list[Period] = []
    first = span.start if span.start.day == 1 else first_of_next_month(span.start)
    while True:
        last = first_of_next_month(first) - timedelta(days=1)
        if last > span.end:
            return months
        if last < split_at or first >= split_at:
            months.append(Period(first, last))
        first = last + timedelta(days=1)


def first_of_next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def days_outside(span: Period, months: list[Period]) -> list[Period]:
    """The runs of days of `span` that none of `months` (sorted, inside it) covers."""
    runs: list[Period] = []
    start = span.start
    for month in months:
        if month.start > start:
            runs.append(Period(start, month.start - timedelta(days=1)))
        start = month.end + timedelta(days=1)
    if start <= span.end:
        runs.append(Period(start, span.end))
    return runs


def in_locations(
    column: InstrumentedAttribute[int] | InstrumentedAttribute[int | None],
    location_ids: LocationIds,
) -> ColumnElement[bool]:
    return true() if location_ids is None else column.in_(list(location_ids))


def dialect(session: Session) -> Dialect:
    return session.get_bind().dialect


def week_start_of_time(session: Session, moment: Any) -> Any:
    """The Monday of a timestamp's UTC week, as a date."""
    if dialect(session).name == "postgresql":
        return cast(func.date_trunc("week", func.timezone("UTC", moment)), Date)
    return func.date(moment, "weekday 0", "-6 days")


def month_start(session: Session, moment: Any) -> Any:
    """The first day of a timestamp's UTC month, as a date."""
    if dialect(session).name == "postgresql":
        return cast(func.date_trunc("month", func.timezone("UTC", moment)), Date)
    return func.date(moment, "start of month")


def hours_between(session: Session, start: Any, end: Any) -> Any:
    """The hours from one timestamp to another, as a number computed by the database (cheaper
    than bringing both timestamps into Python for thousands of rows)."""
    if dialect(session).name == "postgresql":
        return func.extract("epoch", end - start) / 3600.0
    return (func.julianday(end) - func.julianday(start)) * 24.0


def select_median(session: Session, values: Select[tuple[Any]], count: int) -> float | None:
    """The median of the one-column query `values`, which returns `count` rows, computed by the
    database: only the answer comes back, not every value."""
    if count == 0:
        return None
    column = values.subquery().c[0]
    if dialect(session).name == "postgresql":
        found = session.scalar(select(func.percentile_cont(0.5).within_group(column)))
        return float(found) if found is not None else None
    # SQLite has no percentile function: read the middle value, or the middle two, in order.
    middle = session.scalars(
        select(column).order_by(column).limit(2 - count % 2).offset((count - 1) // 2)
    ).all()
    return float(sum(middle)) / len(middle)


def as_date(value: Any) -> date:
    """Dates come back as date objects from PostgreSQL and as text from SQLite."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
