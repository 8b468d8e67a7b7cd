"""Website audits as the dashboard shows them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from seo_monitor.models import SiteAudit


@dataclass(frozen=True)
class AuditRow:
    fetched_at: datetime
    url: str
    status: str
    score: int | None
    findings: list[dict[str, Any]]


def select_audits(session: Session, location_id: int, limit: int = 52) -> list[AuditRow]:
    """Newest first."""
    rows = session.scalars(
        select(SiteAudit)
        .where(SiteAudit.location_id == location_id)
        .order_by(SiteAudit.fetched_at.desc(), SiteAudit.id.desc())
        .limit(limit)
    )
    return [AuditRow(r.fetched_at, r.url, r.status, r.score, list(r.findings)) for r in rows]
