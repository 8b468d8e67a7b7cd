"""`import referrals`: an EMR export in, no patient details kept, all or nothing, idempotent."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, MetaData, select
from sqlalchemy.orm import Session, sessionmaker

from collectors.referrals import ImportReport, import_referrals
from seo_monitor.errors import UserError
from seo_monitor.models import Location, Referral, Referrer
from seo_monitor.patient_keys import patient_key
from seo_monitor.referrals import merge_referrers, rename_referrer
from tests.conftest import CliRun

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)
SECRET = "k" * 64
# Written for the project: the headers WebPT-style exports use, patient columns included.
EXPORT = """\
Case ID,Referral Received Date,Referring Provider,Referring Provider NPI,Referral Source Type,Patient Account #,Patient Name,DOB,Diagnosis,Patient Phone,Patient Address,Initial Evaluation Date
C-1,11/02/2026,"Dr. Smith, John A., MD",1234567893,Physician,A100201,Maria Gonzalez,04/12/1961,M54.5 low back pain,(512) 555-0199,12 Oak St,11/05/2026
C-2,2026-11-03,JOHN SMITH MD,,Physician,A100202,Sam Patel,1/2/1980,S83.511A ACL sprain,(512) 555-0142,9 Elm Rd,
C-3,11/4/26,Barton Springs CrossFit,,Gym / Wellness,A100203,Lee Wong,3/3/1990,M75.101 rotator cuff,(512) 555-0101,1 Pine Ave,11/10/2026
C-4,11/06/2026,,,Self,A100201,Maria Gonzalez,04/12/1961,M54.5 low back pain,(512) 555-0199,12 Oak St,11/08/2026
"""
PATIENT_DETAILS = ("Maria Gonzalez", "Sam Patel", "1961", "M54.5", "555-0199", "Oak St", "A100201")


def write(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "referrals.csv"
    path.write_bytes(text.encode(encoding))
    return path


def run_import(
    sessions: sessionmaker[Session],
    path: Path,
    *,
    location: Location | None = None,
    overrides: dict[str, str] | None = None,
    max_bytes: int = 50 * 1024 * 1024,
) -> ImportReport:
    with sessions.begin() as session:
        return import_referrals(
            session,
            path,
            NOW,
            lambda account: patient_key(SECRET, account),
            max_bytes,
            location,
            overrides,
        )


def everything_stored(engine: Engine) -> str:
    """Every value of every table, as text: what a database dump would show."""
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.connect() as connection:
        return json.dumps(
            {
                t: [list(map(str, row)) for row in connection.execute(metadata.tables[t].select())]
                for t in metadata.tables
            }
        )


def test_an_emr_export_is_read_and_no_patient_detail_is_stored(
    sessions: sessionmaker[Session], engine: Engine, tmp_path: Path
) -> None:
    report = run_import(sessions, write(tmp_path, EXPORT))
    assert (report.rows, report.changed, report.new_referrers) == (4, 4, 3)
    assert report.ignored_columns == [
        "Patient Name",
        "DOB",
        "Diagnosis",
        "Patient Phone",
        "Patient Address",
    ]
    stored = everything_stored(engine)
    assert not [detail for detail in PATIENT_DETAILS if detail in stored]
    with sessions() as session:
        referrals = {r.case_id: r for r in session.scalars(select(Referral))}
        referrers = {r.id: r for r in session.scalars(select(Referrer))}
    # The account number only as a keyed hash: not a plain hash anyone could recompute.
    assert (
        referrals["C-1"].patient_key
        == patient_key(SECRET, "A100201")
        == referrals["C-4"].patient_key
    )
    assert referrals["C-1"].patient_key != hashlib.sha256(b"A100201").hexdigest()
    # "Dr. Smith, John A., MD" with an NPI and "JOHN SMITH MD" without: one referrer.
    assert referrals["C-1"].referrer_id == referrals["C-2"].referrer_id
    smith = referrers[referrals["C-1"].referrer_id]
    assert (smith.npi, smith.kind) == ("1234567893", "physician")
    assert referrers[referrals["C-3"].referrer_id].kind == "gym"
    assert referrers[referrals["C-4"].referrer_id].generic  # a self-referral: no one to thank
    assert [referrals[c].referral_date for c in ("C-1", "C-2", "C-3")] == [
        date(2026, 11, 2),
        date(2026, 11, 3),
        date(2026, 11, 4),  # 11/4/26
    ]
    assert (referrals["C-1"].first_visit_date, referrals["C-2"].first_visit_date) == (
        date(2026, 11, 5),
        None,
    )
    assert all(r.location_id is None for r in referrals.values())  # the practice's, no Google yet


def test_a_newer_export_updates_cases_and_the_same_one_changes_nothing(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    run_import(sessions, write(tmp_path, EXPORT))
    assert run_import(sessions, write(tmp_path, EXPORT)).changed == 0
    newer = EXPORT.replace("9 Elm Rd,\n", "9 Elm Rd,11/09/2026\n") + (
        "C-5,11/20/2026,Barton Springs CrossFit,,Gym / Wellness,A100299,,,,,,\n"
    )
    report = run_import(sessions, write(tmp_path, newer))
    assert (report.rows, report.changed, report.new_referrers) == (5, 2, 0)
    with sessions() as session:
        assert session.query(Referral).count() == 5
        c2 = session.scalars(select(Referral).where(Referral.case_id == "C-2")).one()
    assert c2.first_visit_date == date(2026, 11, 9)  # the first visit, filled in later


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("C-9,,Dr. A B,,,,", "line 6: no referral date"),
        (
            "C-9,13/40/2026,Dr. A B,,,,",
            "line 6: referral date '13/40/2026' is not a date of the calendar",
        ),
        ("C-9,last week,Dr. A B,,,,", "line 6: referral date 'last week' is not MM/DD/YYYY"),
        ("C-9,12/25/2026,Dr. A B,,,,", "line 6: referral date '12/25/2026' is in the future"),
        ("C-9,01/05/1985,Dr. A B,,,,", "line 6: referral date '01/05/1985' is before 1990"),
        (
            "C-9,11/10/2026,Dr. A B,,,,11/01/2026",
            "line 6: first visit 2026-11-01 is before the referral 2026-11-10",
        ),
        ("C-9,11/10/2026,,,,,", "line 6: no referring provider, NPI or source type"),
        (",11/10/2026,Dr. A B,,,,", "line 6: no case id"),
        ("C-1,11/10/2026,Dr. A B,,,,", "line 6: case 'C-1' is also on line 2"),
    ],
)
def test_every_unusable_row_is_named_by_line_and_nothing_is_imported(
    sessions: sessionmaker[Session], tmp_path: Path, row: str, problem: str
) -> None:
    header = "Case ID,Referral Date,Referring Provider,Referring Provider NPI,Source Type,Patient ID,First Visit Date\n"
    good = "\n".join(f"C-{n},11/0{n}/2026,Dr. Ann Lee,,Physician,P{n}," for n in range(1, 5))
    with pytest.raises(UserError) as caught:
        run_import(sessions, write(tmp_path, header + good + "\n" + row + "\n"))
    assert problem in str(caught.value) and "nothing was imported" in str(caught.value)
    with sessions() as session:
        assert session.query(Referral).count() == 0 and session.query(Referrer).count() == 0


def test_an_invalid_npi_is_reported_by_line_and_the_name_is_used(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    text = "Case ID,Referral Date,Referring Provider,NPI\nC-1,11/02/2026,Jane Doe PA-C,1234567890\n"
    report = run_import(sessions, write(tmp_path, text))
    assert report.warnings == ["line 2: '1234567890' is not a valid NPI; the name is used instead"]
    with sessions() as session:
        assert session.scalars(select(Referrer.npi)).one() is None


def test_a_column_can_be_named_for_a_field(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    text = "Episode #,Sent,From,Notes\nE-7,11/02/2026,Dr Jane Doe DPT,X1\n"
    with pytest.raises(UserError) as caught:
        run_import(sessions, write(tmp_path, text))
    message = str(caught.value)
    assert "no column for case_id, referral_date" in message
    assert "'Episode #', 'Sent', 'From', 'Notes'" in message  # the headers seen
    report = run_import(
        sessions,
        write(tmp_path, text),
        overrides={"case_id": "Episode #", "referral_date": "Sent", "referrer_name": "From"},
    )
    assert (report.rows, report.ignored_columns) == (1, ["Notes"])
    with pytest.raises(UserError, match="the file has no column 'Referrer'"):
        run_import(sessions, write(tmp_path, text), overrides={"case_id": "Referrer"})
    with pytest.raises(UserError, match="'patient_name' is not a field"):
        run_import(sessions, write(tmp_path, text), overrides={"patient_name": "From"})


def test_a_typo_joins_the_referrer_but_a_different_first_name_does_not(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    text = (
        "Case ID,Referral Date,Referring Provider\n"
        "C-1,11/02/2026,John Smith MD\nC-2,11/03/2026,Jon Smith MD\nC-3,11/04/2026,Joan Smith MD\n"
    )
    run_import(sessions, write(tmp_path, text))
    with sessions() as session:
        by_case = dict(session.execute(select(Referral.case_id, Referral.referrer_id)).all())
    assert by_case["C-1"] == by_case["C-2"] != by_case["C-3"]


def test_a_merge_and_a_rename_hold_across_later_imports(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    text = "Case ID,Referral Date,Referring Provider\nC-1,11/02/2026,Dr. Robert Hale\nC-2,11/03/2026,Bob Hale\n"
    run_import(sessions, write(tmp_path, text))
    with sessions() as session:
        by_case = dict(session.execute(select(Referral.case_id, Referral.referrer_id)).all())
    assert by_case["C-1"] != by_case["C-2"]  # a nickname is not a typo: a person merges them
    with sessions.begin() as session:
        merge_referrers(session, by_case["C-2"], by_case["C-1"], NOW)
        rename_referrer(session, by_case["C-1"], "Dr. Robert Hale, MD (Hale Orthopedics)", NOW)
    later = text + 'C-3,11/20/2026,Bob Hale\nC-4,11/21/2026,"HALE, ROBERT"\n'
    report = run_import(sessions, write(tmp_path, later))
    assert report.new_referrers == 0
    with sessions() as session:
        referrers = set(session.scalars(select(Referral.referrer_id)))
        shown = session.get_one(Referrer, by_case["C-1"]).name
    assert referrers == {by_case["C-1"]}
    assert shown == "Dr. Robert Hale, MD (Hale Orthopedics)"  # a person's name is kept


def test_the_location_column_or_option_places_each_referral(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    with sessions.begin() as session:
        for n, code in ((1, "ATX-001"), (2, "ATX-002")):
            session.add(
                Location(
                    name=f"locations/{n}",
                    store_code=code,
                    title=f"Clinic {n}",
                    address_lines=[],
                    active=True,
                )
            )
    text = "Case ID,Referral Date,Referring Provider,Clinic\nC-1,11/02/2026,A Doc,ATX-002\nC-2,11/02/2026,A Doc,\n"
    run_import(sessions, write(tmp_path, text))
    with sessions() as session:
        placed = dict(
            session.execute(select(Referral.case_id, Location.store_code).outerjoin(Location)).all()
        )
    assert placed == {"C-1": "ATX-002", "C-2": None}  # an empty cell: the practice's own
    with pytest.raises(UserError, match="line 2: location 'Mars' is no location"):
        run_import(sessions, write(tmp_path, text.replace("ATX-002", "Mars")))


@pytest.fixture
def cli(make_cli: Callable[[str], CliRun]) -> CliRun:
    run = make_cli("")
    assert run("db", "upgrade").returncode == 0
    return run


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty, it has no referrals"),
        (b"\xef\xbb\xbf", "the file is empty, it has no referrals"),
        (b"\n\r\n  \n,,\n", "the file is empty, it has no referrals"),
        (
            b"Case ID,Referral Date,Referring Provider\n",
            "the file has no referrals, only a header row",
        ),
        (
            b"Case ID,Referral Date,Referring Provider\n\n,,\n",
            "the file has no referrals, only a header row",
        ),
        ("Case ID,Referral Date\nC-1,11/02/2026\n".encode("utf-16"), "not UTF-8 text"),
        ("Case,Referente\nC-1,Dr Pérez\n".encode("latin-1"), "not UTF-8 text"),
        (b"Patient Name,DOB\nMaria,1/1/1960\n", "no column for case_id, referral_date"),
        (
            b"Case ID,Referral Date,Provider\nC-1,12/31/2099,Dr A\n",
            "line 2: referral date '12/31/2099' is in the future",
        ),
    ],
)
def test_unusable_files_get_a_clear_message_and_exit_2(
    cli: CliRun,
    tmp_path: Path,
    content: bytes,
    message: str,
) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(content)
    done = cli("import", "referrals", str(path))
    assert done.returncode == 2 and message in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_a_file_over_the_limit_is_refused_before_it_is_read(cli: CliRun, tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as handle:  # 100 MB, sparse: nothing is written but the size
        handle.truncate(100 * 1024 * 1024)
    done = cli("import", "referrals", str(path))
    assert done.returncode == 2
    assert (
        "100.0 MB is larger than the 50.0 MB limit (referrals.import_max_megabytes)" in done.stderr
    )


def test_the_import_command_reports_what_it_read_and_left_unread(
    cli: CliRun, tmp_path: Path
) -> None:
    done = cli("import", "referrals", str(write(tmp_path, EXPORT)))
    assert done.returncode == 0, done.stderr
    assert "4 referrals read from referrals.csv; 4 new or changed; 3 new referrers." in done.stdout
    assert (
        "Not read: 5 other columns (Patient Name, DOB, Diagnosis, Patient Phone, Patient Address)"
        in done.stdout
    )
    assert not [detail for detail in PATIENT_DETAILS if detail in done.stdout + done.stderr]
    assert (tmp_path / "data" / "referral-key").stat().st_mode & 0o077 == 0  # owner only


def test_the_same_export_under_another_source_is_imported_with_a_warning(
    cli: CliRun, tmp_path: Path
) -> None:
    export = str(write(tmp_path, EXPORT))
    assert cli("import", "referrals", export).returncode == 0
    again = cli("import", "referrals", export)
    assert again.returncode == 0 and "warning" not in again.stderr
    other = cli("import", "referrals", export, "--source", "webpt")
    assert other.returncode == 0, other.stderr
    assert (
        "4 case id(s) of this file were imported before with --source emr: both copies are "
        "kept and counted. If it is the same system, import with --source emr"
    ) in other.stderr
