"""Alert and digest emails over a real SMTP server (aiosmtpd on 127.0.0.1): sent exactly once."""

from __future__ import annotations

import re
import ssl
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from seo_monitor.alerts import one_address, send_due, send_test_email
from seo_monitor.alerts.content import (
    build_digest,
    digest_week,
    queue_digests,
    queue_negative_alerts,
)
from seo_monitor.alerts.outbox import claim, due_batches, enqueue, failed_notifications
from seo_monitor.alerts.render import digest_html
from seo_monitor.config import Settings
from seo_monitor.errors import UserError
from seo_monitor.models import CollectorRun, Location, Notification, RatingSnapshot, Review
from seo_monitor.queries import select_emails
from seo_monitor.sentiment import ScoringRules
from seo_monitor.sentiment.store import score_location
from tests.dashboard.seed import HOSTILE_TEXT, add_location, review, seed
from tests.smtp import Sink, free_port

PASSWORD = "correct horse battery staple"


@pytest.fixture
def now() -> datetime:
    """The clock as each test starts (not once at import: a run may cross midnight)."""
    return datetime.now(UTC).replace(microsecond=0)


def alert_settings(database_url: str, port: int, **alerts: Any) -> Settings:
    return Settings.model_validate(
        {
            "database": {"url": database_url},
            "alerts": {
                "smtp_host": "127.0.0.1",
                "smtp_port": port,
                "smtp_security": "none",
                "smtp_timeout_seconds": 5,
                "from_address": "seo-monitor@clinic.example",
                "recipients": ["pm@clinic.example"],
                **alerts,
            },
        }
    )


def clinic_with_reviews(sessions: sessionmaker[Session], now: datetime) -> Location:
    """Two new negative reviews (one with HTML), an old negative one, a new positive one."""
    with sessions.begin() as session:
        location_id = add_location(session, None, "locations/1", "Riverbend PT")  # type: ignore[arg-type]
        for external_id, stars, age, text in [
            ("new-1", 1, timedelta(hours=3), HOSTILE_TEXT),
            ("new-2", 2, timedelta(days=1), "They billed me twice and never called back."),
            ("old", 1, timedelta(days=40), "Rude staff."),
            ("happy", 5, timedelta(hours=1), "Wonderful therapists!"),
        ]:
            session.add(review(location_id, external_id, stars, now - age, None, text))
        session.flush()
        score_location(session, location_id, ScoringRules())
    with sessions() as session:
        return session.get_one(Location, location_id)


def queue(
    sessions: sessionmaker[Session], settings: Settings, location: Location, now: datetime
) -> int:
    with sessions.begin() as session:
        return queue_negative_alerts(session, settings, session.merge(location), now)


def test_new_negative_reviews_arrive_once_in_one_email_with_text_escaped(
    sessions: sessionmaker[Session], database_url: str, sink: tuple[Sink, int], now: datetime
) -> None:
    handler, port = sink
    settings = alert_settings(database_url, port, dashboard_url="http://localhost:8501")
    location = clinic_with_reviews(sessions, now)
    assert (
        queue(sessions, settings, location, now) == 2
    )  # the new 1★ and 2★; not the old, not the 5★
    assert queue(sessions, settings, location, now) == 0  # a second run adds nothing
    report = send_due(sessions, settings, now=lambda: now)
    assert (report.sent, report.failed) == (1, 0)
    assert send_due(sessions, settings, now=lambda: now).sent == 0  # nothing is sent twice
    [message] = handler.messages
    assert message["Subject"] == "2 new reviews to look at"
    assert message["To"] == "pm@clinic.example" and message["Message-ID"] and message["Date"]
    html = message.get_body(("html",)).get_content()
    text = message.get_body(("plain",)).get_content()
    assert "&lt;script&gt;" in html and "<script>" not in html  # shown as text
    assert "They billed me twice" in text and "Billing" in html
    assert "http://localhost:8501/reviews" in html and "discloses nothing" in text
    # One fact per line in the plain-text part, whatever the template's if-blocks produce.
    assert re.search(r"^About: [^\n]*\nDashboard: http", text, re.M)


def test_no_review_text_in_emails_when_excerpts_are_off(
    sessions: sessionmaker[Session], database_url: str, sink: tuple[Sink, int], now: datetime
) -> None:
    handler, port = sink
    settings = alert_settings(database_url, port, excerpt_chars=0)
    queue(sessions, settings, clinic_with_reviews(sessions, now), now)
    send_due(sessions, settings, now=lambda: now)
    body = handler.messages[0].get_body(("plain",)).get_content()
    assert "billed me twice" not in body and "Rude" not in body and "2 new reviews" in body


def test_daily_and_weekly_recipients(
    sessions: sessionmaker[Session], database_url: str, sink: tuple[Sink, int], now: datetime
) -> None:
    handler, port = sink
    settings = alert_settings(
        database_url,
        port,
        recipients=["pm@clinic.example", "owner@clinic.example"],
        recipient_modes={"pm@clinic.example": "daily", "owner@clinic.example": "weekly"},
    )
    assert queue(sessions, settings, clinic_with_reviews(sessions, now), now) == 2  # daily only
    assert send_due(sessions, settings, now=lambda: now).sent == 0  # not yet
    assert send_due(sessions, settings, now=lambda: now + timedelta(days=1, hours=1)).sent == 1
    assert [m["To"] for m in handler.messages] == ["pm@clinic.example"]


def test_starttls_with_a_login(
    sessions: sessionmaker[Session], database_url: str, tmp_path: Path, now: datetime
) -> None:
    authority = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(server_context)
    ca_file = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(ca_file))

    def authenticate(
        server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        ok = isinstance(data, LoginPassword) and data.password == PASSWORD.encode()
        return AuthResult(success=ok)

    handler = Sink()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=free_port(),
        tls_context=server_context,
        require_starttls=True,
        authenticator=authenticate,
        auth_require_tls=True,
    )
    controller.start()
    try:
        common = {
            "smtp_security": "starttls",
            "smtp_ca_file": str(ca_file),
            "smtp_username": "alerts",
        }
        good = alert_settings(database_url, controller.port, **common, smtp_password=PASSWORD)
        queue(sessions, good, clinic_with_reviews(sessions, now), now)
        assert send_due(sessions, good, now=lambda: now).sent == 1
        assert len(handler.messages) == 1
        bad = alert_settings(database_url, controller.port, **common, smtp_password="wrong")
        with sessions.begin() as session:
            session.execute(
                Notification.__table__.update().values(
                    sent_at=None, attempts=0, claimed_at=None, claimed_by=None
                )
            )
        # aiosmtpd's own refusal of smtplib's AUTH PLAIN never answers (a timeout); the hook
        # answers as a real server does.
        handler.login_answer = "535 5.7.8 Authentication credentials invalid"
        report = send_due(sessions, bad, now=lambda: now)
        assert report.failed == 1
        with sessions() as session:
            row = session.scalars(select(Notification)).first()
            assert row is not None and row.sent_at is None and row.last_error
            assert "wrong" not in row.last_error  # the password never shows
            assert "refused the login (535)" in row.last_error and row.attempts == 0
        # A refused login is the clinic's to fix, not the alert's fault: however many runs it
        # lasts, nothing is given up, and the alert goes once the password is right.
        for hour in range(1, bad.alerts.max_attempts + 2):
            later = now + timedelta(hours=hour)
            refused = send_due(sessions, bad, now=lambda later=later: later)
            assert refused.failed == 1 and refused.stopped and refused.given_up == 0
        with sessions() as session:
            assert failed_notifications(session, bad.alerts.max_attempts) == []
        handler.login_answer = None
        fixed = now + timedelta(days=1)
        assert send_due(sessions, good, now=lambda: fixed).sent == 1
        assert len(handler.messages) == 2
    finally:
        controller.stop()


def test_an_smtp_outage_delays_but_neither_loses_nor_duplicates(
    sessions: sessionmaker[Session], database_url: str, sink: tuple[Sink, int], now: datetime
) -> None:
    handler, port = sink
    location = clinic_with_reviews(sessions, now)
    down = alert_settings(database_url, free_port())  # nothing listens there
    queue(sessions, down, location, now)
    report = send_due(sessions, down, now=lambda: now)
    assert (report.sent, report.failed) == (0, 1)
    up = alert_settings(database_url, port)
    assert send_due(sessions, up, now=lambda: now).sent == 0  # backing off
    later = now + timedelta(minutes=5)
    assert send_due(sessions, up, now=lambda: later).sent == 1
    assert send_due(sessions, up, now=lambda: later + timedelta(hours=1)).sent == 0
    assert len(handler.messages) == 1


def test_an_smtp_outage_during_the_digest_sends_every_digest_exactly_once_after_recovery(
    sessions: sessionmaker[Session], database_url: str, sink: tuple[Sink, int], now: datetime
) -> None:
    handler, port = sink
    people = [f"manager{n}@clinic.example" for n in range(5)]
    settings = alert_settings(database_url, port, recipients=people, quiet_week="note")
    clinic_with_reviews(sessions, now)
    with sessions.begin() as session:
        assert queue_digests(session, settings, now) == len(people)
    handler.outage_after = 2  # the server goes away in the middle of the digest run
    during = send_due(sessions, settings, now=lambda: now)
    assert during.sent == 2 and during.failed == len(people) - 2
    handler.hang_up, handler.outage_after = False, None  # back up
    after = send_due(sessions, settings, now=lambda: now + timedelta(minutes=5))
    assert after.sent == len(people) - 2
    assert send_due(sessions, settings, now=lambda: now + timedelta(hours=6)).sent == 0
    received = sorted(str(message["To"]) for message in handler.messages)
    assert received == sorted(people)  # each digest once, none lost, none twice


def test_4xx_is_retried_and_5xx_is_given_up_and_shown(
    sessions: sessionmaker[Session], database_url: str, sink: tuple[Sink, int], now: datetime
) -> None:
    handler, port = sink
    settings = alert_settings(database_url, port, max_attempts=3)
    queue(sessions, settings, clinic_with_reviews(sessions, now), now)
    handler.answer = "451 4.3.0 Try again later"
    assert send_due(sessions, settings, now=lambda: now).failed == 1
    handler.answer = "550 5.7.1 Rejected"
    moment = now
    for _ in range(2):
        moment += timedelta(hours=7)
        send_due(sessions, settings, now=lambda moment=moment: moment)
    with sessions() as session:
        given_up = failed_notifications(session, settings.alerts.max_attempts)
        assert len(given_up) == 2  # both reviews' rows, one email
        assert all(r.attempts == 3 and "550" in (r.last_error or "") for r in given_up)
    handler.answer = None
    assert send_due(sessions, settings, now=lambda: moment + timedelta(days=1)).sent == 0
    assert handler.messages == []


def test_a_refused_sender_stops_the_run_and_gives_up_no_alert(
    sessions: sessionmaker[Session], database_url: str, sink: tuple[Sink, int], now: datetime
) -> None:
    handler, port = sink
    people = [f"manager{n}@clinic.example" for n in range(3)]
    settings = alert_settings(database_url, port, recipients=people, max_attempts=2)
    clinic_with_reviews(sessions, now)
    with sessions.begin() as session:
        assert queue_digests(session, settings, now) == len(people)
    handler.sender_answer = "550 5.7.1 sender not allowed"
    for hour in range(4):
        moment = now + timedelta(hours=hour)
        report = send_due(sessions, settings, now=lambda moment=moment: moment)
        assert (report.sent, report.failed, report.given_up) == (0, 1, 0)  # stopped at one
    handler.sender_answer = None
    back = send_due(sessions, settings, now=lambda: now + timedelta(hours=5))
    assert back.sent == len(people) and sorted(str(m["To"]) for m in handler.messages) == people


def test_a_connection_dropped_mid_message_is_retried_once(
    sessions: sessionmaker[Session], database_url: str, sink: tuple[Sink, int], now: datetime
) -> None:
    handler, port = sink
    settings = alert_settings(database_url, port)
    queue(sessions, settings, clinic_with_reviews(sessions, now), now)
    handler.hang_up = True
    assert send_due(sessions, settings, now=lambda: now).failed == 1
    handler.hang_up = False
    assert send_due(sessions, settings, now=lambda: now + timedelta(minutes=3)).sent == 1
    assert len(handler.messages) == 1


def test_a_crash_between_claim_and_send_is_taken_over_later(
    sessions: sessionmaker[Session], database_url: str, sink: tuple[Sink, int], now: datetime
) -> None:
    handler, port = sink
    settings = alert_settings(database_url, port)
    queue(sessions, settings, clinic_with_reviews(sessions, now), now)
    [batch] = due_batches(sessions, settings.alerts.max_attempts, now)
    assert claim(sessions, batch, now) is not None  # …and the sender dies here
    assert send_due(sessions, settings, now=lambda: now + timedelta(minutes=1)).sent == 0
    assert send_due(sessions, settings, now=lambda: now + timedelta(minutes=11)).sent == 1
    assert len(handler.messages) == 1


def test_overlapping_senders_send_each_email_once(
    sessions: sessionmaker[Session], database_url: str, sink: tuple[Sink, int], now: datetime
) -> None:
    handler, port = sink
    settings = alert_settings(
        database_url, port, recipients=[f"person{n}@clinic.example" for n in range(12)]
    )
    queue(sessions, settings, clinic_with_reviews(sessions, now), now)
    threads = [
        threading.Thread(target=send_due, args=(sessions, settings), kwargs={"now": lambda: now})
        for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(m["To"] for m in handler.messages) == sorted(
        f"person{n}@clinic.example" for n in range(12)
    )


def test_the_weekly_digest_counts_match_the_data(
    sessions: sessionmaker[Session], database_url: str, sink: tuple[Sink, int], now: datetime
) -> None:
    handler, port = sink
    settings = alert_settings(database_url, port)
    ids = seed(sessions, failed_run=True)
    week = digest_week(now, "UTC")
    with sessions.begin() as session:  # Google's figures on the day before the week
        for location, rating, count in ((ids["north"], 4.5, 38), (ids["south"], 3.0, 9)):
            session.add(
                RatingSnapshot(
                    location_id=location,
                    day=week.start - timedelta(days=1),
                    average_rating=rating,
                    total_review_count=count,
                )
            )
    with sessions() as session:
        locations = list(session.scalars(select(Location).order_by(Location.title)))
        digest = build_digest(session, settings, locations, week)
        reviews = session.scalars(select(Review)).all()
    in_week = [r for r in reviews if week.start_time <= r.created_at < week.end_time]
    assert digest["total"]["new_reviews"] == len(in_week)
    for stars in "12345":
        assert digest["total"]["by_stars"][stars] == sum(
            1 for r in in_week if str(r.rating) == stars
        )
    # Today's figure, (4.6 × 40 + 3.0 × 10) / 50, against (4.5 × 38 + 3.0 × 9) / 47 then.
    assert digest["total"]["rating"] == pytest.approx(4.28)
    assert digest["total"]["rating_change"] == pytest.approx(0.07)
    # Seeded metrics: 2 calls a day per clinic, every day: 7 days × 2 clinics × 2 = 28.
    assert digest["total"]["metrics"]["calls"] == {"week": 28, "before": 28}
    # The 1★ and the 2★ wait for a reply, not the unanswered 5★ of 40 days ago.
    assert digest["total"]["waiting_count"] == 2
    waiting = [w["stars"] for s in digest["locations"] for w in s["waiting"]]
    assert sorted(waiting) == [1, 2]
    assert [s["title"] for s in digest["locations"]] == sorted(
        ["Riverbend PT - North", "Riverbend PT - South <b>bold</b>"]
    )
    with sessions.begin() as session:
        assert queue_digests(session, settings, now) == 1
        assert queue_digests(session, settings, now) == 0  # once a week per person
    send_due(sessions, settings, now=lambda: now)
    [message] = handler.messages
    html = message.get_body(("html",)).get_content()
    assert "Riverbend PT - South &lt;b&gt;bold&lt;/b&gt;" in html
    assert message["Subject"].startswith("Weekly digest")
    # Each location's own section counts its own reviews: together they make the total.
    assert sum(s["new_reviews"] for s in digest["locations"]) == digest["total"]["new_reviews"]


def test_a_digest_of_many_locations_shows_those_needing_attention_and_counts_the_rest(
    sessions: sessionmaker[Session], database_url: str, sink: tuple[Sink, int], now: datetime
) -> None:
    handler, port = sink
    settings = alert_settings(database_url, port, digest_location_sections=3)
    week = digest_week(now, "UTC")
    in_week = week.start_time + timedelta(days=2)
    new_one_star = {"Clinic 03": 1, "Clinic 05": 3, "Clinic 08": 2, "Clinic 10": 1}
    with sessions.begin() as session:
        for n in range(12):
            title = f"Clinic {n:02d}"
            location_id = add_location(session, None, f"locations/{n}", title)  # type: ignore[arg-type]
            session.add(review(location_id, f"{n}-happy", 5, in_week, None, "Great care."))
            for i in range(new_one_star.get(title, 0)):
                session.add(review(location_id, f"{n}-{i}", 1, in_week, None, "Rude."))
            if title == "Clinic 10":
                session.add(
                    CollectorRun(
                        collector="reviews",
                        location_id=location_id,
                        started_at=in_week,
                        status="failed",
                        error="Google refused the token",
                    )
                )
        # A group-wide failure is the total's, not a reason to list every location.
        session.add(
            CollectorRun(collector="locations", started_at=in_week, status="failed", error="500")
        )
    with sessions() as session:
        locations = list(session.scalars(select(Location).order_by(Location.title)))
        digest = build_digest(session, settings, locations, week)
    # A failure first, then the most new 1-2 star reviews; Clinic 03 (one) does not fit.
    assert [s["title"] for s in digest["locations"]] == ["Clinic 10", "Clinic 05", "Clinic 08"]
    assert (digest["more_attention"], digest["calm"]) == (1, 8)
    assert digest["total"]["new_reviews"] == 12 + 7  # the totals still cover every location
    # The total lists the group-wide failure and counts the one its location's section lists.
    assert [f["collector"] for f in digest["total"]["failures"]] == ["locations"]
    assert digest["total"]["location_failures"] == 1
    with sessions.begin() as session:
        assert queue_digests(session, settings, now) == 1
    send_due(sessions, settings, now=lambda: now)
    [message] = handler.messages
    html = message.get_body(("html",)).get_content()
    text = message.get_body(("plain",)).get_content()
    assert "<strong>1 more location</strong> had collector failures" in html
    assert "8 locations had none of that this week" in html and "8 locations had none" in text
    assert re.search(r"^Rating: [^\n]*\nNew reviews: \d+", text, re.M)
    assert ">Clinic 05</h3>" in html and ">Clinic 03</h3>" not in html
    # A digest queued by an earlier version (no counts of the rest) still renders.
    earlier = {k: v for k, v in digest.items() if k not in ("more_attention", "calm")}
    assert ">Clinic 05</h3>" in digest_html(settings.alerts, earlier)


def test_implicit_tls(
    sessions: sessionmaker[Session], database_url: str, tmp_path: Path, now: datetime
) -> None:
    authority = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(server_context)
    ca_file = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(ca_file))
    handler = Sink()
    controller = Controller(
        handler, hostname="127.0.0.1", port=free_port(), ssl_context=server_context
    )
    controller.start()
    try:
        settings = alert_settings(
            database_url, controller.port, smtp_security="tls", smtp_ca_file=str(ca_file)
        )
        queue(sessions, settings, clinic_with_reviews(sessions, now), now)
        assert send_due(sessions, settings, now=lambda: now).sent == 1
        assert len(handler.messages) == 1
        untrusted = alert_settings(database_url, controller.port, smtp_security="tls")
        with sessions.begin() as session:
            queue_digests(session, untrusted, now)
        report = send_due(sessions, untrusted, now=lambda: now)
        assert report.failed == 1  # a certificate nobody vouches for is refused
    finally:
        controller.stop()


def test_a_location_title_with_a_line_break_still_alerts_without_a_header_injected(
    sessions: sessionmaker[Session], database_url: str, sink: tuple[Sink, int], now: datetime
) -> None:
    handler, port = sink
    settings = alert_settings(database_url, port)
    with sessions.begin() as session:  # stored verbatim by an earlier locations collector
        location_id = add_location(session, None, "locations/1", "Burnet\r\nBcc: e@x.example")  # type: ignore[arg-type]
        session.add(review(location_id, "r1", 1, now - timedelta(hours=1), None, "Rude."))
    with sessions() as session:
        location = session.get_one(Location, location_id)
    queue(sessions, settings, location, now)
    assert send_due(sessions, settings, now=lambda: now).sent == 1
    [message] = handler.messages
    assert message["Subject"] == "1★ review for Burnet Bcc: e@x.example"
    assert message["Bcc"] is None


def test_an_email_that_cannot_be_built_is_given_up_alone_and_the_queue_goes_on(
    sessions: sessionmaker[Session], database_url: str, sink: tuple[Sink, int], now: datetime
) -> None:
    handler, port = sink
    settings = alert_settings(database_url, port)
    queue(sessions, settings, clinic_with_reviews(sessions, now), now)  # two good alerts for pm@
    with sessions.begin() as session:  # a row no email can be made of, first in the queue
        enqueue(session, "negative:broken", "negative", "pm@clinic.example", {"stars": 1})
        enqueue(session, "digest:broken", "digest", "owner@clinic.example", {"week": "?"})
        session.execute(
            update(Notification)
            .where(Notification.dedupe_key.like("%:broken"))
            .values(next_attempt_at=now - timedelta(days=1))
        )
    report = send_due(sessions, settings, now=lambda: now)
    assert (report.sent, report.failed, report.given_up) == (1, 2, 2)
    [message] = handler.messages
    assert message["Subject"] == "2 new reviews to look at"  # the broken row is not in it
    problem = send_test_email(sessions, settings, "me@clinic.example", now=lambda: now)
    assert problem is None and len(handler.messages) == 2
    with sessions() as session:
        given_up = failed_notifications(session, settings.alerts.max_attempts)
        emails = {e.id: e for e in select_emails(session, settings.alerts.max_attempts)}
    assert sorted(r.dedupe_key for r in given_up) == ["digest:broken", "negative:broken"]
    for row in given_up:
        assert row.claimed_at is None and "cannot be built" in (row.last_error or "")
        assert emails[row.id].status == "given up"
    later = now + timedelta(days=2)
    assert send_due(sessions, settings, now=lambda: later).failed == 0  # never tried again


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("pm@x.example\r\nBcc: e@x.example", "line break"),
        ("pm@x.example\nBcc: e@x.example", "line break"),
        ("a@b.example, evil@x.example", "one email address"),
        ("a@b.example;evil@x.example", "one email address"),
        ("not an address", "not an email address"),
        ("Pat <pat@x.example>", "not an email address"),
    ],
)
def test_a_test_email_goes_to_exactly_one_clean_address(typed: str, problem: str) -> None:
    with pytest.raises(UserError, match=problem):
        one_address(typed)


def test_a_test_email_address_is_taken_as_typed_when_it_is_one_address() -> None:
    assert one_address(" pm@clinic.example ") == "pm@clinic.example"
