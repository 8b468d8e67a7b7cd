"""Reviews from other sites (Healthgrades, Yelp, Facebook, …) from a CSV export.

Read every row first; if any row is unusable, report them all with their line numbers and
import nothing. Rows are keyed by (location, source, id), so importing the same file again
changes nothing, and a corrected file updates what changed.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import asdict
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from collectors.reviews import ReviewRow
from seo_monitor.db import upsert
from seo_monitor.errors import UserError
from seo_monitor.models import Location, Review

SOURCES = ("healthgrades", "yelp", "facebook", "other")
MAX_TEXT = 20_000
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
REQUIRED = ("rating", "date")
UPDATED = (
    "rating",
    "text",
    "author_name",
    "updated_at",
    "reply_text",
    "reply_updated_at",
    "reply_state",
)


def read_csv(path: Path) -> tuple[list[dict[str, str]], dict[str, str]]:
    """The rows, and which header each field was found under."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise UserError(
            f"{path}: not UTF-8 text; save the export as CSV UTF-8 and try again"
        ) from None
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror}") from None
    reader = csv.DictReader(io.StringIO(text.replace("\x00", "")))  # NUL: never in a review
    try:
        return _rows_and_columns(path, reader)
    except csv.Error as exc:
        raise UserError(f"{path}: line {reader.line_num}: not a readable CSV row ({exc})") from None


def _rows_and_columns(
    path: Path, reader: csv.DictReader[str]
) -> tuple[list[dict[str, str]], dict[str, str]]:
    headers = {h.strip().lower(): h for h in reader.fieldnames or [] if h}
    found = {
        field: headers[name]
        for field, names in COLUMNS.items()
        for name in names
        if name in headers
    }
    missing = [field for field in REQUIRED if field not in found]
    if missing:
        raise UserError(
            f"{path}: no column for {', '.join(missing)}; accepted names: "
            + "; ".join(f"{f}: {', '.join(COLUMNS[f])}" for f in missing)
        )
    return list(reader), found


def parse_row(row: dict[str, str], columns: dict[str, str]) -> ReviewRow:
    def value(field: str) -> str:
        return (row.get(columns[field]) or "").strip() if field in columns else ""

    rating = _rating(value("rating"))
    created = _moment(value("date"), "date")
    text = value("text")[:MAX_TEXT] or None
    author = value("author")[:500] or None
    reply = value("reply")[:MAX_TEXT] or None
    replied = _moment(value("reply_date"), "reply date") if value("reply_date") else None
    external_id = value("id") or stable_id(created, author, text)
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


def _moment(raw: str, what: str) -> datetime:
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
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"{what} {raw!r} is out of range") from None


def import_reviews(
    session: Session, path: Path, source: str, location: Location, now: datetime
) -> dict[str, int]:
    """Validate the whole file, then upsert it in the caller's transaction."""
    rows, columns = read_csv(path)
    parsed: dict[str, ReviewRow] = {}
    problems: list[str] = []
    for line, row in enumerate(rows, start=2):  # line 1 is the header
        try:
            review = parse_row(row, columns)
        except ValueError as exc:
            problems.append(f"line {line}: {exc}")
            continue
        if review.external_id in parsed:
            problems.append(f"line {line}: the id {review.external_id!r} appears twice")
        parsed[review.external_id] = review
    if problems:
        shown = "\n".join(problems[:20]) + (
            f"\n… and {len(problems) - 20} more" if len(problems) > 20 else ""
        )
        raise UserError(
            f"{path}: {len(problems)} row(s) cannot be imported; nothing was imported:\n{shown}"
        )
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
