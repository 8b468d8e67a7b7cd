"""How long a command takes to start: `seo-monitor --help` and `seo-monitor status`.

  python -m bench.bench_cli [--runs 7] [--locations 5] [--code DIR ...]

Builds a demo database (`seo-monitor demo --no-dashboard`, sandbox data, every collector
once) in a temporary folder, then runs each command `--runs` times, interleaved, for each
checkout given with `--code` (default: this one; give an older `git worktree` to compare before
and after), and prints the median wall time of each. Two floors, measured in the same run: a
bare `python -c pass` and `import sqlalchemy.orm` (every command that opens the database needs
it). Ratios are to the bare interpreter, since these machines are noisy.
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
    print(f"{args.runs} runs each, median; {args.locations}-location demo database")
    print("| command | " + " | ".join(str(code) for code in checkouts) + " |")
    print("|---|" + "---|" * len(checkouts))
    bare = {code: statistics.median(timings[("python -c pass", code)]) for code in checkouts}
    for name in commands(config):
        cells = []
        for code in checkouts:
            median = statistics.median(timings[(name, code)])
            cells.append(f"{median:.2f} s ({median / bare[code]:.0f}×)")
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
