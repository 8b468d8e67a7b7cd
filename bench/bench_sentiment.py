"""Review scorer quality and speed, side by side with plain VADER on the same rows.

  python bench/bench_sentiment.py [--data ../shared/data/reviews-dev.csv] [--repeat 3]

Quality: 1-2 star reviews are negative, 4-5 star positive (3 stars left out); each scorer sees
the text only (no stars). Plain VADER calls compound < -0.05 negative; ours calls the text
negative when its polarity is "negative". Rows: the held-out half of the shared dev set (the
model never saw it; also without its few French reviews, which the scorer leaves to the stars),
the training half (for comparison only), tests/data/reviews-labeled.csv (hand-written reviews
in other styles and specialties, labelled by their text), and the held-out English rows at
other settings of reviews.text_threshold (the trade-off an operator can choose).

Speed: reviews per second over all dev texts, VADER and ours alternating in chunks of 50,
`--repeat` rounds; the ratio is the figure that matters on a noisy machine.
"""

from __future__ import annotations

import argparse
import csv
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from bench.reviews_dev import DEFAULT_PATH, load
from seo_monitor.sentiment import ScoringRules, score_review
from seo_monitor.sentiment.text import looks_english

LABELED = Path(__file__).resolve().parents[1] / "tests" / "data" / "reviews-labeled.csv"


def shipped_labeled() -> list[tuple[str, bool]]:
    with LABELED.open(newline="", encoding="utf-8") as handle:
        return [(row["text"], row["label"] == "negative") for row in csv.DictReader(handle)]


def quality(rows: Sequence[tuple[str, bool]], is_negative: Callable[[str], bool]) -> str:
    flagged = [is_negative(text) for text, _ in rows]
    negatives = sum(1 for _, negative in rows if negative)
    hits = sum(1 for f, (_, negative) in zip(flagged, rows, strict=True) if f and negative)
    recall = hits / negatives
    precision = hits / max(1, sum(flagged))
    positives = len(rows) - negatives
    true_negatives = sum(1 for f, (_, n) in zip(flagged, rows, strict=True) if not f and not n)
    pos_recall = true_negatives / positives
    pos_precision = true_negatives / max(1, len(rows) - sum(flagged))
    macro_f1 = (f1(recall, precision) + f1(pos_recall, pos_precision)) / 2
    return f"{recall:.3f} | {precision:.3f} | {macro_f1:.3f}"


def f1(recall: float, precision: float) -> float:
    return 2 * recall * precision / (recall + precision) if recall + precision else 0.0


def throughput(texts: Sequence[str], repeat: int) -> tuple[float, float]:
    """Reviews per second of each, timed in alternating chunks of 50 texts so that the
    machine's ups and downs fall on both alike."""
    vader = SentimentIntensityAnalyzer()
    score_review("warm-up", None)
    plain = ours = 0.0
    for _ in range(repeat):
        for start in range(0, len(texts), 50):
            chunk = texts[start : start + 50]
            began = time.perf_counter()
            for text in chunk:
                vader.polarity_scores(text)
            middle = time.perf_counter()
            for text in chunk:
                score_review(text, 5)
            plain += middle - began
            ours += time.perf_counter() - middle
    total = len(texts) * repeat
    return total / plain, total / ours


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_PATH)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    reviews = load(args.data)
    vader = SentimentIntensityAnalyzer()

    def plain(text: str) -> bool:
        return bool(vader.polarity_scores(text)["compound"] < -0.05)

    def ours(text: str) -> bool:
        return score_review(text, None).polarity == "negative"

    held = [(r.text, r.negative) for r in reviews if r.held_out]
    sets = {
        "dev set, held-out half": held,
        "dev set, held-out half, English only": [(t, n) for t, n in held if looks_english(t)],
        "dev set, training half": [(r.text, r.negative) for r in reviews if not r.held_out],
        "tests/data/reviews-labeled.csv": shipped_labeled(),
    }
    print("| rows | n | scorer | negative recall | negative precision | macro-F1 |")
    print("|---|---|---|---|---|---|")
    for name, rows in sets.items():
        print(f"| {name} | {len(rows)} | plain VADER | {quality(rows, plain)} |")
        print(f"| {name} | {len(rows)} | seo-monitor | {quality(rows, ours)} |")
    english = sets["dev set, held-out half, English only"]
    for threshold in (0.40, 0.45, 0.50, 0.60):
        rules = ScoringRules(text_threshold=threshold)

        def at(text: str, rules: ScoringRules = rules) -> bool:
            return score_review(text, None, rules).polarity == "negative"

        print(
            f"| held-out, English only | {len(english)} | text_threshold {threshold} "
            f"| {quality(english, at)} |"
        )
    texts = [r.text for r in reviews]
    plain_rate, our_rate = throughput(texts, args.repeat)
    print(
        f"\nthroughput over {len(texts)} texts: plain VADER {plain_rate:,.0f}/s, "
        f"seo-monitor {our_rate:,.0f}/s, ratio {our_rate / plain_rate:.2f}"
    )


if __name__ == "__main__":
    main()
