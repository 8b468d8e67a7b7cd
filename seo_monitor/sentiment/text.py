"""Text handling shared by the scorer and the review collector: translations, sentences, words."""

from __future__ import annotations

import re
import unicodedata

# Typographic marks that phones and word processors put in place of ASCII ones: "didn’t" must
# be "didn't" to every rule, phrase and feature (a third of Google-style reviews use them).
TYPOGRAPHIC = str.maketrans(
    {
        "\u2018": "'",  # ‘
        "\u2019": "'",  # ’
        "\u201a": "'",  # ‚
        "\u201b": "'",  # ‛
        "\u2032": "'",  # ′
        "\u00b4": "'",  # ´
        "\u0060": "'",  # `
        "\u02bc": "'",  # ʼ
        "\u201c": '"',  # “
        "\u201d": '"',  # ”
        "\u201e": '"',  # „
        "\u2033": '"',  # ″
        "\u00ab": '"',  # «
        "\u00bb": '"',  # »
        "\u2010": "-",  # hyphen
        "\u2011": "-",  # non-breaking hyphen
        "\u00ad": None,  # soft hyphen
        "\u200b": None,  # zero-width space
        "\u200c": None,
        "\u200d": None,  # zero-width joiner: keeps emoji sequences apart, VADER reads each
        "\ufeff": None,  # byte-order mark
    }
)
TRANSLATION_MARK = "(Translated by Google)"  # both patterns below need it
TRANSLATED = re.compile(
    r"^\s*\(Translated by Google\)\s*(?P<translation>.*?)\s*\(Original\)\s*(?P<original>.*)$",
    re.DOTALL,
)
ORIGINAL_FIRST = re.compile(
    r"^\s*(?P<original>.*?)\s*\(Translated by Google\)\s*(?P<translation>.*)$", re.DOTALL
)
# Sentence ends and line breaks, but not the full stop of "Dr." or "Mrs." before a name.
SENTENCE_BREAK = re.compile(
    r"(?<=[.!?])(?<!\bDr\.)(?<!\bdr\.)(?<!\bMr\.)(?<!\bMs\.)(?<!\bMrs\.)(?<!\bSt\.)(?<!\bvs\.)"
    r"\s+|\n+|[.!?]{2,}\s*"
)
WORD = re.compile(r"\b\w\w+\b")
ENOUGH_WORDS = 8  # fewer are too few to tell the language by
# Words nearly every English review uses; their absence marks text we cannot read.
ENGLISH_MARKERS = frozenset(
    [
        "the",
        "and",
        "was",
        "is",
        "to",
        "my",
        "for",
        "of",
        "in",
        "it",
        "with",
        "he",
        "she",
        "they",
        "we",
        "you",
        "this",
        "that",
        "very",
        "not",
        "i",
        "a",
        "me",
        "are",
        "were",
        "be",
        "have",
        "had",
        "so",
        "at",
        "on",
        "all",
        "but",
        "no",
        "would",
        "will",
        "his",
        "her",
        "our",
        "your",
        "dr",
        "doctor",
        "staff",
    ]
)


def normalise(text: str) -> str:
    """Text as the scorer reads it: NFKC (full-width letters, ligatures, no-break spaces, "…"
    become plain ones) and typographic quotes, apostrophes and hyphens as ASCII. The stored
    review keeps what the patient wrote; only the scorer sees this."""
    if text.isascii() and "`" not in text:
        return text  # nearly every review: nothing to do
    # The marks first: NFKC would turn "´" into a space and a combining accent.
    return unicodedata.normalize("NFKC", text.translate(TYPOGRAPHIC))


def split_translation(comment: str) -> tuple[str, str | None]:
    """'(Translated by Google) X (Original) Y' -> (X, Y); plain text -> (text, None)."""
    if TRANSLATION_MARK not in comment:
        return comment, None  # nearly every review; the second pattern is slow on them
    for pattern in (TRANSLATED, ORIGINAL_FIRST):
        match = pattern.match(comment)
        if match and match["translation"].strip():
            original = match["original"].strip()
            return match["translation"].strip(), original or None
    return comment, None


def sentences(text: str) -> list[str]:
    parts = [part.strip() for part in SENTENCE_BREAK.split(text)]
    return [part for part in parts if part] or [text]


def words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def looks_english(text: str) -> bool:
    """False for text with several words but none of the commonest English ones."""
    count = 0
    marker = False
    for match in WORD.finditer(text.lower()):  # most reviews settle it within a few words
        count += 1
        marker = marker or match[0] in ENGLISH_MARKERS
        if marker and count >= ENOUGH_WORDS:
            return True
    # Too short to tell ("Rude. Avoid."; VADER passes unknown words by), or no marker.
    return count < ENOUGH_WORDS
