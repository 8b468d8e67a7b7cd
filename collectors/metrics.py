"""Daily Business Profile metrics (Performance API): one request per location and window.

The first run backfills 18 months; later runs re-read a trailing window because Google
reports recent days late and revises them. A missing value is 0; a missing day is "not
reported yet" and is simply not stored.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import case, delete, exists, func, insert, select
from sqlalchemy.orm import Session

from collectors import fields
from collectors.google_client import GoogleClient
from seo_monitor.db import upsert
from seo_monitor.errors import MalformedRecord
from seo_monitor.models import DailyMetric, DailyMetricGroups, Location
from seo_monitor.profile_metrics import DAILY_METRICS, GROUP_METRICS

METRICS = DAILY_METRICS
BACKFILL_DAYS = 548  # about 18 months, as far back as Google keeps
TRAILING_WINDOW_DAYS = 10


def metrics_window(session: Session, location_id: int, today: date) -> tuple[date, date]:
    has_data = session.scalar(select(exists().where(DailyMetric.location_id == location_id)))
    days = TRAILING_WINDOW_DAYS if has_data else BACKFILL_DAYS
    return today - timedelta(days=days), today - timedelta(days=1)


def parse_daily_metrics(raw: dict[str, Any]) -> tuple[list[tuple[str, date, int]], int]:
    """(metric, day, value) for every reported day, and how many entries were unusable."""
    values: list[tuple[str, date, int]] = []
    skipped = 0
    for multi in fields.items(fields.obj(raw).get("multiDailyMetricTimeSeries")):
        for series in fields.items(fields.obj(multi).get("dailyMetricTimeSeries")):
            metric = fields.obj(series).get("dailyMetric")
            time_series = fields.obj(fields.obj(series).get("timeSeries"))
            for dated in fields.items(time_series.get("datedValues")):
                try:
                    values.append((_metric(metric), _day(dated), _value(dated)))
                except MalformedRecord:
                    skipped += 1
    return values, skipped


def _metric(metric: Any) -> str:
    if metric not in METRICS:
        raise MalformedRecord("unknown metric")
    return str(metric)


def _day(dated: Any) -> date:
    parts = fields.obj(fields.obj(dated).get("date"))
    year, month, day = (fields.whole(parts.get(key)) for key in ("year", "month", "day"))
    try:
        return date(year, month, day)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        raise MalformedRecord("bad date") from None


def _value(dated: Any) -> int:
    value = fields.whole(fields.obj(dated).get("value", "0"))  # Google leaves zeros out
    if value is None:
        raise MalformedRecord("value is not a number")
    if value < 0:
        raise MalformedRecord("negative value")
    return value


def save_daily_metrics(
    session: Session, location_id: int, values: list[tuple[str, date, int]], now: datetime
) -> int:
    rows = [
        {
            "location_id": location_id,
            "metric": metric,
            "day": day,
            "value": value,
            "fetched_at": now,
        }
        for metric, day, value in values
    ]
    written = upsert(
        session,
        DailyMetric,
        rows,
        ["location_id", "metric", "day"],
        update=["value"],
        touch={"fetched_at": now},
    )
    if values:
        days = [day for _, day, _ in values]
        refresh_metric_groups(session, location_id, min(days), max(days))
    return written


def refresh_metric_groups(session: Session, location_id: int, start: date, end: date) -> None:
    """Rebuild the location's daily group totals from its daily metrics, `start` to `end`.
    Two syncs of one location (PostgreSQL) take turns on the location's row, as the monthly
    review counts do, instead of inserting the same rows twice."""
    session.execute(
        select(Location.id).where(Location.id == location_id).with_for_update(key_share=True)
    )
    session.execute(
        delete(DailyMetricGroups).where(
            DailyMetricGroups.location_id == location_id,
            DailyMetricGroups.day >= start,
            DailyMetricGroups.day <= end,
        )
    )
    totals = [
        func.sum(case((DailyMetric.metric.in_(metrics), DailyMetric.value)))
        for metrics in GROUP_METRICS.values()
    ]
    grouped = (
        select(DailyMetric.day, DailyMetric.location_id, *totals)
        .where(
            DailyMetric.location_id == location_id,
            DailyMetric.day >= start,
            DailyMetric.day <= end,
        )
        .group_by(DailyMetric.day, DailyMetric.location_id)
    )
    columns = ["day", "location_id", *GROUP_METRICS]
    session.execute(insert(DailyMetricGroups).from_select(columns, grouped))


def collect_metrics(
    client: GoogleClient, session: Session, location: Location, now: datetime
) -> dict[str, int]:
    start, end = metrics_window(session, location.id, now.date())
    raw = client.fetch_daily_metrics(location.name, METRICS, start, end)
    values, skipped = parse_daily_metrics(raw)
    written = save_daily_metrics(session, location.id, values, now)
    return {
        "days": (end - start).days + 1,
        "values": len(values),
        "changed": written,
        "skipped": skipped,
    }
