"""Reviews from other sites (Healthgrades, Yelp, Facebook, …) from a CSV export.

Read every row first; if any row is unusable, report them all with their line numbers and
import nothing. Rows are keyed by (location, source, id), so importing the same file again
changes nothing, and a corrected file updates what changed.

The file is read as a stream of lines, never whole: only a regular file under the size limit
is read at all (a FIFO or a device such as /dev/zero is refused before the first byte), and a
file that grows past the limit while it is read stops the import.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import stat
from collections.abc import Iterator
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from sqlalchemy.orm import Session

from collectors.reviews import ReviewRow
from seo_monitor.db import upsert
from seo_monitor.errors import UserError
from seo_monitor.models import Location, Review

SOURCES = ("healthgrades", "yelp", "facebook", "other")
MAX_TEXT = 20_000
MEGABYTE = 1024 * 1024
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
FIELD_OF = {name: field for field, names in COLUMNS.items() for name in names}
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

Row = dict[str, str]  # field -> the cell's text, stripped


def open_export(path: Path, max_bytes: int) -> BinaryIO:
    """The file, opened for reading, if it is a regular file no larger than `max_bytes`.

    Opened without blocking, so that a FIFO with no writer is refused instead of waited on.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror}") from None
    handle = os.fdopen(fd, "rb")
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        handle.close()
        raise UserError(f"{path}: not a regular file; export the reviews to a .csv file")
    if info.st_size > max_bytes:
        handle.close()
        raise UserError(
            f"{path}: {_size(info.st_size)} is larger than the {_size(max_bytes)} limit "
            "(reviews.import_max_megabytes); split the export or raise the limit"
        )
    return handle


def _size(count: int) -> str:
    return f"{count / MEGABYTE:.1f} MB" if count >= MEGABYTE // 10 else f"{count} bytes"


def read_lines(path: Path, handle: BinaryIO, max_bytes: int) -> Iterator[str]:
    """The file's lines as text (UTF-8, BOM dropped, NUL bytes removed: never in a review)."""
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
    try:
        for line in text:
            if handle.tell() > max_bytes:  # it grew after it was checked
                raise UserError(f"{path}: grew past the {_size(max_bytes)} limit while it was read")
            yield line.replace("\x00", "")
    except UnicodeDecodeError:
        raise UserError(
            f"{path}: not UTF-8 text; save the export as CSV UTF-8 and try again"
        ) from None


def read_csv(path: Path, max_bytes: int) -> Iterator[tuple[int, Row]]:
    """Each row's first line number and its cells by field; blank rows are left out."""
    with open_export(path, max_bytes) as handle:
        reader = csv.reader(read_lines(path, handle, max_bytes), strict=True)
        columns = _columns(path, _next_row(path, reader, 1) or [])
        line = reader.line_num + 1
        while (cells := _next_row(path, reader, line)) is not None:
            if any(cell.strip() for cell in cells):
                yield (
                    line,
                    {
                        field: cells[index].strip() if index < len(cells) else ""
                        for field, index in columns.items()
                    },
                )
            line = reader.line_num + 1


def _next_row(path: Path, reader: Iterator[list[str]], line: int) -> list[str] | None:
    try:
        return next(reader, None)
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            problem = "a quoted field starts here and does not end (a missing closing quote?)"
        elif "field larger than" in str(exc):
            problem = (
                f"a field longer than {csv.field_size_limit()} characters starts here "
                "(a missing closing quote?)"
            )
        else:
            problem = f"not a readable CSV row ({exc})"
        raise UserError(f"{path}: line {line}: {problem}; nothing was imported") from None


def _columns(path: Path, header: list[str]) -> dict[str, int]:
    """Where each field is; two columns for one field are refused, not one silently dropped."""
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        field = FIELD_OF.get(name.strip().lower())
        if field is None:
            continue
        if field in found:
            raise UserError(
                f"{path}: the columns {header[found[field]]!r} and {name!r} both hold the "
                f"{field}; remove or rename one of them"
            )
        found[field] = index
    missing = [field for field in REQUIRED if field not in found]
    if missing:
        raise UserError(
            f"{path}: no column for {', '.join(missing)}; accepted names: "
            + "; ".join(f"{f}: {', '.join(COLUMNS[f])}" for f in missing)
        )
    return found


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
    for line, row in read_csv(path, max_bytes):
        try:
            review = parse_row(row, now)
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
