"""Run a Python module as a program and print its peak resident memory when it exits.

  python -m bench.peak MODULE [ARGS…]   →  …the module's own output…, then "peak-rss-mb N"

The peak is the kernel's high-water mark of this process's own memory (VmHWM) — not
getrusage's ru_maxrss, which for a child of a big benchmark process also counts the parent's
memory that the child shared between fork and exec.
"""

from __future__ import annotations

import atexit
import runpy
import sys
from pathlib import Path


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status (Linux only)")


def main() -> None:
    atexit.register(lambda: print(f"peak-rss-mb {peak_rss_mb():.0f}", flush=True))
    module, sys.argv = sys.argv[1], sys.argv[1:]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
