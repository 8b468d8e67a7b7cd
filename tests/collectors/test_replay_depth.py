"""`collect --load` with a hostile file: nesting thousands deep is one clear message, exit 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from collectors.replay import ReplayClient
from seo_monitor.errors import UserError

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("depth", [3_000, 100])
def test_a_recorded_response_nested_too_deeply_is_refused_clearly(
    tmp_path: Path, depth: int
) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"reviews": ' + "[" * depth + "]" * depth + "}", encoding="utf-8")
    with pytest.raises(UserError, match="nested more than 64 levels deep"):
        ReplayClient.from_file(path)


def test_a_recorded_response_of_normal_depth_loads(tmp_path: Path) -> None:
    path = tmp_path / "page.json"
    path.write_text('{"reviews": [{"reviewer": {"displayName": "A"}}]}', encoding="utf-8")
    assert ReplayClient.from_file(path).pages == [{"reviews": [{"reviewer": {"displayName": "A"}}]}]


def test_the_collect_command_says_so_without_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 3_000 + "]" * 3_000, encoding="utf-8")
    (tmp_path / "config.toml").write_text('data_dir = "data"\n', encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEO_MONITOR_")}
    env["PYTHONPATH"] = str(ROOT)  # this checkout's code, whatever the working folder
    command = ["collect", "reviews", "--location", "1", "--load", str(path)]
    done = subprocess.run(
        [sys.executable, "-m", "seo_monitor", *command],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "nested more than 64 levels deep" in done.stderr
    assert "Traceback" not in done.stderr
