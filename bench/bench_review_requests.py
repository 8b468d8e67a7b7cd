"""Review requests at size: a 50,000-row visit list imported, then asked through a local SMTP
server at the hourly cap, beside plain smtplib sending as many messages, in one run.

  python -m bench.peak bench.bench_review_requests [--visits 50000] [--per-hour 10000]
      [--postgres URL]

The list is made up (five locations, a fifth of the patients seen twice, some visits without
an address or with a broken one, a diagnosis column that is never read) and written to a
temporary file; the real importer reads it, twice (the second import finds nothing new). Then
`send_review_requests` runs once per simulated hour — the clock moves an hour between runs —
until every due patient is asked, through aiosmtpd on 127.0.0.1 (in this process, counting
messages, keeping none). "plain smtplib" sends the same number of small messages over one
connection: the floor for this machine and this server.
"""

from __future__ import annotations

import argparse
import csv
import random
import smtplib
import socket
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from sqlalchemy.orm import Session, sessionmaker

from bench.bench_referrals import database, timed
from collectors.visits import import_visits
from seo_monitor.config import Settings
from seo_monitor.db import make_engine, session_factory
from seo_monitor.migrate import upgrade
from seo_monitor.models import Account, Location
from seo_monitor.patient_keys import patient_key
from seo_monitor.review_requests.sending import send_review_requests

NOW = datetime(2026, 11, 30, 9, tzinfo=UTC)
LOCATIONS = 5
FIRST = ("Maria", "Sam", "Lucia", "Kim", "Jo", "Lee", "Ana", "Tom", "Eva", "Raj")


class Counter:
    """An SMTP server that counts what it accepts and keeps nothing."""

    def __init__(self) -> None:
        self.received = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received += 1
        return "250 OK"


@contextmanager
def smtp_server() -> Iterator[tuple[Counter, int]]:
    handler = Counter()
    with socket.socket() as probe:  # a free port (aiosmtpd cannot start on port 0)
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def write_visits(path: Path, visits: int) -> None:
    rng = random.Random(23)
    patients = int(visits / 1.2)  # a fifth of the patients come twice in the window
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Patient Account #", "First Name", "E-mail", "Language",
                         "Date of Service", "Clinic", "Diagnosis"])  # fmt: skip
        for n in range(visits):
            patient = n if n < patients else rng.randrange(patients)
            email = f"patient{patient}@patients.example"
            if patient % 50 == 0:
                email = ""
            elif patient % 97 == 0:
                email = email.replace("@", "@@")
            seen = NOW.date() - timedelta(days=rng.randrange(1, 15))
            writer.writerow([f"A{patient}", FIRST[patient % len(FIRST)], email,
                             "es" if patient % 5 == 0 else "en", seen.isoformat(),
                             f"LOC-{patient % LOCATIONS}", "M54.5 low back pain"])  # fmt: skip


def add_locations(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        account = Account(name="accounts/1", account_name="Bench PT")
        session.add(account)
        session.flush()
        for n in range(LOCATIONS):
            session.add(
                Location(
                    account_id=account.id,
                    name=f"locations/{n}",
                    store_code=f"LOC-{n}",
                    title=f"Bench PT {n}",
                    address_lines=[f"{100 + n} Main St"],
                    locality="Austin",
                    region="TX",
                    postal_code="78704",
                    new_review_uri=f"https://g.page/r/bench{n}/review",
                    active=True,
                )
            )


def settings_for(port: int, per_hour: int) -> Settings:
    return Settings.model_validate(
        {
            "alerts": {"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_security": "none",
                       "from_address": "seo@clinic.example", "max_attempts": 3},
            "review_requests": {"enabled": True, "per_hour": per_hour},
        }
    )  # fmt: skip


def ask_everyone(url: str, visits_file: Path, per_hour: int) -> dict[str, Any]:
    engine = make_engine(url)
    upgrade(engine)
    sessions = session_factory(engine)
    add_locations(sessions)

    def load() -> None:
        with sessions.begin() as session:
            import_visits(session, visits_file, NOW, lambda v: patient_key("b" * 64, v), 10**9)

    figures: dict[str, Any] = {"import": timed(load), "import again": timed(load)}
    hours: list[tuple[int, float]] = []
    with smtp_server() as (counter, port):
        settings = settings_for(port, per_hour)
        hour = 0
        while True:
            clock = NOW + timedelta(hours=hour)
            started = time.perf_counter()
            report = send_review_requests(sessions, settings, lambda c=clock: c)
            hours.append((report.sent, time.perf_counter() - started))
            if report.sent == 0 or report.held_back == 0:
                break
            hour += 1
        figures["received"] = counter.received
    figures["hours"] = hours
    engine.dispose()
    return figures


def plain_smtplib(messages: int) -> float:
    """Seconds to send `messages` small messages over one connection."""
    with smtp_server() as (counter, port):
        message = EmailMessage()
        message["From"], message["Subject"] = "seo@clinic.example", "Would you review us?"
        message.set_content("Thank you for choosing us. " * 20)
        started = time.perf_counter()
        with smtplib.SMTP("127.0.0.1", port) as client:
            for n in range(messages):
                del message["To"]
                message["To"] = f"patient{n}@patients.example"
                client.send_message(message)
        seconds = time.perf_counter() - started
        assert counter.received == messages
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=50_000)
    parser.add_argument("--per-hour", type=int, default=10_000)
    parser.add_argument("--postgres", help="also on this PostgreSQL server (admin URL)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        visits_file = folder / "visits.csv"
        write_visits(visits_file, args.visits)
        size = visits_file.stat().st_size / 1024 / 1024
        print(f"{args.visits:,} visits, a {size:.1f} MB list; cap {args.per_hour:,} an hour")
        for engine_name in ["sqlite", *(["postgresql"] if args.postgres else [])]:
            postgres = args.postgres if engine_name == "postgresql" else None
            with database(postgres, folder, "requests") as url:
                figures = ask_everyone(url, visits_file, args.per_hour)
            sent = sum(n for n, _ in figures["hours"])
            sending = sum(s for _, s in figures["hours"])
            floor = plain_smtplib(sent)
            print(f"\n{engine_name}: import {figures['import']:.1f} s, again "
                  f"{figures['import again']:.1f} s; {sent:,} asks in {len(figures['hours'])} "
                  f"runs, the server received {figures['received']:,}")  # fmt: skip
            print("| run (simulated hour) | asks sent | seconds | asks/s |")
            print("|---|---|---|---|")
            for n, (count, seconds) in enumerate(figures["hours"]):
                print(f"| {n + 1} | {count:,} | {seconds:.1f} | {count / seconds:.0f} |")
            print(f"| all runs | {sent:,} | {sending:.1f} | {sent / sending:.0f} |")
            print(f"| plain smtplib, one connection | {sent:,} | {floor:.1f} "
                  f"| {sent / floor:.0f} |")  # fmt: skip
            print(f"ratio, seo-monitor to plain smtplib: {sending / floor:.1f}× the time")


if __name__ == "__main__":
    main()
