"""Search Console: daily clicks, impressions and average position by query and page for each
location's website, re-reading a trailing window because Google revises recent days."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from collectors import fields
from collectors.google_client import GoogleClient
from seo_monitor.db import upsert
from seo_monitor.errors import CollectorError, MalformedRecord
from seo_monitor.models import Location, OrganicPosition

ROW_LIMIT = 25_000
BACKFILL_DAYS = 90
TRAILING_DAYS = 4


def properties_of(location: Location) -> list[str]:
    """The Search Console properties that can hold the location's website, in the order they
    are tried: the URL-prefix property (https://host/), then the Domain property
    (sc-domain:host, which Search Console suggests for new sites)."""
    if not location.website:
        return []
    parts = urlsplit(location.website)
    if not (parts.scheme and parts.hostname):
        return []
    domain = parts.hostname.removeprefix("www.")
    return [f"{parts.scheme}://{parts.netloc}/", f"sc-domain:{domain}"]


def collect_search_console(
    client: GoogleClient, session: Session, location: Location, now: datetime
) -> dict[str, int]:
    candidates = properties_of(location)
    for site in candidates:
        try:
            return _collect_property(client, session, location, site, now)
        except CollectorError as exc:
            # Not a user of this kind of property: the site may be verified as the other kind.
            if not exc.no_access or site == candidates[-1]:
                raise
    return {"rows": 0}


def _collect_property(
    client: GoogleClient, session: Session, location: Location, site: str, now: datetime
) -> dict[str, int]:
    newest = session.scalar(
        select(func.max(OrganicPosition.day)).where(OrganicPosition.site == site)
    )
    start = (
        newest - timedelta(days=TRAILING_DAYS)
        if newest is not None
        else now.date() - timedelta(days=BACKFILL_DAYS)
    )
    body: dict[str, Any] = {
        "startDate": start.isoformat(),
        "endDate": now.date().isoformat(),
        "dimensions": ["date", "query", "page"],
        "rowLimit": ROW_LIMIT,
        "startRow": 0,
    }
    changed = read = skipped = 0
    while True:
        answer = client.search_analytics(site, body)
        rows = answer.get("rows") or []
        parsed = []
        for raw in rows:
            try:
                parsed.append(parse_search_row(site, location.id, raw))
            except MalformedRecord:
                skipped += 1
        # The first location with the site keeps it; the figures follow Google's revisions.
        changed += upsert(
            session,
            OrganicPosition,
            parsed,
            key=("site", "query", "page", "day"),
            update=("clicks", "impressions", "ctr", "position"),
        )
        read += len(rows)
        if len(rows) < ROW_LIMIT:
            break
        body["startRow"] += ROW_LIMIT
    return {"rows": read, "changed": changed, "skipped": skipped}


def parse_search_row(site: str, location_id: int, raw: Any) -> dict[str, Any]:
    raw = fields.obj(raw)
    keys = fields.items(raw.get("keys"))
    if len(keys) != 3 or not all(isinstance(key, str) for key in keys):
        raise MalformedRecord("Search Console row without its day, query and page")
    try:
        day = date.fromisoformat(keys[0])
    except ValueError:
        raise MalformedRecord("Search Console row with a bad day") from None
    query, page = fields.text(keys[1], 500), fields.text(keys[2], 1000)
    counts = [fields.whole(raw.get(k)) for k in ("clicks", "impressions")]
    rates = [fields.number(raw.get(k)) for k in ("ctr", "position")]
    if query is None or page is None or None in counts or None in rates:
        raise MalformedRecord("Search Console row with missing or unusable values")
    return {
        "location_id": location_id,
        "site": site,
        "query": query,
        "page": page,
        "day": day,
        "clicks": counts[0],
        "impressions": counts[1],
        "ctr": rates[0],
        "position": rates[1],
    }
