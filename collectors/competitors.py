"""Competitors: the businesses that take the map pack in scans, plus pinned ones, with their
name, rating, review count and category, refreshed weekly into snapshots."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from collectors import fields
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
        place = fields.obj(client.place_details(competitor.place_id, DETAILS_MASK))
        competitor.name = fields.line(fields.obj(place.get("displayName")).get("text"), 500)
        competitor.primary_type = fields.line(place.get("primaryType"), 200)
        competitor.latitude, competitor.longitude = _position(place)
        competitor.details_fetched_at = now
        upsert(
            session,
            CompetitorSnapshot,
            [
                {
                    "competitor_id": competitor.id,
                    "day": now.date(),
                    "rating": _rating(place.get("rating")),
                    "review_count": fields.whole(place.get("userRatingCount")),
                }
            ],
            key=("competitor_id", "day"),
        )
    return {"competitors": len(wanted), "refreshed": len(due)}


def _position(place: dict[str, Any]) -> tuple[float | None, float | None]:
    """Google's coordinates, or none at all when either is missing or out of range."""
    where = fields.obj(place.get("location"))
    latitude, longitude = (
        fields.number(where.get("latitude")),
        fields.number(where.get("longitude")),
    )
    if latitude is None or longitude is None or abs(latitude) > 90 or abs(longitude) > 180:
        return None, None
    return latitude, longitude


def _rating(value: Any) -> float | None:
    """Google's 1-5 average; anything else is no rating."""
    rating = fields.number(value)
    return rating if rating is not None and 1 <= rating <= 5 else None


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
