"""score_review: how negative a review is, what it is about, and how urgently it wants a reply."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from vaderSentiment.vaderSentiment import normalize

from seo_monitor.sentiment.lexicon import PHRASES, TOPIC_MENTIONS, TOPICS, TopicDefinition
from seo_monitor.sentiment.model import (
    Sentence,
    TextFeatures,
    extract,
    has_evidence,
    shipped_model,
    sure_complaint,
)
from seo_monitor.sentiment.text import LANGUAGE_NAMES, language, normalise, split_translation

# hc-2: trained on the whole dev set (five folds). hc-3 (issue 27): text normalised first
# (typographic apostrophes), no evidence -> the stars, languages told apart by marker words,
# new phrases (unreachable, fake reviews, plain-word harm, negated complaints); retrained.
# hc-4: clinical harm in plain words and "(would) not recommend" are complaints outside the
# model (model.sure_complaint); the model itself is hc-3's.
SCORER_VERSION = "hc-4"
# Phrases that make a clause a complaint whatever VADER says ("waited over an hour").
STRONG_COMPLAINTS = frozenset(
    [
        "neg_not_recommend",
        "neg_not_return",
        "neg_avoid",
        "neg_switched",
        "neg_no_care",
        "neg_nobody",
        "neg_never_called",
        "neg_waited_long",
        "neg_rude",
        "neg_dismissive",
        "neg_harm",
        "neg_bad_words",
        "neg_medication_refusal",
        "neg_billing_error",
        "neg_took_effort",
        "neg_unreachable",
        "neg_fake_reviews",
    ]
)
# Where a sentence turns ("great therapist but the front desk..."): its clauses are scored apart.
CONTRAST_WORDS = frozenset(
    ["but", "however", "although", "though", "yet", "except", "unfortunately", "sadly"]
)
# A topic is negative below this: clearly negative words or a complaint phrase, not a patient
# describing the pain they came in with (condition words are damped, see lexicon.py).
NEGATIVE_TOPIC = -0.25
STAR_PRIORITY = {1: 50, 2: 40, 3: 25, 4: 10, 5: 5}
NO_STARS_PRIORITY = 15
STAR_COMPOUND = {1: -0.8, 2: -0.5, 3: 0.0, 4: 0.5, 5: 0.8}


@dataclass(frozen=True)
class ScoringRules:
    """The thresholds from the [reviews] config section."""

    negative_stars: int = 2  # this many stars or fewer is a negative review
    text_threshold: float | None = None  # P(complaint) for negative text; None: the model's own

    def threshold(self) -> float:
        return self.text_threshold if self.text_threshold is not None else shipped_model().threshold

    def fingerprint(self) -> str:
        """Scorer version plus the rules: stored scores made under other rules are redone."""
        rules = f"{self.negative_stars}:{self.threshold():.4f}"
        return f"{SCORER_VERSION}/{hashlib.sha256(rules.encode()).hexdigest()[:8]}"


@dataclass(frozen=True)
class TopicScore:
    key: str
    label: str
    concern: str  # clinical or operational
    sentiment: float  # -1..1; the most negative mention when any mention is negative
    mentions: int

    @property
    def negative(self) -> bool:
        return self.sentiment <= NEGATIVE_TOPIC


@dataclass(frozen=True)
class ReviewScore:
    compound: float  # -1..1, VADER-style, from the text (from the stars when there is none)
    negative_probability: float  # P(the text is a complaint); from the stars without text
    polarity: str  # negative, neutral or positive
    topics: tuple[TopicScore, ...]
    priority: int  # 0-100: stars, then how negative the text is, then clinical over operational
    flagged: bool  # 4-5 stars but the text complains (overall or about a topic): have a look
    reasons: tuple[str, ...] = field(default=())

    @property
    def concern(self) -> str | None:
        """clinical, operational, or None: who should see a complaint first (docs/reviews.md)."""
        negative = [topic for topic in self.topics if topic.negative]
        if any(topic.concern == "clinical" for topic in negative):
            return "clinical"
        return "operational" if negative else None

    def negative_topics(self) -> list[TopicScore]:
        return [topic for topic in self.topics if topic.negative]


def text_hash(text: str | None, rating: int | None) -> str:
    """What a stored score depends on; an unchanged hash means no rescoring."""
    return hashlib.sha256(f"{rating}\x00{text or ''}".encode()).hexdigest()


def readable_text(text: str | None) -> str | None:
    """The English text to score, normalised (text.normalise: once, before every rule and
    feature): the translation when Google added one; None if unreadable."""
    if not text or not text.strip():
        return None
    translation, _original = split_translation(normalise(text))
    return translation if language(translation) == "en" else None


def unreadable_why(text: str | None) -> str:
    """Why readable_text gave None, in the words the Reviews page shows."""
    if not text or not text.strip():
        return "no text"
    translation, _original = split_translation(normalise(text))
    name = LANGUAGE_NAMES.get(language(translation) or "")
    return f"text in {name}, no translation" if name else "text not in English, no translation"


def score_review(
    text: str | None, rating: int | None, rules: ScoringRules | None = None
) -> ReviewScore:
    rules = rules or ScoringRules()
    readable = readable_text(text)
    if readable is None:
        return _score_stars(rating, rules, why=unreadable_why(text))
    features = extract(readable)
    model = shipped_model()
    if not has_evidence(features, model):
        return _score_stars(rating, rules, why="no words that praise or complain")
    probability = model.probability(features)
    sure = sure_complaint(features)
    negative_text = sure is not None or probability >= rules.threshold()
    if negative_text:
        polarity = "negative"
    elif features.overall > 0.05 or probability < rules.threshold() / 2:
        polarity = "positive"
    else:
        polarity = "neutral"
    topics = _topics(features)
    complaint = negative_text or any(topic.negative for topic in topics)
    flagged = complaint and rating is not None and rating > 3
    reasons = _reasons(rating, rules, probability, negative_text, topics, flagged, sure=sure)
    return ReviewScore(
        compound=round(features.overall, 4),
        negative_probability=round(probability, 4),
        polarity=polarity,
        topics=topics,
        priority=_priority(rating, 1.0 if sure else probability, negative_text, topics, flagged),
        flagged=flagged,
        reasons=reasons,
    )


def _score_stars(rating: int | None, rules: ScoringRules, *, why: str) -> ReviewScore:
    if rating is None:
        return ReviewScore(0.0, 0.5, "neutral", (), NO_STARS_PRIORITY, False, (f"{why}, no stars",))
    negative = rating <= rules.negative_stars
    polarity = "negative" if negative else "positive" if rating > 3 else "neutral"
    return ReviewScore(
        compound=STAR_COMPOUND.get(rating, 0.0),
        negative_probability=1.0 if negative else 0.0,
        polarity=polarity,
        topics=(),
        priority=STAR_PRIORITY.get(rating, NO_STARS_PRIORITY),
        flagged=False,
        reasons=(f"{rating}★", f"{why}: judged by the stars"),
    )


def _topics(features: TextFeatures) -> tuple[TopicScore, ...]:
    """Topics per clause, each with the sentiment of the clauses that mention it."""
    found: dict[str, list[float]] = {}
    for sentence in features.sentences:
        for lowered, compound, phrases in _clauses(sentence):
            keys = set(TOPIC_MENTIONS.findall(lowered))
            sentiment = _clause_sentiment(compound, phrases) if keys else 0.0
            for key in keys:
                found.setdefault(key, []).append(sentiment)
    return tuple(_topic_score(topic, found[topic.key]) for topic in TOPICS if topic.key in found)


def _clauses(sentence: Sentence) -> Iterator[tuple[str, float, Counter[str]]]:
    """(lower-cased text, compound, phrases) of each clause, split where the review turns."""
    words = sentence.lowered_words
    if CONTRAST_WORDS.isdisjoint(words):
        yield sentence.lowered, sentence.compound, sentence.phrases
        return
    cuts = [i for i, word in enumerate(words) if word in CONTRAST_WORDS]
    for start, end in zip([0, *cuts], [*cuts, len(words)], strict=True):
        lowered = " ".join(words[start:end])  # as lower-casing the joined words would give
        valence = sum(sentence.valences[start:end])
        phrases = Counter(PHRASES.findall(lowered))
        yield lowered, normalize(valence) if valence else 0.0, phrases


def _clause_sentiment(compound: float, phrases: Counter[str]) -> float:
    """VADER's view, overruled by a clear complaint phrase ("never called back")."""
    if not STRONG_COMPLAINTS.isdisjoint(phrases) and "pos_no_complaint" not in phrases:
        return min(compound, -0.4)
    return compound


def _topic_score(topic: TopicDefinition, sentiments: list[float]) -> TopicScore:
    worst = min(sentiments)
    sentiment = worst if worst <= NEGATIVE_TOPIC else sum(sentiments) / len(sentiments)
    return TopicScore(topic.key, topic.label, topic.concern, round(sentiment, 4), len(sentiments))


def _priority(
    rating: int | None,
    probability: float,
    negative_text: bool,
    topics: tuple[TopicScore, ...],
    flagged: bool,
) -> int:
    score = STAR_PRIORITY.get(rating, NO_STARS_PRIORITY) if rating else NO_STARS_PRIORITY
    score += round((35 if negative_text else 10) * probability)
    negative = [topic for topic in topics if topic.negative]
    if any(topic.concern == "clinical" for topic in negative):
        score += 10
    elif negative:
        score += 5
    if flagged:
        score = max(score, 45)
    return max(0, min(100, score))


def _reasons(
    rating: int | None,
    rules: ScoringRules,
    probability: float,
    negative_text: bool,
    topics: tuple[TopicScore, ...],
    flagged: bool,
    *,
    sure: str | None = None,
) -> tuple[str, ...]:
    reasons = []
    if rating is not None:
        low = rating <= rules.negative_stars
        reasons.append(f"{rating}★" + (" (negative stars)" if low else ""))
    if sure:
        reasons.append(sure)
    elif negative_text:
        reasons.append(f"text reads as a complaint ({probability:.0%})")
    for topic in topics:
        if topic.negative:
            reasons.append(f"negative about {topic.label.lower()} ({topic.concern})")
    if flagged:
        reasons.append(f"{rating}★ but the text complains: have a look")
    return tuple(reasons)
