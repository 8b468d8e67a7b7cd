"""Referrals at size: importing 100,000 referrals from 2,000 referrers, and the report, the
due list, the whole Referrals page and last month's thank-you letters at that size against
1,000 referrals, in one run.

  python -m bench.bench_referrals [--referrals 100000] [--referrers 2000] [--postgres URL]
                                  [--repeat 3]

The export is made up (an EMR's columns, names spelled several ways, a share of NPIs), written
to a temporary file and imported by the real importer; a second import of the same file shows
what an idempotent re-import costs. Each read is timed `--repeat` times; the median is
reported. The page is rendered by Streamlit's AppTest with empty caches (the first view after
they expire, bench_scale's timer), without locations: practice-wide referrals, as before Google
is connected. The letters are written only when asked on the page; their row says what the
click costs.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.bench_scale import page_seconds
from bench.scratch import scratch_postgres
from collectors.referrals import import_referrals
from qr.referral_kit import KitPractice, thank_you_letters_pdf
from seo_monitor.config import Settings
from seo_monitor.db import make_engine, session_factory
from seo_monitor.migrate import upgrade
from seo_monitor.patient_keys import patient_key
from seo_monitor.queries import (
    Period,
    select_referral_report,
    select_referrals_due,
    select_thank_you_counts,
)
from seo_monitor.referrals import StatusRules
from seo_monitor.referrals.npi import luhn_check_digit

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)
FIRST = ("Ann", "Bo", "Cy", "Dee", "Eli", "Fay", "Gus", "Hal", "Ida", "Jo", "Kai", "Liv")
LAST = ("Lee", "Park", "Diaz", "Novak", "Okafor", "Haddad", "Larsen", "Kim", "Moreau", "Singh")


def write_export(path: Path, referrals: int, referrers: int) -> None:
    rng = random.Random(7)
    people = []
    for n in range(referrers):
        first, last = FIRST[n % len(FIRST)], f"{LAST[n % len(LAST)]}{n}"
        body = f"1{n:08d}"
        npi = body + str(luhn_check_digit("80840" + body)) if n % 3 else ""
        people.append(((f"Dr. {first} {last}, MD", f"{last}, {first}", f"{first} {last} MD"), npi))
    weights = [1 / (n + 1) for n in range(referrers)]  # a long tail, as referrals have
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Case ID", "Referral Received Date", "Referring Provider",
                         "Referring Provider NPI", "Patient Account #", "Patient Name",
                         "Initial Evaluation Date"])  # fmt: skip
        for case, (spellings, npi) in enumerate(rng.choices(people, weights, k=referrals)):
            day = NOW.date() - timedelta(days=rng.randrange(540))
            visit = day + timedelta(days=rng.randrange(2, 15))
            seen = visit.strftime("%m/%d/%Y") if visit <= NOW.date() and case % 4 else ""
            writer.writerow([f"C{case}", day.strftime("%m/%d/%Y"), rng.choice(spellings), npi,
                             f"A{rng.randrange(10**7)}", "Pat Example", seen])  # fmt: skip


def timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def median_of(work: Callable[[], object], times: int = 3) -> float:
    return statistics.median(timed(work) for _ in range(times))


WARMED_UP: list[bool] = []


def page_time(url: str, folder: Path, repeat: int) -> float:
    """The Referrals page's render, caches empty, for the database at `url`."""
    from streamlit import config as streamlit_config

    config = folder / "page-config.toml"
    config.write_text(f'data_dir = "{folder}"\n[database]\nurl = "{url}"\n')
    os.environ["SEO_MONITOR_CONFIG"] = str(config)
    streamlit_config.set_option("server.address", "127.0.0.1")  # no sign-in
    if not WARMED_UP:  # imports and Streamlit's first run are not the page's cost
        page_seconds({"page": "views/referrals.py"}, 1)
        WARMED_UP.append(True)
    return page_seconds({"page": "views/referrals.py"}, repeat)["page"]


@contextmanager
def database(postgres: str | None, folder: Path, name: str) -> Iterator[str]:
    if postgres:
        with scratch_postgres(postgres, f"bench_referrals_{name}") as url:
            yield url
    else:
        with nullcontext():
            yield f"sqlite:///{folder / name}.db"


def measure(url: str, export: Path, repeat: int) -> dict[str, float]:
    engine = make_engine(url)
    upgrade(engine)
    sessions = session_factory(engine)

    def load() -> None:
        with sessions.begin() as session:
            import_referrals(session, export, NOW, lambda a: patient_key("k" * 64, a), 10**9)

    figures = {"import": timed(load), "import again": timed(load)}
    rules, today = StatusRules(), NOW.date()
    for label, days in (("report, 30 days", 30), ("report, a year", 365)):
        period = Period(today - timedelta(days=days - 1), today)
        with sessions() as session:
            figures[label] = median_of(
                lambda p=period: select_referral_report(session, p, today, rules), repeat
            )
    with sessions() as session:
        figures["due list"] = median_of(lambda: select_referrals_due(session, today, rules), repeat)
    figures["the Referrals page"] = page_time(url, export.parent, repeat)
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    practice = KitPractice.from_settings(Settings(), [])

    def write_letters() -> None:
        with sessions() as session:
            counts = select_thank_you_counts(session, last_month)
        thank_you_letters_pdf(practice, counts, last_month, today)

    figures["thank-you letters, when asked"] = median_of(write_letters, repeat)
    engine.dispose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--referrals", type=int, default=100_000)
    parser.add_argument("--referrers", type=int, default=2_000)
    parser.add_argument("--postgres", help="also on this PostgreSQL server (admin URL)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        small, large = folder / "small.csv", folder / "large.csv"
        write_export(small, 1_000, 100)
        write_export(large, args.referrals, args.referrers)
        size = large.stat().st_size / 1024 / 1024
        print(
            f"{args.referrals:,} referrals from {args.referrers:,} referrers: "
            f"a {size:.1f} MB export"
        )
        for engine_name in ["sqlite", *(["postgresql"] if args.postgres else [])]:
            postgres = args.postgres if engine_name == "postgresql" else None
            with (
                database(postgres, folder, "small") as url_small,
                database(postgres, folder, "large") as url_large,
            ):
                few = measure(url_small, small, args.repeat)
                many = measure(url_large, large, args.repeat)
            print(f"\n{engine_name}: | step | 1,000 referrals s | {args.referrals:,} s | ratio |")
            print("|---|---|---|---|")
            for step in few:
                print(
                    f"| {step} | {few[step]:.3f} | {many[step]:.3f} "
                    f"| {many[step] / few[step]:.1f}× |"
                )


if __name__ == "__main__":
    main()
