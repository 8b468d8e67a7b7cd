"""The whole pipeline at group scale, on SQLite and PostgreSQL (`make bench`).

  python -m bench.bench_scale [--locations 500] [--small 5] [--reviews 1000] [--quota 12000]
                              [--keywords 5] [--grid 7] [--postgres ADMIN_URL]

A sandbox world of `--locations` clinics (1,000 reviews each: 500k at 500 locations; Google's
18 months of daily metrics; 12 months of search keywords) goes through the real collectors, each
run as its own `seo-monitor collect …` process, exactly as the scheduler's jobs run them: the
locations, the reviews (saved, scored and alerts queued in one transaction), the metrics, the
keywords, one weekly geo-grid scan (`--keywords` x `--grid`^2), the competitors and the website
audit (the sandbox's demo clinic sites). For each step:
API calls against the minimum, wall time against the quota floor (the calls of the busiest API
at `--quota` calls per minute), and the process's peak memory. Then: reviews saved and scored
per second beside plain VADER on the same texts, the weekly digest for every location, and
every dashboard page rendered (Streamlit's AppTest, in its own process for its peak memory)
at `--small` and at `--locations` locations.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select, text

from bench.scratch import scratch_postgres
from seo_monitor.alerts.render import digest_html
from seo_monitor.config import load_settings
from seo_monitor.db import make_engine, session_factory
from seo_monitor.models import Location, Review
from seo_monitor.queries import build_digest, digest_week
from seo_monitor.sandbox import World, running_sandbox
from seo_monitor.sandbox.demo import write_demo_config
from seo_monitor.sandbox.world import KEYWORDS
from seo_monitor.sentiment.store import refresh_review_counts

STEPS = ("locations", "reviews", "metrics", "keywords", "rankings", "competitors", "website")
PAGES = {
    "overview": None,
    "profile": "views/profile.py",
    "reviews": "views/reviews.py",
    "reply log": "views/reply_log.py",
    "alerts": "views/alerts.py",
    "posters": "views/posters.py",
    "rankings": "views/rankings.py",
    "website": "views/website.py",
    "health": "views/health.py",
    "review requests": "views/review_requests.py",
    "profile changes": "views/profile_changes.py",
    "listings": "views/listings.py",
    "referrals": "views/referrals.py",
    "monthly report": "views/monthly_report.py",
}
APP = str(Path(__file__).resolve().parents[1] / "dashboard" / "app.py")
KEYWORD_MONTHS = 12  # the keywords backfill: one call per location and month (collectors.keywords)


@dataclass
class Step:
    name: str
    calls: dict[str, int]
    wall: float
    peak_mb: float
    minimum: int | None
    floor: float


def config_text(url: str, root: str, world: World, args: argparse.Namespace) -> str:
    keywords = ", ".join(f'"{k}"' for k in KEYWORDS[: args.keywords])
    websites = "".join(  # each location's website: the sandbox's demo site for it
        f'[[locations]]\nmatch = "{p.store_code}"\nwebsite = "{root}/site/{p.store_code}/"\n'
        for p in world.locations
    )
    return (
        f'data_dir = "data"\n[database]\nurl = "{url}"\n'
        f'[google]\napi_root = "{root}"\nplaces_api_key_file = "data/places-api-key"\n'
        f"quota_per_minute = {args.quota}\n"
        f"[rankings]\nkeywords = [{keywords}]\ngrid_size = {args.grid}\n"
        '[alerts]\nfrom_address = "bench@clinic.example"\nrecipients = ["manager@clinic.example"]\n'
        f"{websites}"
    )


def run_process(module: str, *args: str) -> tuple[float, float, str]:
    """Run `python -m module args…`; its wall time, peak resident memory (MB) and output."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEO_MONITOR_")}
    command = [sys.executable, "-m", "bench.peak", module, *args]
    started = time.perf_counter()
    finished = subprocess.run(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False
    )
    wall = time.perf_counter() - started
    if finished.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{finished.stdout}")
    *lines, peak = finished.stdout.rstrip().splitlines()
    return wall, float(peak.removeprefix("peak-rss-mb ")), "\n".join(lines)


def minimum_calls(step: str, world: World, args: argparse.Namespace) -> int | None:
    """The fewest calls Google's APIs allow for `step` (None: no simple lower bound)."""
    places = len(world.locations)
    if step == "reviews":
        return sum(max(1, math.ceil(len(world.live_reviews(p)) / 50)) for p in world.locations)
    if step == "metrics":
        return places  # one multi-metric time series per location covers the 18 months
    if step == "keywords":
        return places * KEYWORD_MONTHS
    if step == "rankings":
        return places * args.keywords * args.grid**2
    return None


def pipeline(folder: Path, url: str, world: World, args: argparse.Namespace) -> list[Step]:
    steps = []
    with running_sandbox(world, quota_per_minute=args.quota) as server:
        write_demo_config(folder, server.url)
        config = folder / "config.toml"
        config.write_text(config_text(url, server.url, world, args))
        command = ["seo_monitor", "--config", str(config)]
        run_process(*command, "db", "upgrade")
        for step in STEPS:
            before = server.state.stats()["calls"]
            wall, peak, _ = run_process(*command, "collect", step)
            after = server.state.stats()["calls"]
            calls = {api: n - before.get(api, 0) for api, n in after.items()}
            calls = {api: n for api, n in calls.items() if n}
            floor = max(calls.values(), default=0) / args.quota * 60
            steps.append(Step(step, calls, wall, peak, minimum_calls(step, world, args), floor))
            print(f"    {step}: {sum(calls.values()):,} calls, {wall:.0f} s", flush=True)
    return steps


def vader_rate(url: str, sample: int) -> tuple[float, int]:
    """Plain VADER's reviews per second on stored review texts (the same kind of texts)."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    engine = make_engine(url)
    with session_factory(engine)() as session:
        texts = list(
            session.scalars(select(Review.text).where(Review.text.is_not(None)).limit(sample))
        )
    engine.dispose()
    analyzer = SentimentIntensityAnalyzer()
    started = time.perf_counter()
    for review_text in texts:
        analyzer.polarity_scores(review_text or "")
    return len(texts) / (time.perf_counter() - started), len(texts)


def digest_seconds(config: Path) -> tuple[float, int]:
    """Build and render the weekly digest of every location for one recipient."""
    settings = load_settings(config, {})
    engine = make_engine(settings.database_url)
    with session_factory(engine)() as session:
        locations = list(session.scalars(select(Location).order_by(Location.title)))
        started = time.perf_counter()
        digest = build_digest(session, settings, locations, digest_week(datetime.now(UTC), "UTC"))
        html = digest_html(settings.alerts, digest)
        elapsed = time.perf_counter() - started
    engine.dispose()
    return elapsed, len(html)


def settle(url: str) -> None:
    """Statistics gathered (and on PostgreSQL the visibility map set), as autovacuum would."""
    engine = make_engine(url)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(
            text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE")
        )
    engine.dispose()


def render_pages(config: Path, repeat: int) -> dict[str, Any]:
    """Every page rendered in a fresh process: median seconds per page and the peak memory."""
    _, peak, output = run_process("bench.bench_scale", "render", str(config), str(repeat))
    times: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    times["peak_mb"] = peak
    return times


def render_command(config: str, repeat: int) -> None:
    """(Child process.) Render each page with empty caches; print the medians as JSON."""
    from streamlit import config as streamlit_config
    from streamlit.testing.v1 import AppTest

    os.environ["SEO_MONITOR_CONFIG"] = config
    streamlit_config.set_option("server.address", "127.0.0.1")
    AppTest.from_file(APP, default_timeout=900).run()  # imports and Streamlit's first run
    print(json.dumps(page_seconds(PAGES, repeat)))


def page_seconds(pages: Mapping[str, str | None], repeat: int) -> dict[str, float]:
    """Each page's median render time with empty caches (the first view after they expire),
    for the database SEO_MONITOR_CONFIG names."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    times = {}
    for page, path in pages.items():
        samples = []
        for _ in range(repeat):
            st.cache_data.clear()
            st.cache_resource.clear()
            at = AppTest.from_file(APP, default_timeout=900)
            started = time.perf_counter()
            at.run()
            if path:
                at.switch_page(path)
                started = time.perf_counter()  # the page itself, not the landing page
                at.run()
            samples.append(time.perf_counter() - started)
            if at.exception:
                raise SystemExit(f"{page}: {[e.value for e in at.exception]}")
        times[page] = statistics.median(samples)
    return times


@contextmanager
def database(kind: str, admin_url: str | None, size: int) -> Iterator[tuple[Path, str]]:
    with tempfile.TemporaryDirectory() as folder:
        if kind == "sqlite":
            yield Path(folder), f"sqlite:///{folder}/data/seo-monitor.db"
        else:
            assert admin_url
            with scratch_postgres(admin_url, f"seo_monitor_bench_scale_{size}") as url:
                yield Path(folder), url


def bench_database(kind: str, args: argparse.Namespace) -> None:
    print(f"\n## {kind}", flush=True)
    renders = {}
    for size in dict.fromkeys((args.small, args.locations)):  # once if they are equal
        world = World(seed=7, locations=size, reviews_per_location=args.reviews)
        with database(kind, args.postgres, size) as (folder, url):
            print(f"  {size} locations", flush=True)
            steps = pipeline(folder, url, world, args)
            settle(url)
            renders[size] = render_pages(folder / "config.toml", args.repeat)
            if size == args.locations:
                report_pipeline(kind, steps, world)
                report_scoring(url, steps)
                report_topic_months(url, steps)
                seconds, size_html = digest_seconds(folder / "config.toml")
                print(
                    f"\ndigest of {size} locations: built and rendered in {seconds:.1f} s "
                    f"({size_html / 1e6:.1f} MB of HTML)"
                )
    report_renders(kind, renders, args)


def report_pipeline(kind: str, steps: list[Step], world: World) -> None:
    print(f"\n{kind}, {len(world.locations)} locations:")
    print("| step | calls by API | minimum | ratio | wall s | quota floor s | ratio | peak MB |")
    print("|---|---|---|---|---|---|---|---|")
    for s in steps:
        total = sum(s.calls.values())
        calls = ", ".join(f"{api} {n:,}" for api, n in sorted(s.calls.items()))
        minimum = f"{s.minimum:,}" if s.minimum else "—"
        ratio = f"{total / s.minimum:.2f}" if s.minimum else "—"
        floor_ratio = f"{s.wall / s.floor:.2f}" if s.floor else "—"
        print(
            f"| {s.name} | {calls} | {minimum} | {ratio} | {s.wall:.0f} | {s.floor:.0f} "
            f"| {floor_ratio} | {s.peak_mb:.0f} |"
        )
    wall = sum(s.wall for s in steps)
    floor = sum(s.floor for s in steps)
    print(f"| sweep | | | | {wall:.0f} | {floor:.0f} | {wall / floor:.2f} | |")


def report_scoring(url: str, steps: list[Step]) -> None:
    engine = make_engine(url)
    with engine.connect() as connection:
        reviews = connection.execute(text("SELECT count(*) FROM reviews")).scalar_one()
        scored = connection.execute(text("SELECT count(*) FROM review_scores")).scalar_one()
    engine.dispose()
    wall = next(s.wall for s in steps if s.name == "reviews")
    vader, sample = vader_rate(url, 50_000)
    print(
        f"\nreviews step: {reviews:,} reviews saved and {scored:,} scored in {wall:.0f} s "
        f"= {reviews / wall:,.0f} reviews/s (fetch + parse + save + score + alerts); "
        f"plain VADER alone on {sample:,} of the same texts: {vader:,.0f}/s; "
        f"ratio {reviews / wall / vader:.2f}"
    )


def report_topic_months(url: str, steps: list[Step]) -> None:
    """What rebuilding every location's topic counts per month (part of each review job) costs,
    against the whole reviews step: all locations once, in a transaction rolled back."""
    engine = make_engine(url)
    sessions = session_factory(engine)
    with sessions() as session:
        location_ids = list(session.scalars(select(Location.id)))
        started = time.perf_counter()
        for location_id in location_ids:
            refresh_review_counts(session, location_id)
        seconds = time.perf_counter() - started
        session.rollback()
    engine.dispose()
    wall = next(s.wall for s in steps if s.name == "reviews")
    print(
        f"topic counts per month rebuilt for {len(location_ids)} locations in {seconds:.2f} s "
        f"({seconds / len(location_ids) * 1000:.1f} ms each; {seconds / wall:.1%} of the "
        "reviews step)"
    )


def report_renders(kind: str, renders: dict[int, dict[str, Any]], args: argparse.Namespace) -> None:
    small, big = renders[args.small], renders[args.locations]
    print(f"\n{kind} page renders (median of {args.repeat}, empty caches):")
    print(f"| page | {args.small} locations s | {args.locations} locations s | ratio |")
    print("|---|---|---|---|")
    for page in PAGES:
        print(f"| {page} | {small[page]:.2f} | {big[page]:.2f} | {big[page] / small[page]:.2f} |")
    print(f"dashboard process peak memory: {small['peak_mb']:.0f} MB / {big['peak_mb']:.0f} MB")


def main() -> None:
    if sys.argv[1:2] == ["render"]:
        render_command(sys.argv[2], int(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--locations", type=int, default=500)
    parser.add_argument("--small", type=int, default=5)
    parser.add_argument("--reviews", type=int, default=1000)
    parser.add_argument("--quota", type=int, default=12_000)
    parser.add_argument("--keywords", type=int, default=5)
    parser.add_argument("--grid", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--postgres", help="admin URL of a PostgreSQL server to bench on too")
    args = parser.parse_args()
    print(f"bench_scale {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: {vars(args)}")
    for kind in ("sqlite", "postgresql") if args.postgres else ("sqlite",):
        bench_database(kind, args)


if __name__ == "__main__":
    main()
