"""A made-up practice-management referral export for the demo world.

Eighteen months of referrals with the spread a real practice sees: a few physicians send most
of them, community partners (a gym, a school's athletics, an urgent care, a chiropractor, an
employer) some, self-referrals and online ones the rest. One busy referrer is slipping, one
has lapsed; names come spelled several ways, a few NPIs are mistyped; and the export carries the
patient columns real ones do (name, birth date, diagnosis, phone) — which the import never
reads. Every name and number here is invented.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from datetime import date, timedelta

from seo_monitor.referrals.npi import luhn_check_digit
from seo_monitor.sandbox.world import World, stable_seed

HEADER = [
    "Case ID",
    "Referral Received Date",
    "Referring Provider",
    "Referring Provider NPI",
    "Referral Source Type",
    "Patient Account #",
    "Patient Name",
    "DOB",
    "Diagnosis",
    "Patient Phone",
    "Initial Evaluation Date",
    "Location",
]
FIRST = (
    "Sarah",
    "Michael",
    "Priya",
    "David",
    "Elena",
    "James",
    "Aisha",
    "Robert",
    "Mei",
    "Carlos",
    "Laura",
    "Thomas",
    "Nadia",
    "Kevin",
    "Grace",
    "Omar",
    "Hannah",
    "Victor",
    "Julia",
    "Samuel",
)
LAST = (
    "Chen",
    "Okafor",
    "Patel",
    "Romero",
    "Nguyen",
    "Whitfield",
    "Haddad",
    "Larsen",
    "Kim",
    "Alvarez",
    "Brennan",
    "Singh",
    "Moreau",
    "Castillo",
    "Ibrahim",
    "Foster",
    "Yamada",
    "Novak",
)
CREDENTIALS = ("MD", "DO", "MD", "PA-C", "NP", "MD")
PARTNERS = (
    ("Barton Springs CrossFit", "Gym / Wellness"),
    ("Austin High Athletics", "School / Athletics"),
    ("Lamar Urgent Care", "Urgent Care"),
    ("Hill Country Chiropractic", "Chiropractor"),
    ("Capital Logistics (employer)", "Employer"),
)
PATIENT_FIRST = ("Alex", "Jordan", "Taylor", "Morgan", "Casey", "Riley", "Jamie", "Avery")
PATIENT_LAST = ("Reed", "Lopez", "Hughes", "Diaz", "Ward", "Brooks", "Price", "Bennett")
DIAGNOSES = ("M54.5 low back pain", "S83.511A ACL sprain", "M75.101 rotator cuff", "H81.10 BPPV")


# Days between one referrer's referrals: a few every few days, most once a month or less.
# None between 29 and 45: at that pace a steady referrer's month can hold none while their
# three months before average one, which the rules rightly call slipping.
INTERVALS = (1, 1, 2, 2, 3, 4, 8, 10, 12, 14, 16, 19, 22, 25, 28, 48, 52, 56, 60, 64, 70, 80)


@dataclass(frozen=True)
class DemoReferrer:
    spellings: tuple[str, ...]
    npi: str | None
    kind: str
    every_days: int  # one referral about this often
    starts: date | None = None  # new: the first referral this recent
    stops_after: date | None = None  # lapsed: none after this day
    slows_from: date | None = None  # slipping: six times rarer from this day


def _npi(rng: random.Random) -> str:
    body = "1" + "".join(str(rng.randrange(10)) for _ in range(8))
    return body + str(luhn_check_digit("80840" + body))


def demo_referrers(world: World) -> list[DemoReferrer]:
    """Physicians (one slipping, one lapsed, one new), community partners and the generic
    sources, each at its own steady pace: only the three are anything but active."""
    rng = random.Random(stable_seed(world.seed, "referrers"))
    today = world.now.date()
    people: list[DemoReferrer] = []
    for n, every in enumerate(INTERVALS):
        first, last = FIRST[n % len(FIRST)], LAST[(n * 7) % len(LAST)]
        title = CREDENTIALS[n % len(CREDENTIALS)]
        spellings = (
            f"Dr. {first} {last}, {title}",
            f"{last}, {first}",
            f"{first.upper()} {last.upper()} {title}",
        )
        people.append(
            DemoReferrer(
                spellings,
                _npi(rng),
                "Physician",
                14 if n == len(INTERVALS) - 1 else every,
                # the new one refers every two weeks from three weeks ago
                starts=today - timedelta(days=20) if n == len(INTERVALS) - 1 else None,
                stops_after=today - timedelta(days=120) if n == 5 else None,
                slows_from=today - timedelta(days=35) if n == 1 else None,
            )
        )
    people += [DemoReferrer((name,), None, kind, 18) for name, kind in PARTNERS]
    people.append(DemoReferrer(("",), None, "Self", 4))
    people.append(DemoReferrer(("",), None, "Online", 9))
    return people


def demo_referral_export(world: World, months: int = 18) -> str:
    """The export as CSV text, the same for the same world."""
    rng = random.Random(stable_seed(world.seed, "referral-export"))
    today = world.now.date()
    start = today - timedelta(days=30 * months)
    codes = [location.store_code for location in world.locations]
    rows = [
        (day, referrer)
        for referrer in demo_referrers(world)
        for day in _days(rng, referrer, referrer.starts or start, today)
    ]
    rows.sort(key=lambda item: item[0])
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for case, (day, referrer) in enumerate(rows, start=1):
        writer.writerow(_row(rng, case, day, today, referrer, codes))
    return out.getvalue()


def _days(rng: random.Random, referrer: DemoReferrer, start: date, today: date) -> list[date]:
    offset = 0 if referrer.starts else rng.randrange(referrer.every_days)
    days, day = [], start + timedelta(days=offset)
    while day <= today:
        if referrer.stops_after and day > referrer.stops_after:
            break
        days.append(day)
        slow = referrer.slows_from is not None and day >= referrer.slows_from
        step = referrer.every_days * (6 if slow else 1)
        day += timedelta(days=max(1, step + rng.randint(-1, 1)))
    return days


def _row(
    rng: random.Random, case: int, day: date, today: date, referrer: DemoReferrer, codes: list[str]
) -> list[str]:
    npi = referrer.npi or ""
    if npi and rng.random() < 0.01:  # a typo in the export: the check digit no longer fits
        npi = npi[:-1] + str((int(npi[-1]) + 1) % 10)
    first_visit = day + timedelta(days=rng.choice((2, 3, 4, 5, 7, 9, 14)))
    converted = rng.random() < 0.78 and first_visit <= today
    written = day.strftime("%m/%d/%Y") if case % 3 else day.isoformat()
    return [
        f"C-{100000 + case}",
        written,
        rng.choice(referrer.spellings),
        npi,
        referrer.kind,
        f"A{rng.randrange(10**6, 10**7)}",
        f"{rng.choice(PATIENT_FIRST)} {rng.choice(PATIENT_LAST)}",
        f"{rng.randrange(1, 13)}/{rng.randrange(1, 29)}/{rng.randrange(1940, 2010)}",
        rng.choice(DIAGNOSES),
        f"(512) 555-{rng.randrange(1000, 10000)}",
        first_visit.strftime("%m/%d/%Y") if converted else "",
        rng.choice([*codes, ""]) if codes else "",
    ]
