"""What the PHI check reads instead of the reply as typed: the same words without disguises.

A reply can hide a name or a health word from plain patterns, on purpose or not: "J o h n",
John in full-width letters or with a Cyrillic "o", "J0hn", "d1abetes". `normalize` undoes
those, in this order, and keeps for every character of its result the position it came from,
so findings still point at the reply as written:

1. invisible characters (zero-width spaces, soft hyphens) and stray combining marks go;
2. Unicode NFKC (full-width and mathematical letters, ligatures, superscripts become plain);
3. letters from other scripts that look like Latin ones become those (Cyrillic, Greek: the
   Cyrillic/Greek entries of Unicode's confusables list that look like one Latin letter);
4. letters written apart ("J o h n", "d-e-p-r-e-s-s-i-o-n") are joined, and so are digits
   written apart when there are enough of them to be a phone number;
5. digits inside a word become the letters they stand for ("J0hn", "kn33", "th3rapy",
   "4sthma"); numbers, times ("3pm"), ordinals ("2nd"), units ("3days") and e-mail or web
   addresses are left alone.

Most replies are plain ASCII with none of this: they come back unchanged without building a
position map (the check runs on every keystroke).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

CONFUSABLES = {
    # Cyrillic capitals and small letters that look like a Latin one
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
    "Т": "T", "Х": "X", "У": "Y", "Ү": "Y", "І": "I", "Ј": "J", "Ѕ": "S", "Ԛ": "Q", "Ԝ": "W",
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ј": "j",
    "ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w", "һ": "h", "ӏ": "l", "ү": "y", "к": "k",
    # Greek
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N",
    "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "ο": "o", "ν": "v", "ι": "i", "κ": "k",
    "ρ": "p", "υ": "u", "α": "a", "ϲ": "c", "ϳ": "j",
    # Armenian, and Latin dotless letters
    "օ": "o", "ս": "u", "ı": "i", "ȷ": "j",
}  # fmt: skip
INVISIBLE = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff")
LEET = str.maketrans("01345789", "oieastbg")

# Three or more single letters or digits, each followed by the same separator: "J o h n",
# "J.o.h.n", "5 1 2 5 5 5 0 1 0 0". A lone "I" or "a" never makes three.
SPACED = re.compile(r"(?<!\w)[^\W_](?P<sep>[ .\-_*·•]\s?|\s)(?:[^\W_](?P=sep)){1,}[^\W_](?!\w)")
# Candidates for leetspeak: a word that starts with letters and has a digit after them
# ("J0hn", "kn33"), or one digit and then three letters or more ("4sthma") that are not a
# unit or a time ("3days", "5stars", "10mins" stay).
LEET_WORD = re.compile(r"\b[^\W\d_]+\d\w*|\b[013457890][^\W\d_]{3,}\b")
UNITS = frozenset(
    [
        "day",
        "days",
        "week",
        "weeks",
        "month",
        "months",
        "year",
        "years",
        "yrs",
        "hrs",
        "hour",
        "hours",
        "min",
        "mins",
        "minute",
        "minutes",
        "sec",
        "secs",
        "star",
        "stars",
        "times",
        "kids",
        "item",
        "items",
        "mile",
        "miles",
        "feet",
        "inch",
        "inches",
        "pack",
        "am",
        "pm",
    ]
)
# Where digits belong to what is written: e-mail and web addresses.
ADDRESSES = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\b(?:https?://|www\.)\S+", re.IGNORECASE)
PHONE_LENGTH = 7  # digits written apart are joined only from this many on (a phone number)


@dataclass(frozen=True)
class Normalized:
    """The text the rules read, and where each of its characters came from in the reply."""

    text: str
    source: tuple[int, ...] | None = None  # None: the same text, character for character

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The span in the reply as written for the span `start:end` of `text`."""
        if self.source is None:
            return start, end
        if end <= start:
            first = self.source[start] if start < len(self.source) else self.source[-1] + 1
            return first, first
        return self.source[start], self.source[end - 1] + 1


def normalize(text: str) -> Normalized:
    if text.isascii() and not SPACED.search(text) and not LEET_WORD.search(text):
        return Normalized(text)
    chars, source = _plain_letters(text)
    chars, source = _join_spaced(chars, source)
    _undo_leetspeak(chars)
    return Normalized("".join(chars), tuple(source))


def fold_accents(text: str) -> str:
    """The same text with "é" as "e", "ñ" as "n": one character for one, for comparing names."""
    if text.isascii():
        return text
    return "".join(c if c.isascii() else unicodedata.normalize("NFD", c)[0] for c in text)


def _plain_letters(text: str) -> tuple[list[str], list[int]]:
    chars: list[str] = []
    source: list[int] = []
    for index, char in enumerate(text):
        if char.isascii():
            chars.append(char)
            source.append(index)
            continue
        if char in INVISIBLE:
            continue
        for plain in unicodedata.normalize("NFKC", char):
            if unicodedata.category(plain) == "Mn":
                continue  # a combining mark left on its own decorates, it does not spell
            chars.append(CONFUSABLES.get(plain, plain))
            source.append(index)
    return chars, source


def _join_spaced(chars: list[str], source: list[int]) -> tuple[list[str], list[int]]:
    text = "".join(chars)
    drop: set[int] = set()
    for match in SPACED.finditer(text):
        letters = [i for i in range(match.start(), match.end()) if text[i].isalnum()]
        if all(text[i].isdigit() for i in letters) and len(letters) < PHONE_LENGTH:
            continue  # "1 2 3" is a list, not a word written apart
        drop.update(i for i in range(match.start(), match.end()) if not text[i].isalnum())
    if not drop:
        return chars, source
    kept = [i for i in range(len(chars)) if i not in drop]
    return [chars[i] for i in kept], [source[i] for i in kept]


def _undo_leetspeak(chars: list[str]) -> None:
    text = "".join(chars)
    protected = [m.span() for m in ADDRESSES.finditer(text)]
    for match in LEET_WORD.finditer(text):
        start, end = match.span()
        if any(s <= start < e for s, e in protected):
            continue
        word = match.group()
        if sum(c.isalpha() for c in word) < 2:
            continue  # "B12", "T4": a code, not a word
        if word[0].isdigit() and word[1:].lower() in UNITS:
            continue
        chars[start:end] = list(word.translate(LEET))
