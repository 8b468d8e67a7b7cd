"""Writing a command's output file (--out, --csv): a clear message instead of a traceback when
the folder is missing or the file cannot be written."""

from __future__ import annotations

from pathlib import Path

from seo_monitor.errors import UserError


def check_writable(path: Path) -> None:
    """Fail before any work is done when the file could not be written where asked."""
    folder = path.parent
    if not folder.is_dir():
        raise UserError(f"the folder {folder} does not exist: create it, or write somewhere else")
    if path.is_dir():
        raise UserError(f"{path} is a folder: give a file name")


def write_output(path: Path, content: bytes | str) -> None:
    check_writable(path)
    try:
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8", newline="")
        else:
            path.write_bytes(content)
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc.strerror}") from None
