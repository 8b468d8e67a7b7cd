"""Faults and bad input: retries hide transient trouble, permanent trouble says what to do,
and a crash or a kill never leaves the database different from a clean run's."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from collectors.google_client import GoogleClient, load_credentials
from collectors.replay import ReplayClient
from seo_monitor.app.jobs import ALL, collect, make_client
from seo_monitor.config import Settings
from seo_monitor.db import make_engine, session_factory
from seo_monitor.migrate import upgrade
from seo_monitor.models import CollectorRun, Review
from seo_monitor.sandbox import World, running_sandbox
from seo_monitor.sandbox.faults import FaultPlan
from seo_monitor.sandbox.server import BUSINESS_ONLY_REFRESH_TOKEN, authorized_user_info
from seo_monitor.times import utcnow
from tests.conftest import WORLD_NOW, sandbox_settings
from tests.dbsnapshot import snapshot


def clean_run_snapshot(
    world: World, tmp_path: Path, now: Callable[[], datetime] | None = None
) -> dict[str, list[tuple[object, ...]]]:
    """The database a fault-free `collect all` produces for this world (SQLite is enough)."""
    url = f"sqlite:///{tmp_path / 'clean.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with running_sandbox(world, quota_per_minute=100_000) as server:
        settings = sandbox_settings(server, tmp_path / "clean", url)
        summaries = collect(
            settings,
            session_factory(engine),
            ALL,
            make_client(settings),
            now=now or (lambda: world.now),
        )
    assert {s.status for s in summaries} == {"ok"}
    return snapshot(engine)


def test_with_faults_on_collect_all_ends_with_the_same_database_as_a_clean_run(
    world: World, tmp_path: Path, database_url: str, engine: Engine
) -> None:
    faults = "5xx=0.1,429=0.05,malformed=0.02,timeout=0.02"
    with running_sandbox(world, faults, quota_per_minute=100_000, timeout_delay=1.0) as server:
        settings = sandbox_settings(server, tmp_path / "faulty", database_url)
        client = make_client(settings)
        summaries = collect(settings, session_factory(engine), ALL, client, now=lambda: world.now)
        injected = server.state.stats()["faults"]
    assert sum(injected.values()) >= 5, injected  # the faults really happened
    assert {s.status for s in summaries} == {"ok"}, [s.error for s in summaries if s.error]
    assert snapshot(engine) == clean_run_snapshot(world, tmp_path)


@pytest.mark.parametrize(
    ("faults", "error", "hint"),
    [
        ("quota0=1", "quota is 0", "Apply for Business Profile API access"),
        ("expired_token=1", "did not accept the credentials", "seo-monitor auth google"),
    ],
)
def test_permanent_errors_end_as_a_failed_run_with_a_hint(
    world: World,
    tmp_path: Path,
    database_url: str,
    sessions: sessionmaker[Session],
    faults: str,
    error: str,
    hint: str,
) -> None:
    with running_sandbox(world, faults, quota_per_minute=100_000) as server:
        settings = sandbox_settings(server, tmp_path, database_url)
        summaries = collect(settings, sessions, ALL, make_client(settings), now=lambda: world.now)
        calls = server.state.stats()["total_calls"]
    assert len(summaries) == 1  # the job stops: every location would fail the same way
    assert summaries[0].status == "failed" and error in (summaries[0].error or "")
    assert hint in (summaries[0].hint or "")
    assert calls <= 3  # google-auth renews the token on a 401 and tries again: no retry storm
    with sessions() as session:
        recorded = session.scalars(select(CollectorRun)).one()
    assert recorded.status == "failed" and hint in (recorded.hint or "")


def test_timeouts_and_server_errors_that_outlast_the_retries_fail_the_run_and_lose_nothing(
    world: World, tmp_path: Path, database_url: str, sessions: sessionmaker[Session], engine: Engine
) -> None:
    with running_sandbox(world, quota_per_minute=100_000) as server:
        settings = sandbox_settings(server, tmp_path, database_url, max_attempts=2)
        collect(settings, sessions, ["locations"], make_client(settings), now=lambda: world.now)
        server.state.faults = server.state.faults.parse("mybusiness:5xx=1")
        summaries = collect(
            settings, sessions, ["reviews"], make_client(settings), now=lambda: world.now
        )
        assert {s.status for s in summaries} == {"failed"}
        assert "gave up after 2 attempts" in (summaries[0].error or "")
        assert snapshot(engine)["reviews"] == []
        server.state.faults = server.state.faults.parse("")
        summaries = collect(
            settings, sessions, ["reviews"], make_client(settings), now=lambda: world.now
        )
    assert {s.status for s in summaries} == {"ok"}


def test_a_malformed_record_is_skipped_and_reported_and_the_rest_is_saved(
    settings: Settings, sessions: sessionmaker[Session], world: World, tmp_path: Path
) -> None:
    collect(settings, sessions, ["locations"], make_client(settings), now=lambda: world.now)
    location = world.locations[0]
    good = {
        "reviewId": "good-1",
        "starRating": "FIVE",
        "comment": "Great care",
        "createTime": "2026-10-01T10:00:00.123456789Z",
        "updateTime": "2026-10-01T10:00:00Z",
    }
    broken = [
        {"starRating": "ONE", "createTime": "2026-10-02T10:00:00Z"},  # no reviewId
        {"reviewId": "bad-time", "starRating": "TWO", "createTime": "yesterday"},
        "not an object",
    ]
    recorded = tmp_path / "reviews.json"
    recorded.write_text(json.dumps({"reviews": [*broken, good], "totalReviewCount": 4}))
    summaries = collect(
        settings,
        sessions,
        ["reviews"],
        ReplayClient.from_file(recorded),  # type: ignore[arg-type]
        wanted_location=location.store_code,
        now=lambda: world.now,
    )
    assert [(s.status, s.counts["skipped"], s.counts["new"]) for s in summaries] == [
        ("partial", 3, 1)
    ]
    assert "3 malformed record(s) skipped" in (summaries[0].error or "")
    with sessions() as session:
        assert session.scalars(select(Review.external_id)).all() == ["good-1"]


def test_pacing_keeps_a_run_under_the_quota_with_no_429s(
    world: World, tmp_path: Path, database_url: str, sessions: sessionmaker[Session]
) -> None:
    # Google counts per minute; a 2-second window with the same logic keeps the test short.
    quota, window = 12, 1.5
    with running_sandbox(world, quota_per_minute=quota, quota_window=window) as server:
        settings = sandbox_settings(server, tmp_path, database_url)
        client = GoogleClient(
            load_credentials(settings.google_token_file, server.url),
            api_root=server.url,
            quota_per_minute=quota,
            quota_window=window,
            backoff_seconds=0.01,
        )
        started = time.monotonic()
        summaries = collect(settings, sessions, ALL, client, now=lambda: world.now)
        elapsed = time.monotonic() - started
        stats = server.state.stats()
    assert {s.status for s in summaries} == {"ok"}
    assert stats["rate_limited"] == 0
    busiest = max(stats["calls"].values())
    assert busiest > 2 * quota  # the run needed several windows ...
    assert (
        elapsed >= (busiest // quota) * window * 0.9
    )  # ... and waited for them instead of bursting


def test_a_killed_collector_leaves_a_database_that_the_next_run_completes(
    tmp_path: Path, database_url: str, engine: Engine
) -> None:
    world = World(seed=11, locations=4, now=WORLD_NOW, reviews_per_location=300)
    rng = random.Random(5)
    with running_sandbox(world, quota_per_minute=100_000) as server:
        sandbox_settings(server, tmp_path, database_url, quota_per_minute=900)  # ~6 s a full run
        command = [
            sys.executable,
            "-m",
            "seo_monitor",
            "--config",
            str(tmp_path / "config.toml"),
            "collect",
            "all",
        ]
        env = {k: v for k, v in os.environ.items() if not k.startswith("SEO_MONITOR_")}
        for _ in range(6):  # at random points: fetching, scoring, committing, between runs
            before = runs_started(engine)
            process = subprocess.Popen(
                command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            wait_for_a_run(engine, before, process)
            time.sleep(rng.uniform(0.0, 1.5))
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
        finished = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=300, check=False
        )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    with session_factory(engine)() as session:
        statuses = set(session.scalars(select(CollectorRun.status)))
    assert "interrupted" in statuses  # the kills did land mid-run
    # The subprocess runs on the real clock; so does the clean run it is compared with.
    assert snapshot(engine) == clean_run_snapshot(world, tmp_path, now=utcnow)


def runs_started(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(CollectorRun)) or 0)


def wait_for_a_run(engine: Engine, before: int, process: subprocess.Popen[bytes]) -> None:
    """Until `process` has started a collector run (a kill before that proves nothing)."""
    deadline = time.monotonic() + 60
    while runs_started(engine) == before and process.poll() is None:
        assert time.monotonic() < deadline, "the collector never started a run"
        time.sleep(0.05)


def test_a_killed_run_is_recorded_as_interrupted(sessions: sessionmaker[Session]) -> None:
    from seo_monitor.app.runs import run_recorded

    with sessions.begin() as session:
        session.add(CollectorRun(collector="reviews", location_id=None, status="running"))
    summary = run_recorded(sessions, "reviews", None, lambda session: {"fetched": 0})
    with sessions() as session:
        statuses = sorted(session.scalars(select(CollectorRun.status)))
    assert summary.status == "ok" and statuses == ["interrupted", "ok"]


def test_an_outage_of_googles_token_service_is_retried_not_called_a_revoked_token(
    world: World, tmp_path: Path, database_url: str, sessions: sessionmaker[Session]
) -> None:
    with running_sandbox(world, "oauth2:5xx=1", quota_per_minute=100_000) as server:
        settings = sandbox_settings(server, tmp_path, database_url, max_attempts=2)
        [down] = collect(settings, sessions, ["locations"], make_client(settings))
        assert server.state.stats()["faults"]["oauth2:5xx"] >= 2  # google-auth tried, then we
        server.state.faults = FaultPlan()  # the token service is back
        [back] = collect(settings, sessions, ["locations"], make_client(settings))
    assert down.status == "failed" and "token service is unavailable" in (down.error or "")
    assert not down.permanent and "auth google" not in (down.hint or "")
    assert back.status == "ok" and back.counts["locations"] == len(world.locations)


def business_only_token(settings: Settings, server_url: str, *, records_scopes: bool) -> None:
    """A token connected before Search Console was read: the Business Profile only."""
    info = authorized_user_info(server_url, BUSINESS_ONLY_REFRESH_TOKEN)
    if not records_scopes:  # a token file from elsewhere, silent on its scopes
        del info["scopes"]
    settings.google_token_file.write_text(json.dumps(info))


@pytest.mark.parametrize("records_scopes", [True, False])
def test_a_token_without_search_console_stops_that_collector_and_no_other(
    world: World,
    tmp_path: Path,
    database_url: str,
    sessions: sessionmaker[Session],
    records_scopes: bool,
) -> None:
    with running_sandbox(world, quota_per_minute=100_000) as server:
        settings = sandbox_settings(server, tmp_path, database_url)
        business_only_token(settings, server.url, records_scopes=records_scopes)
        names = ["locations", "reviews", "search-console", "website"]
        summaries = collect(settings, sessions, names, make_client(settings), now=lambda: world.now)
        calls = server.state.stats()["calls"]
    by_collector = {s.collector: s for s in summaries}
    refused = [s for s in summaries if s.collector == "search-console"]
    assert len(refused) == 1 and refused[0].status == "failed"  # once, not once a location
    assert "Search Console" in (refused[0].error or "")
    assert "seo-monitor auth google" in (refused[0].hint or "")
    # The token records its scopes: refused before any call. Silent: Google's 403 says so.
    assert calls.get("searchconsole", 0) == (0 if records_scopes else 1)
    assert by_collector["website"].status == "ok"  # the collectors after it keep working
    assert {s.status for s in summaries if s.collector == "reviews"} == {"ok"}
