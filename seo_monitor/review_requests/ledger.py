"""The review-request ledger: every ask — a poster printed, a code downloaded, an email sent —
with its link, wording and languages. No patient appears in it: it is the record that every
patient got the same neutral ask, not a record of who was asked."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from seo_monitor.models import ReviewRequest


def record_request(
    session: Session,
    location_id: int,
    kind: str,
    link: str,
    wording: str,
    languages: Sequence[str],
    now: datetime,
    *,
    size: str | None = None,
    placement: str | None = None,
) -> None:
    session.add(
        ReviewRequest(
            location_id=location_id,
            kind=kind,
            size=size,
            placement=(placement or "").strip() or None,
            link=link,
            wording=wording,
            languages=list(languages),
            created_at=now,
        )
    )
