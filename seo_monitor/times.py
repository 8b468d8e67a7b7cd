"""Time in one place: the current UTC time, and Google's RFC 3339 timestamps read tolerantly
(Z or offset, 0 to 9 fractional digits)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from seo_monitor.errors import MalformedRecord


def utcnow() -> datetime:
    return datetime.now(UTC)


_FRACTION = re.compile(r"\.(\d+)")


def parse_timestamp(value: object) -> datetime:
    if not isinstance(value, str) or not value:
        raise MalformedRecord(f"expected a timestamp, got {type(value).__name__}")
    text = _FRACTION.sub(lambda m: "." + m[1][:6].ljust(6, "0"), value.strip()).replace(
        "Z", "+00:00"
    )
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise MalformedRecord("timestamp is not RFC 3339") from None
    if parsed.tzinfo is None:
        raise MalformedRecord("timestamp has no time zone")
    try:
        return parsed.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00:00+01:00 is before year 1 in UTC
        raise MalformedRecord("timestamp out of range") from None
