"""The shared development set of real reviews, split into a training half and a held-out half.

The file is not part of the project (no licence to ship it): it is read from ../shared/data.
The split goes by reviewed doctor, so reviews of one doctor never sit on both sides, and by a
hash, so it is the same on every machine. 3-star reviews are mixed and left out of both halves.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "shared" / "data" / "reviews-dev.csv"
# Reviews written for the project (shippable), labelled by their text: training data only.
WRITTEN = sorted((Path(__file__).resolve().parent / "data").glob("reviews-written-*.csv"))


@dataclass(frozen=True)
class LabeledReview:
    text: str
    rating: int
    negative: bool
    held_out: bool


def held_out(group: str) -> bool:
    return hashlib.sha256(group.encode()).digest()[0] % 2 == 1


def load(path: Path = DEFAULT_PATH) -> list[LabeledReview]:
    if not path.exists():
        raise SystemExit(f"{path} not found: pass --data with the path of reviews-dev.csv")
    with path.open(newline="", encoding="utf-8") as handle:
        return [
            LabeledReview(
                row["text"],
                int(row["rating"]),
                int(row["rating"]) <= 2,
                held_out(row["source_path"]),
            )
            for row in csv.DictReader(handle)
            if row["rating"] != "3" and row["text"].strip()
        ]


def load_written(paths: list[Path] = WRITTEN) -> list[LabeledReview]:
    reviews = []
    for path in paths:
        with path.open(newline="", encoding="utf-8") as handle:
            reviews += [
                LabeledReview(row["text"], int(row["rating"]), row["label"] == "negative", False)
                for row in csv.DictReader(handle)
                if row["text"].strip()
            ]
    return reviews
