"""Sending review requests: decide, queue, send at the hourly cap, settle. Exactly once.

1. **Decide** every waiting visit (eligibility.py): send, wait, or skip with a reason.
2. **Queue** the asks to send as outbox rows (key `ask:<visit id>`), in the same transaction
   that marks the visits queued and settles the skipped ones: a repeated or overlapping run
   queues nothing twice.
3. **Send** through the outbox at most `per_hour` in each clock hour: claimed before sending,
   retried on an SMTP failure, a permanent refusal of the address given up at once (a bounce).
   A server that refuses the clinic itself (sender, login, greeting) stops the run; nothing is
   given up or suppressed for it.
4. **Settle**: a sent ask goes into the review-request ledger; a refused address is suppressed;
   an ask that failed `alerts.max_attempts` times for a temporary reason is tried again at the
   next run while its visit is at most `max_age_days` old, and settled as failed after that.
   Whatever is final keeps keyed hashes, dates and the outcome: the address and the first name
   are emptied, in the visit row and in the outbox row alike.

A killed run leaves queued rows that the next run sends; an SMTP outage leaves them for the
retries. A queued ask counts as asked, so the patient's newer visits queue no second one.
Nothing here logs an address or a name.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from typing import Any

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import delete, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session, sessionmaker

from seo_monitor.alerts import REQUEST_KIND as KIND
from seo_monitor.alerts import ReadEmail, smtp
from seo_monitor.alerts.outbox import STALE_CLAIM, UNBUILDABLE, Batch, deliver_due, enqueue
from seo_monitor.config import Settings
from seo_monitor.errors import UserError
from seo_monitor.models import Location, Notification, ReviewAsk, Suppression
from seo_monitor.review_requests.eligibility import SEND, AskRules, Decision, Visit, decide
from seo_monitor.review_requests.email import LANGUAGES, ask_payload, compose_ask, wording_for
from seo_monitor.review_requests.ledger import record_request
from seo_monitor.review_requests.links import location_review_link
from seo_monitor.times import utcnow

log = logging.getLogger(__name__)
SENT_TO = "(address removed once sent)"  # what the outbox keeps of a settled ask's recipient
PATIENT_PARTS = ("first_name", "token")
FINAL = ("sent", "skipped", "bounced", "failed")
# How smtp.send words a recipient refused for good, at RCPT ("refused the recipient (550)") or
# at DATA with a 5.1.x ("refused the recipient at DATA (550 5.1.1)"): a bounce. Nothing else is.
PERMANENT = re.compile(re.escape(smtp.REFUSED_RECIPIENT) + r" (?:at DATA )?\(5\d\d")


@dataclass
class SendReport:
    queued: int = 0
    sent: int = 0
    failed: int = 0  # this run; retried later
    bounced: int = 0
    waiting: Counter[str] = field(default_factory=Counter)  # reason -> visits
    skipped: Counter[str] = field(default_factory=Counter)
    held_back: int = 0  # queued and due, but over this hour's cap (or after a stop)
    retrying: int = 0  # failed before, waiting for their next try
    no_link: dict[str, str] = field(default_factory=dict)  # location -> what to do about it
    stopped: str | None = None  # the server refused the clinic (sender, login): fix [alerts]

    def link_problems(self) -> list[str]:
        """Each location without a review link, in a sentence with the fix."""
        return [
            f"{problem if problem.startswith(title) else f'{title}: {problem}'}. "
            "Its patients get no ask until then."
            for title, problem in sorted(self.no_link.items())
        ]


def valid_address(text: str) -> bool:
    try:
        validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def send_review_requests(
    sessions: sessionmaker[Session],
    settings: Settings,
    now: Callable[[], datetime] = utcnow,
    send: Callable[[EmailMessage], None] | None = None,
    *,
    dry_run: bool = False,
    location_ids: Sequence[int] | None = None,
) -> SendReport:
    """One run; see the module docstring. A dry run decides and counts, and changes nothing."""
    if not dry_run and not settings.review_requests.enabled:
        raise UserError(
            "review requests are off: set review_requests.enabled = true in config.toml once "
            "the practice has chosen to email patients (a --dry-run shows who would be asked)"
        )
    for language in LANGUAGES:
        wording_for(settings, language)  # custom wording that breaks the rules stops here
    report = SendReport()
    with sessions.begin() as session:
        decisions, visits, no_link = _decisions(session, settings, now(), location_ids)
        for ask_id, decision in decisions.items():
            if decision.action == "wait":
                report.waiting[decision.reason or ""] += 1
            missing = no_link.get(visits[ask_id].location_id)
            if decision.reason == "no review link" and missing:
                report.no_link[missing[0]] = missing[1]
            elif decision.action == "skip":
                report.skipped[decision.reason or ""] += 1
        report.queued = sum(1 for d in decisions.values() if d.action == SEND)
        if dry_run:
            session.rollback()
            return report
        _apply(session, settings, decisions, visits, now())
    _deliver(sessions, settings, now, send, report, location_ids)
    settle(sessions, settings, now())
    return report


def _decisions(
    session: Session, settings: Settings, now: datetime, location_ids: Sequence[int] | None
) -> tuple[dict[int, Decision], dict[int, ReviewAsk], dict[int, tuple[str, str]]]:
    """Every waiting visit's decision, the visits, and the locations without a review link
    (id -> title and what to do)."""
    query = select(ReviewAsk).where(ReviewAsk.status == "waiting")
    if location_ids is not None:
        query = query.where(ReviewAsk.location_id.in_(list(location_ids)))
    waiting = {ask.id: ask for ask in session.scalars(query)}
    locations = {loc.id: loc for loc in session.scalars(select(Location))}
    no_link = {
        loc_id: (loc.title, problem)
        for loc_id, loc in locations.items()
        if (problem := _link_problem(settings, loc)) is not None
    }
    links = {loc_id: loc_id not in no_link for loc_id in locations}
    visits = [
        Visit(
            ask.id,
            str(locations[ask.location_id].account_id),
            ask.patient_key,
            ask.email_key,
            ask.email,
            ask.visit_date,
            links[ask.location_id],
        )
        for ask in waiting.values()
    ]
    suppressed = set(session.scalars(select(Suppression.email_key)))
    decisions = decide(
        visits, now.date(), AskRules.from_settings(settings),
        _last_asked(session, locations, ReviewAsk.patient_key), suppressed, valid_address,
        _last_asked(session, locations, ReviewAsk.email_key),
    )  # fmt: skip
    return decisions, waiting, no_link


def _link_problem(settings: Settings, location: Location) -> str | None:
    """Why the location has no usable review link, and the fix; None when it has one."""
    try:
        location_review_link(settings, location)
    except UserError as exc:
        return str(exc)
    return None


def _last_asked(
    session: Session, locations: dict[int, Location], by: InstrumentedAttribute[Any]
) -> dict[tuple[str, str], date]:
    """When each patient (`by` the patient key) or address (the email key) of each group was
    last asked. An ask still queued in the outbox (held back by the cap or an outage) counts
    as asked on the day it was queued: it will go, so a newer visit must not queue another."""
    when = func.coalesce(ReviewAsk.asked_at, ReviewAsk.updated_at)
    rows = session.execute(
        select(ReviewAsk.location_id, by, func.max(when))
        .where(ReviewAsk.status.in_(("sent", "queued")), by.is_not(None))
        .group_by(ReviewAsk.location_id, by)
    )
    last: dict[tuple[str, str], date] = {}
    for location_id, patient, asked in rows:
        key = (str(locations[location_id].account_id), patient)
        day = asked.date() if isinstance(asked, datetime) else date.fromisoformat(str(asked)[:10])
        last[key] = max(day, last.get(key, day))
    return last


def _apply(
    session: Session,
    settings: Settings,
    decisions: dict[int, Decision],
    waiting: dict[int, ReviewAsk],
    now: datetime,
) -> None:
    """Queue the asks to send; settle the skipped visits (address and name emptied)."""
    locations = {loc.id: loc for loc in session.scalars(select(Location))}
    for ask_id, decision in decisions.items():
        ask = waiting[ask_id]
        if decision.action == SEND:
            location = locations[ask.location_id]
            assert ask.email is not None
            payload = ask_payload(
                settings,
                clinic=location.title,
                link=location_review_link(settings, location),
                address=postal_address(settings, location),
                first_name=ask.first_name,
                language=ask.language,
                token=ask.email_key or "",
            )
            enqueue(session, f"ask:{ask.id}", KIND, ask.email, payload, due=now)
            ask.status, ask.updated_at = "queued", now
        elif decision.action == "skip":
            _settle_visit(ask, "skipped", decision.reason, now)


def postal_address(settings: Settings, location: Location) -> str:
    if settings.review_requests.postal_address:
        return settings.review_requests.postal_address
    town = " ".join(p for p in (location.locality, location.region, location.postal_code) if p)
    parts = [*(location.address_lines or []), town]
    address = ", ".join(p for p in parts if p)
    if not address:
        raise UserError(
            f"{location.title} has no postal address on Google (a service-area business?): set "
            "review_requests.postal_address, which every ask's footer needs (CAN-SPAM)"
        )
    return address


def _settle_visit(ask: ReviewAsk, status: str, reason: str | None, now: datetime) -> None:
    ask.status, ask.reason, ask.updated_at = status, reason, now
    ask.email = ask.first_name = None


def _deliver(
    sessions: sessionmaker[Session],
    settings: Settings,
    now: Callable[[], datetime],
    send: Callable[[EmailMessage], None] | None,
    report: SendReport,
    location_ids: Sequence[int] | None = None,
) -> None:
    """Send the queued asks (only these locations' with `location_ids`) at the hourly cap,
    which counts every location's asks: it protects the clinic's one mail server."""
    alerts = settings.alerts
    room = settings.review_requests.per_hour - _sent_this_hour(sessions, now())
    keys = None
    if location_ids is not None:
        with sessions() as session:
            ids = session.scalars(
                select(ReviewAsk.id).where(
                    ReviewAsk.status == "queued", ReviewAsk.location_id.in_(list(location_ids))
                )
            )
            keys = [f"ask:{ask_id}" for ask_id in ids]

    def composed(batch: Batch) -> EmailMessage:
        return compose_ask(
            settings, alerts, batch.payloads[0], batch.recipient, batch.keys[0], now()
        )

    def delivered(message: EmailMessage) -> None:
        smtp.send(alerts, message)

    outcome = deliver_due(
        sessions,
        composed,
        send or delivered,
        alerts.max_attempts,
        now,
        kinds=(KIND,),
        limit=max(0, room),
        give_up_refused=True,
        keys=keys,
    )
    report.sent, report.failed, report.stopped = outcome.sent, outcome.failed, outcome.stopped
    with sessions() as session:
        unsent = (
            Notification.kind == KIND,
            Notification.sent_at.is_(None),
            Notification.attempts < alerts.max_attempts,
        )
        report.held_back = int(
            session.scalar(
                select(func.count()).where(*unsent, Notification.next_attempt_at <= now())
            )
            or 0
        )
        report.retrying = int(
            session.scalar(
                select(func.count()).where(*unsent, Notification.next_attempt_at > now())
            )
            or 0
        )


def _sent_this_hour(sessions: sessionmaker[Session], now: datetime) -> int:
    """Asks sent since the clock hour began. A clock hour, not the last 60 minutes: the job
    runs on the hour with a little jitter, and a rolling window would find most of the last
    run's asks still inside it and send next to nothing."""
    hour_began = now.replace(minute=0, second=0, microsecond=0)
    with sessions() as session:
        return int(
            session.scalar(
                select(func.count()).where(
                    Notification.kind == KIND, Notification.sent_at >= hour_began
                )
            )
            or 0
        )


def settle(sessions: sessionmaker[Session], settings: Settings, now: datetime) -> int:
    """Settle every ask whose email went out or was given up; how many were settled."""
    max_attempts = settings.alerts.max_attempts
    settled = 0
    with sessions.begin() as session:
        queued = {
            ask.id: ask
            for ask in session.scalars(select(ReviewAsk).where(ReviewAsk.status == "queued"))
        }
        keys = [f"ask:{ask_id}" for ask_id in queued]
        rows = session.scalars(select(Notification).where(Notification.dedupe_key.in_(keys)))
        for row in rows:
            ask = queued[int(row.dedupe_key.split(":")[1])]
            if row.sent_at is not None:
                _sent(session, settings, ask, row, now)
            elif row.attempts >= max_attempts:
                if _retry_later(settings, ask, row, now):
                    continue
                _refused(session, ask, row, now)
            elif _too_old(settings, ask, now) and not _in_flight(row, now):
                _expire(session, settings, ask, row, now)
                continue
            else:
                continue
            row.recipient, row.payload = SENT_TO, without_the_patient(row.payload)
            settled += 1
    return settled


def _too_old(settings: Settings, ask: ReviewAsk, now: datetime) -> bool:
    return (now.date() - ask.visit_date).days > settings.review_requests.max_age_days


def _in_flight(row: Notification, now: datetime) -> bool:
    """Claimed by a sender that may be sending it right now."""
    claimed = row.claimed_at
    if claimed is None:
        return False
    if claimed.tzinfo is None:  # SQLite gives naive UTC back
        claimed = claimed.replace(tzinfo=now.tzinfo)
    return claimed >= now - STALE_CLAIM


def _expire(
    session: Session, settings: Settings, ask: ReviewAsk, row: Notification | None, now: datetime
) -> None:
    """A queued ask whose visit grew older than max_age_days without being sent (the server
    refused the clinic for days, a cap too low for the list, asks switched off): it will not
    go. Never tried: the outbox row is deleted and the visit skipped as too old. Tried and
    failed: the row is given up (its last_error stays for the Data health page) and the visit
    settled as failed. Either way the address and the name are gone."""
    if row is None or (row.attempts == 0 and row.last_error is None):
        if row is not None:
            session.delete(row)
        _settle_visit(ask, "skipped", "too old", now)
        return
    row.attempts = max(row.attempts, settings.alerts.max_attempts)
    row.claimed_at = row.claimed_by = None
    row.recipient, row.payload = SENT_TO, without_the_patient(row.payload)
    _settle_visit(ask, "failed", "delivery failed", now)


def _retry_later(settings: Settings, ask: ReviewAsk, row: Notification, now: datetime) -> bool:
    """An ask given up after alerts.max_attempts failures (an outage, or an answer that someone
    at the clinic may fix) while its visit can still be asked: tried again at the next run
    instead of lost. One more attempt at a time, so the outbox shows how long it has been
    failing. A refused address or an email that cannot be built is final; so is a visit older
    than max_age_days."""
    error = row.last_error or ""
    if PERMANENT.search(error) or error.startswith(UNBUILDABLE):
        return False
    if (now.date() - ask.visit_date).days > settings.review_requests.max_age_days:
        return False
    row.attempts = settings.alerts.max_attempts - 1
    row.next_attempt_at = now
    return True


def without_the_patient(payload: dict[str, Any]) -> dict[str, Any]:
    """What a settled ask's outbox row keeps: the clinic's words, link and address, so the Alerts
    page can show what went out; not the first name or the address's token."""
    return {k: v for k, v in payload.items() if k not in PATIENT_PARTS}


def read_ask(session: Session, settings: Settings, notification_id: int) -> ReadEmail | None:
    """A review request of the outbox as the patient read it, their name left out; None for
    any other email (alerts.read_email shows those)."""
    row = session.get(Notification, notification_id)
    if row is None or row.kind != KIND:
        return None
    try:
        message = compose_ask(
            settings, settings.alerts, {**row.payload, "first_name": None, "token": ""},
            row.recipient, row.dedupe_key, row.sent_at or row.created_at,
        )  # fmt: skip
    except (KeyError, UserError) as exc:  # settled before the words were kept
        return ReadEmail("Review request", f"Not shown: {type(exc).__name__}: {exc}")
    body = message.get_body(("plain",))
    return ReadEmail(str(message["Subject"]), body.get_content() if body else "")


def _sent(
    session: Session, settings: Settings, ask: ReviewAsk, row: Notification, now: datetime
) -> None:
    payload = row.payload
    record_request(
        session,
        ask.location_id,
        "email",
        payload["link"],
        f"{payload['subject']} | {payload['message']}",
        [payload["language"]],
        now,
        placement="email after a visit",
    )
    _settle_visit(ask, "sent", None, now)
    ask.asked_at = row.sent_at


def _refused(session: Session, ask: ReviewAsk, row: Notification, now: datetime) -> None:
    """Given up: an address the server refused for good is a bounce, suppressed from now on.
    The visit keeps a short reason; the outbox row keeps the server's whole answer (last_error)
    for the Data health page."""
    bounced = PERMANENT.search(row.last_error or "") is not None
    if bounced and ask.email_key:
        suppress(session, ask.email_key, "bounced", None, now)
    _settle_visit(ask, "bounced" if bounced else "failed", _short_reason(row, bounced), now)


def _short_reason(row: Notification, bounced: bool) -> str:
    """What review_asks.reason (80 characters) keeps of a given-up ask."""
    if bounced:
        return "bounced"
    if (row.last_error or "").startswith(UNBUILDABLE):
        return "email cannot be built"
    return "delivery failed"


def suppress(
    session: Session, email_key: str, reason: str, actor: str | None, now: datetime
) -> bool:
    """No more asks to this address; True when it was not suppressed already. Asks already
    queued for it are withdrawn."""
    if session.get(Suppression, email_key) is not None:
        return False
    session.add(Suppression(email_key=email_key, reason=reason, created_at=now, actor=actor))
    pending = session.scalars(
        select(ReviewAsk).where(
            ReviewAsk.email_key == email_key, ReviewAsk.status.in_(("waiting", "queued"))
        )
    ).all()
    for ask in pending:
        if ask.status == "queued":  # not sent yet: withdrawn (it was never more than a draft)
            session.execute(
                delete(Notification).where(
                    Notification.dedupe_key == f"ask:{ask.id}", Notification.sent_at.is_(None)
                )
            )
        _settle_visit(ask, "skipped", "unsubscribed", now)
    return True


def forget_stale_visits(session: Session, settings: Settings, today: date) -> int:
    """Visits too old to be asked lose their address and name, asked or not (the maintenance
    job: also while review requests are off). An ask still queued for such a visit will not
    go: its unsent outbox row is deleted, or given up with its address erased when it was
    tried (see _expire); one a sender holds right now is left to that sender."""
    oldest = today - timedelta(days=settings.review_requests.max_age_days)
    now = utcnow()
    stale = session.scalars(
        select(ReviewAsk).where(
            ReviewAsk.status.in_(("waiting", "queued")), ReviewAsk.visit_date < oldest
        )
    ).all()
    queued = [ask for ask in stale if ask.status == "queued"]
    rows = {
        row.dedupe_key: row
        for row in session.scalars(
            select(Notification).where(
                Notification.dedupe_key.in_([f"ask:{ask.id}" for ask in queued])
            )
        )
    }
    forgotten = 0
    for ask in stale:
        row = rows.get(f"ask:{ask.id}")
        if ask.status == "waiting":
            _settle_visit(ask, "skipped", "too old", now)
        elif row is not None and row.sent_at is not None:  # sent, never settled (a kill)
            _sent(session, settings, ask, row, now)
            row.recipient, row.payload = SENT_TO, without_the_patient(row.payload)
        elif row is not None and _in_flight(row, now):
            continue
        else:
            _expire(session, settings, ask, row, now)
        forgotten += 1
    return forgotten
