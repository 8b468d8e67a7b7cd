"""What posters say: one neutral ask for every patient, in several languages, and the rules
that keep custom wording honest (docs/posters.md).

Google forbids review gating (asking only happy patients) and incentives; the FTC rule on
consumer reviews (16 CFR 465) bans incentives tied to sentiment. Asking for "5 stars" steers the
rating; health details do not belong on a wall.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Wording:
    headline: str
    instructions: str
    card: str  # the one line that fits a business card


BUILT_IN = {
    "en": Wording(
        "How did we do?",
        "Scan the code with your phone's camera to leave a review on Google. Every review, "
        "good or bad, helps us improve and helps others find care.",
        "Scan to leave a review on Google",
    ),
    "es": Wording(
        "¿Cómo lo hicimos?",
        "Escanee el código con la cámara de su teléfono para dejar una reseña en Google. Cada "
        "reseña, buena o mala, nos ayuda a mejorar y ayuda a otros a encontrar atención.",
        "Escanee para dejar una reseña en Google",
    ),
}

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


def wording_for(language: str, custom: dict[str, dict[str, str]]) -> tuple[Wording, list[str]]:
    """The wording for a language, custom where configured; the rule problems of custom text."""
    if language not in BUILT_IN and language not in custom:
        known = ", ".join(sorted({*BUILT_IN, *custom}))
        raise ValueError(f"no wording for language {language!r} (known: {known})")
    base = BUILT_IN.get(language, BUILT_IN["en"])
    own = custom.get(language, {})
    wording = Wording(
        own.get("headline", base.headline),
        own.get("instructions", base.instructions),
        own.get("card", base.card),
    )
    warnings = [
        f"posters.wording.{language}.{field}: {reason}"
        for field, text in own.items()
        for reason in problems(text)
    ]
    return wording, warnings
