"""Dashboard render time per page at 5 and at 500 locations, on SQLite and PostgreSQL.

  python -m bench.bench_dashboard [--postgres ADMIN_URL] [--big 500] [--small 5] [--repeat 3]

Each location gets 1,000 reviews over two years and 600 days of the 9 daily metrics (500
locations: 500k reviews, 2.7M metric rows), written with plain bulk inserts. Each page is
rendered with Streamlit's AppTest with empty caches (the first view after the cache expires),
`--repeat` times; the median is reported, and the ratio big/small per page.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, text
from sqlalchemy.engine import Engine
from streamlit import config as streamlit_config

from bench.bench_scale import page_seconds
from bench.scratch import scratch_postgres
from collectors.metrics import refresh_metric_groups
from seo_monitor.db import make_engine, session_factory
from seo_monitor.migrate import upgrade
from seo_monitor.models import Account, DailyMetric, Location, RatingSnapshot, Review
from seo_monitor.profile_metrics import DAILY_METRICS
from seo_monitor.sentiment.store import refresh_review_counts

APP = str(Path(__file__).resolve().parents[1] / "dashboard" / "app.py")
PAGES = {"overview": None, "profile": "views/profile.py", "health": "views/health.py"}
REVIEWS_PER_LOCATION = 1000
DAYS = 600


def fill(engine: Engine, locations: int) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    rng = random.Random(1)
    with engine.begin() as connection:
        connection.execute(
            insert(Account),
            [
                {
                    "name": "accounts/1",
                    "account_name": "Bench group",
                    "first_seen_at": now,
                    "updated_at": now,
                }
            ],
        )
        connection.execute(
            insert(Location),
            [
                {
                    "account_id": 1,
                    "name": f"locations/{n}",
                    "title": f"Clinic {n:03d}",
                    "address_lines": [],
                    "active": True,
                    "first_seen_at": now,
                    "updated_at": now,
                }
                for n in range(1, locations + 1)
            ],
        )
        connection.execute(
            insert(RatingSnapshot),
            [
                {
                    "location_id": n,
                    "day": now.date(),
                    "average_rating": 4.5,
                    "total_review_count": 1000,
                }
                for n in range(1, locations + 1)
            ],
        )
    for location in range(1, locations + 1):
        with engine.begin() as connection:
            connection.execute(
                insert(Review), [review(location, n, now, rng) for n in range(REVIEWS_PER_LOCATION)]
            )
            connection.execute(
                insert(DailyMetric),
                [
                    {
                        "location_id": location,
                        "metric": metric,
                        "day": now.date() - timedelta(days=2 + d),
                        "value": rng.randint(0, 60),
                        "fetched_at": now,
                    }
                    for d in range(DAYS)
                    for metric in DAILY_METRICS
                ],
            )
    with session_factory(engine).begin() as session:  # what the review and metrics jobs keep
        for location in range(1, locations + 1):
            refresh_review_counts(session, location)
            refresh_metric_groups(
                session, location, now.date() - timedelta(days=DAYS + 2), now.date()
            )


def review(location: int, n: int, now: datetime, rng: random.Random) -> dict[str, object]:
    created = now - timedelta(minutes=rng.randint(0, 730 * 1440))
    return {
        "location_id": location,
        "source": "google",
        "external_id": f"r{location}-{n}",
        "rating": rng.choice((5, 5, 5, 5, 4, 3, 2, 1)),
        "text": "The front desk was friendly.",
        "author_is_anonymous": False,
        "created_at": created,
        "updated_at": created,
        "reply_text": "Thank you!" if rng.random() < 0.5 else None,
        "first_seen_at": now,
    }


def render_times(url: str, repeat: int) -> dict[str, float]:
    folder = tempfile.TemporaryDirectory()
    config = Path(folder.name) / "config.toml"
    config.write_text(f'[database]\nurl = "{url}"\n')
    os.environ["SEO_MONITOR_CONFIG"] = str(config)
    streamlit_config.set_option("server.address", "127.0.0.1")
    times = page_seconds(PAGES, repeat)
    folder.cleanup()
    return times


@contextmanager
def sqlite_database(locations: int) -> Iterator[str]:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        prepare(url, locations)
        yield url


@contextmanager
def postgres_database(admin_url: str, locations: int) -> Iterator[str]:
    with scratch_postgres(admin_url, f"seo_monitor_bench_dash_{locations}") as url:
        prepare(url, locations)
        yield url


def prepare(url: str, locations: int) -> None:
    engine = make_engine(url)
    upgrade(engine)
    started = time.perf_counter()
    fill(engine, locations)
    # A settled database: statistics gathered, and on PostgreSQL the visibility map set (what
    # autovacuum does after a bulk load), so that index-only scans are possible.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(
            text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE")
        )
    engine.dispose()
    print(f"  filled {locations} locations in {time.perf_counter() - started:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--postgres", help="admin URL of a PostgreSQL server to bench on too")
    parser.add_argument("--small", type=int, default=5)
    parser.add_argument("--big", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    databases: list[tuple[str, Callable[[int], object]]] = [("sqlite", sqlite_database)]
    if args.postgres:
        databases.append(("postgresql", lambda n: postgres_database(args.postgres, n)))
    print(
        "| database | page | 5 locations (s) | 500 locations (s) | ratio |".replace(
            "5", str(args.small), 1
        ).replace("500", str(args.big), 1)
    )
    print("|---|---|---|---|---|")
    with sqlite_database(1) as url:
        render_times(url, 1)  # warm up: imports and Streamlit's first run are not the page's cost
    for name, database in databases:
        results = {}
        for size in dict.fromkeys((args.small, args.big)):  # once if they are equal
            with database(size) as url:  # type: ignore[attr-defined]
                results[size] = render_times(url, args.repeat)
        for page in PAGES:
            small, big = results[args.small][page], results[args.big][page]
            print(f"| {name} | {page} | {small:.2f} | {big:.2f} | {big / small:.2f} |", flush=True)


if __name__ == "__main__":
    main()
