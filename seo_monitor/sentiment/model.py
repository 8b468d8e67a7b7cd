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
from collections import Counter
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from vaderSentiment.vaderSentiment import (
    BOOSTER_DICT,
    SentimentIntensityAnalyzer,
    SentiText,
    normalize,
)

from seo_monitor.sentiment.lexicon import (
    CONDITION_DAMPING,
    CONDITION_SEVERITY,
    CONDITION_SEVERITY_WORD,
    CONDITION_WORDS,
    DOMAIN_VALENCE,
    EARLIER_CARE,
    PHRASE_FEATURES,
    PHRASES,
)
from seo_monitor.sentiment.text import sentences

MODEL_FILE = "model.json"
TERM_TOKEN = re.compile(r"\b\w+n't\b|\b\w\w+\b|[.!?,;:]")
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


class HealthcareVader(SentimentIntensityAnalyzer):  # type: ignore[misc]
    """VADER with the healthcare vocabulary, exposing each sentence's raw valence sum."""

    def __init__(self) -> None:
        super().__init__()
        for word in CONDITION_WORDS:
            if word in self.lexicon:
                self.lexicon[word] *= CONDITION_DAMPING
        self.lexicon.update(DOMAIN_VALENCE)

    def valences(self, sentence: str) -> tuple[list[str], list[float], float]:
        """VADER's polarity_scores for one sentence, stopping at the per-word valences.

        Returns the words, their valences and the sum with VADER's punctuation emphasis; the
        words let a sentence's clauses be scored without running VADER again. Emoji lookup
        only runs for text that has non-ASCII characters (VADER walks every character).
        """
        text = sentence if sentence.isascii() else self._describe_emojis(sentence)
        sentitext = SentiText(text)
        words: list[str] = sentitext.words_and_emoticons
        sentiments: list[float] = []
        for i, item in enumerate(words):
            lowered = item.lower()
            if lowered in BOOSTER_DICT or (
                lowered == "kind" and i < len(words) - 1 and words[i + 1].lower() == "of"
            ):
                sentiments.append(0.0)
                continue
            sentiments = self.sentiment_valence(0, sentitext, item, i, sentiments)
        sentiments = self._but_check(words, sentiments)
        total = float(sum(sentiments))
        if total:
            emphasis = self._punctuation_emphasis(text)
            total += emphasis if total > 0 else -emphasis
        return words, sentiments, total

    def _describe_emojis(self, text: str) -> str:
        described = [f" {self.emojis[char]} " if char in self.emojis else char for char in text]
        return "".join(described).strip()


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
    valences: list[float]  # VADER's valence of each word


@dataclass(frozen=True)
class TextFeatures:
    sentences: list[Sentence]
    overall: float  # VADER-style compound of the whole text, from the sentence sums
    dense: dict[str, float]
    terms: Counter[str]


def extract(text: str) -> TextFeatures:
    text = CONDITION_SEVERITY.sub(CONDITION_SEVERITY_WORD, text)
    vader = analyzer()
    parsed = []
    total = 0.0
    for part in sentences(text):
        vader_words, valences, valence_sum = vader.valences(part)
        total += valence_sum
        lowered = part.lower()
        phrases = Counter(PHRASES.finditer(lowered))
        compound = normalize(valence_sum) if valence_sum else 0.0
        parsed.append(Sentence(part, lowered, compound, phrases, vader_words, valences))
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
    totals: Counter[str] = Counter()
    for sentence in parsed:
        totals.update(sentence.phrases)
    dense.update({name: math.log1p(totals[name]) for name in PHRASE_FEATURES})
    tokens = negation_marked(lowered_text)
    terms = Counter(tokens)
    terms.update(f"{a} {b}" for a, b in itertools.pairwise(tokens))
    return TextFeatures(parsed, overall, dense, terms)


def negation_marked(lowered: str) -> list[str]:
    """Words, with the three after a negation marked: "would not_go not_back" is a different
    word from "go back" to the model. Punctuation ends the negation."""
    tokens = []
    scope = 0
    for token in TERM_TOKEN.findall(lowered):
        if token in CLAUSE_END:
            scope = 0
            continue
        if scope:
            tokens.append(f"not_{token}")
            scope -= 1
        else:
            tokens.append(token)
        if token in NEGATORS or token.endswith("n't"):
            scope = NEGATION_SCOPE
    return tokens


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
        """Sublinear TF-IDF, L2-normalised over the model's vocabulary, dotted with the weights."""
        norm_sq = 0.0
        dot = 0.0
        for term, count in counts.items():
            known = self.terms.get(term)
            if known is None:
                continue
            idf, weight = known
            value = (1.0 + math.log(count)) * idf
            norm_sq += value * value
            dot += value * weight
        return dot / math.sqrt(norm_sq) if norm_sq else 0.0

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
