"""Every benchmark in bench/RESULTS.md runs as written (issue 26): each module once, at a tiny
size, as `python -m bench.NAME …` in a child process from the repository root.

Nothing is timed here (the figures are the benchmarks' business, and these machines are
noisy): each run must exit 0 and print a real line of its results, matched by a pattern. Only
the sandbox, local servers and SQLite are used; the PostgreSQL variant runs when
SEO_MONITOR_TEST_POSTGRES_URL is set. The dev set of real reviews that bench_sentiment and
train_scorer read is not part of the repository, so for those two the test is that its
absence is one clear line and exit status 2, not a traceback.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import NO_POSTGRES, POSTGRES_URL

REPOSITORY = Path(__file__).resolve().parents[1]
NUMBER = r"[\d.,]+"


def bench(module: str, *args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    """`python -m bench.MODULE args…` from the repository root, with no SEO_MONITOR_* variable
    of the test run leaking in."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEO_MONITOR_")}
    return subprocess.run(
        [sys.executable, "-m", f"bench.{module}", *args],
        cwd=REPOSITORY,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


# module, its arguments at a tiny size, a line of its results (a regular expression)
RUNS = [
    pytest.param(
        "bench_audit_memory",
        "--unpacked-mib 1",
        r"^output: http://127\.0\.0\.1:\d+/: score \d+/100$",
        id="bench_audit_memory",
    ),
    pytest.param(
        "bench_collect",
        "calls --locations 1 --reviews 10",
        rf"^\| re-sync, k=120 new \| 120 \| {NUMBER} \| 3 \| {NUMBER} \|$",
        id="bench_collect-calls",
    ),
    pytest.param(
        "bench_collect",
        "sweep --locations 1 --quota 100000",
        r"^runs \d+, failed 0$",
        id="bench_collect-sweep",
    ),
    pytest.param(
        "bench_collect",
        "save --reviews 200 --batch 100",
        rf"^\| sqlite \| {NUMBER} \| {NUMBER} \|$",
        id="bench_collect-save",
    ),
    pytest.param(
        "bench_dashboard",
        "--small 1 --big 1 --repeat 1",
        rf"^\| sqlite \| health \| {NUMBER} \| {NUMBER} \| {NUMBER} \|$",
        id="bench_dashboard",
    ),
    pytest.param(
        "bench_posters",
        "--locations 1",
        rf"^\| cards \| 1 \| {NUMBER} \| {NUMBER} \| {NUMBER} \|$",
        id="bench_posters",
    ),
    pytest.param(
        "bench_rankings",
        "--locations 1 --keywords 1 --grid 3 --quota 100000",
        rf"^\| 1 × 1 × 3² \| {NUMBER} \| 9 \| {NUMBER} \| .* \| 0 \|$",
        id="bench_rankings",
    ),
    pytest.param(  # through bench.peak, as RESULTS.md runs it
        "peak",
        "bench.bench_referrals --referrals 200 --referrers 20",
        rf"^\| due list \| {NUMBER} \| {NUMBER} \| {NUMBER}× \|$(?s:.*)^peak-rss-mb \d+$",
        id="bench_referrals",
    ),
    pytest.param(
        "bench_replies",
        "--repeat 1",
        r"^\| replies-fresh\.csv \| \d+ / \d+ \| (?s:.*)^\d+ replies × 1: median ",
        id="bench_replies",
    ),
    pytest.param(
        "bench_report",
        "--sizes 1",
        rf"^\| sqlite \| 1 \| {NUMBER} \| {NUMBER} \| {NUMBER} \| 1\.0 \| {NUMBER} \| {NUMBER} \|$",
        id="bench_report",
    ),
    pytest.param(  # through bench.peak, as RESULTS.md runs it
        "peak",
        "bench.bench_review_requests --visits 200 --per-hour 100",
        rf"^\| all runs \| {NUMBER} \| {NUMBER} \| {NUMBER} \|$(?s:.*)^peak-rss-mb \d+$",
        id="bench_review_requests",
    ),
    pytest.param(  # every step in its own process, then every page rendered in another
        "bench_scale",
        "--locations 1 --small 1 --reviews 20 --keywords 1 --grid 3 --repeat 1",
        r"^\| reviews \| mybusiness \d+ \| \d+ \| (?s:.*)^dashboard process peak memory: \d+ MB",
        id="bench_scale",
    ),
    pytest.param(
        "bench_scoring",
        "--reviews 100 --locations 2",
        r"^\| SQLite \| 100 \| 100 scored in .* \| 0 scored in [\d.]+ s \|$",
        id="bench_scoring",
    ),
    pytest.param(
        "bench_scoring",
        f"--reviews 100 --locations 2 --postgres {POSTGRES_URL}",
        r"^\| PostgreSQL \| 100 \| 100 scored in .* \| 0 scored in [\d.]+ s \|$",
        id="bench_scoring-postgresql",
        marks=[pytest.mark.postgres, pytest.mark.skipif(not POSTGRES_URL, reason=NO_POSTGRES)],
    ),
    pytest.param(
        "code_shape",
        "",
        r"^\d+ functions: median \d+ lines, p90 \d+, longest \d+ \(.+\)$",
        id="code_shape",
    ),
    pytest.param(
        "bench_cli",
        "--runs 1 --locations 1",
        r"^\| seo-monitor status \| ",
        id="bench_cli",
    ),
]


@pytest.mark.parametrize(("module", "args", "results"), RUNS)
def test_bench_runs_as_written_at_a_tiny_size(module: str, args: str, results: str) -> None:
    finished = bench(module, *args.split())
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert re.search(results, finished.stdout, re.MULTILINE), finished.stdout


@pytest.mark.parametrize("module", ["bench_sentiment", "train_scorer"])
def test_without_the_dev_set_a_clear_line_and_status_2(module: str, tmp_path: Path) -> None:
    missing = tmp_path / "shared" / "data"
    finished = bench(module, "--data", str(missing))
    assert finished.returncode == 2, finished.stderr
    assert finished.stdout == ""
    assert len(finished.stderr.splitlines()) == 1, finished.stderr
    assert f"no dev set at {missing}" in finished.stderr
    assert "--data PATH" in finished.stderr
