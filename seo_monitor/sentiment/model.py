"""Text features and the shipped linear model that turns them into P(the review is a complaint).

VADER (with the healthcare vocabulary) scores every sentence; the complaint and praise phrases
are counted; words and word pairs are weighted TF-IDF style. A logistic regression trained by
``bench/train_scorer.py`` combines them; its weights ship in ``model.json`` next to this file.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import string
from collections import Counter
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from typing import Any

from vaderSentiment.vaderSentiment import (
    BOOSTER_DICT,
    C_INCR,
    N_SCALAR,
    NEGATE,
    SPECIAL_CASES,
    SentimentIntensityAnalyzer,
    normalize,
    scalar_inc_dec,
)

from seo_monitor.sentiment.lexicon import (
    CLINICAL_HARM,
    CONDITION_DAMPING,
    CONDITION_WORDS,
    DOMAIN_VALENCE,
    EARLIER_CARE,
    HARM_NEGATED,
    HARM_RESCUED,
    NOT_RECOMMENDED,
    PHRASE_FEATURES,
    PHRASES,
    RECOMMEND_PRAISE,
    mark_condition_severity,
)
from seo_monitor.sentiment.text import sentences, word_set

MODEL_FILE = "model.json"
TERM_TOKEN = re.compile(r"\b\w+n't\b|\b\w\w+\b|[.!?,;:]")
TERM_TOKEN_NO_CONTRACTION = re.compile(r"\b\w\w+\b|[.!?,;:]")  # the same without "n't"
CLAUSE_END = frozenset(".!?,;:")
NEGATORS = frozenset(
    [
        "not",
        "no",
        "never",
        "nothing",
        "nobody",
        "none",
        "without",
        "cant",
        "dont",
        "wont",
        "didnt",
        "doesnt",
        "isnt",
        "wasnt",
    ]
)
NEGATION_SCOPE = 3
# VADER's own negations, and every word of its idioms and multi-word boosters: a run of words
# none of which is an idiom word cannot hold an idiom.
NEGATE_WORDS = frozenset(NEGATE)
IDIOM_WORDS = frozenset(
    word
    for phrase in [*SPECIAL_CASES, *(booster for booster in BOOSTER_DICT if " " in booster)]
    for word in phrase.split()
)
BOOSTER_DAMPING = {1: 1.0, 2: 0.95, 3: 0.9}  # by distance from the sentiment word
# What counts as evidence that a text praises or complains (has_evidence): a word VADER or the
# model weighs at least this much. Below it ("ok" 1.2 to VADER is the exception: see
# NOT_EVIDENCE) a text is as good as empty, and the model's answer for an empty text is its
# intercept, which sits above the threshold.
EVIDENCE_WEIGHT = 1.0
# Words that weigh that much to VADER or the model without saying anything about the care:
# function words (the model's "to" stands for whole complaint phrases it sits in), the
# lukewarm "ok" family (with 1★ a complaint, with 5★ praise: the stars tell), and "dr".
NOT_EVIDENCE = word_set(
    """the a an to on in at of for with and or but is was were be been it its this that my me
    we you he she they his her our your their them us so as by from are am has have had do did
    ok okay fine alright meh dr"""
)


class HealthcareVader(SentimentIntensityAnalyzer):  # type: ignore[misc]
    """VADER with the healthcare vocabulary, exposing each sentence's raw valence sum."""

    def __init__(self) -> None:
        super().__init__()
        for word in CONDITION_WORDS:
            if word in self.lexicon:
                self.lexicon[word] *= CONDITION_DAMPING
        self.lexicon.update(DOMAIN_VALENCE)

    def valences(self, sentence: str) -> tuple[list[str], list[str], list[float], float]:
        """VADER's polarity_scores for one sentence, stopping at the per-word valences.

        Returns the words, the same lower-cased, their valences and the sum with VADER's
        punctuation emphasis; the words let a sentence's clauses be scored without running
        VADER again. Emoji lookup only runs for text that has non-ASCII characters (VADER walks
        every character).

        The rules are VADER 3.3.2's (`sentiment_valence` and the checks it calls), applied to
        words lower-cased once per sentence: VADER lower-cases the whole sentence again in
        every check of every sentiment word, which made it most of the scorer's time. Same
        operations in the same order, so the same floats.
        """
        text = sentence if sentence.isascii() else self._describe_emojis(sentence)
        words = vader_words(text)
        lowered = [word.lower() for word in words]
        cap_diff = _some_in_capitals(words)
        lexicon = self.lexicon
        # Boosters count 0.0, other words without a valence VADER's int 0 (kept so that the
        # lists compare equal); then the sentiment words, which are few.
        sentiments: list[float] = [0.0 if word in BOOSTER_DICT else 0 for word in lowered]
        scored = [i for i, word in enumerate(lowered) if word in lexicon]
        for i in scored:
            if lowered[i] in BOOSTER_DICT:
                continue
            if lowered[i] == "kind" and i < len(lowered) - 1 and lowered[i + 1] == "of":
                sentiments[i] = 0.0  # "kind of" is a booster, not kindness
            else:
                sentiments[i] = self._word_valence(i, words, lowered, cap_diff)
        if "but" in lowered:
            sentiments = self._but_check(words, sentiments)
        total = float(sum(sentiments))
        if total:
            emphasis = self._punctuation_emphasis(text)
            total += emphasis if total > 0 else -emphasis
        return words, lowered, sentiments, total

    def _word_valence(self, i: int, words: list[str], lowered: list[str], cap_diff: bool) -> float:
        """VADER's sentiment_valence for the lexicon word at i."""
        lexicon = self.lexicon
        word = lowered[i]
        valence: float = lexicon[word]
        # "no" before another sentiment word negates that word instead of counting itself.
        if word == "no" and i != len(words) - 1 and lowered[i + 1] in lexicon:
            valence = 0.0
        if (
            (i > 0 and lowered[i - 1] == "no")
            or (i > 1 and lowered[i - 2] == "no")
            or (i > 2 and lowered[i - 3] == "no" and lowered[i - 1] in ("or", "nor"))
        ):
            valence = lexicon[word] * N_SCALAR
        if words[i].isupper() and cap_diff:
            valence = valence + C_INCR if valence > 0 else valence - C_INCR
        # The three words before it (VADER's start_i 0, 1, 2), unless they are sentiment words.
        for distance in (1, 2, 3):
            before = i - distance
            if before < 0 or lowered[before] in lexicon:
                continue
            scalar = 0.0
            if lowered[before] in BOOSTER_DICT:
                scalar = scalar_inc_dec(words[before], valence, cap_diff)
            if scalar != 0:  # boosters further away count for less
                scalar = scalar * BOOSTER_DAMPING[distance]
            valence = valence + scalar
            valence = _negation_check(valence, lowered, distance, i)
            if distance == 3:
                valence = _special_idioms_check(valence, lowered, i)
        return _least_check(valence, lowered, i, lexicon)

    def _describe_emojis(self, text: str) -> str:
        described = [f" {self.emojis[char]} " if char in self.emojis else char for char in text]
        return "".join(described).strip()


def vader_words(text: str) -> list[str]:
    """SentiText's words: split at spaces, punctuation stripped unless that leaves two
    characters or fewer (an emoticon such as ":)")."""
    return [
        token if len(stripped := token.strip(string.punctuation)) <= 2 else stripped
        for token in text.split()
    ]


def _some_in_capitals(words: list[str]) -> bool:
    """VADER's allcap_differential: some words but not all are in capitals."""
    capitals = sum(map(str.isupper, words))
    return 0 < len(words) - capitals < len(words)


def _negated(lowered_word: str) -> bool:
    return lowered_word in NEGATE_WORDS or "n't" in lowered_word


def _negation_check(valence: float, lowered: list[str], distance: int, i: int) -> float:
    """VADER's _negation_check for the word `distance` words before i: a negation there
    flips the valence, "never so (good)" boosts it, "without doubt" leaves it."""
    if distance == 1:
        return valence * N_SCALAR if _negated(lowered[i - 1]) else valence
    if distance == 2:
        if lowered[i - 2] == "never" and lowered[i - 1] in ("so", "this"):
            return valence * 1.25
        if lowered[i - 2] == "without" and lowered[i - 1] == "doubt":
            return valence
        return valence * N_SCALAR if _negated(lowered[i - 2]) else valence
    never_so = lowered[i - 3] == "never" and lowered[i - 2] in ("so", "this")
    if never_so or lowered[i - 1] in ("so", "this"):  # as VADER has it: "so" alone boosts too
        return valence * 1.25
    if lowered[i - 3] == "without" and "doubt" in (lowered[i - 2], lowered[i - 1]):
        return valence
    return valence * N_SCALAR if _negated(lowered[i - 3]) else valence


def _special_idioms_check(valence: float, lowered: list[str], i: int) -> float:
    """VADER's _special_idioms_check (i >= 3): idioms around the word, and two- and three-word
    boosters before it. Nearly no sentence has an idiom word near i, which is checked first."""
    if IDIOM_WORDS.isdisjoint(lowered[i - 3 : i + 3]):
        return valence
    three, two, one, zero = lowered[i - 3 : i + 1]
    sequences = [f"{one} {zero}", f"{two} {one} {zero}", f"{two} {one}"]
    sequences += [f"{three} {two} {one}", f"{three} {two}"]
    for sequence in sequences:
        if sequence in SPECIAL_CASES:
            valence = SPECIAL_CASES[sequence]
            break
    if len(lowered) - 1 > i:
        following = f"{zero} {lowered[i + 1]}"
        if following in SPECIAL_CASES:
            valence = SPECIAL_CASES[following]
    if len(lowered) - 1 > i + 1:
        following = f"{zero} {lowered[i + 1]} {lowered[i + 2]}"
        if following in SPECIAL_CASES:
            valence = SPECIAL_CASES[following]
    for n_gram in (f"{three} {two} {one}", f"{three} {two}", f"{two} {one}"):
        if n_gram in BOOSTER_DICT:
            valence = valence + BOOSTER_DICT[n_gram]
    return valence


def _least_check(valence: float, lowered: list[str], i: int, lexicon: dict[str, float]) -> float:
    """VADER's _least_check: "least" before the word negates it, but not "at least"."""
    after_least = i > 0 and lowered[i - 1] == "least" and "least" not in lexicon
    if after_least and (i == 1 or lowered[i - 2] not in ("at", "very")):
        valence = valence * N_SCALAR
    return valence


@cache
def analyzer() -> HealthcareVader:
    return HealthcareVader()


@dataclass(frozen=True)
class Sentence:
    text: str
    lowered: str
    compound: float
    phrases: Counter[str]  # complaint and praise phrases found in it
    words: list[str]  # as VADER split them
    lowered_words: list[str]  # the same, lower-cased
    valences: list[float]  # VADER's valence of each word


@dataclass(frozen=True)
class TextFeatures:
    sentences: list[Sentence]
    overall: float  # VADER-style compound of the whole text, from the sentence sums
    dense: dict[str, float]
    terms: Counter[str]


def extract(text: str) -> TextFeatures:
    """The features of `text`, which the caller has normalised (text.normalise)."""
    text = mark_condition_severity(text)
    vader = analyzer()
    parsed = []
    found: list[str] = []  # the phrases of every sentence
    total = 0.0
    for part in sentences(text):
        vader_words, lowered_words, valences, valence_sum = vader.valences(part)
        total += valence_sum
        lowered = part.lower()
        phrases = PHRASES.findall(lowered)
        found += phrases
        compound = normalize(valence_sum) if valence_sum else 0.0
        parsed.append(
            Sentence(
                part, lowered, compound, Counter(phrases), vader_words, lowered_words, valences
            )
        )
    compounds = [sentence.compound for sentence in parsed]
    lowered_text = text.lower()
    overall = normalize(total) if total else 0.0
    dense = {
        "vader_overall": overall,
        "vader_min": min(compounds),
        "vader_mean": sum(compounds) / len(compounds),
        "vader_last": compounds[-1],
        "vader_first": compounds[0],
        "vader_max": max(compounds),
        "negative_share": sum(1 for c in compounds if c < -0.05) / len(compounds),
        "sentences": math.log(len(compounds)),
        "earlier_care": math.log1p(len(EARLIER_CARE.findall(lowered_text))),
    }
    totals = Counter(found)
    dense.update({name: math.log1p(totals.get(name, 0)) for name in PHRASE_FEATURES})
    tokens = negation_marked(lowered_text)
    # Words, then word pairs ("a b"): the order the model's term score adds them up in.
    terms = Counter(tokens + list(map(" ".join, itertools.pairwise(tokens))))
    return TextFeatures(parsed, overall, dense, terms)


def negation_marked(lowered: str) -> list[str]:
    """Words, with the three after a negation marked: "would not_go not_back" is a different
    word from "go back" to the model. Punctuation ends the negation."""
    # The contraction alternative costs a lot, and like the test below needs an "n't".
    contractions = "n't" in lowered
    found = (TERM_TOKEN if contractions else TERM_TOKEN_NO_CONTRACTION).findall(lowered)
    negations = [
        i
        for i, token in enumerate(found)
        if token in NEGATORS or (contractions and token.endswith("n't"))
    ]
    if not negations:
        return [token for token in found if token not in CLAUSE_END]
    marked = _negated_positions(found, negations)
    return [
        f"not_{token}" if i in marked else token
        for i, token in enumerate(found)
        if token not in CLAUSE_END
    ]


def _negated_positions(found: list[str], negations: list[int]) -> set[int]:
    """The up to NEGATION_SCOPE words after each negation, up to the next punctuation (a
    negation inside another one's scope starts its own)."""
    marked = set()
    for negation in negations:
        for i in range(negation + 1, min(negation + 1 + NEGATION_SCOPE, len(found))):
            if found[i] in CLAUSE_END:
                break
            marked.add(i)
    return marked


HARM_PHRASES = frozenset(["neg_harm", "neg_harm_plain"])
CLINICAL_HARM_REASON = "text describes clinical harm (a misdiagnosis, a botched procedure, ...)"
NOT_RECOMMENDED_REASON = "the reviewer does not recommend"


def sure_complaint(features: TextFeatures) -> str | None:
    """Why the text is a complaint however the rest of it reads and whatever the model says
    (scorer.score_review), or None. Two kinds, each in one sentence:

    - clinical harm: "misdiagnosed", "botched", "nearly died", "might not have lived"; not
      negated ("never misdiagnosed"), not about earlier care ("my old doctor misdiagnosed
      it"), not averted ("would have died without her", "caught it");
    - the reviewer's verdict "(would) not recommend", unless praise follows it ("can't
      recommend her highly enough") or the sentence negates a complaint.

    Only sentences with one of those phrases are searched."""
    for sentence in features.sentences:
        phrases = sentence.phrases
        lowered = sentence.lowered
        if "neg_not_recommend" in phrases and "pos_no_complaint" not in phrases:
            for match in NOT_RECOMMENDED.finditer(lowered):
                if not RECOMMEND_PRAISE.match(lowered, match.end()):
                    return NOT_RECOMMENDED_REASON
        if HARM_PHRASES.isdisjoint(phrases) and "butcher" not in lowered:
            continue
        if HARM_RESCUED.search(lowered) or EARLIER_CARE.search(lowered):
            continue
        for match in CLINICAL_HARM.finditer(lowered):
            if not HARM_NEGATED.search(lowered, 0, match.start()):
                return CLINICAL_HARM_REASON
    return None


def has_evidence(features: TextFeatures, model: LinearModel) -> bool:
    """Whether the text says anything the scorer can weigh: a complaint or praise phrase, a
    word VADER weighs, or a word the model weighs (see EVIDENCE_WEIGHT). "OK", "xxx", digits,
    an address, "moved to ...", emoji VADER has no word for: no evidence, so no complaint;
    the stars decide. Nearly every review settles it at its first phrase."""
    if any(sentence.phrases for sentence in features.sentences):
        return True
    for sentence in features.sentences:
        for word, valence in zip(sentence.lowered_words, sentence.valences, strict=True):
            if abs(valence) >= EVIDENCE_WEIGHT and word not in NOT_EVIDENCE:
                return True
    for term in features.terms:
        if " " in term or term in NOT_EVIDENCE:
            continue  # word pairs are left out: a pair of empty words says nothing either
        known = model.terms.get(term)
        if known and abs(known[1]) >= EVIDENCE_WEIGHT:
            return True
    return False


@dataclass(frozen=True)
class LinearModel:
    version: str
    threshold: float  # P(complaint) at or above this is negative text
    bias: float
    dense: dict[str, tuple[float, float, float]]  # name -> (mean, scale, weight)
    terms: dict[str, tuple[float, float]]  # term -> (idf, weight)

    def probability(self, features: TextFeatures) -> float:
        logit = self.bias
        for name, (mean, scale, weight) in self.dense.items():
            logit += weight * (features.dense.get(name, 0.0) - mean) / scale
        logit += self._term_score(features.terms)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, logit))))

    def _term_score(self, counts: Counter[str]) -> float:
        """Sublinear TF-IDF, L2-normalised over the model's vocabulary, dotted with the weights.

        Each known term adds value² to the squared norm and value · weight to the dot product,
        value being (1 + log count) · idf. The two sums are kept as one complex number (real:
        norm, imaginary: dot): its addition adds each part exactly as two float sums would,
        and a term seen once is then one small object to look up instead of several (those
        lookups, all over memory, are most of this function's time).
        """
        sums = 0j
        seen_once = self._seen_once
        for term, count in counts.items():
            once = seen_once.get(term)
            if once is None:
                continue
            if count == 1:  # most terms: (1 + log 1) · idf is idf itself
                sums += once
            else:
                idf, weight = self.terms[term]
                value = (1.0 + math.log(count)) * idf
                sums += complex(value * value, value * weight)
        norm_sq, dot = sums.real, sums.imag
        return dot / math.sqrt(norm_sq) if norm_sq else 0.0

    @cached_property
    def _seen_once(self) -> dict[str, complex]:
        """What each term adds when counted once: idf² + (idf · weight)i, see _term_score."""
        return {
            term: complex(idf * idf, idf * weight) for term, (idf, weight) in self.terms.items()
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LinearModel:
        return cls(
            version=str(data["version"]),
            threshold=float(data["threshold"]),
            bias=float(data["bias"]),
            dense={name: (m, s, w) for name, (m, s, w) in data["dense"].items()},
            terms={term: (idf, w) for term, (idf, w) in data["terms"].items()},
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "threshold": self.threshold,
            "bias": self.bias,
            "dense": {name: list(values) for name, values in self.dense.items()},
            "terms": {term: list(values) for term, values in sorted(self.terms.items())},
        }


@cache
def shipped_model() -> LinearModel:
    raw = resources.files("seo_monitor.sentiment").joinpath(MODEL_FILE).read_text("utf-8")
    return LinearModel.from_json(json.loads(raw))
