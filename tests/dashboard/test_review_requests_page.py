"""The Review requests page in AppTest: no visits yet, asks sent, an address unsubscribed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from streamlit.testing.v1 import AppTest

from seo_monitor.models import Suppression
from seo_monitor.patient_keys import patient_key
from seo_monitor.review_requests.sending import send_review_requests, suppress
from tests.dashboard.seed import as_shown
from tests.review_requests.test_sending import SECRET, clinic, load, make_settings
from tests.smtp import Sink

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")


def requests_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("views/review_requests.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def asks_sent(sessions: sessionmaker[Session], folder: Path, port: int) -> None:
    """Two patients seen two days ago are asked; three visits are not (too old, no address,
    a second visit of one patient); one visit from today waits."""
    today = datetime.now(UTC).date()

    def day(days_ago: int) -> str:
        return (today - timedelta(days=days_ago)).isoformat()

    clinic(sessions)
    load(
        sessions,
        folder,
        "Patient Account #,First Name,E-mail,Date of Service\n"
        f"A1,Maria,maria@patients.example,{day(2)}\n"
        f"A1,Maria,maria@patients.example,{day(5)}\n"
        f"A2,Lucia,lucia@patients.example,{day(2)}\n"
        f"A3,Sam,sam@patients.example,{day(0)}\n"
        f"A4,Kim,kim@patients.example,{day(40)}\n"
        f"A5,Lee,,{day(2)}\n",
        now=datetime.now(UTC),
    )
    send_review_requests(sessions, make_settings(port))


def test_before_any_visit_the_page_says_how_to_import_them_and_that_asks_are_off(
    dashboard_config: Path, sessions: sessionmaker[Session]
) -> None:
    clinic(sessions)
    at = requests_page()
    assert at.title[0].value == "Review requests"
    shown = [as_shown(info.value) for info in at.info]
    assert any("review_requests.enabled = true" in text for text in shown)
    assert any("seo-monitor import visits FILE.csv" in text for text in shown)


def test_the_page_counts_the_asks_and_says_why_visits_were_not_asked(
    dashboard_config: Path,
    sessions: sessionmaker[Session],
    tmp_path: Path,
    sink: tuple[Sink, int],
) -> None:
    asks_sent(sessions, tmp_path, sink[1])
    assert len(sink[0].messages) == 2
    at = requests_page()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Asks sent"] == "2" and metrics["Not asked"] == "3"
    assert metrics["Addresses suppressed"] == "0"
    reasons = at.dataframe[0].value
    assert dict(zip(reasons["Reason"], reasons["Visits"], strict=True)) == {
        "waiting: too recent": 1,
        "not asked: another visit": 1,
        "not asked: too old": 1,
        "not asked: no address": 1,
    }
    shown = " ".join(as_shown(c.value) for c in at.caption)
    assert "Asking started" in shown and "not its cause" in shown
    assert not [name for name in ("Maria", "Lucia", "maria@", "lucia@") if name in str(at)]


def test_the_front_desk_unsubscribes_an_address_and_checks_it(
    dashboard_config: Path, sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SEO_MONITOR_REFERRALS__PATIENT_KEY", SECRET)
    clinic(sessions)
    at = requests_page()
    at.text_input[0].input("STOP@patients.example ")
    at.selectbox[0].select("stop")
    at.button[0].click().run()  # "No more asks"
    assert "No more asks will go to this address." in at.success[0].value
    at.text_input[0].input("stop@patients.example")
    at.button[1].click().run()  # "Check"
    assert "Suppressed since" in at.info[-1].value
    at.text_input[0].input("maria@patients.example")
    at.button[1].click().run()
    assert "Not suppressed" in at.info[-1].value
    with sessions() as session:
        kept = session.scalars(select(Suppression)).one()
    assert (kept.reason, kept.email_key) == ("stop", patient_key(SECRET, "stop@patients.example"))


def test_the_unsubscribed_list_shows_when_why_and_who_but_no_address(
    dashboard_config: Path, sessions: sessionmaker[Session]
) -> None:
    clinic(sessions)
    with sessions.begin() as session:
        then = datetime(2026, 11, 2, 10, tzinfo=UTC)
        suppress(session, patient_key(SECRET, "kim@patients.example"), "bounced", None, then)
        later = then + timedelta(days=3)
        suppress(session, patient_key(SECRET, "jo@patients.example"), "stop", "Dana", later)
    at = requests_page()
    listed = at.dataframe[-1].value
    assert list(listed["Why"]) == ["replied STOP", "the address does not exist"]  # newest first
    assert list(listed["Entered by"]) == ["Dana", "the mail server (bounced)"]
    assert [str(d) for d in listed["Since"]] == ["2026-11-05", "2026-11-02"]
    assert "kim@" not in str(at) and "jo@" not in str(at)


def test_a_location_without_a_review_link_is_named_with_the_fix(
    dashboard_config: Path, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    clinic(sessions, review_link=False)
    yesterday = (datetime.now(UTC).date() - timedelta(days=1)).isoformat()
    load(
        sessions,
        tmp_path,
        f"Patient Account #,First Name,E-mail,Date of Service\nA1,Maria,maria@p.example,{yesterday}\n",
        now=datetime.now(UTC),
    )
    at = requests_page()
    [warning] = [as_shown(w.value) for w in at.warning]
    assert warning.startswith("Riverbend PT has no review link yet")
    assert "seo-monitor collect locations" in warning and "get no ask until then" in warning
    reasons = at.dataframe[0].value
    assert dict(zip(reasons["Reason"], reasons["Visits"], strict=True)) == {
        "waiting: no review link": 1
    }
