"""Geo-grid scans: where a location ranks on Google Maps for each keyword, point by point.

The Places provider runs a Text Search with a circular location bias at every grid point and
asks only for place ids (field mask `places.id,nextPageToken`), Google's no-charge tier. Points
run concurrently within the API's pacing; each point is stored found / not found / error with
its top results, so a provider error never reads as a rank drop.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from collectors.google_client import GoogleClient
from seo_monitor.errors import CollectorError
from seo_monitor.models import Location, RankPoint, RankScan
from seo_monitor.rankings import GridPoint, PointResult, grid_points
from seo_monitor.settings import RankingSettings, Settings

ID_ONLY_MASK = "places.id,nextPageToken"
WORKERS = 4
TOP_KEPT = 20


class RankProvider(Protocol):
    name: str

    def top_ids(self, keyword: str, point: GridPoint, radius_m: float, pages: int) -> list[str]: ...


class PlacesProvider:
    """Places API (New) Text Search: one call per page, place ids only."""

    name = "places"

    def __init__(self, client: GoogleClient) -> None:
        self.client = client

    def top_ids(self, keyword: str, point: GridPoint, radius_m: float, pages: int) -> list[str]:
        ids: list[str] = []
        token: str | None = None
        for _ in range(pages):
            body: dict[str, object] = {
                "textQuery": keyword,
                "locationBias": {
                    "circle": {
                        "center": {"latitude": point.latitude, "longitude": point.longitude},
                        "radius": radius_m,
                    }
                },
            }
            if token:
                body["pageToken"] = token
            answer = self.client.search_places(body, ID_ONLY_MASK)
            ids += [p["id"] for p in answer.get("places", []) if isinstance(p, dict) and "id" in p]
            token = answer.get("nextPageToken")
            if not token:
                break
        return ids


def calls_per_run(rankings: RankingSettings, locations: int) -> int:
    """Calls for one run at most (every point reading every page)."""
    return locations * len(rankings.keywords) * rankings.grid_size**2 * rankings.pages


def spent_this_month(session: Session, rankings: RankingSettings, now: datetime) -> float:
    month = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    calls = session.scalar(
        select(func.coalesce(func.sum(RankScan.api_calls), 0)).where(RankScan.started_at >= month)
    )
    return float(calls or 0) * rankings.cost_per_search_usd


def collect_rankings(
    provider: RankProvider,
    session: Session,
    location: Location,
    now: datetime,
    settings: Settings,
    calls: Callable[[], int],
) -> dict[str, int]:
    rankings = settings.rankings
    if not rankings.keywords:
        return {"scans": 0}
    if location.latitude is None or location.longitude is None or not location.place_id:
        raise CollectorError(
            f"{location.title} has no coordinates or place id yet",
            permanent=True,
            hint="run `seo-monitor collect locations` first",
        )
    counts = {"scans": 0, "skipped": 0, "points": 0, "errors": 0}
    for keyword in rankings.keywords:
        planned = calls_per_run(rankings, 1) / len(rankings.keywords)
        cost = planned * rankings.cost_per_search_usd
        budget = rankings.monthly_budget_usd
        if budget is not None and spent_this_month(session, rankings, now) + cost > budget:
            _skipped(session, location, keyword, rankings, now, budget)
            counts["skipped"] += 1
            continue
        errors = scan(provider, session, location, keyword, rankings, now, calls)
        counts["scans"] += 1
        counts["points"] += rankings.grid_size**2
        counts["errors"] += errors
    return counts


def scan(
    provider: RankProvider,
    session: Session,
    location: Location,
    keyword: str,
    rankings: RankingSettings,
    now: datetime,
    calls: Callable[[], int],
) -> int:
    """One scan, stored; returns how many points failed."""
    assert location.latitude is not None and location.longitude is not None
    points = grid_points(
        location.latitude, location.longitude, rankings.grid_size, rankings.spacing_km
    )
    before = calls()
    radius = rankings.spacing_km * 1000

    def measure(point: GridPoint) -> PointResult | CollectorError:
        try:
            top = provider.top_ids(keyword, point, radius, rankings.pages)
        except CollectorError as exc:
            if exc.affects_all:
                return exc
            return PointResult("error")
        if location.place_id in top:
            return PointResult("found", top.index(location.place_id) + 1, tuple(top[:TOP_KEPT]))
        return PointResult("not_found", None, tuple(top[:TOP_KEPT]))

    with ThreadPoolExecutor(WORKERS) as pool:
        results = list(pool.map(measure, points))
    fatal = next((r for r in results if isinstance(r, CollectorError)), None)
    if fatal is not None:
        raise fatal  # credentials or API access: every point would fail the same way
    measured = [r for r in results if isinstance(r, PointResult)]
    errors = sum(1 for r in measured if r.state == "error")
    record = RankScan(
        location_id=location.id,
        keyword=keyword,
        provider=provider.name,
        grid_size=rankings.grid_size,
        spacing_km=rankings.spacing_km,
        center_lat=location.latitude,
        center_lng=location.longitude,
        pages=rankings.pages,
        status="ok" if not errors else "partial" if errors < len(points) else "failed",
        started_at=now,
        finished_at=now,
        api_calls=calls() - before,
    )
    session.add(record)
    session.flush()
    session.add_all(
        RankPoint(
            scan_id=record.id,
            row=point.row,
            col=point.col,
            latitude=point.latitude,
            longitude=point.longitude,
            state=result.state,
            rank=result.rank,
            top_results=list(result.top),
            error="the provider failed at this point" if result.state == "error" else None,
        )
        for point, result in zip(points, measured, strict=True)
    )
    return errors


def _skipped(
    session: Session,
    location: Location,
    keyword: str,
    rankings: RankingSettings,
    now: datetime,
    budget: float,
) -> None:
    assert location.latitude is not None and location.longitude is not None
    session.add(
        RankScan(
            location_id=location.id,
            keyword=keyword,
            provider="places",
            grid_size=rankings.grid_size,
            spacing_km=rankings.spacing_km,
            center_lat=location.latitude,
            center_lng=location.longitude,
            pages=rankings.pages,
            status="skipped",
            started_at=now,
            finished_at=now,
            api_calls=0,
            error=f"skipped: it would take this month's cost past the ${budget:.2f} budget",
        )
    )
