"""Scoring stored reviews: first pass over new reviews, then a pass where nothing changed.

  python -m bench.bench_scoring [--reviews 100000] [--locations 20] [--postgres ADMIN_URL]

Texts are the project's written reviews (bench/data) cycled with a number appended, so every
text is distinct. The first pass scores and stores every review (reviews/s, including the
database writes); the second pass must score nothing: it only reads and hashes the texts.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, insert

from bench.reviews_dev import load_written
from bench.scratch import scratch_postgres
from seo_monitor.db import make_engine, session_factory
from seo_monitor.migrate import upgrade
from seo_monitor.models import Account, Location, Review
from seo_monitor.sentiment import ScoringRules
from seo_monitor.sentiment.store import score_location


def fill(engine: Engine, reviews: int, locations: int) -> None:
    texts = [r.text for r in load_written()]
    now = datetime.now(UTC).replace(microsecond=0)
    with engine.begin() as connection:
        connection.execute(
            insert(Account), [{"name": "accounts/1", "first_seen_at": now, "updated_at": now}]
        )
        connection.execute(
            insert(Location),
            [
                {
                    "account_id": 1,
                    "name": f"locations/{n}",
                    "title": f"Clinic {n}",
                    "address_lines": [],
                    "first_seen_at": now,
                    "updated_at": now,
                }
                for n in range(1, locations + 1)
            ],
        )
        rows = [
            {
                "location_id": 1 + n % locations,
                "source": "google",
                "external_id": f"r{n}",
                "rating": 1 + n % 5,
                "text": f"{texts[n % len(texts)]} ({n})",
                "author_is_anonymous": False,
                "created_at": now - timedelta(minutes=n),
                "updated_at": now - timedelta(minutes=n),
                "first_seen_at": now,
            }
            for n in range(reviews)
        ]
        for start in range(0, len(rows), 10_000):
            connection.execute(insert(Review), rows[start : start + 10_000])


def passes(engine: Engine, locations: int) -> tuple[int, float, int, float]:
    sessions = session_factory(engine)
    rules = ScoringRules()
    results = []
    for _ in range(2):
        start = time.perf_counter()
        scored = 0
        for location in range(1, locations + 1):
            with sessions.begin() as session:
                scored += score_location(session, location, rules)
        results += [scored, time.perf_counter() - start]
    return results[0], results[1], results[2], results[3]


def run(url: str, label: str, reviews: int, locations: int) -> None:
    engine = make_engine(url)
    upgrade(engine)
    fill(engine, reviews, locations)
    first, first_seconds, second, second_seconds = passes(engine, locations)
    print(
        f"| {label} | {reviews:,} | {first:,} scored in {first_seconds:.1f} s "
        f"({first / first_seconds:,.0f}/s) | {second} scored in {second_seconds:.1f} s |"
    )
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviews", type=int, default=100_000)
    parser.add_argument("--locations", type=int, default=20)
    parser.add_argument("--postgres", help="admin URL; a scratch database is created and dropped")
    args = parser.parse_args()
    print("| database | reviews | first pass | second pass (nothing changed) |")
    print("|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        run(f"sqlite:///{Path(folder) / 'bench.db'}", "SQLite", args.reviews, args.locations)
    if args.postgres:
        with scratch_postgres(args.postgres, "seo_monitor_bench_scoring") as url:
            run(url, "PostgreSQL", args.reviews, args.locations)


if __name__ == "__main__":
    main()
