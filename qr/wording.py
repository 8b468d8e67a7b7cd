"""What posters say: one neutral ask for every patient, in several languages; custom wording is
held to the rules of asking (seo_monitor.review_requests.asking, docs/posters.md)."""

from __future__ import annotations

from dataclasses import dataclass

from seo_monitor.review_requests import problems


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
