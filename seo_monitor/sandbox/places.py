"""Places API (New) and Search Console answers from the sandbox world.

Places: competitors surround each clinic; Text Search ranks every business near the searched
point by rating, review count and distance, with a little noise per point, so a geo-grid of
searches shows a believable heat map. Search Console: daily clicks, impressions and positions
for each clinic website's queries and pages.
"""

from __future__ import annotations

import base64
import math
import random
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from seo_monitor.sandbox.world import KEYWORDS, World, stable_seed

COMPETITOR_NAMES = (
    "Motion Works Physical Therapy",
    "Austin Spine & Sport",
    "Lone Star Rehab",
    "Peak Performance PT",
    "Balance Point Physiotherapy",
    "Barton Creek Physical Therapy",
    "ProActive Rehab Clinic",
    "Core Strength PT",
    "Hill Country Sports Rehab",
    "Texas Orthopedic Therapy",
    "Riverside Rehab",
    "Bluebonnet Physical Therapy",
    "Active Life Chiropractic",
    "Eastside Movement Clinic",
    "Capital Sports Medicine",
    "Zilker Physical Therapy",
    "MoPac Rehab Center",
    "Align Wellness",
)
RESULTS_PER_PAGE = 20
MAX_RESULTS = 60
# The city a service-area business names as its area (serviceArea.places.placeInfos): Place
# Details answers for it as for any place, so its centre can stand in for a storefront.
AUSTIN_PLACE_ID = "ChIJLwPMoJm1RIYRetVp1EtGm10"
AREAS = {
    AUSTIN_PLACE_ID: {
        "id": AUSTIN_PLACE_ID,
        "name": f"places/{AUSTIN_PLACE_ID}",
        "displayName": {"text": "Austin", "languageCode": "en"},
        "location": {"latitude": 30.267153, "longitude": -97.7430608},
        "primaryType": "locality",
        "types": ["locality", "political"],
        "formattedAddress": "Austin, TX, USA",
        "googleMapsUri": f"https://maps.google.com/?q=place_id:{AUSTIN_PLACE_ID}",
    }
}


@dataclass(frozen=True, slots=True)
class Business:
    place_id: str
    name: str
    latitude: float
    longitude: float
    rating: float
    review_count: int
    primary_type: str
    service_area: bool = False  # Places' pureServiceAreaBusiness


def businesses(world: World) -> list[Business]:
    """The clinics themselves plus about 15 competitors around each (cached on the world)."""
    cached: list[Business] | None = getattr(world, "_businesses", None)
    if cached is not None:
        return cached
    found = []
    for location in world.locations:
        live = world.live_reviews(location)
        rating = round(sum(r.rating for r in live) / len(live), 1) if live else 0.0
        found.append(
            Business(
                location.place_id,
                location.title,
                location.latitude,
                location.longitude,
                rating,
                len(live),
                "physiotherapist",
                location.service_area,
            )
        )
        rng = random.Random(stable_seed(world.seed, "competitors", location.location_id))
        for n in range(15):
            distance, bearing = rng.uniform(0.3, 9.0), rng.uniform(0, 2 * math.pi)
            found.append(
                Business(
                    place_id=f"ChIJcomp{stable_seed(world.seed, location.location_id, n) % 10**12}",
                    name=f"{rng.choice(COMPETITOR_NAMES)}{'' if n < 10 else ' - ' + str(n)}",
                    latitude=round(location.latitude + distance / 111 * math.cos(bearing), 6),
                    longitude=round(location.longitude + distance / 96 * math.sin(bearing), 6),
                    rating=round(rng.uniform(3.4, 5.0), 1),
                    review_count=rng.randint(5, 900),
                    primary_type=rng.choice(
                        ("physiotherapist", "physiotherapist", "chiropractor", "doctor")
                    ),
                )
            )
    world._businesses = found  # type: ignore[attr-defined]
    return found


def _by_latitude(world: World) -> tuple[list[float], list[Business]]:
    """The businesses sorted by latitude, with their latitudes (cached on the world)."""
    cached: tuple[list[float], list[Business]] | None = getattr(world, "_by_latitude", None)
    if cached is None:
        ordered = sorted(businesses(world), key=lambda b: b.latitude)
        cached = ([b.latitude for b in ordered], ordered)
        world._by_latitude = cached  # type: ignore[attr-defined]
    return cached


def distance_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    dlat, dlng = math.radians(lat2 - lat1), math.radians(lng2 - lng1)
    a = (
        math.sin(dlat / 2) ** 2
        + math.cos(math.radians(lat1)) * math.cos(math.radians(lat2)) * math.sin(dlng / 2) ** 2
    )
    return 6371 * 2 * math.asin(math.sqrt(a))


def rank_near(world: World, query: str, lat: float, lng: float, radius_m: float) -> list[Business]:
    """Businesses within the bias radius (and a bit beyond), best first."""
    reach_km = max(radius_m, 2000) * 2.5 / 1000
    latitudes, ordered = _by_latitude(world)
    # Only the band of latitudes within reach (a degree of latitude is at least 110.5 km).
    first = bisect_left(latitudes, lat - reach_km / 110.5)
    last = bisect_right(latitudes, lat + reach_km / 110.5)
    scored = []
    for business in ordered[first:last]:
        km = distance_km(lat, lng, business.latitude, business.longitude)
        if km > reach_km:
            continue
        noise = random.Random(
            stable_seed(world.seed, query, round(lat, 3), round(lng, 3), business.place_id)
        ).gauss(0, 0.35)
        score = business.rating + 0.25 * math.log1p(business.review_count) - 0.45 * km + noise
        scored.append((score, business.place_id, business))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [business for _, _, business in scored[:MAX_RESULTS]]


def place_fields(business: Business) -> dict[str, Any]:
    fields = {
        "id": business.place_id,
        "name": f"places/{business.place_id}",
        "displayName": {"text": business.name, "languageCode": "en"},
        "location": {"latitude": business.latitude, "longitude": business.longitude},
        "rating": business.rating,
        "userRatingCount": business.review_count,
        "primaryType": business.primary_type,
        "types": [business.primary_type, "health"],
        "businessStatus": "OPERATIONAL",
        "formattedAddress": "Austin, TX, USA",
        "googleMapsUri": f"https://maps.google.com/?cid={business.place_id}",
    }
    if business.service_area:
        fields["pureServiceAreaBusiness"] = True
    return fields


def masked(place: dict[str, Any], mask: set[str]) -> dict[str, Any]:
    return {key: value for key, value in place.items() if "*" in mask or key in mask}


def search_text(world: World, body: dict[str, Any], field_mask: str) -> tuple[int, Any]:
    query = body.get("textQuery")
    if not isinstance(query, str) or not query.strip():
        return 400, _error(400, "INVALID_ARGUMENT", "textQuery is required")
    circle = (body.get("locationBias") or {}).get("circle") or {}
    center = circle.get("center") or {}
    try:
        lat, lng = float(center["latitude"]), float(center["longitude"])
        radius = float(circle.get("radius", 5000))
    except (KeyError, TypeError, ValueError):
        return 400, _error(400, "INVALID_ARGUMENT", "this sandbox needs locationBias.circle")
    size = min(int(body.get("pageSize") or RESULTS_PER_PAGE), RESULTS_PER_PAGE)
    start = (
        int(base64.urlsafe_b64decode(body["pageToken"]).decode()) if body.get("pageToken") else 0
    )
    ranked = rank_near(world, query.lower(), lat, lng, radius)
    fields = {
        part.removeprefix("places.")
        for part in field_mask.split(",")
        if part.startswith("places.") or part == "*"
    }
    page = [masked(place_fields(b), fields) for b in ranked[start : start + size]]
    answer: dict[str, Any] = {"places": page} if page else {}
    if start + size < len(ranked) and "nextPageToken" in field_mask:
        answer["nextPageToken"] = base64.urlsafe_b64encode(str(start + size).encode()).decode()
    return 200, answer


def serp_maps(world: World, body: dict[str, Any]) -> tuple[int, Any]:
    """A SERP provider's Google Maps results (SerpApi/DataForSEO style): the same ranking as
    Text Search from the same point, as `local_results` with positions."""
    try:
        query = str(body["q"]).lower()
        lat, lng = float(body["latitude"]), float(body["longitude"])
    except (KeyError, TypeError, ValueError):
        return 400, {"error": "q, latitude and longitude are required"}
    radius = float(body.get("radius_m") or 5000)
    ranked = rank_near(world, query, lat, lng, radius)[: RESULTS_PER_PAGE * 3]
    return 200, {
        "local_results": [
            {"position": n, "place_id": b.place_id, "title": b.name, "rating": b.rating}
            for n, b in enumerate(ranked, start=1)
        ]
    }


def place_details(world: World, place_id: str, field_mask: str) -> tuple[int, Any]:
    mask = set(field_mask.split(","))
    if place_id in AREAS:
        return 200, masked(AREAS[place_id], mask)
    business = next((b for b in businesses(world) if b.place_id == place_id), None)
    if business is None:
        return 404, _error(404, "NOT_FOUND", f"Place '{place_id}' was not found.")
    return 200, masked(place_fields(business), mask)


def search_analytics(world: World, site: str, body: dict[str, Any]) -> tuple[int, Any]:
    """Search Console rows for one of the world's sites, grouped by the requested dimensions."""
    location = next(
        (
            loc
            for loc in world.locations
            if loc.website.startswith(site.rstrip("/"))
            or site == f"sc-domain:{loc.website.split('/')[2]}"
        ),
        None,
    )
    if location is None:
        return 403, _error(
            403, "PERMISSION_DENIED", f"User does not have sufficient permission for site '{site}'."
        )
    try:
        start, end = date.fromisoformat(body["startDate"]), date.fromisoformat(body["endDate"])
    except (KeyError, TypeError, ValueError):
        return 400, _error(
            400, "INVALID_ARGUMENT", "startDate and endDate (YYYY-MM-DD) are required"
        )
    dimensions = [d.lower() for d in body.get("dimensions") or []]
    if not set(dimensions) <= {"date", "query", "page"}:
        return 400, _error(
            400, "INVALID_ARGUMENT", "this sandbox groups by date, query and page only"
        )
    rows: dict[tuple[str, ...], list[float]] = {}
    last = min(end, world.now.date() - timedelta(days=2))  # Search Console lags about two days
    day = start
    while day <= last:
        for rank, query in enumerate(KEYWORDS[:12]):
            rng = random.Random(stable_seed(world.seed, site, query, day))
            impressions = int(80 / (rank + 1) * rng.uniform(0.5, 1.5))
            if impressions == 0:
                continue
            position = max(1.0, 3 + rank * 0.8 + rng.gauss(0, 1))
            clicks = int(impressions * max(0.0, 0.3 - position * 0.02) * rng.uniform(0.5, 1.2))
            values = {"date": day.isoformat(), "query": query, "page": location.website}
            key = tuple(values[d] for d in dimensions)
            total = rows.setdefault(key, [0, 0, 0.0])
            total[0] += clicks
            total[1] += impressions
            total[2] += position * impressions
        day += timedelta(days=1)
    limit = min(int(body.get("rowLimit") or 1000), 25_000)
    offset = int(body.get("startRow") or 0)
    ordered = sorted(rows.items(), key=lambda item: (-item[1][0], item[0]))[offset : offset + limit]
    answer: dict[str, Any] = {"responseAggregationType": "byProperty"}
    if ordered:
        answer["rows"] = [
            {
                "keys": list(key),
                "clicks": _count(world, key, c),
                "impressions": _count(world, key, i),
                "ctr": c / i,
                "position": round(p / i, 2),
            }
            for key, (c, i, p) in ordered
        ]
    return 200, answer


def _count(world: World, key: tuple[str, ...], value: float) -> int | float:
    """Search Console types clicks and impressions as doubles, and some answers carry them so
    (18548.0): about half the rows here do."""
    return float(value) if stable_seed(world.seed, "float counts", *key) % 2 else int(value)


def _error(code: int, status: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "status": status, "message": message}}
