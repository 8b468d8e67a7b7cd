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


def word_set(words: str) -> frozenset[str]:
    """The words of a space-separated list: long word lists read better as text."""
    return frozenset(words.split())


ENOUGH_WORDS = 8  # fewer are too few to tell the language by
# Words nearly every English review uses, and the words of short reviews ("Excellent physician,
# great bedside manner, highly recommended"). Words other languages share are left out ("no",
# "me", "on", "dr"): they are evidence of neither.
ENGLISH_MARKERS = word_set(
    """the and was is to my for of in it with he she they we you this that very not are were be
    have had so at all but would will his her our your doctor staff an or if from about after
    them their there been just really always never every what who did didn don wasn isn can
    great good best friendly caring helpful recommend recommended highly rude wait waited office
    nurse nurses appointment visit care knowledgeable nice bad worst terrible thank thanks
    amazing wonderful love physician bedside manner kind quick clean answered questions took
    time"""
)
# Function words of the other languages patients write in (text.language); none is a common
# English word ("die", "war", "son", "plus", "no", "me" are left out). Some belong to several
# languages.
FOREIGN_MARKERS: dict[str, frozenset[str]] = {
    "es": word_set(
        """el los las del que en es muy con por para una un lo su sus mi mis pero como todo
        todos fue está esta estaba gracias doctora médico medico atención atencion excelente
        buena bueno buen más mas nos hay porque cuando también tambien nada siempre la le les
        de se al ya ha"""
    ),
    "fr": word_set(
        """le la les des du est et une un je il elle nous vous ils elles très tres avec pour
        dans sur qui que mais mon ma mes ce cette au aux été était etait ai merci bien médecin
        medecin docteur accueil rendez pas ne ont sont fait tout toujours chez de se"""
    ),
    "pt": word_set(
        """não nao muito muita com uma ótimo otimo atendimento obrigado obrigada você voce foi
        do da dos das em para que de se na os ela ele médica medica"""
    ),
    "de": word_set(
        """der das und ist sehr nicht ich mit zu ein eine auch auf sich wir sie den dem für fur
        arzt ärztin praxis immer freundlich"""
    ),
    "it": word_set(
        """il di che molto sono per della del gli una con ho ottimo dottore dottoressa grazie
        anche ma la le"""
    ),
}
LANGUAGE_NAMES = {
    "es": "Spanish",
    "fr": "French",
    "pt": "Portuguese",
    "de": "German",
    "it": "Italian",
}
LANGUAGE_WORDS = 40  # the language is settled within this many words
LANGUAGE_LEAD = 4  # or once English leads every other language by this many markers
# Each marker word and the languages it marks, for one lookup per word.
MARKER_LANGUAGES: dict[str, tuple[str, ...]] = {
    word: tuple(
        code
        for code, markers in [("en", ENGLISH_MARKERS), *FOREIGN_MARKERS.items()]
        if word in markers
    )
    for word in ENGLISH_MARKERS.union(*FOREIGN_MARKERS.values())
}


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


def language(text: str) -> str | None:
    """Returns "en", or the code of the other language whose marker words outnumber the English
    ones ("es", "fr", "pt", "de", "it"); None for several words with no marker at all. A tie
    counts as English (VADER reads it); so does text too short to tell ("Rude. Avoid."; VADER
    passes unknown words by). Runs on every review: one pass, stopping once English leads by
    LANGUAGE_LEAD markers (most English reviews within a dozen words) or after LANGUAGE_WORDS."""
    counts = dict.fromkeys(LANGUAGE_NAMES, 0)
    english = seen = 0
    for match in WORD.finditer(text.lower()):
        seen += 1
        for code in MARKER_LANGUAGES.get(match[0], ()):
            if code == "en":
                english += 1
            else:
                counts[code] += 1
        if seen >= LANGUAGE_WORDS or english - max(counts.values()) >= LANGUAGE_LEAD:
            break
    best = max(counts, key=counts.__getitem__)
    if counts[best] > english and counts[best] >= 2:  # not one place name ("El Paso")
        return best
    if english or seen < ENOUGH_WORDS:
        return "en"
    return None


def looks_english(text: str) -> bool:
    """True unless text.language says another language, or none (several words, no marker)."""
    return language(text) == "en"
