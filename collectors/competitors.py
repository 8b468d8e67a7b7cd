"""Competitors: the businesses that take the map pack in scans, plus pinned ones, with their
name, rating, review count and category, refreshed weekly into snapshots."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from collectors.google_client import GoogleClient
from seo_monitor.config import Settings
from seo_monitor.db import upsert
from seo_monitor.models import Competitor, CompetitorSnapshot, Location, RankPoint, RankScan
from seo_monitor.rankings import PointResult, competitor_solv

DETAILS_MASK = "id,displayName,rating,userRatingCount,primaryType,location"
REFRESH = timedelta(days=7)
TOP_PER_SCAN = 5


def collect_competitors(
    client: GoogleClient, session: Session, settings: Settings, now: datetime
) -> dict[str, int]:
    wanted = set(settings.rankings.pinned_competitors) | _top_in_latest_scans(session)
    for place_id in settings.rankings.pinned_competitors:
        upsert(session, Competitor, [{"place_id": place_id, "pinned": True}], key=("place_id",))
    for place_id in wanted - set(settings.rankings.pinned_competitors):
        upsert(session, Competitor, [{"place_id": place_id}], key=("place_id",), update=())
    due = session.scalars(
        select(Competitor).where(
            Competitor.place_id.in_(wanted),
            (Competitor.details_fetched_at.is_(None))
            | (Competitor.details_fetched_at < now - REFRESH),
        )
    ).all()
    for competitor in due:
        place = client.place_details(competitor.place_id, DETAILS_MASK)
        competitor.name = (place.get("displayName") or {}).get("text")
        competitor.primary_type = place.get("primaryType")
        where = place.get("location") or {}
        competitor.latitude, competitor.longitude = where.get("latitude"), where.get("longitude")
        competitor.details_fetched_at = now
        upsert(
            session,
            CompetitorSnapshot,
            [
                {
                    "competitor_id": competitor.id,
                    "day": now.date(),
                    "rating": place.get("rating"),
                    "review_count": place.get("userRatingCount"),
                }
            ],
            key=("competitor_id", "day"),
        )
    return {"competitors": len(wanted), "refreshed": len(due)}


def _top_in_latest_scans(session: Session) -> set[str]:
    """The top map-pack competitors of each location's latest scan per keyword."""
    own = {loc.id: loc.place_id for loc in session.scalars(select(Location))}
    latest: dict[tuple[int, str], RankScan] = {}
    for scan in session.scalars(
        select(RankScan).where(RankScan.status.in_(("ok", "partial"))).order_by(RankScan.id)
    ):
        latest[(scan.location_id, scan.keyword)] = scan
    found: set[str] = set()
    for scan in latest.values():
        points = session.scalars(select(RankPoint).where(RankPoint.scan_id == scan.id)).all()
        results = [PointResult(p.state, p.rank, tuple(p.top_results)) for p in points]
        ours = own.get(scan.location_id)
        found |= {
            place_id
            for place_id, _ in competitor_solv(results, ours, TOP_PER_SCAN)
            if place_id not in own.values()
        }
    return found
