"""Scans as the CLI and the dashboard show them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from seo_monitor.models import (
    Competitor,
    CompetitorSnapshot,
    Location,
    OrganicPosition,
    RankPoint,
    RankScan,
    RatingSnapshot,
)
from seo_monitor.queries.common import LocationIds, Period, as_date, in_locations
from seo_monitor.rankings import PointResult, ScanMetrics, competitor_solv, scan_metrics


@dataclass(frozen=True)
class ScanView:
    id: int
    keyword: str
    started_at: datetime
    status: str
    settings: str  # grid, spacing, centre, pages: only scans with equal settings compare
    metrics: ScanMetrics
    grid: list[list[str]]  # rank, "--" (not found) or "x" (error), row 0 at the north
    spacing_km: float = 0.0  # between neighbouring points; the clinic is at the centre
    centre: str = ""  # where the grid's centre came from, in words


# Scans stored before the centre's source was recorded were all centred on the profile's pin.
CENTRE_SOURCES = {
    "profile": "the pin on the Google profile",
    "places": "where Google Places puts the place (the profile has no pin)",
    "config": "the point set in config.toml ([[locations]] center)",
    "search": "where Google Places finds the address or the service area (no pin, no "
    "position for the place itself)",
}


def select_scans(
    session: Session,
    location_id: int,
    keyword: str | None = None,
    limit: int = 20,
    between: tuple[datetime, datetime] | None = None,
) -> list[ScanView]:
    """The newest scans first; `between` keeps those started in [start, end)."""
    query = (
        select(RankScan)
        .where(RankScan.location_id == location_id, RankScan.status != "skipped")
        .order_by(RankScan.started_at.desc(), RankScan.id.desc())
        .limit(limit)
    )
    if keyword:
        query = query.where(RankScan.keyword == keyword)
    if between:
        query = query.where(RankScan.started_at >= between[0], RankScan.started_at < between[1])
    return [_view(session, scan) for scan in session.scalars(query)]


def _view(session: Session, scan: RankScan) -> ScanView:
    points = session.scalars(select(RankPoint).where(RankPoint.scan_id == scan.id)).all()
    grid = [["" for _ in range(scan.grid_size)] for _ in range(scan.grid_size)]
    for point in points:
        cell = (
            str(point.rank)
            if point.state == "found"
            else "--"
            if point.state == "not_found"
            else "x"
        )
        grid[point.row][point.col] = cell
    results = [PointResult(p.state, p.rank, tuple(p.top_results)) for p in points]
    settings = (
        f"{scan.grid_size}x{scan.grid_size}, {scan.spacing_km:g} km apart, centre "
        f"{scan.center_lat or 0:.4f},{scan.center_lng or 0:.4f}, {scan.pages} page(s), "
        f"{scan.provider}"
    )
    return ScanView(
        scan.id,
        scan.keyword,
        scan.started_at,
        scan.status,
        settings,
        scan_metrics(results),
        grid,
        scan.spacing_km,
        CENTRE_SOURCES[scan.center_source or "profile"],
    )


def select_scan_keywords(session: Session, location_id: int) -> list[str]:
    return sorted(
        session.scalars(
            select(RankScan.keyword).where(RankScan.location_id == location_id).distinct()
        )
    )


def select_top_competitors(
    session: Session, scan_id: int, own_place_id: str | None, limit: int = 5
) -> list[tuple[str, float]]:
    """(name, SoLV %) of the businesses that took the map pack most often in a scan."""
    points = session.scalars(select(RankPoint).where(RankPoint.scan_id == scan_id)).all()
    results = [PointResult(p.state, p.rank, tuple(p.top_results)) for p in points]
    shares = competitor_solv(results, own_place_id, limit)
    names = dict(
        session.execute(
            select(Competitor.place_id, Competitor.name).where(
                Competitor.place_id.in_([place_id for place_id, _ in shares])
            )
        ).all()
    )
    return [(names.get(place_id) or place_id, share) for place_id, share in shares]


@dataclass(frozen=True)
class Benchmark:
    name: str
    rating: float | None
    reviews: int | None
    ours: bool


def select_benchmark(session: Session, location_ids: LocationIds) -> list[Benchmark]:
    """Latest rating and review count of every competitor, and of our locations."""
    latest = (
        select(CompetitorSnapshot.competitor_id, func.max(CompetitorSnapshot.day).label("day"))
        .group_by(CompetitorSnapshot.competitor_id)
        .subquery()
    )
    rows = session.execute(
        select(Competitor.name, CompetitorSnapshot.rating, CompetitorSnapshot.review_count)
        .join(CompetitorSnapshot, CompetitorSnapshot.competitor_id == Competitor.id)
        .join(
            latest,
            (latest.c.competitor_id == CompetitorSnapshot.competitor_id)
            & (latest.c.day == CompetitorSnapshot.day),
        )
        .order_by(CompetitorSnapshot.review_count.desc())
    ).all()
    ours = session.execute(
        select(Location.title, RatingSnapshot.average_rating, RatingSnapshot.total_review_count)
        .join(RatingSnapshot, RatingSnapshot.location_id == Location.id)
        .where(in_locations(Location.id, location_ids))
        .order_by(Location.title, RatingSnapshot.day.desc())
    ).all()
    seen: set[str] = set()
    mine = []
    for title, rating, count in ours:
        if title not in seen:
            seen.add(title)
            mine.append(Benchmark(title, rating, count, True))
    return mine + [Benchmark(name or "?", rating, count, False) for name, rating, count in rows]


@dataclass(frozen=True)
class OrganicQuery:
    query: str
    clicks: int
    impressions: int
    position: float


def select_organic_queries(
    session: Session, location_ids: LocationIds, period: Period, limit: int = 25
) -> list[OrganicQuery]:
    """Search Console queries by clicks, with the impression-weighted average position."""
    rows = session.execute(
        select(
            OrganicPosition.query,
            func.sum(OrganicPosition.clicks),
            func.sum(OrganicPosition.impressions),
            func.sum(OrganicPosition.position * OrganicPosition.impressions),
        )
        .where(
            in_locations(OrganicPosition.location_id, location_ids),
            OrganicPosition.day >= period.start,
            OrganicPosition.day <= period.end,
        )
        .group_by(OrganicPosition.query)
        .order_by(func.sum(OrganicPosition.clicks).desc(), OrganicPosition.query)
        .limit(limit)
    ).all()
    return [
        OrganicQuery(q, int(c or 0), int(i or 0), round(float(w or 0) / i, 1) if i else 0.0)
        for q, c, i, w in rows
    ]


def select_benchmark_history(
    session: Session, location_ids: LocationIds, start: date
) -> list[tuple[date, str, float | None, int | None]]:
    """(day, business, rating, review count) for competitors and our locations since `start`."""
    theirs = session.execute(
        select(
            CompetitorSnapshot.day,
            Competitor.name,
            CompetitorSnapshot.rating,
            CompetitorSnapshot.review_count,
        )
        .join(Competitor, Competitor.id == CompetitorSnapshot.competitor_id)
        .where(CompetitorSnapshot.day >= start)
    ).all()
    ours = session.execute(
        select(
            RatingSnapshot.day,
            Location.title,
            RatingSnapshot.average_rating,
            RatingSnapshot.total_review_count,
        )
        .join(Location, Location.id == RatingSnapshot.location_id)
        .where(in_locations(Location.id, location_ids), RatingSnapshot.day >= start)
    ).all()
    return sorted(
        (as_date(day), name or "?", rating, count) for day, name, rating, count in [*theirs, *ours]
    )
