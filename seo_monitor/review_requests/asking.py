"""The rules of asking for reviews, for every channel (posters, emails): one neutral ask for
every patient.

Google forbids review gating (asking only happy patients) and incentives; the FTC rule on
consumer reviews (16 CFR 465, in force since October 2024) bans incentives tied to sentiment.
Asking for "5 stars" steers the rating; health details belong neither on a wall nor in an email.
"""

from __future__ import annotations

import re

RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "asks for a particular rating",
        re.compile(
            r"\b(?:5|five|cinco)[\s-]*(?:stars?|estrellas?)|⭐|★|\b(?:top|perfect|best)\s+rating\b",
            re.IGNORECASE,
        ),
    ),
    (
        "asks only happy patients (review gating)",
        re.compile(
            r"\b(?:if\s+you\s+(?:are|were|'re|felt|had)\s+(?:happy|satisfied|pleased|a\s+great)|"
            r"happy\s+(?:patients|clients|customers)|satisfied\s+(?:patients|clients)|"
            r"(?:happy|satisfied|pleased)\s+with\s+(?:your|our|the|us)|"
            r"only\s+if|loved\s+(?:your|it)|enjoyed\s+your|si\s+(?:est[aá]|qued[oó])\s+"
            r"(?:satisfech|content))",
            re.IGNORECASE,
        ),
    ),
    (
        "offers something for a review (incentive)",
        re.compile(
            r"\b(?:discount|gift|raffle|free|coupon|win|prize|reward|entry|entries|drawing|"
            r"points|descuento|regalo|gratis|sorteo|premio|cup[oó]n)\b|\$\s?\d|\d+\s*%\s*off",
            re.IGNORECASE,
        ),
    ),
    (
        "mentions health details",
        re.compile(
            r"\b(?:pain|injury|injuries|recovery|surgery|condition|diagnosis|symptoms|"
            r"dolor|lesi[oó]n|cirug[ií]a|diagn[oó]stico)\b",
            re.IGNORECASE,
        ),
    ),
)


def problems(text: str) -> list[str]:
    """Why a piece of wording breaks the rules; empty when it does not."""
    return [reason for reason, pattern in RULES if pattern.search(text)]
