"""Single values read out of an API answer or an export, whatever their shape: the right type
or None, never an exception. Text loses NUL bytes (PostgreSQL cannot store them) and is cut to
what its column holds; a one-line value (a name, a phone number) also loses line breaks and
other control characters; numbers must be finite and fit a 64-bit column."""

from __future__ import annotations

import math
import re
from typing import Any

# C0 and C1 controls (CR, LF, tab, ESC …) and the Unicode line and paragraph separators.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")

LARGEST = 2**63 - 1


def obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def text(value: Any, limit: int) -> str | None:
    if not isinstance(value, str):
        return None
    cleaned = value.replace("\x00", "")[:limit]
    return cleaned or None


def line(value: Any, limit: int) -> str | None:
    """One line of text: control characters become a space (a title with CR/LF would break an
    email's Subject and any one-line display), spaces are collapsed."""
    if not isinstance(value, str):
        return None
    cleaned = " ".join(CONTROL.sub(" ", value).split())[:limit]
    return cleaned or None


def number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        result = float(value)
    except OverflowError:
        return None
    return result if math.isfinite(result) else None


def whole(value: Any) -> int | None:
    """An integer, also from a numeric string (Google sends int64 values as strings) or a
    whole number typed as a float (Search Console's counts may arrive as 18548.0)."""
    result: int | None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        result = value
    elif isinstance(value, float):
        result = int(value) if math.isfinite(value) and value.is_integer() else None
    elif isinstance(value, str):
        try:
            result = int(value)
        except ValueError:
            return whole(_float(value))
    else:
        return None
    return result if result is not None and -LARGEST <= result <= LARGEST else None


def _float(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None
