"""The scheduler: cron wiring under an advanced clock, coalescing, one scheduler only, SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import typing
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import Engine, select

from seo_monitor.app.jobs import COLLECTORS
from seo_monitor.app.scheduler import (
    AdvisoryLockGuard,
    Job,
    SchedulerBusy,
    maintain_database,
    make_guard,
    make_jobs,
    run_scheduler,
)
from seo_monitor.config import SchedulerSettings, Settings, load_settings
from seo_monitor.config.settings import Cron
from seo_monitor.db import make_engine, session_factory
from seo_monitor.errors import ConfigError
from seo_monitor.migrate import upgrade
from seo_monitor.models import CollectorRun, SchedulerJob
from seo_monitor.times import utcnow
from tests.conftest import PostgresServer

START = datetime(2026, 11, 2, 10, 0, 5, tzinfo=UTC)


def settings_for(tmp_path: Path, database_url: str, extra: str = "") -> Settings:
    config = tmp_path / "config.toml"
    config.write_text(
        f"[database]\nurl = {json.dumps(database_url)}\n[scheduler]\njitter_seconds = 0\n"
        f"lease_seconds = 10\n{extra}"
    )
    return load_settings(config, {})


def test_every_collector_has_its_schedule_and_its_job(tmp_path: Path, engine: Engine) -> None:
    settings = settings_for(tmp_path, str(engine.url), 'search_console = "5 7 * * *"\n')
    jobs = {job.id: job.cron for job in make_jobs(settings, engine, threading.Event())}
    for collector in COLLECTORS:
        assert collector.schedule_key in SchedulerSettings.model_fields, collector.name
        assert jobs[collector.schedule_key] == getattr(settings.scheduler, collector.schedule_key)
    assert jobs["search_console"] == "5 7 * * *"  # `search-console` on the command line
    assert set(jobs) - {c.schedule_key for c in COLLECTORS} == {"digest", "alerts", "maintenance"}
    # The other way round: no crontab setting is left over from a collector that is gone.
    cron_check = typing.get_args(Cron)[1]
    crons = {n for n, f in SchedulerSettings.model_fields.items() if cron_check in f.metadata}
    assert crons - {c.schedule_key for c in COLLECTORS} == {
        "digest",
        "alerts",
        "maintenance",
        "report",
        "review_requests",
    }
    asking = settings_for(tmp_path, str(engine.url), "[review_requests]\nenabled = true\n")
    jobs = {job.id: job.cron for job in make_jobs(asking, engine, threading.Event())}
    assert jobs["review_requests"] == "0 9-17 * * *"  # only once a person switched them on


def test_the_architecture_notes_list_the_collectors_as_the_registry_does() -> None:
    notes = (Path(__file__).parent.parent / "docs" / "architecture.md").read_text()
    table = notes.split("<!-- collectors:")[1].split("<!-- /collectors -->")[0]
    rows = [line.strip("| ").split(" | ") for line in table.splitlines() if line.startswith("| `")]
    assert rows == [
        [
            f"`{c.name}`",
            f"`{c.schedule_key}`",
            "per location" if c.per_location else "once for every account",
            "yes" if c.in_all else "no",
            c.summary,
        ]
        for c in COLLECTORS
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('reviews = "0 8 * * 1"', "use day names"),
        ('reviews = "61 * * * *"', "not a cron line"),
        ('reviews = "* * *"', "not a cron line"),
        ('timezone = "Mars/Olympus"', "unknown time zone"),
    ],
)
def test_schedule_settings_are_checked(tmp_path: Path, line: str, message: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f"[scheduler]\n{line}\n")
    with pytest.raises(ConfigError, match=message):
        load_settings(config, {})


class Counter:
    def __init__(self) -> None:
        self.calls = 0
        self.ran = threading.Event()

    def __call__(self) -> str:
        self.calls += 1
        self.ran.set()
        return f"run {self.calls}"


@pytest.fixture
def traveller() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(START, tick=True) as coordinates:
        yield coordinates


def start_scheduler(
    settings: Settings, engine: Engine, jobs: list[Job]
) -> tuple[threading.Event, threading.Thread, list]:
    stop, started, holder = threading.Event(), threading.Event(), []

    def on_start(scheduler: object) -> None:
        holder.append(scheduler)
        started.set()

    thread = threading.Thread(
        target=run_scheduler, args=(settings, engine, stop, jobs, on_start), daemon=True
    )
    thread.start()
    assert started.wait(20)
    return stop, thread, holder


def advance_and_stop(
    traveller: time_machine.Coordinates,
    moment: datetime,
    scheduler: object,
    job: Counter,
    stop: threading.Event,
    thread: threading.Thread,
    wait: float = 20,
) -> bool:
    """Move the clock, let the scheduler look, stop it; whether the job ran."""
    traveller.move_to(moment)
    scheduler.wakeup()  # type: ignore[attr-defined]
    ran = job.ran.wait(wait)
    stop.set()
    thread.join(30)
    return ran


def test_a_job_fires_at_its_cron_time_and_its_runs_are_recorded(
    tmp_path: Path, database_url: str, engine: Engine, traveller: time_machine.Coordinates
) -> None:
    settings = settings_for(tmp_path, database_url)
    job = Counter()
    stop, thread, (scheduler,) = start_scheduler(
        settings, engine, [Job("reviews", "*/30 * * * *", job)]
    )
    with session_factory(engine)() as session:
        planned = session.get(SchedulerJob, "reviews")
    assert planned is not None and planned.next_run_at == datetime(2026, 11, 2, 10, 30, tzinfo=UTC)
    assert job.calls == 0
    assert advance_and_stop(
        traveller, datetime(2026, 11, 2, 10, 30, 1, tzinfo=UTC), scheduler, job, stop, thread
    )
    with session_factory(engine)() as session:
        recorded = session.get(SchedulerJob, "reviews")
    assert recorded is not None and recorded.last_status == "ok" and job.calls == 1
    assert recorded.next_run_at == datetime(2026, 11, 2, 11, 0, tzinfo=UTC)


def test_runs_missed_several_times_over_happen_once(
    tmp_path: Path, database_url: str, engine: Engine, traveller: time_machine.Coordinates
) -> None:
    settings = settings_for(tmp_path, database_url)
    job = Counter()
    stop, thread, (scheduler,) = start_scheduler(
        settings, engine, [Job("reviews", "*/30 * * * *", job)]
    )
    # 10:30, 11:00, 11:30 and 12:00 are all due
    assert advance_and_stop(traveller, START + timedelta(hours=2), scheduler, job, stop, thread)
    assert job.calls == 1


def test_a_run_far_past_its_grace_time_is_skipped(
    tmp_path: Path, database_url: str, engine: Engine, traveller: time_machine.Coordinates
) -> None:
    settings = settings_for(tmp_path, database_url, "misfire_grace_seconds = 60\n")
    job = Counter()
    stop, thread, (scheduler,) = start_scheduler(settings, engine, [Job("daily", "0 6 * * *", job)])
    # ten minutes late, grace one
    ran = advance_and_stop(
        traveller, datetime(2026, 11, 3, 6, 10, tzinfo=UTC), scheduler, job, stop, thread, wait=2
    )
    assert not ran
    assert job.calls == 0


def test_a_second_scheduler_runs_nothing(tmp_path: Path, database_url: str, engine: Engine) -> None:
    settings = settings_for(tmp_path, database_url)
    first, second = make_guard(settings, engine), make_guard(settings, engine)
    assert first.acquire()
    assert not second.acquire()
    with pytest.raises(SchedulerBusy):
        run_scheduler(
            settings, engine, threading.Event(), [Job("reviews", "*/30 * * * *", Counter())]
        )
    first.release()
    assert second.acquire()
    second.release()


def test_a_crashed_schedulers_lease_expires_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'seo-monitor.db'}"
    engine = make_engine(url)
    upgrade(engine)
    settings = settings_for(tmp_path, url)
    with time_machine.travel(START, tick=False) as clock:
        crashed, next_one = make_guard(settings, engine), make_guard(settings, engine)
        assert crashed.acquire()  # ... and never renews: the process died
        clock.shift(timedelta(seconds=5))
        assert not next_one.acquire()
        clock.shift(timedelta(seconds=10))
        assert next_one.acquire()
        assert not crashed.renew()  # if it comes back, it learns it lost the lease


def test_a_crashed_schedulers_lock_goes_with_its_connection_on_postgresql(
    tmp_path: Path, postgres_server: PostgresServer
) -> None:
    url = postgres_server.create(migrated=True)
    engine = make_engine(url)
    settings = settings_for(tmp_path, url)
    try:
        crashed, next_one = make_guard(settings, engine), make_guard(settings, engine)
        assert crashed.acquire() and not next_one.acquire()
        assert isinstance(crashed, AdvisoryLockGuard) and crashed.connection is not None
        crashed.connection.invalidate()  # the process died: PostgreSQL drops its session
        assert next_one.acquire()
        next_one.release()
    finally:
        engine.dispose()
        postgres_server.drop(url)


def test_two_schedulers_started_at_once_one_runs_and_sigterm_stops_it_cleanly(
    tmp_path: Path, database_url: str
) -> None:
    settings_for(tmp_path, database_url)
    config = tmp_path / "config.toml"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEO_MONITOR_")}
    base = [sys.executable, "-m", "seo_monitor", "--config", str(config)]
    assert (
        subprocess.run(
            [*base, "db", "upgrade"], env=env, capture_output=True, check=False
        ).returncode
        == 0
    )
    both = [
        subprocess.Popen(
            [*base, "scheduler"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    try:
        deadline = time.monotonic() + 60
        while all(p.poll() is None for p in both) and time.monotonic() < deadline:
            time.sleep(0.1)
        refused = next(p for p in both if p.poll() is not None)
        running = next(p for p in both if p is not refused)
        assert refused.stderr is not None and running.stdout is not None
        assert refused.returncode == 2 and "another scheduler" in refused.stderr.read()
        assert "Scheduler started" in running.stdout.readline()
        assert running.poll() is None
        running.send_signal(signal.SIGTERM)
        out, _ = running.communicate(timeout=60)
    finally:
        for process in both:
            process.kill()
    assert running.returncode == 0 and "Scheduler stopped." in out
    with session_factory(make_engine(database_url))() as session:
        assert {job.job_id for job in session.scalars(select(SchedulerJob))} == {
            "locations",
            "reviews",
            "metrics",
            "keywords",
            "rankings",
            "competitors",
            "search_console",
            "website",
            "listings",
            "digest",
            "alerts",
            "maintenance",
        }


def test_maintenance_deletes_old_runs_but_keeps_each_collectors_newest(engine: Engine) -> None:
    now = utcnow()
    runs = {  # collector -> (days ago, status) of each run, all account-wide
        "reviews": [(200, "ok"), (100, "ok"), (1, "ok")],
        "metrics": [(300, "ok"), (200, "ok")],  # nothing recent: its newest run stays
        "keywords": [(300, "ok"), (200, "failed"), (120, "failed")],  # and its last success
        "locations": [(10, "ok")],
    }
    with session_factory(engine).begin() as session:
        for collector, history in runs.items():
            for days, status in history:
                started = now - timedelta(days=days)
                session.add(
                    CollectorRun(
                        collector=collector, started_at=started, finished_at=started, status=status
                    )
                )
    outcome = maintain_database(engine, timedelta(days=90), Settings())
    assert outcome.startswith("4 old collector runs deleted")
    with session_factory(engine)() as session:
        left = session.execute(select(CollectorRun.collector, CollectorRun.started_at)).all()
    assert sorted((collector, (now - started).days) for collector, started in left) == [
        ("keywords", 120),
        ("keywords", 300),
        ("locations", 10),
        ("metrics", 200),
        ("reviews", 1),
    ]
