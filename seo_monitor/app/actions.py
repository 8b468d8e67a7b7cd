"""What a person asks for now, from the CLI or the dashboard: one implementation each.

Connecting to Google, posting or deleting a reply (with the practice's details for the check),
auditing any website. Errors a person can act on are UserErrors that say what to do.
"""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from collectors.google_client import GoogleClient
from collectors.website import audit_site
from seo_monitor.app.jobs import make_client
from seo_monitor.config import Settings
from seo_monitor.errors import CollectorError, UserError
from seo_monitor.replies import PracticeDetails, ReplyOutcome, delete_reply, post_reply
from seo_monitor.website import AuditResult, Profile

__all__ = ["audit_website", "connect_google", "delete_reply_now", "post_reply_now"]


def connect_google(settings: Settings) -> GoogleClient:
    """The Google client, or a UserError that says how to connect."""
    try:
        return make_client(settings)
    except CollectorError as exc:
        raise UserError(f"{exc}. {exc.hint or ''}".strip()) from None


def post_reply_now(
    settings: Settings,
    sessions: sessionmaker[Session],
    review_id: int,
    text: str,
    actor: str,
    override_reason: str | None = None,
) -> ReplyOutcome:
    """Check the reply against the review and the practice's details, then post it to Google."""
    return post_reply(
        sessions,
        connect_google(settings),
        review_id,
        text,
        actor,
        PracticeDetails.from_settings(settings),
        override_reason,
    )


def delete_reply_now(
    settings: Settings, sessions: sessionmaker[Session], review_id: int, actor: str
) -> ReplyOutcome:
    return delete_reply(sessions, connect_google(settings), review_id, actor)


def audit_website(url: str, settings: Settings, profile: Profile | None = None) -> AuditResult:
    """Audit any site now (a competitor's, say) with the configured limits; nothing is stored."""
    return audit_site(url, settings, profile)
