"""Website audits as the dashboard shows them.

A site that could not be read has no score: `score` is None and `reason` says why. Charts and
comparisons take only the audits that have a score (`score_history`, `score_change`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from seo_monitor.models import SiteAudit

UNREACHABLE_PREFIX = "site unreachable: "


@dataclass(frozen=True)
class AuditRow:
    fetched_at: datetime
    url: str
    status: str  # ok, unreachable
    score: int | None  # None when the site could not be read
    findings: list[dict[str, Any]]
    reason: str | None = None  # why there is no score


def select_audits(session: Session, location_id: int, limit: int = 52) -> list[AuditRow]:
    """Newest first."""
    rows = session.scalars(
        select(SiteAudit)
        .where(SiteAudit.location_id == location_id)
        .order_by(SiteAudit.fetched_at.desc(), SiteAudit.id.desc())
        .limit(limit)
    )
    return [audit_row(r) for r in rows]


def audit_row(audit: SiteAudit) -> AuditRow:
    findings = list(audit.findings)
    if audit.status != "unreachable":
        return AuditRow(audit.fetched_at, audit.url, audit.status, audit.score, findings)
    # Audits stored before unreadable sites lost their score carry 85: not a score either.
    return AuditRow(
        audit.fetched_at, audit.url, audit.status, None, findings, unreachable_reason(findings)
    )


def unreachable_reason(findings: list[dict[str, Any]]) -> str:
    for finding in findings:
        message = str(finding.get("message", ""))
        if finding.get("check") == "reachable" and message.startswith(UNREACHABLE_PREFIX):
            return message[len(UNREACHABLE_PREFIX) :]
    return "the site could not be read"


def score_history(audits: list[AuditRow]) -> list[tuple[datetime, int]]:
    """(when, score) oldest first, for the audits that have a score."""
    return [(a.fetched_at, a.score) for a in reversed(audits) if a.score is not None]


def score_change(audits: list[AuditRow]) -> int | None:
    """The newest audit's score against the one before that has a score; None when the newest
    has none or no earlier audit has one."""
    if not audits or audits[0].score is None:
        return None
    earlier = next((a.score for a in audits[1:] if a.score is not None), None)
    return None if earlier is None else audits[0].score - earlier
