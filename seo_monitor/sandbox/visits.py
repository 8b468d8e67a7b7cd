"""A made-up visit list for the demo world, as a practice-management system exports it: two
weeks of visits at each clinic, some in Spanish, a family sharing an address, a patient seen
twice, a mistyped address and a visit with none — and the columns real lists carry (the last
name, the provider, a diagnosis, a birth date) that the import never reads. Every name and
address is invented."""

from __future__ import annotations

import csv
import io
import random
from datetime import date, timedelta

from seo_monitor.sandbox.world import World, stable_seed

HEADER = [
    "Patient Account #",
    "First Name",
    "Last Name",
    "E-mail",
    "Preferred Language",
    "Date of Service",
    "Clinic",
    "Provider",
    "Diagnosis",
    "DOB",
]
ENGLISH = ("Alex", "Jordan", "Taylor", "Morgan", "Casey", "Riley", "Jamie", "Avery")
SPANISH = ("Lucia", "Mateo", "Sofia", "Diego")
LAST = ("Reed", "Lopez", "Hughes", "Diaz", "Ward", "Brooks", "Price", "Bennett", "Garza")
DOMAIN = "demo-patients.example"


def demo_visit_list(world: World, today: date, days: int = 14, per_day: int = 4) -> str:
    """The visits of the `days` before `today` — the real day, not the world's: visits are the
    practice's own records, and a world a past demo moved days ahead must not date them in the
    future."""
    rng = random.Random(stable_seed(world.seed, "visits"))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    account = 0
    for location in world.locations:
        for back in range(days, 0, -1):
            day = today - timedelta(days=back)
            for _ in range(per_day if day.weekday() < 5 else 0):
                account += 1
                writer.writerow(_visit(rng, account, day, location.store_code))
    first = world.locations[0].store_code
    recent = today - timedelta(days=3)
    family = f"the.garzas@{DOMAIN}"  # two patients, one address: one ask
    writer.writerow(_row("A900001", "Lucia", family, "es", recent, first))
    writer.writerow(_row("A900002", "Mateo", family, "es", recent, first))
    writer.writerow(_row("A000001", "", "", "", today - timedelta(days=2), first))  # seen again
    return out.getvalue()


def _visit(rng: random.Random, account: int, day: date, code: str) -> list[str]:
    spanish = rng.random() < 0.2
    first = rng.choice(SPANISH if spanish else ENGLISH)
    email = f"{first.lower()}.{rng.choice(LAST).lower()}{account}@{DOMAIN}"
    if account % 17 == 0:
        email = ""  # no address on file
    elif account % 23 == 0:
        email = email.replace("@", "@@")  # mistyped at the front desk
    return _row(f"A{account:06d}", first, email, "es" if spanish else "en", day, code)


def _row(account: str, first: str, email: str, language: str, day: date, code: str) -> list[str]:
    return [account, first, "Example", email, language, day.isoformat(), code, "Dr. Reyes",
            "M54.5 low back pain", "01/02/1970"]  # fmt: skip
