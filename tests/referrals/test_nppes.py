"""The NPI registry file completes referrers whose NPI is known, read locally."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from collectors.nppes import COLUMNS, ENTITY, NPI, PRIMARY, TAXONOMY, load_registry
from seo_monitor.errors import UserError
from seo_monitor.models import Referrer

NOW = datetime(2026, 11, 30, tzinfo=UTC)


def registry_file(folder: Path) -> Path:
    """Three providers as NPPES lists them (its columns, upper case, two taxonomies)."""
    header = [NPI, ENTITY, *COLUMNS.values(), TAXONOMY.format(n=1), PRIMARY.format(n=1),
              TAXONOMY.format(n=2), PRIMARY.format(n=2)]  # fmt: skip
    rows = [
        ["1234567893", "1", "LEE", "ANN", "M.D.", "", "1200 BARTON SPRINGS RD", "AUSTIN", "TX",
         "787041234", "5125550100", "207Q00000X", "N", "207XS0114X", "Y"],
        ["1245319599", "2", "", "", "", "HILL COUNTRY URGENT CARE", "9 MAIN ST", "AUSTIN", "TX",
         "78701", "", "261QU0200X", "Y", "", ""],
        ["1003000126", "1", "OTHER", "SOMEONE", "", "", "", "", "", "", "", "", "", "", ""],
    ]  # fmt: skip
    path = folder / "npidata_pfile.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_referrers_get_their_registry_details(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    with sessions.begin() as session:
        session.add(Referrer(name="Dr. Ann Lee", npi="1234567893", kind="physician"))
        session.add(Referrer(name="Hill Country Urgent Care", npi="1245319599", kind="urgent_care"))
        session.add(Referrer(name="Barton Springs CrossFit", kind="gym"))
    with sessions.begin() as session:
        report = load_registry(session, registry_file(tmp_path), NOW)
    assert (report.read, report.matched) == (3, 2)
    with sessions() as session:
        details = dict(session.execute(select(Referrer.npi, Referrer.nppes)).all())
    assert details["1234567893"] == {
        "name": "Ann Lee",
        "credential": "M.D.",
        "taxonomy": "207XS0114X",  # the primary one, not the first listed
        "specialty": "Orthopaedic surgery, sports medicine",
        "address": "1200 Barton Springs Rd, Austin, TX, 78704",
        "phone": "5125550100",
    }
    assert details["1245319599"]["specialty"] == "Urgent care clinic"
    assert details[None] is None  # no NPI, nothing to look up


def test_a_file_that_is_not_the_registry_says_where_to_get_it(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    path = tmp_path / "referrals.csv"
    path.write_text("Case ID,Referral Date\nC-1,11/02/2026\n")
    with pytest.raises(UserError, match="not an NPPES file"), sessions.begin() as session:
        load_registry(session, path, NOW)
