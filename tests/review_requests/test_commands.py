"""The front desk's commands: `import visits`, `requests send`, `requests unsubscribe` and
`requests check`, each in a child process as an operator runs them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from seo_monitor.models import Location, ReviewAsk
from tests.conftest import CliRun
from tests.review_requests.test_faults import sister_location
from tests.review_requests.test_sending import clinic
from tests.smtp import Sink

PATIENTS = ("Maria", "Lucia", "maria@patients.example", "lucia@patients.example", "M54.5")


def visit_list(tmp_path: Path) -> Path:
    seen = (date.today() - timedelta(days=2)).isoformat()
    path = tmp_path / "visits.csv"
    path.write_text(
        "Patient Account #,First Name,E-mail,Language,Date of Service,Diagnosis\n"
        f"A1,Maria,maria@patients.example,en,{seen},M54.5 low back pain\n"
        f"A2,Lucia,lucia@patients.example,es,{seen},M54.5\n"
    )
    return path


@pytest.fixture
def requests_cli(
    make_cli: Callable[[str], CliRun], sessions: sessionmaker[Session], sink: tuple[Sink, int]
) -> CliRun:
    clinic(sessions)
    return make_cli(
        '[alerts]\nsmtp_host = "127.0.0.1"\n'
        f'smtp_port = {sink[1]}\nsmtp_security = "none"\n'
        'from_address = "seo@clinic.example"\n'
        "[review_requests]\nenabled = true\n"
    )


def test_a_visit_list_is_imported_once_and_its_patients_asked_once(
    requests_cli: CliRun, sink: tuple[Sink, int], tmp_path: Path
) -> None:
    handler, _ = sink
    path = visit_list(tmp_path)
    first = requests_cli("import", "visits", str(path))
    assert first.returncode == 0, first.stderr
    assert "2 visits read from visits.csv; 2 new, 0 corrected." in first.stdout
    assert "Not read: 1 other columns (Diagnosis); their cells are never stored." in first.stdout
    again = requests_cli("import", "visits", str(path))
    assert "2 visits read from visits.csv; 0 new, 0 corrected." in again.stdout

    dry = requests_cli("requests", "send", "--dry-run")
    assert dry.returncode == 0 and "Patients who would be asked: 2." in dry.stdout
    assert handler.messages == []

    stop = requests_cli("requests", "unsubscribe", "LUCIA@patients.example ", "--reason", "stop")
    assert stop.returncode == 0 and "No more asks will go to it." in stop.stdout
    checked = requests_cli("requests", "check", "lucia@patients.example")
    assert "Suppressed since" in checked.stdout and "(stop)" in checked.stdout
    assert "Not suppressed" in requests_cli("requests", "check", "maria@patients.example").stdout

    sent = requests_cli("requests", "send")
    assert sent.returncode == 0, sent.stderr
    # Lucia's visit was settled when she unsubscribed: only Maria is left to ask.
    assert "Asks sent: 1 (1 queued this run)." in sent.stdout
    assert [m["To"] for m in handler.messages] == ["maria@patients.example"]
    assert "Asks sent: 0 " in requests_cli("requests", "send").stdout  # nobody twice
    every_output = first.stdout + first.stderr + sent.stdout + sent.stderr + stop.stdout
    assert [p for p in PATIENTS if p in every_output] == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("requests", "unsubscribe"), "give the address, or --token"),
        (("requests", "send", "--location", "Mars"), "Mars"),
    ],
)
def test_wrong_arguments_exit_2_with_the_fix(
    requests_cli: CliRun, args: tuple[str, ...], message: str
) -> None:
    done = requests_cli(*args)
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr


def test_a_bad_visit_list_exits_2_naming_the_line_and_imports_nothing(
    requests_cli: CliRun, tmp_path: Path
) -> None:
    path = tmp_path / "visits.csv"
    path.write_text(
        "Patient Account #,E-mail,Date of Service\n"
        # Two days old: this row alone would be asked, so "0 would be asked" means "nothing
        # was imported", not "nothing due yet".
        f"A1,maria@patients.example,{(date.today() - timedelta(days=2)).isoformat()}\n"
        "A2,lucia@patients.example,yesterday\n"
    )
    done = requests_cli("import", "visits", str(path))
    assert done.returncode == 2 and "line 3: visit date 'yesterday'" in done.stderr
    assert "nothing was imported" in done.stderr and "Traceback" not in done.stderr
    assert "Patients who would be asked: 0." in requests_cli("requests", "send", "--dry-run").stdout


def test_sending_while_asks_are_off_says_how_to_switch_them_on(
    make_cli: Callable[[str], CliRun],
) -> None:
    done = make_cli("")("requests", "send")
    assert done.returncode == 2 and "review_requests.enabled = true" in done.stderr


def test_a_location_without_a_review_link_is_named_with_the_fix(
    make_cli: Callable[[str], CliRun],
    sessions: sessionmaker[Session],
    sink: tuple[Sink, int],
    tmp_path: Path,
) -> None:
    handler, port = sink
    clinic(sessions, review_link=False)
    run = make_cli(
        '[alerts]\nsmtp_host = "127.0.0.1"\n'
        f'smtp_port = {port}\nsmtp_security = "none"\n'
        'from_address = "seo@clinic.example"\n'
        "[review_requests]\nenabled = true\n"
    )
    assert run("import", "visits", str(visit_list(tmp_path))).returncode == 0
    for args in (("requests", "send", "--dry-run"), ("requests", "send")):
        done = run(*args)
        assert "Waiting: 2 no review link" in done.stdout, done.stderr
        assert "Riverbend PT has no review link yet" in done.stdout
        assert "seo-monitor collect locations" in done.stdout and "review_link" in done.stdout
    assert done.returncode == 1 and handler.messages == []  # the send needs a person


def test_import_visits_with_location_files_every_row_under_that_location(
    requests_cli: CliRun, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    sister_location(sessions)
    path = visit_list(tmp_path)  # no location column
    done = requests_cli("import", "visits", str(path), "--location", "ATX-002")
    assert done.returncode == 0, done.stderr
    with sessions() as session:
        where = {
            session.get_one(Location, ask.location_id).store_code
            for ask in session.scalars(select(ReviewAsk))
        }
    assert where == {"ATX-002"}
    unsure = requests_cli("import", "visits", str(path))  # two locations: which one?
    assert unsure.returncode == 2 and "--location" in unsure.stderr


def test_a_server_refusing_the_sender_stops_the_send_and_says_so(
    requests_cli: CliRun, sink: tuple[Sink, int], tmp_path: Path
) -> None:
    handler, _ = sink
    assert requests_cli("import", "visits", str(visit_list(tmp_path))).returncode == 0
    handler.sender_answer = "550 5.7.1 sender not allowed"
    done = requests_cli("requests", "send")
    assert done.returncode == 1 and "Stopped:" in done.stdout, done.stderr
    assert "refused the sender (550)" in done.stdout and "alerts.from_address" in done.stdout
    assert "nobody was suppressed" in done.stdout
    handler.sender_answer = None
    assert "Asks sent: 2 " in requests_cli("requests", "send").stdout
