"""Geo-grid scans: where a location ranks on Google Maps for each keyword, point by point.

The Places provider runs a Text Search with a circular location bias at every grid point and
asks only for place ids (field mask `places.id,nextPageToken`), Google's no-charge tier. Points
run concurrently within the API's pacing; each point is stored found / not found / error with
its top results, so a provider error never reads as a rank drop.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

import requests
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, object_session

from collectors import fields
from collectors.google_access import json_answer
from collectors.google_client import GoogleClient
from collectors.profile import served_places
from seo_monitor.config import RankingSettings, Settings
from seo_monitor.db import rows_changed
from seo_monitor.errors import CollectorError
from seo_monitor.models import Competitor, Location, ProfileState, RankPoint, RankScan
from seo_monitor.rankings import GridPoint, PointResult, grid_points

ID_ONLY_MASK = "places.id,nextPageToken"
LOCATION_MASK = "location"  # Place Details' smallest mask that holds the position
SEARCH_LOCATION_MASK = "places.location"  # the same for a text search
# Google's Places terms let coordinates be kept 30 days (place ids for good): read them again
# before then, and forget those not read again since (the maintenance job).
PLACES_KEEP = timedelta(days=30)
PLACES_REFRESH = timedelta(days=25)
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
            page_ids, token = place_ids(self.client.search_places(body, ID_ONLY_MASK))
            ids += page_ids
            if not token:
                break
        return ids


class SerpProvider:
    """A paid SERP API returning real Google Maps results (SerpApi / DataForSEO style): one
    POST per point with the query and coordinates; the key goes in a header, never in the URL
    (URLs end up in logs)."""

    name = "serp"

    def __init__(self, client: GoogleClient, endpoint: str, api_key: str) -> None:
        self.client, self.endpoint, self.api_key = client, endpoint, api_key

    def top_ids(self, keyword: str, point: GridPoint, radius_m: float, pages: int) -> list[str]:
        body = {
            "q": keyword,
            "latitude": point.latitude,
            "longitude": point.longitude,
            "radius_m": radius_m,
            "results": 20 * pages,
        }

        def send() -> dict[str, Any]:
            response = requests.post(
                self.endpoint,
                json=body,
                headers={"X-Api-Key": self.api_key},
                timeout=self.client.timeout,
            )
            return json_answer("serp", response)

        return serp_place_ids(self.client.paced("serp", send), 20 * pages)


def place_ids(answer: dict[str, Any]) -> tuple[list[str], str | None]:
    """A Text Search page's place ids in rank order, and the next page's token."""
    places = answer.get("places")
    listed = places if isinstance(places, list) else []
    ids = [p["id"] for p in listed if isinstance(p, dict) and _usable_id(p.get("id"))]
    token = answer.get("nextPageToken")
    return ids, token if isinstance(token, str) and token else None


def serp_place_ids(answer: dict[str, Any], limit: int) -> list[str]:
    """A SERP provider's local results as place ids, by their position (unranked ones last)."""
    results = answer.get("local_results")
    listed = results if isinstance(results, list) else []
    usable = [r for r in listed if isinstance(r, dict) and _usable_id(r.get("place_id"))]
    ordered = sorted(usable, key=lambda r: _position(r.get("position")))
    return [r["place_id"] for r in ordered][:limit]


def _usable_id(value: Any) -> bool:
    return isinstance(value, str) and 0 < len(value) <= 300 and "\x00" not in value


def _position(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        return math.inf
    return float(value)


def provider_for(settings: Settings, client: GoogleClient) -> RankProvider:
    rankings = settings.rankings
    if rankings.provider == "places":
        return PlacesProvider(client)
    if not rankings.serp_endpoint or rankings.serp_api_key is None:
        raise CollectorError(
            "the SERP provider needs rankings.serp_endpoint and its key",
            permanent=True,
            affects_all=True,
            hint="set rankings.serp_endpoint and rankings.serp_api_key_file "
            "(or SEO_MONITOR_RANKINGS__SERP_API_KEY)",
        )
    return SerpProvider(client, rankings.serp_endpoint, rankings.serp_api_key.get_secret_value())


def calls_per_run(rankings: RankingSettings, locations: int) -> int:
    """Calls for one run at most (every point reading every page)."""
    return locations * len(rankings.keywords) * rankings.grid_size**2 * rankings.pages


def spent_this_month(session: Session, rankings: RankingSettings, now: datetime) -> float:
    month = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    calls = session.scalar(
        select(func.coalesce(func.sum(RankScan.api_calls), 0)).where(RankScan.started_at >= month)
    )
    return float(calls or 0) * rankings.cost_per_search_usd


@dataclass(frozen=True)
class Centre:
    """The middle of a location's grid, and where that point came from."""

    latitude: float
    longitude: float
    source: str  # config ([[locations]] center), profile (the pin), places (Google Places)


def scan_centre(
    client: GoogleClient, location: Location, settings: Settings, now: datetime
) -> Centre:
    """A point set in config first (a service-area business, or a better spot), then the
    profile's own pin, then where Google Places puts the place (read again after 25 days),
    then where a Places text search puts its address or the first place it serves."""
    configured = settings.location_settings(location.name, location.store_code)
    if configured is not None and configured.center is not None:
        return Centre(*configured.center, "config")
    if location.latitude is not None and location.longitude is not None:
        return Centre(location.latitude, location.longitude, "profile")
    assert location.place_id is not None  # checked by collect_rankings
    fresh = location.places_located_at is not None and now - location.places_located_at < (
        PLACES_REFRESH
    )
    if fresh and location.places_latitude is not None and location.places_longitude is not None:
        return Centre(location.places_latitude, location.places_longitude, "places")
    position = place_position(client.place_details(location.place_id, LOCATION_MASK))
    if position is not None:
        location.places_latitude, location.places_longitude = position
        location.places_located_at = now
        return Centre(*position, "places")
    searched = searched_position(client, location, service_area_of(location))
    if searched is None:
        raise CollectorError(
            f"{location.title} has no pin on its profile and Google Places finds no position "
            "for it, its address or its service area",
            permanent=True,
            hint="Set the grid's centre for this location in config.toml: [[locations]] "
            "center = [latitude, longitude] (for a service-area business, the middle of "
            "the area it serves).",
        )
    return Centre(*searched, "search")


def searched_position(
    client: GoogleClient, location: Location, service_area: list[str]
) -> tuple[float, float] | None:
    """Where a Places text search puts the storefront's address, or for a service-area
    business the first place it serves (kept for this run only, not stored)."""
    query = ", ".join(location.address_lines or []) or (service_area[0] if service_area else "")
    if not query:
        return None
    answer = client.search_places({"textQuery": query, "pageSize": 1}, SEARCH_LOCATION_MASK)
    first = next(iter(fields.items(answer.get("places"))), None)
    return place_position(fields.obj(first)) if first is not None else None


def service_area_of(location: Location) -> list[str]:
    """The places a service-area business serves, as the last locations sync read them."""
    session = object_session(location)
    state = session.get(ProfileState, location.id) if session is not None else None
    served = (state.fields if state else {}).get("service_area")
    return served_places(served) if isinstance(served, list) else []


def place_position(answer: dict[str, Any]) -> tuple[float, float] | None:
    where = fields.obj(answer.get("location"))
    latitude, longitude = (
        fields.number(where.get("latitude")),
        fields.number(where.get("longitude")),
    )
    if latitude is None or longitude is None:
        return None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    return latitude, longitude


def forget_old_positions(session: Session, now: datetime) -> int:
    """Positions read from Places more than 30 days ago, forgotten (Google's caching terms):
    the locations' own and those of competitors no longer seen in the scans."""
    cutoff = now - PLACES_KEEP
    own = rows_changed(
        session,
        update(Location)
        .where(Location.places_located_at < cutoff)
        .values(places_latitude=None, places_longitude=None, places_located_at=None),
    )
    others = rows_changed(
        session,
        update(Competitor)
        .where(Competitor.details_fetched_at < cutoff, Competitor.latitude.is_not(None))
        .values(latitude=None, longitude=None),
    )
    return own + others


def collect_rankings(
    provider: RankProvider,
    client: GoogleClient,
    session: Session,
    location: Location,
    now: datetime,
    settings: Settings,
) -> dict[str, int]:
    rankings = settings.rankings
    if not rankings.keywords:
        return {"scans": 0}
    if not location.place_id:
        raise CollectorError(
            f"{location.title} has no Google place id, so it cannot be found on the map",
            permanent=True,
            hint="The profile may not be verified or published on Google Maps yet; run "
            "`seo-monitor collect locations` once it is.",
        )
    centre: Centre | None = None  # looked up when the first scan runs, not for skipped ones
    counts = {"scans": 0, "skipped": 0, "points": 0, "errors": 0}
    for keyword in rankings.keywords:
        planned = calls_per_run(rankings, 1) / len(rankings.keywords)
        cost = planned * rankings.cost_per_search_usd
        budget = rankings.monthly_budget_usd
        if budget is not None and spent_this_month(session, rankings, now) + cost > budget:
            _skipped(session, location, centre, keyword, rankings, now, budget)
            counts["skipped"] += 1
            continue
        centre = centre or scan_centre(client, location, settings, now)
        errors = scan(
            provider, session, location, centre, keyword, rankings, now, lambda: client.total_calls
        )
        counts["scans"] += 1
        counts["points"] += rankings.grid_size**2
        counts["errors"] += errors
    return counts


def scan(
    provider: RankProvider,
    session: Session,
    location: Location,
    centre: Centre,
    keyword: str,
    rankings: RankingSettings,
    now: datetime,
    calls: Callable[[], int],
) -> int:
    """One scan, stored; returns how many points failed."""
    points = grid_points(centre.latitude, centre.longitude, rankings.grid_size, rankings.spacing_km)
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
    status = "ok" if not errors else "partial" if errors < len(points) else "failed"
    record = _scan_row(location, centre, keyword, rankings, now, status, calls() - before)
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
    centre: Centre | None,
    keyword: str,
    rankings: RankingSettings,
    now: datetime,
    budget: float,
) -> None:
    reason = f"skipped: it would take this month's cost past the ${budget:.2f} budget"
    session.add(_scan_row(location, centre, keyword, rankings, now, "skipped", 0, reason))


def _scan_row(
    location: Location,
    centre: Centre | None,
    keyword: str,
    rankings: RankingSettings,
    now: datetime,
    status: str,
    api_calls: int,
    error: str | None = None,
) -> RankScan:
    """A scan's record with the settings that make scans comparable."""
    return RankScan(
        location_id=location.id,
        keyword=keyword,
        provider=rankings.provider,
        grid_size=rankings.grid_size,
        spacing_km=rankings.spacing_km,
        center_lat=centre.latitude if centre else None,
        center_lng=centre.longitude if centre else None,
        center_source=centre.source if centre else None,
        pages=rankings.pages,
        status=status,
        started_at=now,
        finished_at=now,
        api_calls=api_calls,
        error=error,
    )
