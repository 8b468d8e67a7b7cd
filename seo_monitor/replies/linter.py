"""lint_reply: what in a clinic's reply to a review could disclose patient information.

Rules and word lists, with the review itself as context (the reviewer's name and words).
Every finding points at its span in the reply and says what to write instead. Replies are
short, so each check is a handful of regular expressions over a few sentences: fast enough to
run on every keystroke (bench/RESULTS.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any, Protocol

from seo_monitor.replies import names
from seo_monitor.replies.normalize import fold_accents, normalize
from seo_monitor.replies.patterns import (
    ACCOUNT_EVENTS,
    ADDRESS,
    AMOUNT,
    CARE_CONTEXT,
    CARE_VERBS,
    CASE_CUES,
    DATE,
    DEFINITE_ARRANGEMENT,
    DEFINITE_CHARGE,
    EMAIL,
    FIRST_NAME_REACTS,
    FIRST_NAME_SAYS,
    GENERAL,
    HEALTH_TERM,
    HOURS_CONTEXT,
    INSURER,
    MEDICATION_NAME,
    NOT_NAMES,
    OFFICE_CONTACT,
    ORGANISATION_AFTER,
    PARTIAL_PHONE,
    PASS_ON,
    PATIENT_CONTACT,
    PATIENT_STATUS,
    PERSONAL_MAIL,
    PHONE,
    RECORDS,
    ROLE_MAILBOX,
    ROLE_NAME,
    SALUTATION,
    SENTENCE_END,
    SPANISH_DEFINITE_CHARGE,
    SPANISH_HEALTH,
    SPECIFIC_BILLING,
    SPECIFIC_DATE,
    SPECIFIC_REFERENCE,
    STREET_NAME,
    THE_GENERIC_HEALTH,
    THIRD_PERSON,
    TIE,
    TITLE_NOT_NAMES,
    TITLE_REACTS,
    YOUR_BILLING,
    YOUR_HEALTH,
)

MAX_REPLY_BYTES = 4096  # Google's limit for a reply


@dataclass(frozen=True)
class Category:
    key: str
    label: str
    message: str
    suggestion: str


CATEGORIES = {
    c.key: c
    for c in (
        Category(
            "patient_status",
            "Confirms a patient",
            "Says or implies that the reviewer is or was a patient — itself a disclosure.",
            'Thank the reviewer without saying they were seen: "Thank you for taking the '
            'time to share your feedback."',
        ),
        Category(
            "name",
            "Names someone",
            "Names the reviewer, or a staff member in connection with the reviewer's care.",
            'Leave names out: "Thank you for your feedback." Thank the team as a whole.',
        ),
        Category(
            "health",
            "Health information",
            "Mentions a body part, condition, treatment or medication tied to the reviewer.",
            'Speak in general terms: "We take every concern about care seriously."',
        ),
        Category(
            "care_date",
            "Date or time of care",
            "Gives a date or time connected with the reviewer's care.",
            "Leave out when anyone was seen; no dates or times.",
        ),
        Category(
            "billing",
            "Billing or insurance",
            "Mentions the reviewer's insurer, bill, balance, claim or an amount.",
            'Move it offline: "Our billing office is glad to help; please give us a call."',
        ),
        Category(
            "records",
            "Records",
            'Refers to records about the reviewer — even "we have no record of you" discloses.',
            "Neither confirm nor deny: \"We can't discuss anyone's care here; please call "
            'our office so we can learn more."',
        ),
        Category(
            "contact",
            "Patient contact details",
            "Shows a phone number, email or address that is not the clinic's own.",
            "Never post a patient's details; give the office's number instead.",
        ),
    )
}


@dataclass(frozen=True)
class Finding:
    category: str
    start: int
    end: int
    text: str  # the matched span, as written
    message: str
    suggestion: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class ReviewLike(Protocol):
    """What the linter reads from the review being answered (a stored Review fits)."""

    @property
    def author_name(self) -> str | None: ...

    @property
    def text(self) -> str | None: ...


@dataclass(frozen=True)
class ReviewContext:
    author_name: str | None = None
    text: str | None = None


def lint_reply(
    text: str,
    review: ReviewLike | None = None,
    staff_names: Sequence[str] = (),
    clinic_contacts: Sequence[str] = (),
) -> list[Finding]:
    """Findings in `text`, in order; an empty list means nothing was found.

    `review` gives the reviewer's name and words; `staff_names` the clinic's people (flagged
    when tied to the reviewer's care); `clinic_contacts` the clinic's own phone numbers and
    emails (never flagged).
    """
    # The rules read the reply without disguises (spaced letters, look-alike letters,
    # leetspeak); each span found there is mapped back to the reply as written.
    plain = normalize(text)
    spans = _distinct(
        (*plain.span(start, end), category)
        for start, end, category in _spans(plain.text, review, staff_names, clinic_contacts)
    )
    return [
        Finding(
            category,
            start,
            end,
            text[start:end],
            CATEGORIES[category].message,
            CATEGORIES[category].suggestion,
        )
        for start, end, category in spans
    ]


def _distinct(spans: Iterable[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """One finding per problem: a span inside a longer one of the same category goes, and a
    span found under two categories keeps the first in CATEGORIES' order."""
    order = list(CATEGORIES)
    unique = sorted(set(spans), key=lambda s: (s[0], -s[1], order.index(s[2])))
    kept: list[tuple[int, int, str]] = []
    for start, end, category in unique:
        if any(
            (c == category and s <= start and end <= e) or (s == start and e == end)
            for s, e, c in kept
        ):
            continue
        kept.append((start, end, category))
    return kept


def _spans(
    text: str,
    review: ReviewLike | None,
    staff_names: Sequence[str],
    clinic_contacts: Sequence[str],
) -> Iterator[tuple[int, int, str]]:
    review_words = (
        set(re.findall(r"[a-z][a-z'-]+", (review.text or "").lower())) if review else set()
    )
    for offset, part in _sentences(text):
        tied = bool(TIE.search(part))
        for category, spans in (
            ("patient_status", _matches(PATIENT_STATUS, part)),
            ("records", _matches(RECORDS, part)),
            ("health", _health(part, tied, review_words)),
            ("care_date", _dates(part, tied)),
            ("billing", _billing(part, tied)),
            ("contact", _contacts(part, clinic_contacts)),
            ("name", _staff(part, staff_names)),
        ):
            for start, end in spans:
                yield offset + start, offset + end, category
    for start, end in _reviewer_name(text, review):
        yield start, end, "name"


def _sentences(text: str) -> Iterator[tuple[int, str]]:
    start = 0
    for end in SENTENCE_END.finditer(text):
        yield start, text[start : end.start()]
        start = end.end()
    yield start, text[start:]


def _matches(pattern: re.Pattern[str], part: str) -> Iterator[tuple[int, int]]:
    for match in pattern.finditer(part):
        yield match.span()


def _health(part: str, tied: bool, review_words: set[str]) -> Iterator[tuple[int, int]]:
    general = bool(GENERAL.search(part))
    personal = tied or THIRD_PERSON.search(part) is not None or CASE_CUES.search(part) is not None
    if personal and not general:
        yield from _matches(MEDICATION_NAME, part)
    for match in HEALTH_TERM.finditer(part):
        term = match.group().lower()
        # Repeating a health word the reviewer used, or pointing at one ("those orthotics"),
        # is about the reviewer even in a sentence that says nothing else.
        repeated = term in review_words
        pointed = SPECIFIC_REFERENCE.search(part[: match.start()]) is not None
        if (personal or pointed or repeated) and not (general and not repeated):
            yield match.span()
    yield from _matches(YOUR_HEALTH, part)
    yield from _matches(SPANISH_HEALTH, part)
    if tied:
        yield from _matches(THE_GENERIC_HEALTH, part)


def _dates(part: str, tied: bool) -> Iterator[tuple[int, int]]:
    if HOURS_CONTEXT.search(part):
        return
    yield from _matches(SPECIFIC_DATE, part)
    if tied or CARE_CONTEXT.search(part):
        yield from _matches(DATE, part)


def _billing(part: str, tied: bool) -> Iterator[tuple[int, int]]:
    yield from _matches(YOUR_BILLING, part)
    if not GENERAL.search(part):
        yield from _matches(ACCOUNT_EVENTS, part)
    insurer = INSURER.search(part)
    specific = SPECIFIC_BILLING.search(part)
    if DEFINITE_CHARGE.search(part) or SPANISH_DEFINITE_CHARGE.search(part):
        # "the copay should only be $25", "el copago de $40"
        yield from _matches(AMOUNT, part)
    if not GENERAL.search(part):
        yield from _matches(DEFINITE_ARRANGEMENT, part)
    if insurer and specific:  # "Medicare denied the claim"
        yield insurer.span()
        yield specific.span()
    if tied:
        yield from _matches(AMOUNT, part)
        yield from _matches(INSURER, part)
        yield from _matches(SPECIFIC_BILLING, part)


def _contacts(part: str, clinic_contacts: Sequence[str]) -> Iterator[tuple[int, int]]:
    own = {_digits(c) for c in clinic_contacts} | {c.lower() for c in clinic_contacts}
    for pattern in (PHONE, EMAIL, ADDRESS):
        for match in pattern.finditer(part):
            value = match.group()
            if _digits(value) in own or value.lower() in own:
                continue
            if pattern is EMAIL and ROLE_MAILBOX.match(value):
                continue
            personal_mail = pattern is EMAIL and PERSONAL_MAIL.search(value) is not None
            if personal_mail or not _offered_by_the_office(part, *match.span()):
                yield match.span()
    yield from _matches(PARTIAL_PHONE, part)
    street = STREET_NAME.search(part)  # "the drive in from Oak Hollow Road": someone's street
    if street and PATIENT_CONTACT.search(part) is not None:
        yield from _matches(STREET_NAME, part)


def _offered_by_the_office(part: str, start: int, end: int) -> bool:
    """A number or address is the clinic's own when the reply offers it ("call our office at
    …", "…is our main line"); one the practice called, texted or has on file is someone's.
    The nearest cue before it decides ("call us back — we rang 555 987 6543" is someone's),
    then what follows it."""
    office = _last_cue(OFFICE_CONTACT, part, start, end)
    patient = _last_cue(PATIENT_CONTACT, part, start, end)
    if office > patient:
        return True
    if patient >= 0:
        return False
    after = part[end:]
    return OFFICE_CONTACT.search(after) is not None and PATIENT_CONTACT.search(after) is None


def _last_cue(pattern: re.Pattern[str], part: str, start: int, end: int) -> int:
    """Where the last cue that starts before the number ends (a cue may read the number's
    first digit: "call 555…"); -1 without one."""
    return max((m.end() for m in pattern.finditer(part, 0, end) if m.start() < start), default=-1)


def _digits(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    return digits[-10:] if len(digits) >= 10 else value.lower()


def _staff(part: str, staff_names: Sequence[str]) -> Iterator[tuple[int, int]]:
    """Staff named in the same sentence as the reviewer's care ("Dr. Lee enjoyed treating you")."""
    for pattern in (FIRST_NAME_REACTS, PASS_ON):
        for match in pattern.finditer(part):
            if match.group(1) not in NOT_NAMES:
                yield match.span(1)
    tied = TIE.search(part) is not None
    # A clinician's title and a name count without any configured staff names: "Nurse Kim …
    # your child" (tied by the sentence) or "Dr. Lee was thrilled…" (a reaction to the reviewer).
    for match in ROLE_NAME.finditer(part):
        if _is_clinician_name(part, match) and (
            tied or TITLE_REACTS.match(part, match.end()) is not None
        ):
            yield match.span()
    if not tied:
        return
    for match in FIRST_NAME_SAYS.finditer(part):
        if match.group(1) not in NOT_NAMES:
            yield match.span(1)
    if CARE_VERBS.search(part):
        yield from _configured_staff(part, staff_names)


def _is_clinician_name(part: str, match: re.Match[str]) -> bool:
    name = match.group("name")
    if name.lower() in TITLE_NOT_NAMES or name in NOT_NAMES:
        return False
    # "dr. okonkwo" is a name in any case; after "Nurse" or "PT" only a capital makes one.
    if match.group("abbr") is None and not name[0].isupper():
        return False
    return ORGANISATION_AFTER.match(part, match.end()) is None  # "Dr. Chen Pediatrics"


def _configured_staff(part: str, staff_names: Sequence[str]) -> Iterator[tuple[int, int]]:
    """The clinic's people as configured, in any letter case ("jenna" is Jenna) and with or
    without accents; a name that is also a word ("Hope") only with its capital."""
    for name in staff_names:
        plain = fold_accents(normalize(name.strip()).text)
        if len(plain) < 2:
            continue
        folded = fold_accents(part)
        for match in re.finditer(rf"\b{re.escape(plain)}\b", folded, re.IGNORECASE):
            word_like = names.is_word_like(plain)
            if word_like and not match.group()[0].isupper():
                continue
            yield match.span()


def _reviewer_name(text: str, review: ReviewLike | None) -> Iterator[tuple[int, int]]:
    author = review.author_name if review else None
    pattern, forms = _name_pattern(author or "")
    if pattern is not None:
        # Accents folded one character for one: "Jose" in the reply is José, spans unchanged.
        folded = fold_accents(text)
        for match in pattern.finditer(folded):
            if _names_the_reviewer(folded, match, forms):
                yield match.span()
    for match in SALUTATION.finditer(text):
        if match.group(1) not in NOT_NAMES:
            yield match.span(1)


def _names_the_reviewer(text: str, match: re.Match[str], forms: frozenset[str]) -> bool:
    form = match.group(1).lower()
    written = match.group()
    nickname = form not in forms
    if nickname and not written[0].isupper():
        return False  # a diminutive is written as a name: "Bob", not "bob"
    word_like = names.is_word_like(form)
    if word_like and not written[0].isupper():
        return False  # "we hope" is not Hope
    vocative = re.match(r"\s*[,!]", text[match.end() :]) is not None  # "Sue, thank you!"
    if word_like and _sentence_start(text, match.start()) and not vocative:
        return False  # "Hope to see…" at the start of a sentence is not Hope either
    # "Bob's Pharmacy", "the Katherine Street office": a business or a street, not a person.
    return ORGANISATION_AFTER.match(text, match.end()) is None


@lru_cache(maxsize=1024)
def _name_pattern(author: str) -> tuple[re.Pattern[str] | None, frozenset[str]]:
    """One pattern for every form of the reviewer's name (cached: the editor lints the same
    review on every keystroke), and the forms that are the name as the reviewer wrote it."""
    parts = _name_parts(author)
    if not parts:
        return None, frozenset()
    written = frozenset(p.lower() for p in parts)
    # Diminutives belong to given names: every part but a surname ("Robert Klein": Robert).
    given = parts[:-1] if len(parts) > 1 and _has_surname(author) else parts
    forms = set(written)
    for part in given:
        forms |= names.variants(part)
    alternatives = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    return re.compile(rf"\b({alternatives})(?:s|'s)?\b", re.IGNORECASE), written


def _name_parts(author: str | None) -> list[str]:
    if not author or author.strip().lower() in {"a google user", "google user", "anonymous"}:
        return []
    plain = fold_accents(normalize(author).text)
    return [p for p in re.findall(r"[^\W\d_][\w'-]*", plain) if len(p) >= 2]


def _has_surname(author: str) -> bool:
    """Whether the last word is a surname: "Robert Klein" yes; "Tasha M." no (an initial)."""
    words = re.findall(r"[^\W\d_][\w'-]*", author)
    return len(words) > 1 and len(words[-1]) > 1


def _sentence_start(text: str, index: int) -> bool:
    before = text[:index].rstrip()
    return not before or before[-1] in ".!?"


def reply_size_problem(text: str) -> str | None:
    """A clear message when the reply cannot be posted as it is; None when it can."""
    if not text.strip():
        return "the reply is empty"
    size = len(text.encode("utf-8"))
    if size > MAX_REPLY_BYTES:
        return (
            f"the reply is {size:,} bytes; Google accepts at most {MAX_REPLY_BYTES:,} "
            f"(UTF-8): shorten it by {size - MAX_REPLY_BYTES:,} bytes"
        )
    return None


HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
NON_LATIN = re.compile(r"[^\x00-\u024f\u2000-\u2bff\U0001f000-\U0001faff\ufe0f]")
SPANISH_HINT = re.compile(r"\b(?:gracias|nuestro|usted|para|por|muy|que)\b", re.IGNORECASE)


def reply_notes(text: str) -> list[str]:
    """Things worth knowing before posting that are not patient information."""
    notes = []
    if HTML_TAG.search(text):
        notes.append("Google shows replies as plain text: the HTML tags would appear as written.")
    if NON_LATIN.search(text) or (
        len(text.split()) >= 4
        and not TIE.search(text)
        and SPANISH_HINT.search(text) is None
        and not re.search(r"\b(?:the|and|we|our|to|of|for)\b", text, re.IGNORECASE)
    ):
        notes.append(
            "The check knows English and some Spanish; read a reply in another language "
            "yourself for names, conditions, dates and billing."
        )
    return notes
