"""Train the review scorer's linear model.

  pip install -e '.[train]' && python -m bench.train_scorer [--data reviews-dev.csv]

Training rows: the training half of the shared dev set (real RateMDs reviews, 1-2 stars
negative, 4-5 positive) plus bench/data/reviews-written-*.csv (800 reviews written for the
project in Google, Yelp and doctor-site styles, labelled by their text), so the model does not
learn one site's habits. Writes seo_monitor/sentiment/model.json and prints recall and
precision on the dev set's held-out half, which the model never sees (bench/bench_sentiment.py
measures it properly). The decision threshold is chosen by cross-validation over all
training rows, read on the real reviews among them: the lowest threshold that keeps precision
at 0.85 or more, so that as many complaints as possible are caught.
"""

from __future__ import annotations

import argparse
import json
import math
from collections import Counter
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from bench.reviews_dev import DEFAULT_PATH, LabeledReview, load, load_written
from seo_monitor.sentiment.model import MODEL_FILE, LinearModel, TextFeatures, extract
from seo_monitor.sentiment.scorer import SCORER_VERSION

MODEL_PATH = Path(__file__).resolve().parents[1] / "seo_monitor" / "sentiment" / MODEL_FILE
MIN_DOCUMENTS = 3  # a word must appear in this many training reviews: no names, no one-offs
PRECISION = 0.85  # the precision the threshold must keep (issue 6)
REGULARISATION = 30.0  # scikit-learn's C, chosen by cross-validation on the training rows


class Design:
    """Feature matrix built exactly the way the runtime model reads features."""

    def __init__(self, features: list[TextFeatures]) -> None:
        documents = Counter(term for f in features for term in f.terms)
        self.vocabulary = sorted(t for t, n in documents.items() if n >= MIN_DOCUMENTS)
        self.index = {term: i for i, term in enumerate(self.vocabulary)}
        total = len(features)
        self.idf = np.array(
            [math.log((1 + total) / (1 + documents[t])) + 1 for t in self.vocabulary]
        )
        self.dense_names = list(features[0].dense)
        dense = np.array([[f.dense[n] for n in self.dense_names] for f in features])
        self.mean = dense.mean(axis=0)
        self.scale = dense.std(axis=0) + 1e-9

    def matrix(self, features: list[TextFeatures]) -> csr_matrix:
        dense = np.array([[f.dense[n] for n in self.dense_names] for f in features])
        rows, cols, values = [], [], []
        for row, f in enumerate(features):
            entries = [
                (self.index[t], (1 + math.log(c)) * self.idf[self.index[t]])
                for t, c in f.terms.items()
                if t in self.index
            ]
            norm = math.sqrt(sum(v * v for _, v in entries)) or 1.0
            for col, value in entries:
                rows.append(row)
                cols.append(col)
                values.append(value / norm)
        terms = csr_matrix((values, (rows, cols)), shape=(len(features), len(self.vocabulary)))
        return hstack([csr_matrix((dense - self.mean) / self.scale), terms]).tocsr()

    def model(self, fitted: LogisticRegression, threshold: float) -> LinearModel:
        weights = fitted.coef_[0]
        n = len(self.dense_names)
        return LinearModel(
            version=SCORER_VERSION,
            threshold=round(threshold, 3),
            bias=float(fitted.intercept_[0]),
            dense={
                name: (float(self.mean[i]), float(self.scale[i]), float(weights[i]))
                for i, name in enumerate(self.dense_names)
            },
            terms={
                term: (round(float(self.idf[i]), 5), round(float(weights[n + i]), 5))
                for i, term in enumerate(self.vocabulary)
                if abs(weights[n + i]) >= 1e-4
            },
        )


def recall_precision(
    probabilities: np.ndarray, labels: np.ndarray, threshold: float
) -> tuple[float, float]:
    flagged = probabilities >= threshold
    true_positive = float((flagged & labels).sum())
    return true_positive / max(1, labels.sum()), true_positive / max(1, flagged.sum())


def choose_threshold(features: list[TextFeatures], labels: np.ndarray, real: int) -> float:
    """The lowest threshold (most complaints caught) whose cross-validated precision on the
    real reviews (the first `real` rows) is at least PRECISION: missing a complaint costs a
    clinic more than a second look at praise. 5-fold cross-validation, three shuffles."""
    candidates = np.arange(0.2, 0.8, 0.005)
    precision = np.zeros(len(candidates))
    for seed in range(3):
        probabilities = np.zeros(len(labels))
        folds = StratifiedKFold(5, shuffle=True, random_state=seed).split(features, labels)
        for train, test in folds:
            design = Design([features[i] for i in train])
            fitted = fit(design.matrix([features[i] for i in train]), labels[train])
            matrix = design.matrix([features[i] for i in test])
            probabilities[test] = fitted.predict_proba(matrix)[:, 1]
        precision += [
            recall_precision(probabilities[:real], labels[:real], t)[1] / 3 for t in candidates
        ]
    good = [t for t, p in zip(candidates, precision, strict=True) if p >= PRECISION]
    return float(good[0] if good else candidates[int(np.argmax(precision))])


def fit(matrix: csr_matrix, labels: np.ndarray) -> LogisticRegression:
    return LogisticRegression(C=REGULARISATION, max_iter=5000).fit(matrix, labels)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_PATH)
    args = parser.parse_args()
    reviews = load(args.data)
    real = [r for r in reviews if not r.held_out]
    train: list[LabeledReview] = real + load_written()
    test = [r for r in reviews if r.held_out]
    train_features = [extract(r.text) for r in train]
    labels = np.array([r.negative for r in train])
    threshold = choose_threshold(train_features, labels, len(real))
    design = Design(train_features)
    fitted = fit(design.matrix(train_features), labels)
    model = design.model(fitted, threshold)
    MODEL_PATH.write_text(json.dumps(model.to_json(), separators=(",", ":")) + "\n", "utf-8")
    held = np.array([model.probability(extract(r.text)) for r in test])
    recall, precision = recall_precision(
        held, np.array([r.negative for r in test]), model.threshold
    )
    print(
        f"trained on {len(train)} reviews, {len(model.terms)} terms, threshold {model.threshold}; "
        f"held-out {len(test)}: negative recall {recall:.3f}, precision {precision:.3f}"
    )


if __name__ == "__main__":
    main()
