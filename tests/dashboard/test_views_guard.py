"""No view draws anything before it has checked the session (the second line behind
app.py's navigation, see dashboard/chrome.py: guard)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

VIEWS = sorted((Path(__file__).resolve().parents[2] / "dashboard" / "views").glob("[!_]*.py"))


def first_call(path: Path) -> str:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for statement in tree.body:
        value = statement.value if isinstance(statement, ast.Assign | ast.Expr) else None
        if isinstance(value, ast.Call):
            return ast.unparse(value.func)
    return ""


@pytest.mark.parametrize("view", VIEWS, ids=lambda path: path.name)
def test_every_view_checks_the_session_before_it_draws(view: Path) -> None:
    assert first_call(view) == "guard"


def test_no_folder_streamlit_would_serve_by_itself() -> None:
    dashboard = Path(__file__).resolve().parents[2] / "dashboard"
    assert not (dashboard / "pages").exists()


def test_the_benches_render_pages_that_exist() -> None:
    from bench import bench_dashboard, bench_scale

    dashboard = Path(__file__).resolve().parents[2] / "dashboard"
    paths = [*bench_scale.PAGES.values(), *bench_dashboard.PAGES.values()]
    assert [p for p in paths if p is not None and not (dashboard / p).is_file()] == []
