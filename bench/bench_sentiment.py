"""Review scorer quality and speed, side by side with plain VADER on the same rows.

  pip install -e '.[train]' && python -m bench.bench_sentiment [--data PATH] [--repeat 3]

The dev set (real RateMDs reviews, not shipped with the project) is read from
../shared/data/reviews-dev.csv beside the repository unless `--data` names the file or its folder.

Quality: 1-2 star reviews are negative, 4-5 star positive (3 stars left out); each scorer sees
the text only (no stars). Plain VADER calls compound < -0.05 negative; ours calls the text
negative when its polarity would be "negative".

The shipped model learned from every dev-set review, so it is measured the way it was made:
for each of the five folds of the dev set (split by doctor), the whole training recipe
(`bench.train_scorer.train`: features, weights and the threshold's own cross-validation) runs
again without that fold, and the fold is scored by that model. Every real review is thus judged
by a model, and a threshold, that never saw it. Rows: all of them, the English ones (the
scorer leaves the few French reviews to the stars), each fold alone (how much the figure
moves), the pooled out-of-fold scores at other settings of reviews.text_threshold (the
trade-off an operator can choose), the shipped model on the reviews it learned from (for
comparison only) and on tests/data/reviews-labeled.csv (hand-written reviews in other styles
and specialties, never trained on).

Speed: reviews per second over all dev texts, VADER and ours alternating in chunks of 50,
`--repeat` rounds; the ratio is the figure that matters on a noisy machine.
"""

from __future__ import annotations

import argparse
import csv
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from bench.reviews_dev import (
    DEFAULT_PATH,
    FOLDS,
    LabeledReview,
    dev_set_or_exit,
    load,
    load_written,
)
from bench.train_scorer import features_of, train, training_libraries_or_exit
from seo_monitor.sentiment import score_review
from seo_monitor.sentiment.model import (
    LinearModel,
    has_evidence,
    shipped_model,
    sure_complaint,
)
from seo_monitor.sentiment.scorer import readable_text
from seo_monitor.sentiment.text import looks_english

LABELED = Path(__file__).resolve().parents[1] / "tests" / "data" / "reviews-labeled.csv"


# Rows r241 on were written for issue 27, one style per failure mode it lists.
ISSUE_27_FIRST_ROW = 241


def shipped_labeled(since: int = 0, until: int = 10**6) -> list[tuple[str, bool]]:
    """(text, negative) of the rows whose number (r001 -> 1) is in [since, until)."""
    with LABELED.open(newline="", encoding="utf-8") as handle:
        return [
            (row["text"], row["label"] == "negative")
            for row in csv.DictReader(handle)
            if since <= int(row["id"][1:]) < until
        ]


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


def interval(rows: Sequence[tuple[str, bool]], is_negative: Callable[[str], bool]) -> str:
    """95 % bootstrap intervals of negative recall and precision (1,000 resamples of the rows):
    how far the figures could move on another sample of reviews like these."""
    judged = [(is_negative(text), negative) for text, negative in rows]
    generator = random.Random(6)
    recalls, precisions = [], []
    for _ in range(1000):
        sample = generator.choices(judged, k=len(judged))
        hits = sum(1 for flagged, negative in sample if flagged and negative)
        recalls.append(hits / max(1, sum(1 for _, negative in sample if negative)))
        precisions.append(hits / max(1, sum(1 for flagged, _ in sample if flagged)))
    recalls.sort()
    precisions.sort()
    return (
        f"recall {recalls[25]:.3f}–{recalls[974]:.3f}, "
        f"precision {precisions[25]:.3f}–{precisions[974]:.3f}"
    )


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


@dataclass(frozen=True)
class Unseen:
    """Each real review's P(complaint) from the model trained without its fold, and that
    model's threshold (dev-set texts are unique)."""

    probability: dict[str, float]
    threshold: dict[str, float]

    def negative(self, text: str) -> bool:
        return self.probability[text] >= self.threshold[text]


def cross_validated(reviews: list[LabeledReview]) -> tuple[Unseen, list[float]]:
    """Out-of-fold scores for every review, and the threshold each fold's model chose."""
    written = load_written()
    unseen = Unseen({}, {})
    thresholds = []
    for fold in range(FOLDS):
        model = train([r for r in reviews if r.fold != fold], written)
        thresholds.append(model.threshold)
        for review in (r for r in reviews if r.fold == fold):
            unseen.probability[review.text] = text_probability(model, review.text)
            unseen.threshold[review.text] = model.threshold
    return unseen, thresholds


def text_probability(model: LinearModel, text: str) -> float:
    """P(complaint) as score_review computes it for a review without stars; -1 when the
    scorer would not read the text (not English, no translation) or finds nothing in it to
    weigh (has_evidence: the stars decide, and there are none here); 1 when it describes
    clinical harm or says "not recommend" (model.sure_complaint: a complaint whatever the
    threshold)."""
    readable = readable_text(text)
    if readable is None:
        return -1.0
    features = features_of(readable)
    if not has_evidence(features, model):
        return -1.0
    return 1.0 if sure_complaint(features) else model.probability(features)


def check_mirror(rows: Sequence[tuple[str, bool]], shipped: Callable[[str], bool]) -> None:
    """text_probability must judge as score_review does, or the fold figures mean nothing."""
    model = shipped_model()
    for text, _ in rows:
        if shipped(text) != (text_probability(model, text) >= model.threshold):
            raise SystemExit(f"text_probability disagrees with score_review on {text[:40]!r}…")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_PATH)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--throughput-only",
        action="store_true",
        help="only the speed, side by side with plain VADER (no training: needs no scikit-learn)",
    )
    args = parser.parse_args()
    data = dev_set_or_exit(parser, args.data)
    if args.throughput_only:
        print_throughput([r.text for r in load(data)], args.repeat)
        return
    training_libraries_or_exit(parser)
    reviews = load(data)
    vader = SentimentIntensityAnalyzer()

    def plain(text: str) -> bool:
        return bool(vader.polarity_scores(text)["compound"] < -0.05)

    def shipped(text: str) -> bool:
        return score_review(text, None).polarity == "negative"

    rows = [(r.text, r.negative) for r in reviews]
    check_mirror(rows, shipped)
    unseen, thresholds = cross_validated(reviews)
    print(f"thresholds chosen in the five folds: {', '.join(f'{t:.3f}' for t in thresholds)}\n")
    sets = unseen_sets(reviews)
    print("| rows | n | scorer | negative recall | negative precision | macro-F1 |")
    print("|---|---|---|---|---|---|")
    for name, subset in sets.items():
        print(f"| {name} | {len(subset)} | plain VADER | {quality(subset, plain)} |")
        print(f"| {name} | {len(subset)} | seo-monitor | {quality(subset, unseen.negative)} |")
    labeled = {
        "dev set, seen in training": rows,
        "tests/data/reviews-labeled.csv": shipped_labeled(),
        "tests/data/reviews-labeled.csv, rows before issue 27": shipped_labeled(
            until=ISSUE_27_FIRST_ROW
        ),
        "tests/data/reviews-labeled.csv, issue 27's rows": shipped_labeled(ISSUE_27_FIRST_ROW),
    }
    for name, subset in labeled.items():
        print(f"| {name} | {len(subset)} | plain VADER | {quality(subset, plain)} |")
        print(f"| {name} | {len(subset)} | shipped model | {quality(subset, shipped)} |")
    print()
    for name in ("dev set, every review unseen", "dev set, that half, English only"):
        print(f"95 % interval, {name}: {interval(sets[name], unseen.negative)}")
    english = sets["dev set, English only"]
    print("\n| text_threshold | negative recall | negative precision | macro-F1 |")
    print("|---|---|---|---|")
    for threshold in (0.35, 0.40, 0.45, 0.50, 0.55, 0.60):

        def at(text: str, threshold: float = threshold) -> bool:
            return unseen.probability[text] >= threshold

        print(f"| {threshold:.2f} | {quality(english, at)} |")
    print_throughput([r.text for r in reviews], args.repeat)


def print_throughput(texts: list[str], repeat: int) -> None:
    plain_rate, our_rate = throughput(texts, repeat)
    print(
        f"\nthroughput over {len(texts)} texts: plain VADER {plain_rate:,.0f}/s, "
        f"seo-monitor {our_rate:,.0f}/s, ratio {our_rate / plain_rate:.2f}"
    )


def unseen_sets(reviews: list[LabeledReview]) -> dict[str, list[tuple[str, bool]]]:
    """The dev-set rows to measure, each judged by the model that did not see it."""
    rows = [(r.text, r.negative) for r in reviews]
    never_read = [(r.text, r.negative) for r in reviews if not r.vocabulary_read]
    sets = {
        "dev set, every review unseen": rows,
        "dev set, English only": [(t, n) for t, n in rows if looks_english(t)],
        "dev set, half never read while writing the vocabulary": never_read,
        "dev set, that half, English only": [(t, n) for t, n in never_read if looks_english(t)],
    }
    for fold in range(FOLDS):
        sets[f"dev set, fold {fold + 1} alone"] = [
            (r.text, r.negative) for r in reviews if r.fold == fold
        ]
    return sets


if __name__ == "__main__":
    main()
