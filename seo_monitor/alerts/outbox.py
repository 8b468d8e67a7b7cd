"""The email outbox: every email is a row first, then sent exactly once.

A row is created in the same transaction as the data that caused it, under a unique dedupe key,
so a repeated or overlapping run adds nothing. Sending claims due rows (an UPDATE that only one
sender can win), sends, and marks them sent; a failure releases them with a backoff, and after
`alerts.max_attempts` tries a row is given up and shown on the Data health page. A row whose
email cannot be built at all (content the email format refuses) is given up at once, with the
reason, without holding back the rows after it. A server that refuses the clinic rather than an
email (the login, the sender, the greeting: SendError.server_refused) stops the run and costs
no attempt: no email can go until someone fixes it, and none should be given up meanwhile. A
sender that dies between claim and send leaves a claim that goes stale and is taken over.

The one window no outbox can close: the SMTP server accepted a message and the process died
before marking it sent. The retry then sends it again, with the same Message-ID, which mail
systems use to drop the duplicate.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

from sqlalchemy import and_, or_, select, true, update
from sqlalchemy.orm import Session, sessionmaker

from seo_monitor.alerts.smtp import SendError
from seo_monitor.db import upsert
from seo_monitor.errors import UserError
from seo_monitor.models import Notification
from seo_monitor.times import utcnow

log = logging.getLogger(__name__)
STALE_CLAIM = timedelta(minutes=10)
BACKOFF = timedelta(minutes=2)
UNBUILDABLE = "the email cannot be built"  # how a given-up row's last_error begins
MAX_BACKOFF = timedelta(hours=6)


def enqueue(
    session: Session,
    dedupe_key: str,
    kind: str,
    recipient: str,
    payload: dict[str, Any],
    due: datetime | None = None,
) -> bool:
    """Add an email unless one with this key exists; True when it was added."""
    now = utcnow()
    row = {
        "dedupe_key": dedupe_key,
        "kind": kind,
        "recipient": recipient,
        "payload": payload,
        "created_at": now,
        "next_attempt_at": due or now,
        "attempts": 0,
    }
    return upsert(session, Notification, [row], key=("dedupe_key",), update=()) == 1


@dataclass(frozen=True)
class Batch:
    """Due rows of one kind for one recipient: one email."""

    kind: str
    recipient: str
    ids: tuple[int, ...]
    payloads: tuple[dict[str, Any], ...]
    keys: tuple[str, ...]

    def rows(self) -> list[Batch]:
        return [self.only({row_id}) for row_id in self.ids]

    def only(self, ids: set[int]) -> Batch:
        kept = [i for i, row_id in enumerate(self.ids) if row_id in ids]
        return Batch(
            self.kind,
            self.recipient,
            tuple(self.ids[i] for i in kept),
            tuple(self.payloads[i] for i in kept),
            tuple(self.keys[i] for i in kept),
        )


@dataclass
class DeliveryReport:
    sent: int = 0  # emails
    failed: int = 0  # emails that failed this time (retried later or given up)
    given_up: int = 0
    stopped: str | None = None  # why the run stopped early: the server refused the clinic


Compose = Callable[[Batch], EmailMessage]
Send = Callable[[EmailMessage], None]


def deliver_due(
    sessions: sessionmaker[Session],
    compose: Compose,
    send: Send,
    max_attempts: int,
    now: Callable[[], datetime] = utcnow,
    kinds: Collection[str] | None = None,
    limit: int | None = None,
    give_up_refused: bool = False,
    keys: Collection[str] | None = None,
) -> DeliveryReport:
    """Send every due email of these `kinds` (all for None) once, at most `limit` of them;
    see the module docstring. With `give_up_refused`, an email whose recipient the server
    refused for good (a bounce, SendError.recipient_refused) is given up at once instead of
    retried. When the server refuses the clinic itself (SendError.server_refused: the sender,
    the login, the greeting), the run stops: the email is tried again later without counting
    an attempt, since no email can go until [alerts] or the server is fixed. With `keys`,
    only the emails with these dedupe keys are sent (one location's review requests)."""
    report = DeliveryReport()
    wanted = set(keys) if keys is not None else None
    for batch in due_batches(sessions, max_attempts, now(), kinds):
        if limit is not None and report.sent >= limit:
            break
        if wanted is not None and not wanted.issuperset(batch.keys):
            continue
        token = claim(sessions, batch, now())
        if token is None:
            continue  # another sender has it
        buildable = batch
        try:
            buildable, message, broken = build(batch, compose)
            if broken:
                report.failed += len(broken)
                report.given_up += give_up(sessions, broken, token, max_attempts, now())
            if message is not None:
                send(message)
        except (SendError, UserError) as exc:  # UserError: a setting the email needs is missing
            report.failed += 1
            if isinstance(exc, SendError) and exc.server_refused:
                postpone(sessions, buildable, token, str(exc), now())
                report.stopped = str(exc)
                log.warning("the mail server refused the clinic (%s); this run stops", exc)
                break
            if give_up_refused and isinstance(exc, SendError) and exc.recipient_refused:
                errors = {row_id: str(exc) for row_id in buildable.ids}
                report.given_up += give_up(sessions, errors, token, max_attempts, now())
            else:
                report.given_up += release(
                    sessions, buildable, token, str(exc), max_attempts, now()
                )
            log.warning("email to recipient #%s failed: %s", batch.ids[0], exc)
            continue
        if message is not None:
            mark_sent(sessions, buildable, token, now())
            report.sent += 1
    return report


def build(batch: Batch, compose: Compose) -> tuple[Batch, EmailMessage | None, dict[int, str]]:
    """The email for the batch, and the rows no email can be built from (with why).

    1. Compose the batch; done when that works.
    2. Otherwise compose each row alone: the rows that fail are broken.
    3. Compose the rows that are left (none left: no email).
    A UserError (a missing setting) is no fault of the rows: it goes to the caller.
    """
    try:
        return batch, compose(batch), {}
    except UserError:
        raise
    except Exception as exc:
        if len(batch.ids) == 1:
            return batch, None, {batch.ids[0]: unbuildable(batch.ids[0], exc)}
    broken = {}
    for row in batch.rows():
        try:
            compose(row)
        except UserError:
            raise
        except Exception as exc:
            broken[row.ids[0]] = unbuildable(row.ids[0], exc)
    rest = batch.only(set(batch.ids) - set(broken))
    if not rest.ids:
        return rest, None, broken
    try:
        return rest, compose(rest), broken
    except UserError:
        raise
    except Exception as exc:  # each row alone works, together they do not: none can go
        return rest, None, {**broken, **{i: unbuildable(i, exc) for i in rest.ids}}


def unbuildable(row_id: int, exc: Exception) -> str:
    # The log gets the id and the kind of fault; the row keeps the reason for the health page.
    log.warning("email #%s cannot be built (%s); given up", row_id, type(exc).__name__)
    return f"{UNBUILDABLE}, so it is not retried: {type(exc).__name__}: {exc}"[:500]


def due_batches(
    sessions: sessionmaker[Session],
    max_attempts: int,
    now: datetime,
    kinds: Collection[str] | None = None,
) -> list[Batch]:
    with sessions() as session:
        rows = session.execute(
            select(Notification)
            .where(
                Notification.sent_at.is_(None),
                Notification.attempts < max_attempts,
                Notification.next_attempt_at <= now,
                or_(Notification.claimed_at.is_(None), Notification.claimed_at < now - STALE_CLAIM),
                Notification.kind.in_(list(kinds)) if kinds is not None else true(),
            )
            .order_by(Notification.id)
        ).scalars()
        groups: dict[tuple[str, str], list[Notification]] = {}
        for row in rows:
            # Negative-review alerts to one person go out together; anything else alone.
            group = (row.kind, row.recipient) if row.kind == "negative" else (row.dedupe_key, "")
            groups.setdefault(group, []).append(row)
        return [
            Batch(
                items[0].kind,
                items[0].recipient,
                tuple(r.id for r in items),
                tuple(r.payload for r in items),
                tuple(r.dedupe_key for r in items),
            )
            for items in groups.values()
        ]


def claim(sessions: sessionmaker[Session], batch: Batch, now: datetime) -> str | None:
    """Take the batch's rows for this sender; None when another sender took any of them."""
    token = uuid.uuid4().hex
    with sessions.begin() as session:
        claimed = session.execute(
            update(Notification)
            .where(
                Notification.id.in_(batch.ids),
                Notification.sent_at.is_(None),
                or_(Notification.claimed_at.is_(None), Notification.claimed_at < now - STALE_CLAIM),
            )
            .values(claimed_at=now, claimed_by=token)
            .returning(Notification.id)
        ).all()
        if len(claimed) != len(batch.ids):
            session.rollback()
            return None
    return token


def mark_sent(sessions: sessionmaker[Session], batch: Batch, token: str, now: datetime) -> None:
    with sessions.begin() as session:
        session.execute(
            update(Notification)
            .where(Notification.id.in_(batch.ids), Notification.claimed_by == token)
            .values(sent_at=now, attempts=Notification.attempts + 1, last_error=None)
        )


def release(
    sessions: sessionmaker[Session],
    batch: Batch,
    token: str,
    error: str,
    max_attempts: int,
    now: datetime,
) -> int:
    """Record the failure and free the rows for a later try; how many were given up."""
    given_up = 0
    with sessions.begin() as session:
        rows = _claimed_rows(session, batch, token)
        for row in rows:
            row.attempts += 1
            row.last_error = error
            row.claimed_at = row.claimed_by = None
            row.next_attempt_at = now + min(BACKOFF * 2 ** (row.attempts - 1), MAX_BACKOFF)
            given_up += row.attempts >= max_attempts
    return given_up


def postpone(
    sessions: sessionmaker[Session], batch: Batch, token: str, error: str, now: datetime
) -> None:
    """Free the claimed rows for a later try without counting an attempt: the fault was the
    server's refusal of the clinic, not anything about these emails. Due again at once: the
    run that met the refusal stops, so each run knocks once, and the first run after the fix
    sends."""
    with sessions.begin() as session:
        rows = _claimed_rows(session, batch, token)
        for row in rows:
            row.last_error = error
            row.claimed_at = row.claimed_by = None
            row.next_attempt_at = now


def give_up(
    sessions: sessionmaker[Session],
    errors: dict[int, str],
    token: str,
    max_attempts: int,
    now: datetime,
) -> int:
    """Record why each of these claimed rows can never be sent, and stop trying them."""
    with sessions.begin() as session:
        rows = session.scalars(
            select(Notification).where(
                Notification.id.in_(errors), Notification.claimed_by == token
            )
        ).all()
        for row in rows:
            row.attempts = max(row.attempts + 1, max_attempts)
            row.last_error = errors[row.id]
            row.claimed_at = row.claimed_by = None
            row.next_attempt_at = now
    return len(rows)


def message_id(keys: Iterable[str], domain: str) -> str:
    """The same email always gets the same Message-ID, so a resent duplicate can be dropped."""
    return f"<{uuid.uuid5(uuid.NAMESPACE_URL, '|'.join(sorted(keys))).hex}@{domain}>"


def failed_notifications(session: Session, max_attempts: int) -> list[Notification]:
    """Emails given up on, newest first (the Data health page)."""
    return list(
        session.scalars(
            select(Notification)
            .where(and_(Notification.sent_at.is_(None), Notification.attempts >= max_attempts))
            .order_by(Notification.id.desc())
        )
    )


def _claimed_rows(session: Session, batch: Batch, token: str) -> Sequence[Notification]:
    """The batch's rows that this run still holds (a row another run took over is not ours)."""
    return session.scalars(
        select(Notification).where(Notification.id.in_(batch.ids), Notification.claimed_by == token)
    ).all()
