"""Monthly search keywords (Performance API). Small counts arrive only as "fewer than N": they
are kept as a threshold, never as a number."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from collectors import fields
from collectors.google_client import GoogleClient, pages
from seo_monitor.db import upsert
from seo_monitor.errors import MalformedRecord
from seo_monitor.models import Location, SearchKeyword

BACKFILL_MONTHS = 12


def months_to_fetch(session: Session, location_id: int, today: date) -> list[date]:
    """Complete months of the last year that are not stored yet, oldest first."""
    stored = set(
        session.scalars(
            select(SearchKeyword.month).where(SearchKeyword.location_id == location_id).distinct()
        )
    )
    month = date(today.year, today.month, 1)
    wanted = []
    for _ in range(BACKFILL_MONTHS):
        month = date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)
        wanted.append(month)
    return [m for m in reversed(wanted) if m not in stored]


def fetch_keyword_pages(
    client: GoogleClient, location: str, month: date
) -> Iterator[dict[str, Any]]:
    for page in pages(lambda token: client.list_search_keywords(location, month, token)):
        yield from page.get("searchKeywordsCounts") or []


def parse_keyword(raw: Any) -> tuple[str, int | None, int | None] | None:
    """(keyword, unique users, threshold): exactly one of the last two is set. None for an
    entry whose insightsValue is empty: Google has no figure for it, which is not a fault."""
    keyword = fields.text(fields.obj(raw).get("searchKeyword"), 500)
    if keyword is None:
        raise MalformedRecord("keyword entry without searchKeyword")
    insights = fields.obj(raw.get("insightsValue"))
    if isinstance(raw.get("insightsValue"), dict) and not insights:
        return None
    value, threshold = fields.whole(insights.get("value")), fields.whole(insights.get("threshold"))
    if value is not None and value >= 0:
        return keyword, value, None
    if threshold is not None and threshold >= 0:
        return keyword, None, threshold
    raise MalformedRecord("keyword entry without a usable value or threshold")


def save_keywords(
    session: Session,
    location_id: int,
    month: date,
    rows: list[tuple[str, int | None, int | None]],
    now: datetime,
) -> int:
    values = [
        {
            "location_id": location_id,
            "month": month,
            "keyword": keyword,
            "value": value,
            "threshold": threshold,
            "fetched_at": now,
        }
        for keyword, value, threshold in rows
    ]
    return upsert(
        session,
        SearchKeyword,
        values,
        ["location_id", "month", "keyword"],
        update=["value", "threshold"],
        touch={"fetched_at": now},
    )


def collect_keywords(
    client: GoogleClient, session: Session, location: Location, now: datetime
) -> dict[str, int]:
    months = months_to_fetch(session, location.id, now.date())
    written = skipped = keywords = 0
    for month in months:
        rows: dict[str, tuple[str, int | None, int | None]] = {}
        for raw in fetch_keyword_pages(client, location.name, month):
            try:
                row = parse_keyword(raw)
            except MalformedRecord:
                skipped += 1
                continue
            if row is not None:
                rows[row[0]] = row
        keywords += len(rows)
        written += save_keywords(session, location.id, month, list(rows.values()), now)
    return {"months": len(months), "keywords": keywords, "changed": written, "skipped": skipped}
