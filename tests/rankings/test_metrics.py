"""ARP, ATRP, SoLV and competitor SoLV against hand-computed grids (docs/rankings.md)."""

from __future__ import annotations

import pytest

from seo_monitor.rankings import PointResult, competitor_solv, grid_points, scan_metrics


def test_a_worked_5x5_scan_gives_the_documented_metrics() -> None:
    # 5×5: found at 15 points with ranks summing to 60 (8 of them ≤ 3), absent at 10.
    ranks = [1, 1, 2, 2, 3, 3, 3, 3, 5, 6, 6, 6, 6, 6, 7]
    assert sum(ranks) == 60 and sum(r <= 3 for r in ranks) == 8
    points = [PointResult("found", r) for r in ranks] + [PointResult("not_found")] * 10
    metrics = scan_metrics(points)
    assert (metrics.arp, metrics.atrp, metrics.solv) == (4.0, 10.8, 32.0)
    assert metrics.found_in == "15/25"


def test_errors_are_left_out_not_counted_as_absent() -> None:
    points = [PointResult("found", 2)] * 4 + [PointResult("error")] * 5
    metrics = scan_metrics(points)
    assert (metrics.measured, metrics.errors, metrics.arp, metrics.atrp, metrics.solv) == (
        4,
        5,
        2.0,
        2.0,
        100.0,
    )
    everything_failed = scan_metrics([PointResult("error")] * 9)
    assert (everything_failed.measured, everything_failed.arp, everything_failed.solv) == (
        0,
        None,
        None,
    )
    nowhere = scan_metrics([PointResult("not_found")] * 9)
    assert (nowhere.arp, nowhere.atrp, nowhere.solv, nowhere.found_in) == (None, 21.0, 0.0, "0/9")


def test_competitor_share_of_local_voice() -> None:
    points = [
        PointResult("found", 1, ("us", "a", "b", "c")),
        PointResult("not_found", None, ("a", "c", "d")),
        PointResult("found", 4, ("a", "b", "d", "us")),
        PointResult("error"),
    ]
    assert competitor_solv(points, "us") == [("a", 100.0), ("b", 66.7), ("d", 66.7), ("c", 33.3)]


def test_grid_points_are_centred_and_evenly_spaced() -> None:
    points = grid_points(30.25, -97.75, 3, 1.0)
    assert len(points) == 9
    centre = points[4]
    assert (centre.row, centre.col, centre.latitude, centre.longitude) == (1, 1, 30.25, -97.75)
    north, east = points[1], points[5]
    assert north.latitude > centre.latitude and north.longitude == centre.longitude
    assert east.longitude > centre.longitude and east.latitude == centre.latitude
    assert (north.latitude - centre.latitude) * 111.32 == pytest.approx(1.0, abs=1e-3)
