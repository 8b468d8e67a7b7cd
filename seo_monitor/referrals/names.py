"""Referrer names as exports spell them, made comparable.

"Dr. Smith, John A., MD", "JOHN SMITH MD" and "Smith, John" are one person: titles and
credentials go, "Last, First" is turned round (nameparser), case, accents and punctuation go,
and a middle name or initial is dropped. Names that differ by a typo ("Jon Smith") are found
with a fuzzy score (rapidfuzz), but only between names with the same initials: "Joan Smith" is
not "John Smith" by accident."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

TITLES = {"dr", "doctor", "mr", "mrs", "ms", "miss", "prof", "professor"}
CREDENTIALS = {
    "md", "do", "dpt", "pt", "pta", "dc", "np", "fnp", "fnpc", "dnp", "crnp", "agnp", "anp",
    "pmhnp", "aprn", "pa", "pac", "rn", "phd",
    "mbbs", "facs", "ocs", "scs", "atc", "lat", "cscs", "mpt", "ms", "od", "dpm", "dds", "dmd",
    "facp", "faafp", "jr", "sr", "ii", "iii", "iv",
}  # fmt: skip
# Words that make a name an organisation's (a gym, a school, an urgent care), not a person's.
ORGANISATION = {
    "gym", "fitness", "wellness", "crossfit", "ymca", "athletics", "athletic", "sports", "school",
    "academy", "college", "university", "district", "high", "clinic", "center", "centre",
    "hospital", "health", "healthcare", "medical", "medicine", "urgent", "care", "emergency",
    "er", "rehab", "chiropractic", "orthopedics", "orthopaedics", "group", "associates",
    "partners", "practice", "llc", "inc", "corp", "company", "co", "employer", "online",
    "google", "website", "self", "referral", "physicians", "pediatrics", "family",
}  # fmt: skip
# rapidfuzz token_sort_ratio: "jon smith" ~ "john smith" is 95, "joan smith" ~ it only 90.
SIMILAR_ENOUGH = 92


def plain(text: str) -> str:
    """Lower case, accents removed, dots and apostrophes dropped ("M.D." is "md"), other
    punctuation but commas as spaces, spaces collapsed."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    folded = re.sub(r"[.'’]", "", folded)
    return " ".join(re.sub(r"[^a-z0-9,\s-]", " ", folded).split())


def _bare(word: str) -> str:
    return word.replace("-", "")  # "pa-c" is "pac"


def _without_titles(text: str) -> str:
    """The name without titles and credentials ("PA-C" as one word).

    A title goes only where it leads ("Dr. Smith", "Smith, Dr. John"); a credential only after
    a comma or at the end, and only while two name words remain: "Anh Do, MD" and "Anh Do MD"
    keep the surname Do, and so does "Dr. Anh Do"."""
    segments = [part.split() for part in plain(text).split(",")]
    for words in segments:
        while len(words) > 1 and _bare(words[0]) in TITLES:
            del words[0]
    segments = [words for words in segments if words]
    if len(segments) > 1 and len(segments[0]) == 1 and _bare(segments[0][0]) in TITLES:
        del segments[0]  # "Dr., John Smith"

    def count() -> int:
        return sum(len(words) for words in segments)

    for index in range(len(segments) - 1, 0, -1):  # ", MD", ", MD, FACS"
        words = segments[index]
        if all(_bare(w) in CREDENTIALS for w in words) and count() - len(words) >= 2:
            del segments[index]
    while count() > 2 and _bare(segments[-1][-1]) in CREDENTIALS:  # "John Smith MD"
        segments[-1].pop()
        if not segments[-1]:
            segments.pop()
    return ", ".join(" ".join(words) for words in segments)


def name_key(text: str) -> str:
    """The comparable form of a referrer's name: "first last" in plain letters, without titles,
    credentials or middle names; for an organisation (a gym, a school) its plain name."""
    core = _without_titles(text)
    if not core:
        return ""
    words = core.replace(",", " ").replace("-", " ").split()
    if len(words) > 4 or ORGANISATION & set(words):  # an organisation, not a person
        return " ".join(words)
    from nameparser import HumanName  # imported when a name is read: not every page does

    person = HumanName(core)  # hyphenated surnames stay one word while it reads them
    first, last = plain(person.first), plain(person.last)
    if not first or not last:
        return " ".join(words)
    return f"{first} {last}".replace("-", " ")


def display_name(text: str) -> str:
    """The name as a person would write it: spaces tidied, kept as exported otherwise."""
    return " ".join(text.split())[:300]


def closest(key: str, known: Iterable[str]) -> str | None:
    """The known key that is the same name but for a typo, if exactly one is close enough."""
    candidates = [k for k in known if _initials(k) == _initials(key)]
    from rapidfuzz import fuzz, process

    match = process.extractOne(key, candidates, scorer=fuzz.token_sort_ratio)
    if match is None or match[1] < SIMILAR_ENOUGH:
        return None
    return str(match[0])


def _initials(key: str) -> tuple[str, ...]:
    words = key.split()
    return (words[0][:1], words[-1][:1]) if words else ()


def readability(shown: str) -> tuple[int, int]:
    """How well a spelling reads as the name to show: mixed case and "First Last" order beat
    "SMITH, JOHN"; of two alike, the longer (it keeps the title and credentials)."""
    words = shown.split()
    mixed = 0 if shown.isupper() or shown.islower() else 1
    first_last = 0 if words and words[0].endswith(",") else 1  # "Smith, John …"
    return mixed + first_last, len(shown)
