"""National Provider Identifiers: 10 digits, the last a Luhn check digit computed over the
prefix 80840 followed by the first nine (the ISO card-issuer prefix of US health identifiers)."""

from __future__ import annotations

import re

PREFIX = "80840"


def valid_npi(text: str) -> str | None:
    """The NPI in `text` (spaces and dashes allowed), or None when it is not a valid one."""
    digits = re.sub(r"[\s-]", "", text)
    if not re.fullmatch(r"\d{10}", digits):
        return None
    return digits if luhn_check_digit(PREFIX + digits[:9]) == int(digits[9]) else None


def luhn_check_digit(digits: str) -> int:
    """The digit that makes `digits` + it pass the Luhn check."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:  # doubled: every second digit from the right, the check's left
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return (10 - total % 10) % 10
