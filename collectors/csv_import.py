"""Reviews from other sites (Healthgrades, Yelp, Facebook, …) from a CSV export.

Read every row first (collectors/csv_files.py reads the file); if any row is unusable, report
them all with their line numbers and import nothing. Rows are keyed by (location, source, id),
so importing the same file again changes nothing, and a corrected file updates what changed.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from collectors.csv_files import MEGABYTE, Layout, Row, read_export, refuse
from collectors.reviews import ReviewRow
from seo_monitor.db import upsert
from seo_monitor.models import Location, Review

SOURCES = ("healthgrades", "yelp", "facebook", "other")
MAX_TEXT = 20_000
# No review site was taking reviews before 2000; an earlier date is a broken export.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
# Time zones move a date-only value by up to a day; more in the future is a broken export.
FUTURE_SLACK = timedelta(days=1)
# Accepted header names for each field (case and spaces do not matter).
COLUMNS = {
    "id": ("id", "review_id", "external_id", "review id"),
    "rating": ("rating", "stars", "star_rating", "score"),
    "date": ("date", "created", "created_at", "review_date", "review date"),
    "text": ("text", "review", "comment", "body", "review text"),
    "author": ("author", "reviewer", "name", "reviewer_name", "reviewer name"),
    "reply": ("reply", "response", "owner_response", "owner response"),
    "reply_date": ("reply_date", "response_date", "reply date", "response date"),
}
LAYOUT = Layout("reviews", COLUMNS, ("rating", "date"), "reviews.import_max_megabytes")
UPDATED = (
    "rating",
    "text",
    "author_name",
    "updated_at",
    "reply_text",
    "reply_updated_at",
    "reply_state",
)


def parse_row(row: Row, now: datetime) -> ReviewRow:
    rating = _rating(row.get("rating", ""))
    created = _moment(row.get("date", ""), "date", now)
    text = row.get("text", "")[:MAX_TEXT] or None
    author = row.get("author", "")[:500] or None
    reply = row.get("reply", "")[:MAX_TEXT] or None
    replied = _reply_moment(row.get("reply_date", ""), created, now)
    external_id = row.get("id") or stable_id(created, author, text)
    return ReviewRow(
        external_id=external_id[:500],
        resource_name=None,
        rating=rating,
        text=text,
        original_text=None,
        author_name=author,
        author_is_anonymous=author is None,
        created_at=created,
        updated_at=replied or created,
        reply_text=reply,
        reply_updated_at=replied,
        reply_state="APPROVED" if reply else None,
        reply_policy_violation=None,
    )


def _reply_moment(raw: str, created: datetime, now: datetime) -> datetime | None:
    """A reply cannot come before its review. Within a day it can seem to, when one of the two
    dates has no time (midnight) or they were written in different time zones: then the reply
    is taken as given at the review's time."""
    if not raw:
        return None
    replied = _moment(raw, "reply date", now)
    if replied < created - timedelta(days=1):
        raise ValueError(
            f"reply date {raw!r} is before the review's date {created.date().isoformat()}"
        )
    return max(replied, created)


def stable_id(created: datetime, author: str | None, text: str | None) -> str:
    """Files without ids: the same review gets the same id on every import."""
    digest = hashlib.sha256(f"{created.isoformat()}|{author}|{text}".encode()).hexdigest()
    return f"csv-{digest[:32]}"


def _rating(raw: str) -> int:
    try:
        rating = float(raw)
    except ValueError:
        raise ValueError(f"rating {raw!r} is not a number from 1 to 5") from None
    if not 1 <= rating <= 5 or rating != int(rating):
        raise ValueError(f"rating {raw!r} is not a whole number from 1 to 5")
    return int(rating)


def _moment(raw: str, what: str, now: datetime) -> datetime:
    try:
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = datetime.combine(date.fromisoformat(raw), datetime.min.time())
        except ValueError:
            raise ValueError(
                f"{what} {raw!r} is not YYYY-MM-DD (or an ISO date and time)"
            ) from None
    try:
        moment = parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"{what} {raw!r} is out of range") from None
    if moment < EARLIEST:
        raise ValueError(f"{what} {raw!r} is before 2000: no review site is that old")
    if moment > now + FUTURE_SLACK:
        raise ValueError(f"{what} {raw!r} is in the future")
    return moment


def import_reviews(
    session: Session,
    path: Path,
    source: str,
    location: Location,
    now: datetime,
    max_bytes: int = 50 * MEGABYTE,
) -> dict[str, int]:
    """Validate the whole file, then upsert it in the caller's transaction."""
    parsed: dict[str, ReviewRow] = {}
    problems: list[str] = []
    _, rows = read_export(path, max_bytes, LAYOUT)
    for line, row in rows:
        try:
            review = parse_row(row, now)
        except ValueError as exc:
            problems.append(f"line {line}: {exc}")
            continue
        if review.external_id in parsed:
            problems.append(f"line {line}: the id {review.external_id!r} appears twice")
        parsed[review.external_id] = review
    if problems:
        raise refuse(path, problems)
    values = [
        {
            **asdict(r),
            "location_id": location.id,
            "source": source,
            "deleted_at": None,
            "first_seen_at": now,
        }
        for r in parsed.values()
    ]
    changed = upsert(
        session, Review, values, ["location_id", "source", "external_id"], update=UPDATED
    )
    return {"rows": len(values), "changed": changed}
