"""Posting, editing and deleting replies to Google reviews, each step in the reply log.

Lint → block on findings unless a person gives an override reason → `updateReply` → log →
follow the reply's moderation state (PENDING → APPROVED or REJECTED with a reason). A reply
counts as posted only once Google accepted it; a failed call leaves the review as it was and
the log row marked failed, ready to retry. Nothing here runs on its own: a person asks.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from seo_monitor.config import Settings
from seo_monitor.errors import CollectorError, UserError
from seo_monitor.models import Location, ReplyLog, Review
from seo_monitor.replies.linter import Finding, ReviewContext, lint_reply, reply_size_problem
from seo_monitor.times import parse_timestamp, utcnow

log = logging.getLogger(__name__)


class ReplyClient(Protocol):
    def get_review(self, review_name: str) -> dict[str, Any]: ...

    def update_reply(self, review_name: str, comment: str) -> dict[str, Any]: ...

    def delete_reply(self, review_name: str) -> dict[str, Any]: ...


@dataclass
class ReplyOutcome:
    log_id: int
    status: str  # blocked, failed, accepted, deleted
    reply_state: str | None = None  # PENDING, APPROVED, REJECTED
    policy_violation: str | None = None
    error: str | None = None
    findings: list[Finding] = field(default_factory=list)


@dataclass(frozen=True)
class PracticeDetails:
    """What the linter knows of the practice: its people and its own contact details."""

    staff_names: Sequence[str] = ()
    contacts: Sequence[str] = ()

    @classmethod
    def from_settings(cls, settings: Settings) -> PracticeDetails:
        """The staff names and the office phone from [replies]: what the CLI and the dashboard
        both give the check."""
        replies = settings.replies
        office = (replies.office_phone,) if replies.office_phone else ()
        return cls(tuple(replies.staff_names), office)

    def check(
        self, text: str, review: ReviewContext, location_phone: str | None = None
    ) -> list[Finding]:
        """The reply check with what the practice may say: its staff, its office phone and the
        reviewed location's own phone (the CLI, the reply editor and posting all call this)."""
        contacts = [*self.contacts, *([location_phone] if location_phone else [])]
        return lint_reply(text, review, self.staff_names, contacts)


def post_reply(
    sessions: sessionmaker[Session],
    client: ReplyClient,
    review_id: int,
    text: str,
    actor: str,
    practice: PracticeDetails = PracticeDetails(),
    override_reason: str | None = None,
) -> ReplyOutcome:
    """Post (or replace) the reply to a review; see the module docstring for the steps."""
    problem = reply_size_problem(text)
    if problem:
        raise UserError(problem)
    review = _load(sessions, review_id)
    findings = practice.check(text, ReviewContext(review.author_name, review.text), review.phone)
    action = "edit" if review.reply_text else "post"
    if findings and not (override_reason and override_reason.strip()):
        log_id = _log(sessions, review_id, action, text, findings, None, actor, "blocked")
        return ReplyOutcome(log_id, "blocked", findings=findings)
    log_id = _log(sessions, review_id, action, text, findings, override_reason, actor, "sending")
    try:
        answer = client.update_reply(review.resource_name, text)
    except CollectorError as exc:
        return _failed(sessions, log_id, exc, findings)
    state, violation = _moderation(answer, default="PENDING")
    # Google's answer carries the reply's time; an answer without one is still a posted reply.
    replied_at = parse_timestamp(answer["updateTime"]) if answer.get("updateTime") else utcnow()
    with sessions.begin() as session:
        entry = session.get_one(ReplyLog, log_id)
        entry.api_status, entry.reply_state = "accepted", state
        entry.policy_violation = violation
        stored = session.get_one(Review, review_id)
        stored.reply_text, stored.reply_updated_at, stored.reply_state = text, replied_at, state
        stored.reply_policy_violation = violation
    outcome = ReplyOutcome(log_id, "accepted", state, violation, findings=findings)
    return follow_state(sessions, client, log_id) if state == "PENDING" else outcome


def delete_reply(
    sessions: sessionmaker[Session], client: ReplyClient, review_id: int, actor: str
) -> ReplyOutcome:
    review = _load(sessions, review_id)
    if not review.reply_text:
        raise UserError(f"review {review_id} has no reply to delete")
    log_id = _log(sessions, review_id, "delete", None, [], None, actor, "sending")
    try:
        client.delete_reply(review.resource_name)
    except CollectorError as exc:
        return _failed(sessions, log_id, exc, [])
    with sessions.begin() as session:
        session.get_one(ReplyLog, log_id).api_status = "deleted"
        stored = session.get_one(Review, review_id)
        stored.reply_text = stored.reply_updated_at = stored.reply_state = None
        stored.reply_policy_violation = None
    return ReplyOutcome(log_id, "deleted")


def follow_state(sessions: sessionmaker[Session], client: ReplyClient, log_id: int) -> ReplyOutcome:
    """Read the review again and record where moderation stands."""
    with sessions() as session:
        entry = session.get_one(ReplyLog, log_id)
        review = session.get_one(Review, entry.review_id)
        name = review.resource_name or ""
    try:
        reply = client.get_review(name).get("reviewReply") or {}
    except CollectorError as exc:
        log.warning("could not read the state of reply %s: %s", log_id, exc)
        return ReplyOutcome(log_id, "accepted", entry.reply_state, error=str(exc))
    if not reply:  # deleted on Google since: nothing to follow
        return ReplyOutcome(log_id, "accepted", entry.reply_state)
    state, violation = _moderation(reply, default="APPROVED")
    with sessions.begin() as session:
        entry = session.get_one(ReplyLog, log_id)
        entry.reply_state, entry.policy_violation = state, violation
        stored = session.get_one(Review, entry.review_id)
        stored.reply_state, stored.reply_policy_violation = state, violation
    return ReplyOutcome(log_id, "accepted", state, violation)


def _moderation(reply: dict[str, Any], default: str) -> tuple[str, str | None]:
    """Google's reviewReplyState and, for a rejected reply, its policyViolation: enum words,
    kept only when they are short strings (the columns hold 40 and 80 characters)."""
    state = _enum_word(reply.get("reviewReplyState"), 40) or default
    violation = _enum_word(reply.get("policyViolation"), 80) if state == "REJECTED" else None
    return state, violation


def _enum_word(value: Any, limit: int) -> str | None:
    return value.strip()[:limit] if isinstance(value, str) and value.strip() else None


def follow_pending(sessions: sessionmaker[Session], client: ReplyClient) -> list[ReplyOutcome]:
    """Follow every accepted reply still waiting for Google's moderation."""
    with sessions() as session:
        pending = list(
            session.scalars(
                select(ReplyLog.id).where(
                    ReplyLog.api_status == "accepted", ReplyLog.reply_state == "PENDING"
                )
            )
        )
    return [follow_state(sessions, client, log_id) for log_id in pending]


@dataclass(frozen=True)
class _Review:
    resource_name: str
    author_name: str | None
    text: str | None
    reply_text: str | None
    phone: str | None


def _load(sessions: sessionmaker[Session], review_id: int) -> _Review:
    with sessions() as session:
        row = session.execute(
            select(
                Review.resource_name,
                Review.author_name,
                Review.text,
                Review.reply_text,
                Review.source,
                Review.deleted_at,
                Location.phone,
            )
            .join(Location, Location.id == Review.location_id)
            .where(Review.id == review_id)
        ).first()
    if row is None:
        raise UserError(f"no review with id {review_id}")
    if row.source != "google" or not row.resource_name:
        raise UserError(
            f"review {review_id} came from {row.source}: answer it on that site; only Google "
            "reviews can be answered from seo-monitor"
        )
    if row.deleted_at is not None:
        raise UserError(f"review {review_id} was deleted on Google; there is nothing to answer")
    return _Review(row.resource_name, row.author_name, row.text, row.reply_text, row.phone)


def _log(
    sessions: sessionmaker[Session],
    review_id: int,
    action: str,
    text: str | None,
    findings: list[Finding],
    override_reason: str | None,
    actor: str,
    status: str,
) -> int:
    with sessions.begin() as session:
        entry = ReplyLog(
            review_id=review_id,
            action=action,
            text=text,
            findings=[f.as_dict() for f in findings],
            override_reason=override_reason.strip() if override_reason else None,
            actor=actor,
            created_at=utcnow(),
            api_status=status,
        )
        session.add(entry)
        session.flush()
        return entry.id


def _failed(
    sessions: sessionmaker[Session], log_id: int, exc: CollectorError, findings: list[Finding]
) -> ReplyOutcome:
    log.warning("reply %s was not posted: %s", log_id, exc)  # the error, never the text
    with sessions.begin() as session:
        entry = session.get_one(ReplyLog, log_id)
        entry.api_status, entry.api_error = "failed", str(exc)
    return ReplyOutcome(log_id, "failed", error=str(exc), findings=findings)
