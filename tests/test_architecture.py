"""The layers of docs/architecture.md, kept by parsing every import.

Entry points (seo_monitor/app, dashboard/) -> capabilities -> ground floor; collectors/ are
sources that only the app runs; views are layout; the sandbox is for the demo and the tests.
"""

from __future__ import annotations

import ast
import functools
import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("seo_monitor", "collectors", "dashboard", "qr")
GOOGLE_LIBRARIES = ("googleapiclient", "google.auth", "google.oauth2", "google_auth_oauthlib")
# Packages with one face: outside them, only the face is imported.
FACES = ("seo_monitor.queries", "seo_monitor.config")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            # `from seo_monitor import queries` imports a module as surely as a dotted import.
            names.update(
                f"{node.module}.{alias.name}"
                for alias in node.names
                if is_module(f"{node.module}.{alias.name}")
            )
    return names


def is_module(dotted: str) -> bool:
    path = ROOT.joinpath(*dotted.split("."))
    return path.is_dir() or path.with_suffix(".py").is_file()


@functools.cache
def source_files() -> list[tuple[str, set[str]]]:
    files = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            files.append((path.relative_to(ROOT).as_posix(), imported_modules(path)))
    return files


def within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def offenders(where: str, forbidden: tuple[str, ...], allowed: tuple[str, ...] = ()) -> list[str]:
    """Files under `where` (a path prefix) importing a module under `forbidden`."""
    return [
        f"{file}: {module}"
        for file, modules in source_files()
        if file.startswith(where) and not file.startswith(allowed)
        for module in sorted(modules)
        if any(within(module, package) for package in forbidden)
    ]


def test_nothing_imports_the_dashboard() -> None:
    assert offenders("", ("dashboard",), allowed=("dashboard/",)) == []


def test_views_import_only_the_dashboard() -> None:
    assert offenders("dashboard/views/", ("seo_monitor", "collectors", "qr")) == []


def test_only_the_app_runs_collectors() -> None:
    assert offenders("", ("collectors",), allowed=("seo_monitor/app/", "collectors/")) == []


def test_sources_only_fetch_parse_and_save() -> None:
    # Scoring, alerts and the profile guard's records follow a source's save in the pipeline
    # (seo_monitor/app/jobs.py), in the same transaction, not inside the source.
    after_a_source = (
        "seo_monitor.alerts",
        "seo_monitor.sentiment.store",
        "seo_monitor.profile_guard.store",
    )
    assert offenders("collectors/", after_a_source) == []


def test_no_page_folder_that_streamlit_would_serve_by_itself() -> None:
    # Streamlit serves a pages/ folder beside the app around st.navigation and so the login.
    assert not (ROOT / "dashboard" / "pages").exists()


def test_imports_are_absolute() -> None:
    relative = [
        file
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        for file in [path.relative_to(ROOT).as_posix()]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom) and node.level > 0
    ]
    assert relative == []


def test_only_the_demo_imports_the_sandbox() -> None:
    demo = ("seo_monitor/app/cli/sandbox.py", "seo_monitor/sandbox/")
    assert offenders("", ("seo_monitor.sandbox",), allowed=demo) == []


def test_capabilities_and_the_ground_floor_never_reach_up() -> None:
    upward = ("seo_monitor.app", "collectors", "qr", "dashboard")
    entry_points = ("seo_monitor/app/", "seo_monitor/__main__.py")
    assert offenders("seo_monitor/", upward, allowed=entry_points) == []


def test_sources_and_printed_matter_never_reach_the_entry_points() -> None:
    assert offenders("collectors/", ("seo_monitor.app", "qr")) == []
    assert offenders("qr/", ("seo_monitor.app", "collectors")) == []


@pytest.mark.parametrize("face", FACES)
def test_a_package_with_a_face_is_entered_through_it(face: str) -> None:
    inside = face.replace(".", "/") + "/"
    deeper = [
        f"{file}: {module}"
        for file, modules in source_files()
        if not file.startswith(inside)
        for module in modules
        if module.startswith(face + ".")
    ]
    assert deeper == []


def test_only_the_google_client_knows_googles_libraries() -> None:
    allowed = ("collectors/google_client.py", "collectors/google_access.py", "seo_monitor/sandbox/")
    found = [
        file
        for file, modules in source_files()
        if not file.startswith(allowed) and any(m.startswith(GOOGLE_LIBRARIES) for m in modules)
    ]
    assert found == []


def test_only_the_config_loader_reads_the_environment() -> None:
    # Setting a library's flag (os.environ["X"] = "1") is not reading configuration.
    read = re.compile(r"os\.getenv|os\.environ(?!\[\"[A-Z_]+\"\] = )")
    readers = [
        file
        for file, _ in source_files()
        if file != "seo_monitor/config/loading.py"
        and read.search((ROOT / file).read_text(encoding="utf-8"))
    ]
    assert readers == []


def test_the_project_cites_nothing_outside_the_repository() -> None:
    """docs/architecture.md is the design document: no file points at notes kept elsewhere."""
    outside = re.compile(r"\b(DESIGN|domain|google-apis)[._]md\b|shared/docs/|design notes")
    citing = [
        path.relative_to(ROOT).as_posix()
        for path in project_files()
        if path.suffix in (".py", ".md", ".toml", "")
        and path != Path(__file__)
        and outside.search(path.read_text(encoding="utf-8", errors="ignore"))
    ]
    assert citing == []


def project_files() -> list[Path]:
    """The repository's files, without the virtual environment, caches and the demo's data."""
    skipped = {".git", ".venv", "demo", "node_modules", "__pycache__"}
    found = []
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = [s for s in subfolders if s not in skipped and not s.endswith("_cache")]
        found += [Path(folder) / name for name in files]
    return found
