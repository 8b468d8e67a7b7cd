"""Geo-grid scans against the sandbox: API calls against the minimum, wall time against the
quota floor.

  python -m bench.bench_rankings [--locations 50] [--keywords 5] [--grid 7] [--quota 3000]

The minimum is one Text Search per point per keyword (one page each); the floor is those calls
at the quota per minute. Points run four at a time within the client's pacing.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from seo_monitor.app.jobs import collect, make_client
from seo_monitor.config import load_settings
from seo_monitor.db import make_engine, session_factory
from seo_monitor.migrate import upgrade
from seo_monitor.sandbox import World, running_sandbox
from seo_monitor.sandbox.demo import write_demo_config
from seo_monitor.sandbox.server import PLACES_API_KEY
from seo_monitor.sandbox.world import KEYWORDS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--locations", type=int, default=50)
    parser.add_argument("--keywords", type=int, default=5)
    parser.add_argument("--grid", type=int, default=7)
    parser.add_argument("--quota", type=int, default=3000)
    args = parser.parse_args()
    world = World(seed=3, locations=args.locations, now=datetime.now(UTC).replace(microsecond=0))
    with (
        tempfile.TemporaryDirectory() as folder,
        running_sandbox(world, quota_per_minute=args.quota) as server,
    ):
        base = Path(folder)
        url = f"sqlite:///{base / 'bench.db'}"
        write_demo_config(base, server.url)
        keywords = ", ".join(f'"{k}"' for k in KEYWORDS[: args.keywords])
        (base / "config.toml").write_text(
            f'data_dir = "data"\n[database]\nurl = "{url}"\n[google]\napi_root = "{server.url}"\n'
            f"quota_per_minute = {args.quota}\n"
            f"[rankings]\nkeywords = [{keywords}]\ngrid_size = {args.grid}\n"
        )
        settings = load_settings(
            base / "config.toml", {"SEO_MONITOR_GOOGLE__PLACES_API_KEY": PLACES_API_KEY}
        )
        engine = make_engine(url)
        upgrade(engine)
        sessions = session_factory(engine)
        collect(settings, sessions, ["locations"], make_client(settings))
        client = make_client(settings)
        started = time.perf_counter()
        summaries = collect(settings, sessions, ["rankings"], client)
        wall = time.perf_counter() - started
    calls = client.calls["places"]
    minimum = args.locations * args.keywords * args.grid**2
    floor = minimum / args.quota * 60
    failed = sum(1 for s in summaries if s.status != "ok")
    print(
        "| locations × keywords × points | calls | minimum | ratio | wall s "
        "| quota floor s | ratio | failed runs |"
    )
    print("|---|---|---|---|---|---|---|---|")
    print(
        f"| {args.locations} × {args.keywords} × {args.grid}² | {calls:,} | {minimum:,} | "
        f"{calls / minimum:.2f} | {wall:.0f} | {floor:.0f} | {wall / floor:.2f} | {failed} |"
    )


if __name__ == "__main__":
    main()
