"""Geo-grid rank tracking: the grid's points and the metrics docs/rankings.md defines.

A scan asks "where does the clinic rank for this keyword from here?" at every point of a square
grid around it. A point is found (with a rank), not found (the clinic is not in the results),
or an error (the provider failed there): errors are left out of every metric, so a provider
problem never looks like a rank drop.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

NOT_FOUND_RANK = 21  # ATRP counts a point where the clinic is absent as rank 21
MAP_PACK = 3
EARTH_KM_PER_DEGREE = 111.32


@dataclass(frozen=True)
class GridPoint:
    row: int
    col: int
    latitude: float
    longitude: float


def grid_points(lat: float, lng: float, size: int, spacing_km: float) -> list[GridPoint]:
    """`size` x `size` points `spacing_km` apart, centred on (lat, lng), row 0 at the north."""
    half = (size - 1) / 2
    lng_km = EARTH_KM_PER_DEGREE * math.cos(math.radians(lat))
    return [
        GridPoint(
            row,
            col,
            round(lat + (half - row) * spacing_km / EARTH_KM_PER_DEGREE, 6),
            round(lng + (col - half) * spacing_km / lng_km, 6),
        )
        for row in range(size)
        for col in range(size)
    ]


@dataclass(frozen=True)
class PointResult:
    state: str  # found, not_found, error
    rank: int | None = None
    top: Sequence[str] = ()  # place ids in result order


@dataclass(frozen=True)
class ScanMetrics:
    measured: int  # points with an answer (found or not found)
    errors: int
    found: int
    arp: float | None  # mean rank where found
    atrp: float | None  # mean over measured points, not found counting as 21
    solv: float | None  # % of measured points ranked 1-3

    @property
    def found_in(self) -> str:
        return f"{self.found}/{self.measured}"


def scan_metrics(points: Iterable[PointResult]) -> ScanMetrics:
    results = list(points)
    answered = [p for p in results if p.state in ("found", "not_found")]
    ranks = [p.rank for p in answered if p.state == "found" and p.rank is not None]
    errors = len(results) - len(answered)
    if not answered:
        return ScanMetrics(0, errors, 0, None, None, None)
    total = sum(ranks) + NOT_FOUND_RANK * (len(answered) - len(ranks))
    return ScanMetrics(
        measured=len(answered),
        errors=errors,
        found=len(ranks),
        arp=round(sum(ranks) / len(ranks), 2) if ranks else None,
        atrp=round(total / len(answered), 2),
        solv=round(100 * sum(1 for r in ranks if r <= MAP_PACK) / len(answered), 1),
    )


def competitor_solv(
    points: Iterable[PointResult], own: str | None, limit: int = 5
) -> list[tuple[str, float]]:
    """Other businesses by their share of map-pack positions over the measured points."""
    answered = [p for p in points if p.state in ("found", "not_found")]
    if not answered:
        return []
    in_pack: Counter[str] = Counter()
    for point in answered:
        in_pack.update(pid for pid in point.top[:MAP_PACK] if pid != own)
    return [
        (place_id, round(100 * count / len(answered), 1))
        for place_id, count in in_pack.most_common(limit)
    ]
