"""Google reviews (My Business v4): incremental sync that also finds edits, replies and deletions.

Steps for one location:
1. Read pages newest-update-first and stop below the stored watermark (the newest stored
   updateTime) — unless this is the first sync or the weekly full read is due.
2. If the number of live reviews we would then hold differs from Google's totalReviewCount,
   something changed below the watermark (a deletion): keep reading to the end.
3. Upsert what was read; after a full read, mark reviews Google no longer lists as deleted —
   only when the read is whole: a skipped record or a recorded file (`--load`, perhaps a
   subset) may lack reviews that still exist, so then nothing is marked, and the run says so.
4. Keep Google's average rating and total count for the day.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from collectors import fields
from collectors.google_client import GoogleClient, pages
from seo_monitor.db import rows_changed, upsert
from seo_monitor.errors import MalformedRecord
from seo_monitor.models import GOOGLE_SOURCE, Account, Location, RatingSnapshot, Review
from seo_monitor.sentiment.text import split_translation
from seo_monitor.times import parse_timestamp

SOURCE = GOOGLE_SOURCE
FULL_SYNC_EVERY = timedelta(days=7)
STARS = {"ONE": 1, "TWO": 2, "THREE": 3, "FOUR": 4, "FIVE": 5}
REVIEW_COLUMNS = (
    "resource_name",
    "rating",
    "text",
    "original_text",
    "author_name",
    "author_is_anonymous",
    "created_at",
    "updated_at",
    "reply_text",
    "reply_updated_at",
    "reply_state",
    "reply_policy_violation",
    "deleted_at",
)
MAX_TEXT = 20_000  # Google caps reviews far below this; anything longer is not a review


@dataclass(frozen=True)
class ReviewRow:
    external_id: str
    resource_name: str | None
    rating: int | None
    text: str | None
    original_text: str | None
    author_name: str | None
    author_is_anonymous: bool
    created_at: datetime
    updated_at: datetime
    reply_text: str | None
    reply_updated_at: datetime | None
    reply_state: str | None
    reply_policy_violation: str | None


@dataclass
class ReviewPage:
    reviews: list[dict[str, Any]]
    average_rating: float | None
    total: int | None


def fetch_review_pages(client: GoogleClient, parent: str) -> Iterator[ReviewPage]:
    for page in pages(lambda token: client.list_reviews(parent, token)):
        reviews = page.get("reviews") or []
        yield ReviewPage(
            reviews if isinstance(reviews, list) else [],
            fields.number(page.get("averageRating")),
            fields.whole(page.get("totalReviewCount")),
        )


def parse_review(raw: dict[str, Any]) -> ReviewRow:
    if not isinstance(raw, dict):
        raise MalformedRecord("review is not an object")
    review_id = fields.text(raw.get("reviewId"), 500)
    if review_id is None:
        raise MalformedRecord("review without reviewId")
    rating = STARS.get(str(raw.get("starRating")))
    comment = fields.text(raw.get("comment"), MAX_TEXT)
    text, original = split_translation(comment) if comment and comment.strip() else (None, None)
    reviewer = fields.obj(raw.get("reviewer"))
    anonymous = reviewer.get("isAnonymous") is True
    reply = fields.obj(raw.get("reviewReply")) or None
    return ReviewRow(
        external_id=review_id,
        resource_name=fields.text(raw.get("name"), 500),
        rating=rating,
        text=text,
        original_text=original,
        author_name=None if anonymous else fields.text(reviewer.get("displayName"), 500),
        author_is_anonymous=anonymous,
        created_at=parse_timestamp(raw.get("createTime")),
        updated_at=parse_timestamp(raw.get("updateTime") or raw.get("createTime")),
        reply_text=fields.text(reply.get("comment"), MAX_TEXT) if reply else None,
        reply_updated_at=parse_timestamp(reply["updateTime"])
        if reply and reply.get("updateTime")
        else None,
        reply_state=(fields.text(reply.get("reviewReplyState"), 40) or "APPROVED")
        if reply
        else None,
        reply_policy_violation=fields.text(reply.get("policyViolation"), 80) if reply else None,
    )


@dataclass
class StoredReviews:
    updated: dict[str, datetime]  # external_id -> updated_at, live reviews only
    deleted: set[str]

    @property
    def watermark(self) -> datetime | None:
        return max(self.updated.values(), default=None)


def select_stored_reviews(session: Session, location_id: int) -> StoredReviews:
    rows = session.execute(
        select(Review.external_id, Review.updated_at, Review.deleted_at).where(
            Review.location_id == location_id, Review.source == SOURCE
        )
    ).all()
    return StoredReviews(
        updated={r.external_id: r.updated_at for r in rows if r.deleted_at is None},
        deleted={r.external_id for r in rows if r.deleted_at is not None},
    )


def save_reviews(session: Session, location_id: int, rows: list[ReviewRow], now: datetime) -> int:
    values = [
        {
            **asdict(row),
            "location_id": location_id,
            "source": SOURCE,
            "deleted_at": None,
            "first_seen_at": now,
        }
        for row in rows
    ]
    return upsert(
        session, Review, values, ["location_id", "source", "external_id"], update=REVIEW_COLUMNS
    )


def mark_deleted(session: Session, location_id: int, external_ids: set[str], now: datetime) -> int:
    if not external_ids:
        return 0
    return rows_changed(
        session,
        update(Review)
        .where(
            Review.location_id == location_id,
            Review.source == SOURCE,
            Review.external_id.in_(sorted(external_ids)),
            Review.deleted_at.is_(None),
        )
        .values(deleted_at=now),
    )


def save_rating_snapshot(
    session: Session, location_id: int, page: ReviewPage, now: datetime
) -> None:
    row = {
        "location_id": location_id,
        "day": now.date(),
        "average_rating": page.average_rating,
        "total_review_count": page.total,
    }
    upsert(session, RatingSnapshot, [row], ["location_id", "day"])


def review_parent(session: Session, location: Location) -> str:
    account = session.get(Account, location.account_id) if location.account_id else None
    if account is None:
        raise MalformedRecord(f"location {location.id} has no account; run `collect locations`")
    return f"{account.name}/{location.name}"


def settle_full_read(
    session: Session,
    client: GoogleClient,
    location: Location,
    missing: set[str],
    skipped: int,
    now: datetime,
) -> tuple[int, int]:
    """After a read to the last page: mark the stored reviews it did not list as deleted, if
    the read was whole. How many were marked, and how many were kept because it was not."""
    if client.lists_everything:  # a replayed file is not a read of Google's list
        location.reviews_full_sync_at = now
    if skipped or not client.lists_everything:
        return 0, len(missing)
    return mark_deleted(session, location.id, missing, now), 0


def collect_reviews(
    client: GoogleClient, session: Session, location: Location, now: datetime
) -> dict[str, int]:
    stored = select_stored_reviews(session, location.id)
    full = (
        stored.watermark is None
        or location.reviews_full_sync_at is None
        or (now - location.reviews_full_sync_at >= FULL_SYNC_EVERY)
    )
    rows: dict[str, ReviewRow] = {}
    skipped, first_page, reached_end = 0, None, False
    pages = fetch_review_pages(client, review_parent(session, location))
    for page in pages:
        first_page = first_page or page
        oldest = None
        for raw in page.reviews:
            try:
                row = parse_review(raw)
            except MalformedRecord:
                skipped += 1
                continue
            rows[row.external_id] = row
            oldest = row.updated_at if oldest is None else min(oldest, row.updated_at)
        if full or oldest is None or stored.watermark is None or oldest > stored.watermark:
            continue
        # Below the watermark: stop, unless the count says something older changed.
        if len(stored.updated.keys() | rows.keys()) + skipped == first_page.total:
            break
        full = True
    else:
        reached_end = True
    known = stored.updated.keys() | stored.deleted
    new = [r for r in rows.values() if r.external_id not in known]
    written = save_reviews(session, location.id, list(rows.values()), now)
    deleted, not_deleted = 0, 0
    if reached_end and full:
        deleted, not_deleted = settle_full_read(
            session, client, location, stored.updated.keys() - rows.keys(), skipped, now
        )
    if first_page is not None:
        save_rating_snapshot(session, location.id, first_page, now)
    return {
        "fetched": len(rows),
        "new": len(new),
        "changed": written - len(new),
        "deleted": deleted,
        "skipped": skipped,
        "full": int(reached_end and full),
        **({"not_deleted": not_deleted} if not_deleted else {}),
    }
