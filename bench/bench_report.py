"""The monthly report of a whole group: time and memory at 5, 50 and 500 locations.

  python -m bench.bench_report [--sizes 5,50,500] [--postgres ADMIN_URL]

The databases are bench_dashboard's (each location 1,000 reviews over two years and 600 days
of the 9 daily metrics, bulk-inserted). Each size is measured in a child process of its own
(`python -m bench.peak`), so the peak memory is the report's, not the bench's: building the
read-model data, then rendering the PDF (summary, comparison table, details, a page per
location). Prints a Markdown table with the ratio to the smallest size.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime

from bench.bench_dashboard import postgres_database, sqlite_database
from seo_monitor.config import Settings
from seo_monitor.db import make_engine, session_factory
from seo_monitor.queries import Month, select_locations
from seo_monitor.reports import branding, build_report
from seo_monitor.reports.pdf import render


def measure(url: str) -> None:
    """In the child: one group report of every location, timed in its two steps."""
    settings = Settings.model_validate({"database": {"url": url}})
    sessions = session_factory(make_engine(url))
    now = datetime.now(UTC)
    month = Month.last_complete(now.date()).previous()  # every day of it final
    started = time.perf_counter()
    with sessions() as session:
        locations = select_locations(session)
        report = build_report(session, settings, locations, month, now, "Bench group")
    built = time.perf_counter()
    pdf = render(report, branding(settings, report))
    done = time.perf_counter()
    print(f"locations {len(locations)} data-s {built - started:.2f} pdf-s {done - built:.2f} "
          f"total-s {done - started:.2f} kb {len(pdf) / 1024:.0f}")  # fmt: skip


def child(url: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-m", "bench.peak", "bench.bench_report", "--measure", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    figures: dict[str, float] = {}
    for line in out.splitlines():
        words = line.split()
        figures.update({k: float(v) for k, v in zip(words[::2], words[1::2], strict=False)})
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="5,50,500")
    parser.add_argument("--postgres", help="admin URL of a PostgreSQL server to bench on too")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure)
        return
    sizes = [int(n) for n in args.sizes.split(",")]
    databases: list[tuple[str, Callable[[int], AbstractContextManager[str]]]] = [
        ("sqlite", sqlite_database)
    ]
    if args.postgres:
        databases.append(("postgresql", lambda n: postgres_database(args.postgres, n)))
    print("| database | locations | pages' data (s) | PDF (s) | total (s) | ratio | PDF (kB) "
          "| peak memory (MiB) |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    for name, database in databases:
        first: float | None = None
        for size in sizes:
            with database(size) as url:
                f = child(url)
            first = first or f["total-s"]
            print(
                f"| {name} | {size} | {f['data-s']:.2f} | {f['pdf-s']:.2f} | {f['total-s']:.2f} "
                f"| {f['total-s'] / first:.1f} | {f['kb']:.0f} | {f['peak-rss-mb']:.0f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
