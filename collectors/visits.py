"""A visit or discharge list from the practice-management system (`seo-monitor import visits`),
for review requests by email.

Every row is read and checked first; any unusable row stops the import with every problem by
line number and nothing is written. A visit is keyed by patient, location and day, so the same
or a newer list adds only what is new (and corrects the address of a visit not asked yet).
Only what the ask needs is read — the patient's account number (kept as a keyed hash), the
address, a first name for the greeting, the language, the day and the location: a diagnosis,
a provider, a birth date or any other column is never read. The address and the first name are
kept only until the ask is sent or skipped (seo_monitor/review_requests/sending.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from collectors.csv_files import Layout, Row, checked_date, read_export, refuse
from collectors.referrals import location_lookup
from seo_monitor.errors import UserError
from seo_monitor.models import Location, ReviewAsk

COLUMNS = {
    "patient_id": ("patient id", "patient account #", "patient account", "account number",
                   "account #", "mrn", "chart number", "patient number"),
    "email": ("email", "e-mail", "email address", "patient email", "e-mail address"),
    "first_name": ("first name", "patient first name", "first", "given name"),
    "language": ("language", "preferred language", "patient language"),
    "visit_date": ("visit date", "date of service", "dos", "appointment date", "discharge date",
                   "last visit", "visit"),
    "location": ("location", "clinic", "facility", "office", "site"),
}  # fmt: skip
LAYOUT = Layout(
    "visits", COLUMNS, ("patient_id", "visit_date"), "review_requests.import_max_megabytes"
)
LANGUAGE_OF = {
    "": "en", "en": "en", "eng": "en", "english": "en", "es": "es", "spa": "es",
    "spanish": "es", "espanol": "es", "español": "es",
}  # fmt: skip


@dataclass(frozen=True)
class VisitRow:
    line: int
    patient_key: str
    email: str | None
    email_key: str | None
    first_name: str | None
    language: str
    visit_date: date
    location_id: int


@dataclass
class VisitReport:
    rows: int = 0
    new: int = 0
    corrected: int = 0
    ignored_columns: list[str] = field(default_factory=list)


def parse_visit(
    line: int,
    row: Row,
    today: date,
    hash_value: Callable[[str], str],
    locations: Mapping[str, int],
    location_id: int | None,
) -> VisitRow:
    patient = row.get("patient_id", "")
    if not patient:
        raise ValueError("no patient id")
    visited = checked_date(row.get("visit_date", ""), "visit date", today)
    language_text = row.get("language", "").strip().lower()
    language = LANGUAGE_OF.get(language_text)
    if language is None:
        raise ValueError(
            f"language {row.get('language')!r} has no wording; en (English) or es (Spanish)"
        )
    email = row.get("email", "").strip()[:320] or None
    return VisitRow(
        line,
        hash_value(patient),
        email,
        hash_value(email.lower()) if email else None,
        row.get("first_name", "").strip()[:100] or None,
        language,
        visited,
        _location(row.get("location", ""), locations, location_id),
    )


def _location(text: str, locations: Mapping[str, int], chosen: int | None) -> int:
    if chosen is not None:
        return chosen
    found = locations.get(text.strip().lower()) if text.strip() else None
    if found is None:
        raise ValueError(
            f"location {text!r} is no location's store code, Google name or title"
            if text.strip()
            else "no location: add a location column or import with --location"
        )
    return found


def import_visits(
    session: Session,
    path: Path,
    now: datetime,
    hash_value: Callable[[str], str],
    max_bytes: int,
    location: Location | None = None,
    overrides: Mapping[str, str] | None = None,
) -> VisitReport:
    """Check the whole file, then add the new visits in the caller's transaction."""
    export, rows = read_export(path, max_bytes, LAYOUT, overrides)
    locations = location_lookup(session)
    if not locations:
        raise UserError(
            "no locations yet: review requests need each location's review link; connect "
            "Google and run `seo-monitor collect locations` first"
        )
    only = set(locations.values())
    chosen = location.id if location else only.pop() if len(only) == 1 else None
    parsed: dict[tuple[str, int, date], VisitRow] = {}
    problems: list[str] = []
    for line, row in rows:
        try:
            visit = parse_visit(line, row, now.date(), hash_value, locations, chosen)
        except ValueError as exc:
            problems.append(f"line {line}: {exc}")
            continue
        parsed[(visit.patient_key, visit.location_id, visit.visit_date)] = visit  # the last wins
    if problems:
        raise refuse(path, problems)
    report = VisitReport(rows=len(parsed), ignored_columns=export.ignored)
    report.new, report.corrected = save_visits(session, list(parsed.values()), now)
    return report


def save_visits(session: Session, rows: list[VisitRow], now: datetime) -> tuple[int, int]:
    """(visits added, waiting visits whose address, name or language changed)."""
    if not rows:
        return 0, 0
    days = [row.visit_date for row in rows]
    known_in_range = session.scalars(
        select(ReviewAsk).where(ReviewAsk.visit_date.between(min(days), max(days)))
    )
    existing = {(a.patient_key, a.location_id, a.visit_date): a for a in known_in_range}
    new = corrected = 0
    for row in rows:
        known = existing.get((row.patient_key, row.location_id, row.visit_date))
        if known is None:
            session.add(
                ReviewAsk(
                    location_id=row.location_id,
                    patient_key=row.patient_key,
                    email_key=row.email_key,
                    email=row.email,
                    first_name=row.first_name,
                    language=row.language,
                    visit_date=row.visit_date,
                    status="waiting",
                    imported_at=now,
                    updated_at=now,
                )
            )
            new += 1
        elif known.status == "waiting" and (
            (known.email, known.first_name, known.language)
            != (row.email, row.first_name, row.language)
        ):
            known.email, known.email_key = row.email, row.email_key
            known.first_name, known.language, known.updated_at = row.first_name, row.language, now
            corrected += 1
    return new, corrected
