"""Review requests end to end: a visit list in, asks out through a real SMTP server on
127.0.0.1, exactly once under faults, nothing of the patient kept once asked."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, MetaData, select
from sqlalchemy.orm import Session, sessionmaker

from collectors.visits import VisitReport, import_visits
from seo_monitor.config import Settings
from seo_monitor.errors import UserError
from seo_monitor.models import (
    Account,
    Location,
    Notification,
    ReviewAsk,
    ReviewRequest,
    Suppression,
)
from seo_monitor.patient_keys import patient_key
from seo_monitor.review_requests.sending import read_ask, send_review_requests, suppress
from tests.smtp import Sink

NOW = datetime(2026, 11, 30, 15, tzinfo=UTC)
SECRET = "v" * 64
HEADER = "Patient Account #,First Name,E-mail,Language,Date of Service,Clinic,Diagnosis\n"


def day(days_ago: int) -> str:
    return (NOW.date() - timedelta(days=days_ago)).isoformat()


VISITS = (
    HEADER
    + f"A1,Maria,maria@patients.example,en,{day(2)},ATX-001,M54.5 low back pain\n"
    + f"A2,Lucia,lucia@patients.example,es,{day(3)},ATX-001,S83.5\n"
    + f"A3,Sam,sam@patients.example,,{day(0)},ATX-001,M75.1\n"  # today: tomorrow
    + f"A4,Kim,kim@patients.example,,{day(30)},ATX-001,M54.5\n"  # too old
    + f"A5,Jo,jo@@patients.example,,{day(2)},ATX-001,M54.5\n"  # mistyped
    + f"A6,Lee,,,{day(2)},ATX-001,M54.5\n"  # no address
    + f"A1,Maria,maria@patients.example,en,{day(9)},ATX-001,M54.5\n"  # seen before: one ask
)
PATIENT_DETAILS = ("Maria", "Lucia", "maria@patients.example", "lucia@", "M54.5", "A1,", "sam@")


def make_settings(port: int, **requests: Any) -> Settings:
    return Settings.model_validate(
        {
            "alerts": {"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_security": "none",
                       "smtp_timeout_seconds": 5, "from_address": "seo@clinic.example",
                       "reply_to": "frontdesk@clinic.example", "max_attempts": 3},
            "review_requests": {"enabled": True, **requests},
        }
    )  # fmt: skip


def clinic(sessions: sessionmaker[Session], review_link: bool = True) -> None:
    with sessions.begin() as session:
        account = Account(name="accounts/1", account_name="Riverbend")
        session.add(account)
        session.flush()
        session.add(
            Location(
                account_id=account.id,
                name="locations/1",
                store_code="ATX-001",
                title="Riverbend PT",
                address_lines=["1200 S Lamar Blvd"],
                locality="Austin",
                region="TX",
                postal_code="78704",
                new_review_uri="https://g.page/r/riverbend/review" if review_link else None,
                active=True,
            )
        )


def load(
    sessions: sessionmaker[Session], tmp_path: Path, text: str = VISITS, now: datetime = NOW
) -> VisitReport:
    path = tmp_path / "visits.csv"
    path.write_text(text)
    with sessions.begin() as session:
        return import_visits(session, path, now, lambda v: patient_key(SECRET, v), 10**6)


def everything_stored(engine: Engine) -> str:
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.connect() as connection:
        rows = {t: [list(map(str, r)) for r in connection.execute(metadata.tables[t].select())]
                for t in metadata.tables}  # fmt: skip
    return json.dumps(rows)


def test_each_due_patient_gets_one_neutral_email_and_nothing_of_them_is_kept(
    sessions: sessionmaker[Session], engine: Engine, tmp_path: Path, sink: tuple[Sink, int]
) -> None:
    handler, port = sink
    clinic(sessions)
    report = load(sessions, tmp_path)
    assert (report.rows, report.new, report.ignored_columns) == (7, 7, ["Diagnosis"])
    settings = make_settings(port)
    sent = send_review_requests(sessions, settings, lambda: NOW)
    assert sent.sent == 2 and sorted(m["To"] for m in handler.messages) == [
        "lucia@patients.example",
        "maria@patients.example",
    ]
    assert dict(sent.skipped) == {
        "too old": 1,
        "invalid address": 1,
        "no address": 1,
        "another visit": 1,
    }
    assert dict(sent.waiting) == {"too recent": 1}
    spanish = next(m for m in handler.messages if m["To"].startswith("lucia"))
    body = spanish.get_body(("plain",)).get_content()
    assert "Hola, Lucia:" in body and "https://g.page/r/riverbend/review" in body
    assert "1200 S Lamar Blvd, Austin TX 78704" in body and "M54" not in body
    # Asked or skipped, a visit keeps hashes, dates and the outcome: no address, no name.
    stored = everything_stored(engine)
    assert [d for d in PATIENT_DETAILS if d in stored] == ["sam@"]  # Sam waits for tomorrow
    with sessions() as session:
        ledger = session.scalars(select(ReviewRequest)).all()
    assert {(r.kind, r.placement) for r in ledger} == {("email", "email after a visit")}
    assert sorted(r.languages[0] for r in ledger) == ["en", "es"]  # the proof of the same ask
    again = send_review_requests(sessions, settings, lambda: NOW)
    assert again.sent == 0 and len(handler.messages) == 2  # nobody twice
    # The Alerts page shows what went out, the clinic's words without the patient's name.
    with sessions() as session:
        shown = [read_ask(session, settings, n.id) for n in session.scalars(select(Notification))]
    assert sorted(e.subject for e in shown if e) == [
        "Would you review Riverbend PT on Google?",
        "¿Nos dejaría una reseña de Riverbend PT en Google?",
    ]
    assert all(e and "Maria" not in e.text and "Lucia" not in e.text for e in shown)
    assert all(e and "https://g.page/r/riverbend/review" in e.text for e in shown)
    tomorrow = send_review_requests(sessions, settings, lambda: NOW + timedelta(days=1))
    assert tomorrow.sent == 1 and handler.messages[-1]["To"] == "sam@patients.example"


def test_an_smtp_outage_delays_the_asks_and_loses_or_repeats_none(
    sessions: sessionmaker[Session], tmp_path: Path, sink: tuple[Sink, int]
) -> None:
    handler, port = sink
    clinic(sessions)
    load(sessions, tmp_path)
    settings = make_settings(port)
    handler.answer = "451 try again later"
    down = send_review_requests(sessions, settings, lambda: NOW)
    assert (down.sent, down.failed, handler.messages) == (0, 2, [])
    handler.answer = None
    up = send_review_requests(sessions, settings, lambda: NOW + timedelta(minutes=5))
    assert up.sent == 2 and len(handler.messages) == 2
    assert send_review_requests(sessions, settings, lambda: NOW + timedelta(hours=1)).sent == 0


def test_the_hourly_cap_spreads_a_big_first_list_over_hours(
    sessions: sessionmaker[Session], tmp_path: Path, sink: tuple[Sink, int]
) -> None:
    handler, port = sink
    clinic(sessions)
    rows = "".join(f"B{n},,p{n}@patients.example,,{day(2)},ATX-001,\n" for n in range(7))
    load(sessions, tmp_path, HEADER + rows)
    settings = make_settings(port, per_hour=3)
    # The hourly job starts up to a minute late (the jitter): 15:00:40, then 16:00:05.
    first = send_review_requests(sessions, settings, lambda: NOW + timedelta(seconds=40))
    assert (first.sent, first.held_back) == (3, 4)
    assert send_review_requests(sessions, settings, lambda: NOW + timedelta(minutes=30)).sent == 0
    later = send_review_requests(sessions, settings, lambda: NOW + timedelta(hours=1, seconds=5))
    assert later.sent == 3 and len({m["To"] for m in handler.messages}) == 6


def test_a_refused_address_bounces_and_the_others_go_out(
    sessions: sessionmaker[Session], tmp_path: Path, sink: tuple[Sink, int]
) -> None:
    handler, port = sink
    clinic(sessions)
    load(sessions, tmp_path)
    settings = make_settings(port)

    original = handler.handle_DATA

    async def refuse_maria(server: Any, session: Any, envelope: Any) -> str:
        if any(r.startswith("maria@") for r in envelope.rcpt_tos):
            return "550 5.1.1 no such user"
        return await original(server, session, envelope)

    handler.handle_DATA = refuse_maria  # type: ignore[method-assign]
    report = send_review_requests(sessions, settings, lambda: NOW)
    assert report.sent == 1 and [m["To"] for m in handler.messages] == ["lucia@patients.example"]
    maria = patient_key(SECRET, "maria@patients.example")
    with sessions() as session:
        outcomes: dict[str | None, set[str]] = {}
        for ask in session.scalars(select(ReviewAsk)):
            outcomes.setdefault(ask.email_key, set()).add(ask.status)
        assert session.get_one(Suppression, maria).reason == "bounced"  # never asked again
    assert outcomes[maria] == {"bounced", "skipped"}  # her older visit: "another visit"
    assert outcomes[patient_key(SECRET, "lucia@patients.example")] == {"sent"}


def test_an_unsubscribed_address_is_never_asked(
    sessions: sessionmaker[Session], tmp_path: Path, sink: tuple[Sink, int]
) -> None:
    handler, port = sink
    clinic(sessions)
    load(sessions, tmp_path)
    with sessions.begin() as session:
        suppress(session, patient_key(SECRET, "maria@patients.example"), "stop", "front desk", NOW)
    send_review_requests(sessions, make_settings(port), lambda: NOW)
    assert [m["To"] for m in handler.messages] == ["lucia@patients.example"]
    with sessions() as session:  # settled the moment the front desk entered it
        maria = session.scalars(
            select(ReviewAsk).where(
                ReviewAsk.email_key == patient_key(SECRET, "maria@patients.example")
            )
        ).all()
    assert {(a.status, a.reason, a.email) for a in maria} == {("skipped", "unsubscribed", None)}


def test_a_location_without_a_review_link_holds_its_asks_and_says_why(
    sessions: sessionmaker[Session], tmp_path: Path, sink: tuple[Sink, int]
) -> None:
    handler, port = sink
    clinic(sessions, review_link=False)
    load(sessions, tmp_path)
    report = send_review_requests(sessions, make_settings(port), lambda: NOW)
    # Maria's two visits and Lucia's wait for the link (they are asked once it exists).
    assert (report.sent, handler.messages, report.waiting["no review link"]) == (0, [], 3)


def test_asks_stay_off_until_switched_on_and_a_dry_run_changes_nothing(
    sessions: sessionmaker[Session], tmp_path: Path, sink: tuple[Sink, int]
) -> None:
    handler, port = sink
    clinic(sessions)
    load(sessions, tmp_path)
    off = make_settings(port, enabled=False)
    with pytest.raises(UserError, match="review requests are off"):
        send_review_requests(sessions, off, lambda: NOW)
    plan = send_review_requests(sessions, off, lambda: NOW, dry_run=True)
    assert (plan.queued, handler.messages) == (2, [])
    with sessions() as session:
        assert {a.status for a in session.scalars(select(ReviewAsk))} == {"waiting"}
        assert session.query(Notification).count() == 0


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (
            f"A9,Ann,ann@patients.example,fr,{day(2)},ATX-001,",
            "line 2: language 'fr' has no wording",
        ),
        (f",Ann,ann@patients.example,en,{day(2)},ATX-001,", "line 2: no patient id"),
        ("A9,Ann,ann@patients.example,en,yesterday,ATX-001,", "line 2: visit date 'yesterday'"),
    ],
)
def test_a_bad_visit_list_is_refused_whole(
    sessions: sessionmaker[Session], tmp_path: Path, row: str, problem: str
) -> None:
    clinic(sessions)
    with pytest.raises(UserError) as caught:
        load(sessions, tmp_path, HEADER + row + "\n")
    assert problem in str(caught.value) and "nothing was imported" in str(caught.value)


def test_with_several_locations_each_visit_names_a_known_one(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    clinic(sessions)
    with sessions.begin() as session:
        session.add(
            Location(
                name="locations/2",
                store_code="ATX-002",
                title="North",
                address_lines=[],
                active=True,
            )
        )
    with pytest.raises(UserError, match="line 2: location 'Mars' is no location"):
        load(sessions, tmp_path, HEADER + f"A9,Ann,ann@patients.example,en,{day(2)},Mars,\n")
    # With one location only, the column is not needed: every visit is that location's.
