"""Review requests under faults the audit of issue 23 found: long SMTP errors, a queued ask
and a newer visit, clinic-side refusals, outages longer than max_attempts, stale queued asks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from seo_monitor.alerts.outbox import failed_notifications
from seo_monitor.app.scheduler import maintain_database
from seo_monitor.config import Settings
from seo_monitor.models import Location, Notification, ReviewAsk, ReviewRequest, Suppression
from seo_monitor.patient_keys import patient_key
from seo_monitor.review_requests.sending import (
    _apply,
    _decisions,
    forget_stale_visits,
    send_review_requests,
    suppress,
)
from tests.review_requests.test_sending import (
    HEADER,
    NOW,
    PATIENT_DETAILS,
    SECRET,
    clinic,
    everything_stored,
    load,
)
from tests.smtp import Sink


def settings_for(port: int, alerts: dict[str, Any] | None = None, **requests: Any) -> Settings:
    return Settings.model_validate(
        {
            "alerts": {"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_security": "none",
                       "smtp_timeout_seconds": 5, "from_address": "seo@clinic.example",
                       "reply_to": "frontdesk@clinic.example", "max_attempts": 3,
                       **(alerts or {})},
            "review_requests": {"enabled": True, **requests},
        }
    )  # fmt: skip


def asks(sessions: sessionmaker[Session]) -> list[ReviewAsk]:
    with sessions() as session:
        return list(session.scalars(select(ReviewAsk).order_by(ReviewAsk.id)))


def test_an_ask_given_up_after_a_long_smtp_error_keeps_a_short_reason_and_the_full_error(
    sessions: sessionmaker[Session], tmp_path: Path, sink: tuple[Sink, int]
) -> None:
    """review_asks.reason is VARCHAR(80); the error text (83 characters here) stays in the
    outbox row. PostgreSQL refused the long reason and every later run crashed."""
    handler, port = sink
    clinic(sessions)
    load(sessions, tmp_path)
    settings = settings_for(port, {"smtp_security": "starttls"})  # the sink has no STARTTLS
    for moment in [NOW + timedelta(hours=n) for n in range(4)] + [NOW + timedelta(days=15)]:
        send_review_requests(sessions, settings, lambda moment=moment: moment)
    assert handler.messages == []
    # Each run stops at the first refusal (the server refuses the clinic, not an address):
    # the first ask was tried and failed, the second never tried and is now too old.
    settled = {(a.status, a.reason) for a in asks(sessions) if a.email_key}
    assert ("failed", "delivery failed") in settled and all(len(r or "") <= 80 for _, r in settled)
    assert all(a.email is None and a.first_name is None for a in asks(sessions))
    with sessions() as session:
        errors = [n.last_error or "" for n in session.scalars(select(Notification))]
    assert len(errors) == 1 and "STARTTLS" in errors[0] and len(errors[0]) > 80


def sister_location(sessions: sessionmaker[Session]) -> None:
    """A second location of the clinic's group (the same account)."""
    with sessions.begin() as session:
        first = session.scalars(select(Location)).one()
        session.add(
            Location(
                account_id=first.account_id,
                name="locations/2",
                store_code="ATX-002",
                title="Riverbend PT North",
                address_lines=["9 Burnet Rd"],
                locality="Austin",
                region="TX",
                postal_code="78757",
                new_review_uri="https://g.page/r/riverbend-north/review",
                active=True,
            )
        )


@pytest.mark.parametrize("where", ["ATX-001", "ATX-002"])
def test_a_patient_with_an_ask_still_queued_gets_one_email_after_a_newer_visit(
    sessions: sessionmaker[Session], tmp_path: Path, sink: tuple[Sink, int], where: str
) -> None:
    """Maria's ask waits in the outbox (an outage); her next visit, at the same location or at
    another of the group, is imported; when the server is back she gets one email, not two."""
    handler, port = sink
    clinic(sessions)
    sister_location(sessions)
    load(sessions, tmp_path)
    settings = settings_for(port)
    handler.answer = "451 try again later"
    assert send_review_requests(sessions, settings, lambda: NOW).sent == 0
    handler.answer = None
    later = NOW + timedelta(days=2)
    newer = f"A1,Maria,maria@patients.example,en,{later.date() - timedelta(days=1)},{where},\n"
    load(sessions, tmp_path, HEADER + newer, later)
    report = send_review_requests(sessions, settings, lambda: later)
    assert report.skipped["asked recently"] == 1
    send_review_requests(sessions, settings, lambda: later + timedelta(hours=1))
    to = sorted(str(m["To"]) for m in handler.messages)
    assert to == ["lucia@patients.example", "maria@patients.example", "sam@patients.example"]


def test_an_outage_longer_than_max_attempts_delays_the_asks_and_loses_none(
    sessions: sessionmaker[Session], tmp_path: Path, sink: tuple[Sink, int]
) -> None:
    """Five hourly runs against a server answering 451 (max_attempts is 3), then it is back:
    each ask goes once, because a visit still young enough is never given up."""
    handler, port = sink
    clinic(sessions)
    load(sessions, tmp_path)
    settings = settings_for(port)
    handler.answer = "451 4.3.0 try again later"
    for hour in range(5):
        report = send_review_requests(sessions, settings, lambda h=hour: NOW + timedelta(hours=h))
        assert (report.sent, report.failed) == (0, 2)
    assert {a.status for a in asks(sessions) if a.email_key} >= {"queued"}
    handler.answer = None
    back = send_review_requests(sessions, settings, lambda: NOW + timedelta(hours=5))
    assert back.sent == 2
    assert send_review_requests(sessions, settings, lambda: NOW + timedelta(hours=6)).sent == 0
    to = sorted(str(m["To"]) for m in handler.messages)
    assert to == ["lucia@patients.example", "maria@patients.example"]


def test_a_server_refusing_the_sender_suppresses_nobody_and_the_asks_go_once_fixed(
    sessions: sessionmaker[Session], tmp_path: Path, sink: tuple[Sink, int]
) -> None:
    """A 550 at MAIL FROM is the clinic's problem (the sender is not allowed), not the
    patients': no address is suppressed as bounced, nothing is given up however many runs it
    lasts, and every ask goes once when the server is fixed."""
    handler, port = sink
    clinic(sessions)
    load(sessions, tmp_path)
    settings = settings_for(port)
    handler.sender_answer = "550 5.7.1 sender not allowed"
    for hour in range(5):  # more runs than alerts.max_attempts
        report = send_review_requests(sessions, settings, lambda h=hour: NOW + timedelta(hours=h))
        assert report.sent == 0 and report.stopped and "refused the sender" in report.stopped
    with sessions() as session:
        assert session.scalars(select(Suppression)).all() == []
        assert all(n.attempts == 0 for n in session.scalars(select(Notification)))
    assert {a.status for a in asks(sessions) if a.email_key and a.status != "skipped"} == {
        "queued",
        "waiting",  # Sam's visit, too recent at first
    }
    handler.sender_answer = None
    back = send_review_requests(sessions, settings, lambda: NOW + timedelta(hours=5))
    assert back.sent == 2 and back.stopped is None
    to = sorted(str(m["To"]) for m in handler.messages)
    assert to == ["lucia@patients.example", "maria@patients.example"]


def test_asks_left_queued_are_forgotten_once_their_visit_is_too_old(
    sessions: sessionmaker[Session], engine: Engine, tmp_path: Path, sink: tuple[Sink, int]
) -> None:
    """An ask held back by the cap, then asks switched off: the nightly clean-up settles it
    when the visit passes max_age_days, deleting the unsent outbox row with the address."""
    handler, port = sink
    clinic(sessions)
    load(sessions, tmp_path)
    send_review_requests(sessions, settings_for(port, per_hour=1), lambda: NOW)
    assert len(handler.messages) == 1
    held = "lucia@" if handler.messages[0]["To"] == "maria@patients.example" else "maria@"
    assert held in everything_stored(engine)
    off = settings_for(port, enabled=False)
    with sessions.begin() as session:
        assert forget_stale_visits(session, off, NOW.date() + timedelta(days=10)) == 0
    with sessions.begin() as session:
        assert forget_stale_visits(session, off, NOW.date() + timedelta(days=15)) >= 1
    stored = everything_stored(engine)
    assert [d for d in PATIENT_DETAILS if d in stored] == []
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Notification)) == 1  # the sent one
    assert {a.status for a in asks(sessions)} == {"sent", "skipped"}


def test_the_nightly_maintenance_forgets_asks_an_outage_left_queued(
    sessions: sessionmaker[Session], engine: Engine, tmp_path: Path, sink: tuple[Sink, int]
) -> None:
    """The same through the maintenance job, on today's clock: asks tried during an outage and
    left queued (sending then switched off) are given up, their address and name erased."""
    handler, port = sink
    clinic(sessions)
    today = datetime.now(UTC).replace(microsecond=0)
    seen = (today.date() - timedelta(days=10)).isoformat()
    load(
        sessions, tmp_path, HEADER + f"A1,Maria,maria@patients.example,en,{seen},ATX-001,\n", today
    )
    handler.answer = "451 try again later"
    send_review_requests(sessions, settings_for(port), lambda: today)
    assert "maria@" in everything_stored(engine)
    maintain_database(engine, timedelta(days=90), settings_for(port, max_age_days=14))
    assert "maria@" in everything_stored(engine)  # ten days old: still to be asked
    outcome = maintain_database(engine, timedelta(days=90), settings_for(port, max_age_days=7))
    assert "1 visits too old to ask forgotten" in outcome
    stored = everything_stored(engine)
    assert "maria@" not in stored and "Maria" not in stored
    assert [(a.status, a.reason, a.email) for a in asks(sessions)] == [
        ("failed", "delivery failed", None)
    ]
    with sessions() as session:  # its last error stays for the Data health page
        assert len(failed_notifications(session, 3)) == 1


def test_sending_for_one_location_sends_only_its_queued_asks(
    sessions: sessionmaker[Session], tmp_path: Path, sink: tuple[Sink, int]
) -> None:
    """`requests send --location North` after an outage sends North's queued asks only."""
    handler, port = sink
    clinic(sessions)
    sister_location(sessions)
    rows = (
        f"A1,Maria,maria@patients.example,en,{NOW.date() - timedelta(days=2)},ATX-001,\n"
        f"A2,Lucia,lucia@patients.example,es,{NOW.date() - timedelta(days=2)},ATX-002,\n"
    )
    load(sessions, tmp_path, HEADER + rows)
    settings = settings_for(port)
    handler.answer = "451 try again later"
    assert send_review_requests(sessions, settings, lambda: NOW).failed == 2
    handler.answer = None
    with sessions() as session:
        north = session.scalars(select(Location).where(Location.store_code == "ATX-002")).one()
    later = NOW + timedelta(hours=1)
    only = send_review_requests(sessions, settings, lambda: later, location_ids=[north.id])
    assert only.sent == 1 and [str(m["To"]) for m in handler.messages] == ["lucia@patients.example"]
    assert send_review_requests(sessions, settings, lambda: later).sent == 1
    assert sorted(str(m["To"]) for m in handler.messages) == [
        "lucia@patients.example",
        "maria@patients.example",
    ]


def test_a_family_sharing_an_address_gets_one_ask_across_runs(
    sessions: sessionmaker[Session], tmp_path: Path, sink: tuple[Sink, int]
) -> None:
    """Two patients, one address, seen on different days: the second visit is not asked
    while the address was asked within min_days_between (at any location of the group)."""
    handler, port = sink
    clinic(sessions)
    sister_location(sessions)
    settings = settings_for(port)
    first = f"A1,Maria,family@patients.example,en,{NOW.date() - timedelta(days=2)},ATX-001,\n"
    load(sessions, tmp_path, HEADER + first)
    assert send_review_requests(sessions, settings, lambda: NOW).sent == 1
    later = NOW + timedelta(days=5)
    second = f"A7,Marco,family@patients.example,en,{later.date() - timedelta(days=1)},ATX-002,\n"
    load(sessions, tmp_path, HEADER + second, later)
    report = send_review_requests(sessions, settings, lambda: later)
    assert report.sent == 0 and report.skipped["address already asked"] == 1
    assert [str(m["To"]) for m in handler.messages] == ["family@patients.example"]


def test_a_patient_asked_at_one_location_is_not_asked_at_another_of_the_group(
    sessions: sessionmaker[Session], tmp_path: Path, sink: tuple[Sink, int]
) -> None:
    """min_days_between (180) counts across the group's locations, end to end."""
    _, port = sink
    clinic(sessions)
    sister_location(sessions)
    settings = settings_for(port)
    first = f"A1,Maria,maria@patients.example,en,{NOW.date() - timedelta(days=2)},ATX-001,\n"
    load(sessions, tmp_path, HEADER + first)
    assert send_review_requests(sessions, settings, lambda: NOW).sent == 1
    later = NOW + timedelta(days=100)
    other = f"A1,Maria,maria.new@patients.example,en,{later.date() - timedelta(days=2)},ATX-002,\n"
    load(sessions, tmp_path, HEADER + other, later)
    report = send_review_requests(sessions, settings, lambda: later)
    assert report.sent == 0 and report.skipped["asked recently"] == 1
    much_later = NOW + timedelta(days=200)
    again = (
        f"A1,Maria,maria.new@patients.example,en,{much_later.date() - timedelta(days=2)},ATX-002,\n"
    )
    load(sessions, tmp_path, HEADER + again, much_later)
    assert send_review_requests(sessions, settings, lambda: much_later).sent == 1


def test_unsubscribing_withdraws_an_ask_already_queued(
    sessions: sessionmaker[Session], tmp_path: Path, sink: tuple[Sink, int]
) -> None:
    """Maria's ask waits in the outbox (an outage) when she replies STOP: it never goes."""
    handler, port = sink
    clinic(sessions)
    load(sessions, tmp_path)
    settings = settings_for(port)
    handler.answer = "451 try again later"
    send_review_requests(sessions, settings, lambda: NOW)
    maria = patient_key(SECRET, "maria@patients.example")
    with sessions.begin() as session:
        assert suppress(session, maria, "stop", "front desk", NOW + timedelta(minutes=1))
    with sessions() as session:
        left = [n.dedupe_key for n in session.scalars(select(Notification))]
    assert len(left) == 1  # Lucia's; Maria's unsent row is gone
    handler.answer = None
    send_review_requests(sessions, settings, lambda: NOW + timedelta(hours=1))
    assert [str(m["To"]) for m in handler.messages] == ["lucia@patients.example"]
    theirs = {(a.status, a.reason, a.email) for a in asks(sessions) if a.email_key == maria}
    assert theirs == {("skipped", "unsubscribed", None), ("skipped", "another visit", None)}


def test_an_ask_sent_but_never_settled_is_settled_by_the_nightly_clean_up(
    sessions: sessionmaker[Session], engine: Engine, tmp_path: Path, sink: tuple[Sink, int]
) -> None:
    """Killed between "sent" and the settling, then asks switched off: no send run settles it,
    so the clean-up does (ledger row, address erased) once the visit is too old."""
    _, port = sink
    clinic(sessions)
    load(sessions, tmp_path, HEADER + f"A1,Maria,maria@patients.example,en,{NOW.date()},ATX-001,\n")
    settings = settings_for(port, delay_days=0)
    with sessions.begin() as session:  # queued as a run does, then "sent" and killed
        decisions, waiting, _ = _decisions(session, settings, NOW, None)
        _apply(session, settings, decisions, waiting, NOW)
    with sessions.begin() as session:
        session.execute(update(Notification).values(sent_at=NOW, attempts=1))
    with sessions.begin() as session:
        assert forget_stale_visits(session, settings, NOW.date() + timedelta(days=15)) == 1
    assert [(a.status, a.email) for a in asks(sessions)] == [("sent", None)]
    assert "maria@" not in everything_stored(engine) and "Maria" not in everything_stored(engine)
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(ReviewRequest)) == 1
