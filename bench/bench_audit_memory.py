"""Peak memory of `seo-monitor website audit` against a site whose robots.txt is a gzip bomb.

    python -m bench.bench_audit_memory [--unpacked-mib 512] [--code DIR] [--trickle]

Serves, on 127.0.0.1 only, a home page and a robots.txt of `--unpacked-mib` MiB of zeros sent
gzip-compressed (about 1/1000 of that on the wire), runs `seo-monitor website audit` on it with
the code in `--code` (default: this checkout) and prints the child's peak resident memory and
wall time. To compare with an older version, export it (`git archive <commit> | tar -x -C DIR`)
and pass `--code DIR`; a version without `[website] allow_hosts` runs without a config file.
With `--trickle` the home page's body comes at one byte a second instead (at most 200 s): the
time shows the whole-request deadline.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HOME = b"<!doctype html><html lang='en'><title>Bench clinic</title><h1>Clinic</h1></html>"


def gzip_bomb(unpacked: int) -> bytes:
    """`unpacked` bytes of zeros as one gzip stream, built without holding them."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"\0" * (1 << 20)
    parts = [packer.compress(block) for _ in range(unpacked >> 20)]
    return b"".join([*parts, packer.flush()])


def serve(bomb: bytes, trickle: bool) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            robots = self.path == "/robots.txt"
            if trickle and not robots:
                self.trickle()
                return
            body = bomb if robots else HOME
            self.send_response(200)
            self.send_header("Content-Type", "text/plain" if robots else "text/html")
            if robots:
                self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)  # a client that stops reading: the cap did its job

        def trickle(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "200")
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                for _ in range(200):  # until the client gives up
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(1)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def knows_allow_hosts(code: Path) -> bool:
    """Whether that version has `[website] allow_hosts` (its settings moved to
    seo_monitor/config/ with the new layout)."""
    package = code / "seo_monitor"
    settings = [package / "settings.py", package / "config" / "settings.py"]
    return any(p.exists() and "allow_hosts" in p.read_text(encoding="utf-8") for p in settings)


def audit_command(code: Path) -> list[str]:
    """`seo-monitor website audit`; before the new layout (649cdca) it was `seo-monitor audit`."""
    return ["website", "audit"] if (code / "seo_monitor" / "website").is_dir() else ["audit"]


def run_audit(code: Path, url: str) -> tuple[int, float, str]:
    """(peak RSS in KiB, seconds, first output line) of one audit in a child process."""
    with tempfile.TemporaryDirectory() as folder:
        if knows_allow_hosts(code):
            Path(folder, "config.toml").write_text('[website]\nallow_hosts = ["127.0.0.1"]\n')
        env = {k: v for k, v in os.environ.items() if not k.startswith("SEO_MONITOR_")}
        env["PYTHONPATH"] = str(code)
        started = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-m", "seo_monitor", *audit_command(code), url],
            cwd=folder,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        output = child.stdout.read() if child.stdout else ""
        _, status, usage = os.wait4(child.pid, 0)  # this child's own peak, not the bench's
        child.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
    return usage.ru_maxrss, seconds, (output.strip().splitlines() or [""])[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unpacked-mib", type=int, default=512)
    parser.add_argument("--code", type=Path, default=Path(__file__).resolve().parents[1])
    parser.add_argument("--trickle", action="store_true")
    args = parser.parse_args()
    bomb = gzip_bomb(args.unpacked_mib << 20)
    server = serve(bomb, args.trickle)
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        peak_kib, seconds, line = run_audit(args.code.resolve(), url)
    finally:
        server.shutdown()
    print(f"robots.txt: {len(bomb) / 1e6:.2f} MB gzip, {args.unpacked_mib} MiB unpacked")
    print(f"code: {args.code}")
    print(f"peak RSS {peak_kib / 1024:.0f} MiB, {seconds:.1f} s")
    print(f"output: {line}")


if __name__ == "__main__":
    main()
