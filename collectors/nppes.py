"""Referrers' public details from CMS's NPI registry file (NPPES), `seo-monitor referrals
npi-load FILE`: name, specialty and practice address of each referrer whose NPI is known.

The monthly full file is large (about 9 GB, 330 columns, one row per provider in the US): it is
read as a stream and only the rows of NPIs already among the referrers are kept. The weekly
update files have the same columns. Nothing is sent anywhere: the registry's web API would
tell a third party which providers the practice works with, so seo-monitor reads the file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from seo_monitor.errors import UserError
from seo_monitor.models import Referrer

NPI = "NPI"
ENTITY = "Entity Type Code"  # 1: a person, 2: an organisation
COLUMNS = {
    "last": "Provider Last Name (Legal Name)",
    "first": "Provider First Name",
    "credential": "Provider Credential Text",
    "organisation": "Provider Organization Name (Legal Business Name)",
    "street": "Provider First Line Business Practice Location Address",
    "city": "Provider Business Practice Location Address City Name",
    "state": "Provider Business Practice Location Address State Name",
    "postal_code": "Provider Business Practice Location Address Postal Code",
    "phone": "Provider Business Practice Location Address Telephone Number",
}
TAXONOMY = "Healthcare Provider Taxonomy Code_{n}"
PRIMARY = "Healthcare Provider Primary Taxonomy Switch_{n}"
TAXONOMY_SLOTS = 15
# The NUCC taxonomy codes of the providers who refer to a therapy practice most often.
SPECIALTIES = {
    "207Q00000X": "Family medicine",
    "207R00000X": "Internal medicine",
    "208D00000X": "General practice",
    "207X00000X": "Orthopaedic surgery",
    "207XS0114X": "Orthopaedic surgery, sports medicine",
    "207QS0010X": "Family medicine, sports medicine",
    "2084P0800X": "Psychiatry",
    "2084N0400X": "Neurology",
    "208100000X": "Physical medicine and rehabilitation",
    "207P00000X": "Emergency medicine",
    "208000000X": "Pediatrics",
    "207V00000X": "Obstetrics and gynecology",
    "207RR0500X": "Rheumatology",
    "208600000X": "Surgery",
    "207T00000X": "Neurological surgery",
    "213E00000X": "Podiatry",
    "111N00000X": "Chiropractic",
    "363L00000X": "Nurse practitioner",
    "363LF0000X": "Nurse practitioner, family",
    "363A00000X": "Physician assistant",
    "363AM0700X": "Physician assistant, medical",
    "225100000X": "Physical therapy",
    "2251S0007X": "Physical therapy, sports",
    "225X00000X": "Occupational therapy",
    "261QU0200X": "Urgent care clinic",
    "2255A2300X": "Athletic training",
}


@dataclass
class RegistryReport:
    read: int = 0
    matched: int = 0


def load_registry(session: Session, path: Path, now: datetime) -> RegistryReport:
    """Store the registry's details on every referrer whose NPI the file lists."""
    wanted = {
        npi: referrer_id
        for referrer_id, npi in session.execute(
            select(Referrer.id, Referrer.npi).where(Referrer.npi.is_not(None))
        )
    }
    report = RegistryReport()
    for row in _rows(path):
        report.read += 1
        referrer_id = wanted.get(row.get(NPI, ""))
        if referrer_id is None:
            continue
        referrer = session.get_one(Referrer, referrer_id)
        referrer.nppes, referrer.updated_at = registry_details(row), now
        report.matched += 1
    return report


def registry_details(row: dict[str, str]) -> dict[str, Any]:
    person = row.get(ENTITY) == "1"
    name = (
        " ".join(p for p in (row.get(COLUMNS["first"], ""), row.get(COLUMNS["last"], "")) if p)
        if person
        else row.get(COLUMNS["organisation"], "")
    )
    code = _primary_taxonomy(row)
    return {
        "name": name.title() if name.isupper() else name,
        "credential": row.get(COLUMNS["credential"]) or None,
        "taxonomy": code,
        "specialty": SPECIALTIES.get(code or "") or (f"taxonomy {code}" if code else None),
        "address": ", ".join(
            p
            for p in (
                row.get(COLUMNS["street"], "").title(),
                row.get(COLUMNS["city"], "").title(),
                row.get(COLUMNS["state"], ""),
                row.get(COLUMNS["postal_code"], "")[:5],
            )
            if p
        ),
        "phone": row.get(COLUMNS["phone"]) or None,
    }


def _primary_taxonomy(row: dict[str, str]) -> str | None:
    codes = [row.get(TAXONOMY.format(n=n), "") for n in range(1, TAXONOMY_SLOTS + 1)]
    primary = [
        code
        for n, code in enumerate(codes, start=1)
        if code and row.get(PRIMARY.format(n=n)) == "Y"
    ]
    return next(iter(primary or [c for c in codes if c]), None)


def _rows(path: Path) -> Iterator[dict[str, str]]:
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror}") from None
    with (
        handle,
        io.TextIOWrapper(handle, encoding="utf-8-sig", newline="", errors="replace") as text,
    ):
        reader = csv.DictReader(text)
        if reader.fieldnames is None or NPI not in reader.fieldnames:
            raise UserError(
                f"{path}: not an NPPES file (no column {NPI!r}); download the NPI registry's "
                "full or weekly file from CMS (download.cms.gov/nppes) and give its npidata CSV"
            )
        yield from reader
