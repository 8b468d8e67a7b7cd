"""HealthcareVader.valences applies VADER 3.3.2's rules to words lower-cased once (VADER
lower-cases the sentence again in every check, which was most of the scorer's time). These
tests hold it to VADER's own code path, word by word, on the labelled reviews and on the
sentences that exercise each rule: a new VADER release with other rules fails here."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from vaderSentiment.vaderSentiment import (
    BOOSTER_DICT,
    SentimentIntensityAnalyzer,
    SentiText,
    normalize,
)

from seo_monitor.sentiment.model import HealthcareVader

LABELED = Path(__file__).resolve().parents[1] / "data" / "reviews-labeled.csv"
RULES = [
    "The staff was not very good but the doctor was GREAT!!!",
    "kind of rude, kind of slow",
    "least helpful office ever, at least the parking is free",
    "The therapist is the bomb. Yeah right, the front desk is the shit.",
    "It was the kiss of death for my knee; they cut the mustard otherwise",
    "Never had such a bad experience?! NOT happy at all :(",
    "Without doubt the best care 😊👍 — no complaints",
    "I wasn't sure, but honestly it was amazing and extremely helpful",
    "so much better than before, hardly painful, barely waited",
    "",
    "!!!",
]


def vader_own_path(vader: HealthcareVader, text: str) -> tuple[list[str], list[float], float]:
    """The words, word valences and compound that SentimentIntensityAnalyzer.polarity_scores
    computes (its loop, with its own methods), on the same healthcare lexicon. Emojis are
    described first as the scorer does (each description a word of its own, where VADER glues
    a variation selector to it): that step is ours, the rules after it are VADER's."""
    described = text if text.isascii() else vader._describe_emojis(text)
    sentitext = SentiText(described)
    words = sentitext.words_and_emoticons
    sentiments: list[float] = []
    for i, item in enumerate(words):
        is_kind_of = i < len(words) - 1 and item.lower() == "kind" and words[i + 1].lower() == "of"
        if item.lower() in BOOSTER_DICT or is_kind_of:
            sentiments.append(0)
            continue
        sentiments = SentimentIntensityAnalyzer.sentiment_valence(
            vader, 0, sentitext, item, i, sentiments
        )
    sentiments = SentimentIntensityAnalyzer._but_check(words, sentiments)
    compound = SentimentIntensityAnalyzer.polarity_scores(vader, described)["compound"]
    return words, sentiments, compound


def labelled_texts() -> list[str]:
    with LABELED.open(newline="", encoding="utf-8") as handle:
        return [row["text"] for row in csv.DictReader(handle)]


@pytest.fixture(scope="module")
def vader() -> HealthcareVader:
    return HealthcareVader()


def test_the_valences_are_vaders_own_on_every_labelled_review(vader: HealthcareVader) -> None:
    texts = labelled_texts()
    assert len(texts) >= 200
    for text in texts:
        check(vader, text)


@pytest.mark.parametrize("text", RULES)
def test_the_valences_are_vaders_own_for_each_rule(vader: HealthcareVader, text: str) -> None:
    check(vader, text)


def check(vader: HealthcareVader, text: str) -> None:
    words, lowered, sentiments, total = vader.valences(text)
    own_words, own_sentiments, compound = vader_own_path(vader, text)
    assert words == own_words, text
    assert lowered == [word.lower() for word in own_words], text
    assert sentiments == own_sentiments, text
    assert round(normalize(total), 4) == compound if total else compound == 0, text
