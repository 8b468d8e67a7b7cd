"""Geo-grid scans against the sandbox's Places API: stored points, metrics, budget, faults."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session, sessionmaker

from collectors.rankings import scan_centre
from seo_monitor.app.jobs import collect, make_client
from seo_monitor.app.scheduler import maintain_database
from seo_monitor.config import Settings, load_settings
from seo_monitor.models import (
    Competitor,
    CompetitorSnapshot,
    Location,
    OrganicPosition,
    RankPoint,
    RankScan,
)
from seo_monitor.queries import select_scans
from seo_monitor.queries.rankings import CENTRE_SOURCES
from seo_monitor.sandbox import World, running_sandbox
from seo_monitor.sandbox.server import PLACES_API_KEY, SERP_API_KEY, SandboxServer
from seo_monitor.times import utcnow
from tests.conftest import WORLD_NOW, sandbox_settings

KEY = {"SEO_MONITOR_GOOGLE__PLACES_API_KEY": PLACES_API_KEY}


def ranking_settings(
    server: SandboxServer, folder: Path, database_url: str, extra: str = "", key: bool = True
) -> Settings:
    sandbox_settings(server, folder, database_url, max_attempts=2)
    config = folder / "config.toml"
    config.write_text(
        config.read_text()
        + '[rankings]\nkeywords = ["physical therapy"]\ngrid_size = 3\nspacing_km = 1.5\n'
        + extra
    )
    return load_settings(config, KEY if key else {})


def run(settings: Settings, sessions: sessionmaker[Session], world: World, names: list[str]):  # type: ignore[no-untyped-def]
    return collect(settings, sessions, names, make_client(settings), now=lambda: world.now)


def test_a_scan_stores_every_point_and_finds_the_clinic_near_home(
    sandbox: SandboxServer,
    tmp_path: Path,
    database_url: str,
    sessions: sessionmaker[Session],
    world: World,
) -> None:
    settings = ranking_settings(sandbox, tmp_path, database_url)
    run(settings, sessions, world, ["locations"])
    summaries = run(settings, sessions, world, ["rankings"])
    assert [s.status for s in summaries] == ["ok"] * len(world.locations)
    # 3×3 points, one page each; a profile without a pin costs one Place Details call more.
    pins = {location.store_code: location.pin_shared for location in world.locations}
    with sessions() as session:
        codes = dict(session.execute(select(Location.id, Location.store_code)).all())
    assert [s.api_calls for s in summaries] == [
        9 if pins[codes[s.location_id]] else 10 for s in summaries
    ]
    assert {s.counts["scans"] for s in summaries} == {1}
    with sessions() as session:
        assert session.query(RankPoint).count() == 9 * len(world.locations)
        scan = session.scalars(select(RankScan)).first()
        assert scan is not None
        [view] = select_scans(session, scan.location_id)
    assert view.metrics.measured == 9 and view.metrics.errors == 0
    assert view.grid[1][1] not in ("--", "x")  # at the clinic's own address it shows up
    assert view.metrics.arp is not None and view.metrics.atrp is not None
    assert "3x3, 1.5 km apart" in view.settings


def test_the_budget_stops_scans_and_says_so(
    sandbox: SandboxServer,
    tmp_path: Path,
    database_url: str,
    sessions: sessionmaker[Session],
    world: World,
) -> None:
    settings = ranking_settings(
        sandbox, tmp_path, database_url, "cost_per_search_usd = 0.01\nmonthly_budget_usd = 0.05\n"
    )
    run(settings, sessions, world, ["locations"])
    summaries = run(settings, sessions, world, ["rankings"])
    assert all(s.counts["skipped"] == 1 and s.api_calls == 0 for s in summaries)
    with sessions() as session:
        skipped = session.scalars(select(RankScan)).all()
    assert {s.status for s in skipped} == {"skipped"}
    assert "$0.05 budget" in (skipped[0].error or "")


def test_provider_errors_are_errors_not_rank_drops(
    tmp_path: Path, database_url: str, sessions: sessionmaker[Session], world: World
) -> None:
    with running_sandbox(world, "places:5xx=1", quota_per_minute=100_000) as server:
        settings = ranking_settings(server, tmp_path, database_url)
        run(settings, sessions, world, ["locations"])
        run(settings, sessions, world, ["rankings"])
    with sessions() as session:
        scan = session.scalars(select(RankScan)).first()
        assert scan is not None and scan.status == "failed"
        [view] = select_scans(session, scan.location_id)
    assert view.metrics.measured == 0 and view.metrics.errors == 9
    assert view.metrics.atrp is None and view.metrics.solv is None  # no "rank 21" anywhere


def test_without_an_api_key_the_job_stops_with_what_to_do(
    sandbox: SandboxServer,
    tmp_path: Path,
    database_url: str,
    sessions: sessionmaker[Session],
    world: World,
) -> None:
    settings = ranking_settings(sandbox, tmp_path, database_url, key=False)
    run(settings, sessions, world, ["locations"])
    summaries = run(settings, sessions, world, ["rankings"])
    assert len(summaries) == 1 and summaries[0].status == "failed"
    assert "places_api_key" in (summaries[0].hint or "")


def test_the_rankings_commands(
    sandbox: SandboxServer,
    tmp_path: Path,
    database_url: str,
    sessions: sessionmaker[Session],
    world: World,
) -> None:
    settings = ranking_settings(sandbox, tmp_path, database_url)
    run(settings, sessions, world, ["locations"])
    run(settings, sessions, world, ["rankings"])
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("SEO_MONITOR_")}, **KEY}

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "seo_monitor", "--config", str(tmp_path / "config.toml"), *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    estimate = cli("rankings", "estimate")
    assert estimate.returncode == 0, estimate.stderr
    assert f"per run:   {9 * len(world.locations)} calls, $0.00" in estimate.stdout
    location = f"locations/{world.locations[0].location_id}"
    shown = cli("rankings", "show", "--location", location)
    assert shown.returncode == 0, shown.stderr
    assert "physical therapy" in shown.stdout and "3x3" in shown.stdout
    lines = shown.stdout.splitlines()
    grid = lines[lines.index(next(line for line in lines if "3x3" in line)) + 1 :][:3]
    assert [len(row.split()) for row in grid] == [3, 3, 3]  # the grid, north at the top
    assert all(cell.isdigit() or cell in ("--", "x") for row in grid for cell in row.split())


def test_competitors_from_the_scans_get_details_and_a_snapshot(
    sandbox: SandboxServer,
    tmp_path: Path,
    database_url: str,
    sessions: sessionmaker[Session],
    world: World,
) -> None:
    settings = ranking_settings(sandbox, tmp_path, database_url)
    run(settings, sessions, world, ["locations"])
    run(settings, sessions, world, ["rankings"])
    [summary] = run(settings, sessions, world, ["competitors"])
    assert (
        summary.status == "ok" and summary.counts["refreshed"] == summary.counts["competitors"] > 0
    )
    assert summary.api_calls == summary.counts["refreshed"]  # one small details call each
    with sessions() as session:
        ours = {loc.place_id for loc in session.scalars(select(Location))}
        competitors = session.scalars(select(Competitor)).all()
        snapshots = session.scalars(select(CompetitorSnapshot)).all()
    assert competitors and all(c.name and c.place_id not in ours for c in competitors)
    assert len(snapshots) == len(competitors) and all(s.review_count for s in snapshots)
    [again] = run(settings, sessions, world, ["competitors"])
    assert again.counts["refreshed"] == 0 and again.api_calls == 0  # refreshed weekly


def test_search_console_positions_are_read_and_re_read_without_duplicates(
    sandbox: SandboxServer,
    tmp_path: Path,
    database_url: str,
    sessions: sessionmaker[Session],
    world: World,
) -> None:
    settings = ranking_settings(sandbox, tmp_path, database_url)
    run(settings, sessions, world, ["locations"])
    first = run(settings, sessions, world, ["search-console"])
    assert all(s.status == "ok" and s.counts["rows"] > 0 for s in first)
    with sessions() as session:
        stored = session.query(OrganicPosition).count()
        sample = session.scalars(select(OrganicPosition)).first()
    # Locations that share a website share its Search Console rows: stored once.
    assert 0 < stored <= sum(s.counts["rows"] for s in first)
    assert sample is not None and sample.site.endswith("/") and 1 <= sample.position <= 100
    again = run(settings, sessions, world, ["search-console"])
    assert all(s.counts["changed"] == 0 for s in again)  # the trailing window, unchanged
    with sessions() as session:
        assert session.query(OrganicPosition).count() == stored


def test_the_serp_provider_gives_the_same_kind_of_scan(
    sandbox: SandboxServer,
    tmp_path: Path,
    database_url: str,
    sessions: sessionmaker[Session],
    world: World,
) -> None:
    (tmp_path / "serp-key").write_text(SERP_API_KEY)
    settings = ranking_settings(
        sandbox,
        tmp_path,
        database_url,
        f'provider = "serp"\nserp_endpoint = "{sandbox.url}/serp/v1/maps"\n'
        f'serp_api_key_file = "{tmp_path / "serp-key"}"\n',
    )
    run(settings, sessions, world, ["locations"])
    summaries = run(settings, sessions, world, ["rankings"])
    # A profile without a pin is placed by Google Places (one call) whatever ranks it.
    pinless = sum(1 for location in world.locations if not location.pin_shared)
    assert {s.status for s in summaries} == {"ok"}
    assert sum(s.api_calls for s in summaries) == 9 * len(summaries) + pinless
    with sessions() as session:
        scan = session.scalars(select(RankScan)).first()
        assert scan is not None and scan.provider == "serp"
        [view] = select_scans(session, scan.location_id)
    assert view.metrics.measured == 9 and "serp" in view.settings
    (tmp_path / "serp-key").write_text("wrong")
    bad = ranking_settings(
        sandbox,
        tmp_path,
        database_url,
        f'provider = "serp"\nserp_endpoint = "{sandbox.url}/serp/v1/maps"\n'
        f'serp_api_key_file = "{tmp_path / "serp-key"}"\n',
    )
    [refused] = run(bad, sessions, world, ["rankings"])
    assert refused.status == "failed" and "wrong" not in (refused.error or "")


def test_a_profile_without_a_pin_is_scanned_from_where_google_places_puts_it(
    sandbox: SandboxServer,
    tmp_path: Path,
    database_url: str,
    sessions: sessionmaker[Session],
    world: World,
) -> None:
    pinless = next(location for location in world.locations if not location.pin_shared)
    settings = ranking_settings(sandbox, tmp_path, database_url)
    run(settings, sessions, world, ["locations"])
    with sessions() as session:
        stored = session.scalars(
            select(Location).where(Location.store_code == pinless.store_code)
        ).one()
        assert (stored.latitude, stored.longitude) == (None, None)  # Google sent no latlng
        location_id = stored.id
    first = collect(settings, sessions, ["rankings"], make_client(settings), pinless.store_code)
    again = collect(settings, sessions, ["rankings"], make_client(settings), pinless.store_code)
    assert (first[0].api_calls, again[0].api_calls) == (
        10,
        9,
    )  # the position is kept, then read again
    with sessions() as session:
        stored = session.get_one(Location, location_id)
        assert (stored.places_latitude, stored.places_longitude) == (
            pinless.latitude,
            pinless.longitude,
        )
        [view, _] = select_scans(session, location_id)
        scan = session.scalars(select(RankScan).where(RankScan.location_id == location_id)).first()
        assert scan is not None and scan.center_source == "places"
    assert view.centre == "where Google Places puts the place (the profile has no pin)"
    assert view.grid[1][1] not in ("--", "x")  # the grid is centred on the clinic all the same
    assert f"centre {pinless.latitude:.4f},{pinless.longitude:.4f}" in view.settings


def test_a_point_set_in_config_centres_the_grid(
    sandbox: SandboxServer,
    tmp_path: Path,
    database_url: str,
    sessions: sessionmaker[Session],
    world: World,
) -> None:
    code = world.locations[0].store_code
    extra = f'[[locations]]\nmatch = "{code}"\ncenter = [30.2672, -97.7431]\n'
    settings = ranking_settings(sandbox, tmp_path, database_url, extra=extra)
    run(settings, sessions, world, ["locations"])
    [summary] = collect(settings, sessions, ["rankings"], make_client(settings), code)
    with sessions() as session:
        [view] = select_scans(session, summary.location_id)
    assert view.centre == "the point set in config.toml ([[locations]] center)"
    assert "centre 30.2672,-97.7431" in view.settings


def test_positions_from_places_are_forgotten_after_30_days(
    sandbox: SandboxServer,
    tmp_path: Path,
    database_url: str,
    sessions: sessionmaker[Session],
    world: World,
    engine: Engine,
) -> None:
    pinless = next(location for location in world.locations if not location.pin_shared)
    settings = ranking_settings(sandbox, tmp_path, database_url)
    run(settings, sessions, world, ["locations"])
    collect(settings, sessions, ["rankings"], make_client(settings), pinless.store_code)
    with sessions.begin() as session:  # read from Places 31 days ago
        session.execute(
            update(Location)
            .where(Location.places_located_at.is_not(None))
            .values(places_located_at=utcnow() - timedelta(days=31))
        )
    outcome = maintain_database(engine, timedelta(days=90), settings)
    assert "1 map positions from Places forgotten" in outcome
    with sessions() as session:
        forgotten = session.scalars(
            select(Location).where(Location.store_code == pinless.store_code)
        ).one()
    assert (forgotten.places_latitude, forgotten.places_located_at) == (None, None)


class PlacesWithoutPositions:
    """Google Places knowing a place but not where it is; its text search still finds
    addresses and towns (the last resort for a profile without a pin)."""

    def __init__(self) -> None:
        self.queries: list[str] = []

    def place_details(self, place_id: str, field_mask: str) -> dict[str, object]:
        return {}

    def search_places(self, body: dict[str, object], field_mask: str) -> dict[str, object]:
        assert field_mask == "places.location"
        self.queries.append(str(body["textQuery"]))
        return {"places": [{"location": {"latitude": 30.27, "longitude": -97.74}}]}


def test_without_any_position_the_grid_is_centred_where_places_finds_the_address_or_area(
    tmp_path: Path, database_url: str, sessions: sessionmaker[Session]
) -> None:
    big = World(seed=7, locations=8, now=WORLD_NOW)
    with running_sandbox(big, quota_per_minute=100_000) as server:
        settings = ranking_settings(server, tmp_path, database_url)
        run(settings, sessions, big, ["locations"])
    area_business = big.locations[7]
    assert area_business.service_area  # the world's service-area business: no storefront
    places = PlacesWithoutPositions()
    with sessions() as session:
        stored = {loc.store_code: loc for loc in session.scalars(select(Location))}
        storefront = stored[big.locations[0].store_code]
        storefront.latitude = storefront.longitude = None
        centre = scan_centre(places, storefront, settings, big.now)  # type: ignore[arg-type]
        assert (centre.latitude, centre.longitude, centre.source) == (30.27, -97.74, "search")
        assert places.queries == [", ".join(storefront.address_lines)]
        served = stored[area_business.store_code]
        served.latitude = served.longitude = None
        assert served.address_lines == []
        assert scan_centre(places, served, settings, big.now).source == "search"  # type: ignore[arg-type]
        assert places.queries[-1] == "Austin, TX, USA"  # the first place it serves
        assert storefront.places_latitude is None  # a searched position is not kept
    assert CENTRE_SOURCES["search"].startswith("where Google Places finds the address")


def test_a_site_verified_as_a_domain_property_is_read_through_it(
    sandbox: SandboxServer,
    tmp_path: Path,
    database_url: str,
    sessions: sessionmaker[Session],
    world: World,
) -> None:
    settings = ranking_settings(sandbox, tmp_path, database_url)
    run(settings, sessions, world, ["locations"])
    first = world.locations[0]
    host = first.website.split("/")[2]
    with sessions.begin() as session:
        # The profile links http://, a URL-prefix property nobody verified; the Domain
        # property covers every scheme and path of the host.
        stored = session.scalars(select(Location).where(Location.store_code == first.store_code))
        stored.one().website = f"http://{host}/"
    [summary] = collect(
        settings, sessions, ["search-console"], make_client(settings), first.store_code
    )
    assert summary.status == "ok" and summary.counts["rows"] > 0
    assert summary.api_calls >= 2  # the URL-prefix property first, refused
    with sessions() as session:
        sites = set(session.scalars(select(OrganicPosition.site)))
    assert sites == {f"sc-domain:{host}"}
