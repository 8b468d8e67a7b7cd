"""Imports point one way (DESIGN.md): collectors, qr, dashboard -> seo_monitor; nothing -> dashboard."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("seo_monitor", "collectors", "dashboard", "qr")
# Only these core modules may reach into collectors (they run the jobs).
CORE_MODULES_ALLOWED_COLLECTORS = ("seo_monitor/cli/", "seo_monitor/scheduler.py")
GOOGLE_LIBRARIES = ("googleapiclient", "google.auth", "google.oauth2", "google_auth_oauthlib")
GOOGLE_ALLOWED = ("collectors/google_client.py", "seo_monitor/sandbox/")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def source_files() -> list[tuple[str, set[str]]]:
    files = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            files.append((path.relative_to(ROOT).as_posix(), imported_modules(path)))
    return files


def top(name: str) -> str:
    return name.split(".")[0]


def test_nothing_imports_the_dashboard() -> None:
    offenders = [
        f
        for f, mods in source_files()
        if not f.startswith("dashboard/") and any(top(m) == "dashboard" for m in mods)
    ]
    assert offenders == []


def test_the_core_does_not_import_collectors_or_qr_except_its_entry_points() -> None:
    offenders = [
        f
        for f, mods in source_files()
        if f.startswith("seo_monitor/")
        and not f.startswith(CORE_MODULES_ALLOWED_COLLECTORS)
        and any(top(m) in ("collectors", "qr") for m in mods)
    ]
    assert offenders == []


def test_collectors_and_qr_do_not_import_each_other() -> None:
    offenders = [
        f
        for f, mods in source_files()
        if (f.startswith("collectors/") and any(top(m) == "qr" for m in mods))
        or (f.startswith("qr/") and any(top(m) == "collectors" for m in mods))
    ]
    assert offenders == []


def test_only_the_google_client_knows_googles_libraries() -> None:
    offenders = [
        f
        for f, mods in source_files()
        if not f.startswith(GOOGLE_ALLOWED) and any(m.startswith(GOOGLE_LIBRARIES) for m in mods)
    ]
    assert offenders == []


def test_only_the_config_module_reads_the_environment() -> None:
    offenders = [
        f
        for f, _ in source_files()
        if f != "seo_monitor/config.py"
        and (
            "os.environ" in (ROOT / f).read_text(encoding="utf-8")
            or "os.getenv" in (ROOT / f).read_text(encoding="utf-8")
        )
    ]
    assert offenders == []
