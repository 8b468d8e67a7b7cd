"""Scans as the CLI and the dashboard show them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from seo_monitor.models import RankPoint, RankScan
from seo_monitor.rankings import PointResult, ScanMetrics, scan_metrics


@dataclass(frozen=True)
class ScanView:
    id: int
    keyword: str
    started_at: datetime
    status: str
    settings: str  # grid, spacing, centre, pages: only scans with equal settings compare
    metrics: ScanMetrics
    grid: list[list[str]]  # rank, "--" (not found) or "x" (error), row 0 at the north


def select_scans(
    session: Session, location_id: int, keyword: str | None = None, limit: int = 20
) -> list[ScanView]:
    query = (
        select(RankScan)
        .where(RankScan.location_id == location_id, RankScan.status != "skipped")
        .order_by(RankScan.started_at.desc(), RankScan.id.desc())
        .limit(limit)
    )
    if keyword:
        query = query.where(RankScan.keyword == keyword)
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
        f"{scan.center_lat:.4f},{scan.center_lng:.4f}, {scan.pages} page(s), {scan.provider}"
    )
    return ScanView(
        scan.id, scan.keyword, scan.started_at, scan.status, settings, scan_metrics(results), grid
    )
