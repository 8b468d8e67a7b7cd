"""Benchmarks of Google data collection against the sandbox (figures go to bench/RESULTS.md).

python -m bench.bench_collect calls [--locations 100 --reviews 500]
    API calls of an initial review sync and of re-syncs after k new reviews per location,
    against the minimum (ceil(R/50) pages per location; one page when k < 50).
python -m bench.bench_collect sweep [--locations 200 --quota 300]
    `collect all` against a sandbox enforcing the per-minute quota: wall time against the
    quota floor (calls / quota), and the 429s seen.
python -m bench.bench_collect save [--reviews 50000] [--postgres URL]
    Reviews saved per second on SQLite and PostgreSQL, same rows, one run.
"""

from __future__ import annotations

import argparse
import math
import random
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from collectors.reviews import ReviewRow, save_reviews
from seo_monitor.app.jobs import ALL, collect, make_client
from seo_monitor.config import Settings, load_settings
from seo_monitor.db import make_engine, session_factory, upsert
from seo_monitor.migrate import upgrade
from seo_monitor.models import Location
from seo_monitor.sandbox import World, running_sandbox
from seo_monitor.sandbox.demo import write_demo_config

NOW = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)


def setup(server_url: str, folder: Path, quota: int) -> Settings:
    write_demo_config(folder, server_url)
    config = folder / "config.toml"
    # Into [google], wherever the demo config puts it (appending would land in its last table).
    text = config.read_text().replace("[google]\n", f"[google]\nquota_per_minute = {quota}\n", 1)
    config.write_text(text)
    return load_settings(config, {})


def review_calls(args: argparse.Namespace) -> None:
    world = World(seed=3, locations=args.locations, now=NOW, reviews_per_location=args.reviews)
    print(f"world: {args.locations} locations x {args.reviews} reviews")
    with (
        running_sandbox(world, quota_per_minute=1_000_000) as server,
        tempfile.TemporaryDirectory() as tmp,
    ):
        settings = setup(server.url, Path(tmp), 100_000)
        engine = make_engine(settings.database_url)
        upgrade(engine)
        sessions = session_factory(engine)
        located = collect(
            settings, sessions, ["locations"], make_client(settings), now=lambda: world.now
        )
        assert located[0].status == "ok", located[0].error
        rows = [("initial sync", args.reviews, *sync(settings, sessions, world))]
        rng = random.Random(1)
        for k in (1, 10, 49, 50, 120):
            for location in world.locations:
                for _ in range(k):
                    world._change(
                        "new", location, rng, world.now + timedelta(seconds=rng.randint(1, 3000))
                    )
            world.now += timedelta(hours=1)
            rows.append((f"re-sync, k={k} new", k, *sync(settings, sessions, world)))
    print("| run | new reviews per location | API calls | minimum | ratio |")
    print("|---|---|---|---|---|")
    for label, per_location, calls, _ in rows:
        pages = (
            math.ceil(per_location / 50)
            if label == "initial sync"
            else math.ceil((per_location + 1) / 50)
        )
        minimum = pages * args.locations
        print(f"| {label} | {per_location} | {calls} | {minimum} | {calls / minimum:.2f} |")


def sync(settings: Settings, sessions: Any, world: World) -> tuple[int, float]:
    client = make_client(settings)
    started = time.perf_counter()
    summaries = collect(settings, sessions, ["reviews"], client, now=lambda: world.now)
    assert summaries and all(s.status == "ok" for s in summaries), [s.error for s in summaries]
    return client.calls["mybusiness"], time.perf_counter() - started


def sweep(args: argparse.Namespace) -> None:
    world = World(seed=5, locations=args.locations, now=NOW)
    with (
        running_sandbox(world, quota_per_minute=args.quota) as server,
        tempfile.TemporaryDirectory() as tmp,
    ):
        settings = setup(server.url, Path(tmp), args.quota)
        engine = make_engine(settings.database_url)
        upgrade(engine)
        client = make_client(settings)
        started = time.perf_counter()
        summaries = collect(settings, session_factory(engine), ALL, client, now=lambda: world.now)
        elapsed = time.perf_counter() - started
        stats = server.state.stats()
    failed = [s for s in summaries if s.status != "ok"]
    calls = client.total_calls
    floor_total = calls / args.quota * 60
    floor_api = max(client.calls.values()) / args.quota * 60
    print(f"locations {args.locations}, quota {args.quota}/min per API")
    print(f"runs {len(summaries)}, failed {len(failed)}")
    print(f"calls by API: {dict(client.calls)}; total {calls}; 429 answers {stats['rate_limited']}")
    print(f"wall {elapsed:.1f} s")
    print(f"floor, all calls / quota: {floor_total:.1f} s -> {elapsed / floor_total:.3f}x")
    print(f"floor, busiest API / quota: {floor_api:.1f} s -> {elapsed / floor_api:.3f}x")


def save_speed(args: argparse.Namespace) -> None:
    rows = synthetic_rows(args.reviews)
    targets: list[tuple[str, Callable[[], tuple[str, Callable[[], None]]]]] = [
        ("sqlite", lambda: sqlite_target()),
    ]
    if args.postgres:
        targets.append(("postgresql", lambda: postgres_target(args.postgres)))
    print(
        f"{args.reviews} reviews, batches of {args.batch} (one location each, as a sync saves them)"
    )
    print("| database | reviews/s first save | reviews/s unchanged re-save |")
    print("|---|---|---|")
    for name, make in targets:
        url, cleanup = make()
        engine = make_engine(url)
        upgrade(engine)
        first = timed_save(engine, rows, args.batch)
        again = timed_save(engine, rows, args.batch)
        engine.dispose()
        cleanup()
        print(f"| {name} | {len(rows) / first:,.0f} | {len(rows) / again:,.0f} |")


def synthetic_rows(count: int) -> list[ReviewRow]:
    rng = random.Random(9)
    base = NOW - timedelta(days=700)
    return [
        ReviewRow(
            external_id=f"r{i:08d}",
            resource_name=f"accounts/1/locations/1/reviews/r{i:08d}",
            rating=rng.randint(1, 5),
            text=" ".join(rng.choices(WORDS, k=rng.randint(5, 80))),
            original_text=None,
            author_name=f"Patient {i}",
            author_is_anonymous=False,
            created_at=base + timedelta(minutes=i),
            updated_at=base + timedelta(minutes=i),
            reply_text="Thank you for your feedback." if i % 2 else None,
            reply_updated_at=base + timedelta(minutes=i + 60) if i % 2 else None,
            reply_state="APPROVED" if i % 2 else None,
            reply_policy_violation=None,
        )
        for i in range(count)
    ]


WORDS = (
    "the",
    "front",
    "desk",
    "staff",
    "were",
    "friendly",
    "and",
    "my",
    "therapist",
    "listened",
    "waited",
    "forty",
    "minutes",
    "billing",
    "insurance",
    "copay",
    "pain",
    "relief",
    "exercises",
)


def timed_save(engine: Any, rows: list[ReviewRow], batch: int) -> float:
    sessions = session_factory(engine)
    with sessions.begin() as session:
        upsert(
            session,
            Location,
            [
                {
                    "name": "locations/1",
                    "title": "Bench",
                    "address_lines": [],
                    "active": True,
                    "first_seen_at": NOW,
                    "updated_at": NOW,
                }
            ],
            ["name"],
        )
    started = time.perf_counter()
    for start in range(0, len(rows), batch):
        with sessions.begin() as session:
            save_reviews(session, 1, rows[start : start + batch], NOW)
    return time.perf_counter() - started


def sqlite_target() -> tuple[str, Callable[[], None]]:
    folder = tempfile.TemporaryDirectory()
    return f"sqlite:///{folder.name}/bench.db", folder.cleanup


def postgres_target(admin_url: str) -> tuple[str, Callable[[], None]]:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"seo_monitor_bench_{int(time.time())}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(admin_url).set(database=name).render_as_string(hide_password=False), drop


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    calls = commands.add_parser("calls")
    calls.add_argument("--locations", type=int, default=100)
    calls.add_argument("--reviews", type=int, default=500)
    calls.set_defaults(run=review_calls)
    sweep_parser = commands.add_parser("sweep")
    sweep_parser.add_argument("--locations", type=int, default=200)
    sweep_parser.add_argument("--quota", type=int, default=300)
    sweep_parser.set_defaults(run=sweep)
    save = commands.add_parser("save")
    save.add_argument("--reviews", type=int, default=50_000)
    save.add_argument("--batch", type=int, default=500)
    save.add_argument("--postgres", help="admin URL of a PostgreSQL server to bench on too")
    save.set_defaults(run=save_speed)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
