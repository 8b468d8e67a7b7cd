"""Drills: the database fails under a running collector (disk full, read-only, PostgreSQL
restarted). Each ends in one clear message and no traceback, an intact database, and a next run
that finishes the job: the same data as a run that never failed."""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import text

from seo_monitor.db import make_engine
from seo_monitor.sandbox import World, running_sandbox
from seo_monitor.times import utcnow
from tests.collectors.test_faults import clean_run_snapshot, wait_for_a_run
from tests.conftest import WORLD_NOW, PostgresServer, sandbox_settings
from tests.dbsnapshot import snapshot

ENV = {k: v for k, v in os.environ.items() if not k.startswith("SEO_MONITOR_")}


def seo_monitor(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "seo_monitor", "--config", str(config), *args]
    return subprocess.run(
        command, env=ENV, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 16 MB file system (tmpfs) to fill up and to turn read-only."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"needs a small file system of its own (mount, as root): {mounted.stderr}")
    yield mount_point
    subprocess.run(["umount", "-l", str(mount_point)], check=False)


@contextmanager
def locations_collected(world: World, folder: Path, database: Path) -> Iterator[Path]:
    """A sandbox serving `world`, and the config of a seo-monitor whose SQLite database at
    `database` has the schema and the locations; yields the config's path."""
    with running_sandbox(world, quota_per_minute=100_000) as server:
        sandbox_settings(server, folder, f"sqlite:///{database}")
        config = folder / "config.toml"
        assert seo_monitor(config, "db", "upgrade").returncode == 0
        assert seo_monitor(config, "collect", "locations").returncode == 0
        yield config


def integrity(database: Path) -> str:
    with sqlite3.connect(database) as connection:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])


def assert_one_clear_message(result: subprocess.CompletedProcess[str], words: str) -> None:
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert words in output and "Traceback" not in output, output


def test_a_full_disk_stops_the_run_clearly_and_the_next_run_finishes_it(
    tmp_path: Path, small_disk: Path
) -> None:
    world = World(seed=11, locations=3, now=WORLD_NOW, reviews_per_location=400)
    database = small_disk / "seo-monitor.db"
    with locations_collected(world, tmp_path, database) as config:
        free = os.statvfs(small_disk).f_bavail * os.statvfs(small_disk).f_frsize
        filler = small_disk / "filler"
        filler.write_bytes(b"\0" * (free - 300_000))  # room for the locations, not 1,200 reviews
        full = seo_monitor(config, "collect", "all")
        assert_one_clear_message(full, "the disk holding the database is full")
        assert integrity(database) == "ok"
        filler.unlink()
        again = seo_monitor(config, "collect", "all")
    assert again.returncode == 0, again.stdout + again.stderr
    assert integrity(database) == "ok"
    engine = make_engine(f"sqlite:///{database}")
    assert snapshot(engine) == clean_run_snapshot(world, tmp_path, now=utcnow)
    engine.dispose()


def test_a_read_only_database_is_a_clear_error_and_stays_intact(
    tmp_path: Path, small_disk: Path
) -> None:
    world = World(seed=12, locations=2, now=WORLD_NOW, reviews_per_location=100)
    database = small_disk / "seo-monitor.db"
    with locations_collected(world, tmp_path, database) as config:
        remount = ["mount", "-o", "remount,ro", str(small_disk)]
        subprocess.run(remount, check=True)
        refused = seo_monitor(config, "collect", "reviews")
        output = refused.stdout + refused.stderr
        # Opening may already fail (SQLite's WAL needs to write beside the file) or the first
        # write does; either way one message says what to check.
        assert refused.returncode in (1, 2) and "Traceback" not in output, output
        assert "read-only" in output, output
        subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)
        assert integrity(database) == "ok"
        assert seo_monitor(config, "collect", "reviews").returncode == 0


@pytest.mark.postgres
def test_postgresql_restarted_mid_run_fails_the_run_cleanly_and_the_next_run_succeeds(
    tmp_path: Path, postgres_server: PostgresServer
) -> None:
    url = postgres_server.create(migrated=True)
    name = url.rsplit("/", 1)[-1]
    world = World(seed=13, locations=4, now=WORLD_NOW, reviews_per_location=1500)
    try:
        with running_sandbox(world, quota_per_minute=100_000) as server:
            sandbox_settings(server, tmp_path, url)
            config = tmp_path / "config.toml"
            command = [sys.executable, "-m", "seo_monitor", "--config", str(config), "collect"]
            engine = make_engine(url)
            run = subprocess.Popen(
                [*command, "all"], env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
            )
            wait_for_a_run(engine, 0, run)  # 6,000 reviews to save and score: seconds of work
            engine.dispose()
            time.sleep(random.Random(3).uniform(0.2, 1.0))
            restart_database(postgres_server, name, down_seconds=1.0)
            output = run.communicate(timeout=120)[0].decode()
            assert run.returncode == 1, output
            assert "connection to the database server was lost" in output, output
            assert "Traceback" not in output, output
            again = seo_monitor(config, "collect", "all")
        assert again.returncode == 0, again.stdout + again.stderr
        engine = make_engine(url)
        assert snapshot(engine) == clean_run_snapshot(world, tmp_path, now=utcnow)
        engine.dispose()
    finally:
        postgres_server.drop(url)


def restart_database(server: PostgresServer, name: str, down_seconds: float) -> None:
    """What a restart looks like to clients: every session is terminated, and for a while no new
    one is accepted (the shared server itself keeps running for the other tests)."""
    with server.admin.connect() as connection:
        connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
        connection.execute(
            text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"),
            {"name": name},
        )
        time.sleep(down_seconds)
        connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
