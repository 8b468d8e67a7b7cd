"""Referrals from a practice-management export (`seo-monitor import referrals`).

One row per referral (a case). Every row is read and checked first; if any is unusable the
import stops with every problem by line number and nothing is written. Rows are keyed by the
export's case id, so importing the same or a newer export updates (a first visit filled in
later) and never duplicates. Only the fields below are read: a column of patient names, birth
dates, diagnoses, phone numbers or addresses is never read, so never stored, logged or shown.
The patient's account number is read only to be replaced by a keyed hash.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from collectors.csv_files import Layout, Row, checked_date, read_export, refuse
from seo_monitor.db import upsert
from seo_monitor.errors import UserError
from seo_monitor.models import Location, Referral
from seo_monitor.referrals import ReferrerBook, kind_of, valid_npi

COLUMNS = {
    "case_id": ("case id", "case", "case number", "case #", "referral id", "referral #",
                "referral number", "episode id", "authorization id"),
    "referral_date": ("referral date", "referral received date", "referral received",
                      "date received", "received date", "referred on", "date referred",
                      "referral created date"),
    "referrer_name": ("referrer", "referrer name", "referring provider", "referring physician",
                      "referring doctor", "referring provider name", "referred by",
                      "referral source", "source name", "referring source"),
    "referrer_npi": ("referrer npi", "referring provider npi", "referring npi", "npi",
                     "provider npi", "referring physician npi"),
    "source_kind": ("source kind", "source type", "referral source type", "referral type",
                    "referrer type", "source category", "referral category"),
    "patient_id": ("patient id", "patient account #", "patient account", "patient account number",
                   "account number", "account #", "mrn", "chart number", "patient number"),
    "first_visit_date": ("first visit date", "initial evaluation date", "initial eval date",
                         "ie date", "evaluation date", "first appointment", "first visit",
                         "first appointment date"),
    "location": ("location", "clinic", "facility", "office", "site", "clinic location"),
}  # fmt: skip
LAYOUT = Layout(
    "referrals", COLUMNS, ("case_id", "referral_date"), "referrals.import_max_megabytes"
)


@dataclass(frozen=True)
class ReferralRow:
    line: int
    case_id: str
    referral_date: date
    first_visit_date: date | None
    referrer_name: str | None
    npi: str | None
    kind: str | None
    patient_key: str | None  # already a keyed hash: the account number is not kept
    location_id: int | None


@dataclass
class ImportReport:
    rows: int = 0
    changed: int = 0
    new_referrers: int = 0
    warnings: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)


def parse_referral(
    line: int,
    row: Row,
    today: date,
    hash_patient: Callable[[str], str],
    locations: Mapping[str, int],
    location_id: int | None,
) -> tuple[ReferralRow, list[str]]:
    """One row, checked; with the warnings it earns (an invalid NPI is left out, not fatal).
    A problem that makes the row unusable raises ValueError."""
    warnings = []
    case_id = row.get("case_id", "")[:100]
    if not case_id:
        raise ValueError("no case id")
    referred = checked_date(row.get("referral_date", ""), "referral date", today)
    visit_text = row.get("first_visit_date", "")
    visited = checked_date(visit_text, "first visit date", today) if visit_text else None
    if visited is not None and visited < referred:
        raise ValueError(
            f"first visit {visited.isoformat()} is before the referral {referred.isoformat()}"
        )
    npi_text, name = row.get("referrer_npi", ""), row.get("referrer_name", "")[:300] or None
    npi = valid_npi(npi_text) if npi_text else None
    if npi_text and npi is None:
        warnings.append(f"line {line}: {npi_text!r} is not a valid NPI; the name is used instead")
    kind_text = row.get("source_kind", "")
    kind = kind_of(kind_text) if kind_text else None
    if kind_text and kind is None:
        warnings.append(
            f"line {line}: source type {kind_text!r} is not one seo-monitor knows; other"
        )
        kind = "other"
    if name is None and npi is None and kind is None:
        raise ValueError("no referring provider, NPI or source type")
    patient = row.get("patient_id", "")
    return (
        ReferralRow(
            line,
            case_id,
            referred,
            visited,
            name,
            npi,
            kind,
            hash_patient(patient) if patient else None,
            _location(row.get("location", ""), locations, location_id),
        ),
        warnings,
    )


def _location(text: str, locations: Mapping[str, int], chosen: int | None) -> int | None:
    """The row's location: `--location`'s, else the column's; the practice's own (None) when
    neither says, or while no location is known yet (Google not connected)."""
    if chosen is not None or not text or not locations:
        return chosen
    found = locations.get(text.strip().lower())
    if found is None:
        raise ValueError(
            f"location {text!r} is no location's store code, Google name or title "
            "(`seo-monitor status` lists them; or import with --location)"
        )
    return found


def location_lookup(session: Session) -> dict[str, int]:
    """A location by its store code, Google name or title, case apart."""
    found: dict[str, int] = {}
    for location in session.scalars(select(Location).where(Location.active.is_(True))):
        for label in (location.title, location.name, location.store_code):
            if label:
                found[label.lower()] = location.id
    return found


def import_referrals(
    session: Session,
    path: Path,
    now: datetime,
    hash_patient: Callable[[str], str],
    max_bytes: int,
    location: Location | None = None,
    overrides: Mapping[str, str] | None = None,
    source: str = "emr",
) -> ImportReport:
    """Check the whole file, then upsert it in the caller's transaction."""
    export, rows = read_export(path, max_bytes, LAYOUT, overrides)
    report = ImportReport(ignored_columns=export.ignored)
    locations = location_lookup(session)
    if "location" in export.columns and not locations and location is None:
        report.warnings.append(
            "the location column is not used yet: no locations are known (connect Google and "
            "run `seo-monitor collect locations`, then import again to split by location)"
        )
    parsed: dict[str, ReferralRow] = {}
    problems: list[str] = []
    for line, row in rows:
        try:
            referral, warnings = parse_referral(
                line, row, now.date(), hash_patient, locations, location.id if location else None
            )
        except ValueError as exc:
            problems.append(f"line {line}: {exc}")
            continue
        if referral.case_id in parsed:
            problems.append(
                f"line {line}: case {referral.case_id!r} is also on line "
                f"{parsed[referral.case_id].line}"
            )
        parsed[referral.case_id] = referral
        report.warnings += warnings
    if problems:
        raise refuse(path, problems)
    if not parsed:
        raise UserError(
            f"{path}: the file has no referrals, only a header row; export the referrals again"
        )
    report.warnings += elsewhere(session, source, list(parsed))
    report.rows = len(parsed)
    report.changed, report.new_referrers = save_referrals(
        session, list(parsed.values()), now, source
    )
    return report


def elsewhere(session: Session, source: str, case_ids: list[str]) -> list[str]:
    """A warning when case ids of this file were imported before under another source: rows
    are keyed by (source, case id), so the same export under two names counts twice."""
    others = session.scalars(select(Referral.source).where(Referral.source != source).distinct())
    found: dict[str, int] = {}
    for other in list(others):  # usually none; each then read by its (source, case id) key
        for start in range(0, len(case_ids), 500):
            chunk = case_ids[start : start + 500]
            query = select(func.count()).where(
                Referral.source == other, Referral.case_id.in_(chunk)
            )
            found[other] = found.get(other, 0) + (session.scalar(query) or 0)
    found = {other: count for other, count in found.items() if count}
    return [
        f"{count} case id(s) of this file were imported before with --source {other}: both "
        f"copies are kept and counted. If it is the same system, import with --source {other}"
        for other, count in sorted(found.items())
    ]


def save_referrals(
    session: Session, rows: list[ReferralRow], now: datetime, source: str
) -> tuple[int, int]:
    """(referrals new or changed, referrers added)."""
    book = ReferrerBook(session, now)
    referrers: dict[tuple[str | None, str | None, str | None], int] = {}
    kinds: dict[int, str] = {}
    values = []
    for row in rows:
        who = (row.referrer_name, row.npi, row.kind if not (row.referrer_name or row.npi) else None)
        if who not in referrers:
            referrers[who] = book.find_or_add(row.referrer_name, row.npi, row.kind)
        referrer_id = referrers[who]
        if row.kind:
            kinds[referrer_id] = row.kind
        values.append(
            {
                "source": source,
                "case_id": row.case_id,
                "referrer_id": referrer_id,
                "location_id": row.location_id,
                "referral_date": row.referral_date,
                "first_visit_date": row.first_visit_date,
                "patient_key": row.patient_key,
                "imported_at": now,
            }
        )
    for referrer_id, kind in kinds.items():
        book.set_kind(referrer_id, kind)
    changed = upsert(
        session,
        Referral,
        values,
        ("source", "case_id"),
        update=(
            "referrer_id",
            "location_id",
            "referral_date",
            "first_visit_date",
            "patient_key",
        ),
        touch={"imported_at": now},
    )
    return changed, book.added
