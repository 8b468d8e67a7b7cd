"""The PHI linter: quality on the labelled reply sets and time per reply.

  python -m bench.bench_replies [--repeat 20]

Quality: share of unsafe replies with at least one finding (recall) and share of safe replies
with any finding (false alarms), on three sets written for the project by different writers:
replies-labeled.csv (the rules were written against it), replies-heldout.csv (written without
seeing the rules; measured once, then the rules were widened with its misses in view) and
replies-fresh.csv (written without seeing either) and replies-unseen-2.csv (issue 27: written
and committed before the rules changed, measured once before and once after; the honest figure).
Speed: each reply linted `--repeat` times with its review as context; median and 99th
percentile per reply — the linter runs on every keystroke in the reply editor.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import time
from pathlib import Path

from seo_monitor.replies import ReviewContext, lint_reply

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
SETS = (
    "replies-labeled.csv",
    "replies-heldout.csv",
    "replies-fresh.csv",
    "replies-unseen-2.csv",
)


def rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def context(row: dict[str, str]) -> ReviewContext:
    return ReviewContext(row["reviewer"] or None, row["review_text"])


def quality(name: str) -> None:
    data = rows(name)
    flagged = [bool(lint_reply(r["reply"], context(r))) for r in data]
    unsafe = [f for f, r in zip(flagged, data, strict=True) if r["label"] == "unsafe"]
    safe = [f for f, r in zip(flagged, data, strict=True) if r["label"] == "safe"]
    by_category: dict[str, list[bool]] = {}
    for f, r in zip(flagged, data, strict=True):
        by_category.setdefault(r["category"], []).append(f)
    detail = ", ".join(f"{c} {sum(v)}/{len(v)}" for c, v in sorted(by_category.items()))
    print(
        f"| {name} | {len(unsafe)} / {len(safe)} | {sum(unsafe) / len(unsafe):.3f} "
        f"| {sum(safe) / len(safe):.3f} | {detail} |"
    )


def speed(repeat: int) -> None:
    data = [row for name in SETS if (DATA / name).exists() for row in rows(name)]
    times = []
    for row in data:
        review = context(row)
        for _ in range(repeat):
            start = time.perf_counter()
            lint_reply(row["reply"], review)
            times.append(time.perf_counter() - start)
    times.sort()
    median = statistics.median(times) * 1000
    p99 = times[int(len(times) * 0.99)] * 1000
    print(f"\n{len(data)} replies × {repeat}: median {median:.2f} ms, 99th percentile {p99:.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    print(
        "| set | unsafe / safe | recall on unsafe | false alarms on safe | flagged per category |"
    )
    print("|---|---|---|---|---|")
    for name in SETS:
        if (DATA / name).exists():
            quality(name)
    speed(args.repeat)


if __name__ == "__main__":
    main()
