"""How long things take to start: `seo-monitor --help`, `seo-monitor status`, and the first
page a new dashboard process draws.

  python -m bench.bench_cli [--runs 7] [--locations 5] [--code DIR ...]

Builds a demo database (`seo-monitor demo --no-dashboard`, sandbox data, every collector
once) in a temporary folder, then runs each measurement `--runs` times, interleaved, for each
checkout given with `--code` (default: this one; give an older `git worktree` to compare before
and after), and prints the median of each. Commands are timed from outside (wall time of the
process). The dashboard's first page is timed inside a new process that has imported Streamlit
and done what `seo-monitor dashboard` does before it listens (dashboard/server.py's preload,
itself timed, where the checkout has it): the Overview drawn by Streamlit's AppTest, with
empty caches, and then drawn again (what every later visit costs). Floors, in the
same run: a bare `python -c pass`, `import sqlalchemy.orm` (every command that opens the
database needs it) and, for the page, importing pandas, pyarrow and Altair (what it draws with).
Ratios are to the bare interpreter, since these machines are noisy.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
LIBRARIES = "dashboard: import pandas, pyarrow, altair"
FIRST = "dashboard: first Overview of a new process"
AGAIN = "dashboard: the Overview again, empty caches"
PRELOAD = "dashboard: imports done at the server's start, before it listens"


def environment(code: Path) -> dict[str, str]:
    """The environment that makes `python -m seo_monitor` run the checkout at `code` (its
    folder first on the path, ahead of this checkout's editable install)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEO_MONITOR_")}
    env["PYTHONPATH"] = str(code)
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def build_demo(folder: Path, locations: int) -> Path:
    """A demo database collected from the sandbox; returns its config file."""
    subprocess.run(
        [sys.executable, "-m", "seo_monitor", "demo", "--dir", str(folder), "--no-dashboard",
         "--locations", str(locations), "--port", str(free_port()),
         "--mail-port", str(free_port())],
        env=environment(REPOSITORY), cwd=REPOSITORY, check=True, capture_output=True,
    )  # fmt: skip
    return folder / "config.toml"


def seconds(command: list[str], code: Path) -> float:
    started = time.perf_counter()
    # Run from the checkout: `python -m` puts the working folder first on the path.
    subprocess.run(command, env=environment(code), cwd=code, check=True, capture_output=True)
    return time.perf_counter() - started


FIRST_PAGE = """
import os, sys, time
from streamlit import config
from streamlit.testing.v1 import AppTest
import streamlit as st
config.set_option("server.address", "127.0.0.1")
if sys.argv[1] == "libraries":
    started = time.perf_counter()
    import pandas, pyarrow, altair
    print(time.perf_counter() - started)
    sys.exit()
# What `seo-monitor dashboard` does before it listens, in checkouts that have it (asked by
# file: the editable install would lend this checkout's module to an older one).
preloaded = 0.0
if os.path.exists(os.path.join(os.getcwd(), "dashboard", "server.py")):
    from dashboard.server import preload
    preloaded = preload()
app = os.path.join(os.getcwd(), "dashboard", "app.py")
started = time.perf_counter()
at = AppTest.from_file(app, default_timeout=300)
at.run()
first = time.perf_counter() - started
assert not at.exception and at.title[0].value == "Overview", at.exception
st.cache_data.clear()
started = time.perf_counter()
AppTest.from_file(app, default_timeout=300).run()
print(first, time.perf_counter() - started, preloaded)
"""


def page_seconds(config: Path, code: Path, what: str) -> list[float]:
    """Seconds measured inside a new process (see FIRST_PAGE), for the checkout at `code`."""
    env = {**environment(code), "SEO_MONITOR_CONFIG": str(config)}
    finished = subprocess.run(
        [sys.executable, "-c", FIRST_PAGE, what],
        env=env, cwd=code, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return [float(word) for word in finished.stdout.split()]


def commands(config: Path) -> dict[str, list[str]]:
    tool = [sys.executable, "-m", "seo_monitor", "--config", str(config)]
    return {
        "python -c pass": [sys.executable, "-c", "pass"],
        "import sqlalchemy.orm": [sys.executable, "-c", "import sqlalchemy.orm"],
        "seo-monitor --help": [*tool, "--help"],
        "seo-monitor status": [*tool, "status"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs of each command (median)")
    parser.add_argument("--locations", type=int, default=5, help="demo locations")
    parser.add_argument("--code", type=Path, action="append", help="checkouts to compare")
    args = parser.parse_args()
    checkouts = [path.resolve() for path in args.code or [REPOSITORY]]
    with tempfile.TemporaryDirectory() as folder:
        config = build_demo(Path(folder) / "demo", args.locations)
        timings: dict[tuple[str, Path], list[float]] = {}
        for _ in range(args.runs):
            for code in checkouts:
                for name, command in commands(config).items():
                    timings.setdefault((name, code), []).append(seconds(command, code))
                first, again, preloaded = page_seconds(config, code, "overview")
                timings.setdefault((FIRST, code), []).append(first)
                timings.setdefault((AGAIN, code), []).append(again)
                timings.setdefault((PRELOAD, code), []).append(preloaded)
                (libraries,) = page_seconds(config, code, "libraries")
                timings.setdefault((LIBRARIES, code), []).append(libraries)
    print(f"{args.runs} runs each, median; {args.locations}-location demo database")
    print("| command | " + " | ".join(str(code) for code in checkouts) + " |")
    print("|---|" + "---|" * len(checkouts))
    bare = {code: statistics.median(timings[("python -c pass", code)]) for code in checkouts}
    for name in [*commands(config), LIBRARIES, PRELOAD, FIRST, AGAIN]:
        cells = []
        for code in checkouts:
            median = statistics.median(timings[(name, code)])
            cells.append(f"{median:.2f} s ({median / bare[code]:.0f}×)")
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
