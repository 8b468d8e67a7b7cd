"""The shared development set of real reviews, in five folds for cross-validation.

The file is not part of the project (no licence to ship it): it is read from ../shared/data
(beside the repository) unless `--data` names it or its folder; see bench/RESULTS.md, issue 6.
The folds go by reviewed doctor, so reviews of one doctor never sit in two folds, and by a
hash, so they are the same on every machine. 3-star reviews are mixed and left out.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "shared" / "data" / "reviews-dev.csv"
# Reviews written for the project (shippable), labelled by their text: training data only.
WRITTEN = sorted((Path(__file__).resolve().parent / "data").glob("reviews-written-*.csv"))
FOLDS = 5
NO_FOLD = -1  # written reviews: always training rows, never measured


@dataclass(frozen=True)
class LabeledReview:
    text: str
    rating: int
    negative: bool
    fold: int  # 0..FOLDS-1 for the real reviews, NO_FOLD for the written ones
    # Read while the healthcare vocabulary and phrases were written (the half of the dev set
    # that was the training half until the five folds); the other half never was.
    vocabulary_read: bool = False


def fold_of(group: str) -> int:
    return int.from_bytes(hashlib.sha256(group.encode()).digest()[:4], "big") % FOLDS


def vocabulary_read(group: str) -> bool:
    return hashlib.sha256(group.encode()).digest()[0] % 2 == 0


def dev_set_or_exit(parser: argparse.ArgumentParser, path: Path) -> Path:
    """The dev set's file (`path` itself, or reviews-dev.csv in the folder `path`); when it is
    not there, one line on stderr and exit status 2, as for any wrong argument."""
    if path.is_dir():
        path = path / DEFAULT_PATH.name
    if not path.is_file():
        parser.exit(
            2,
            f"{parser.prog}: error: no dev set at {path} (real reviews the project may not ship, "
            "see bench/RESULTS.md); pass --data PATH to reviews-dev.csv or its folder\n",
        )
    return path


def load(path: Path = DEFAULT_PATH) -> list[LabeledReview]:
    if not path.exists():
        raise SystemExit(f"{path} not found: pass --data with the path of reviews-dev.csv")
    with path.open(newline="", encoding="utf-8") as handle:
        return [
            LabeledReview(
                row["text"],
                int(row["rating"]),
                int(row["rating"]) <= 2,
                fold_of(row["source_path"]),
                vocabulary_read(row["source_path"]),
            )
            for row in csv.DictReader(handle)
            if row["rating"] != "3" and row["text"].strip()
        ]


def load_written(paths: list[Path] = WRITTEN) -> list[LabeledReview]:
    reviews = []
    for path in paths:
        with path.open(newline="", encoding="utf-8") as handle:
            reviews += [
                LabeledReview(row["text"], int(row["rating"]), row["label"] == "negative", NO_FOLD)
                for row in csv.DictReader(handle)
                if row["text"].strip()
            ]
    return reviews
