"""Files that hold secrets or patients' reviews (config, tokens, keys, the SQLite database and
its backups) are created readable and writable by their owner only."""

from __future__ import annotations

import os
from pathlib import Path

OWNER_ONLY = 0o600


def write_private_text(path: Path, content: str) -> None:
    """Write `content` to `path`, owner-only, also when the file existed with wider rights."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, OWNER_ONLY)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(content)
    os.chmod(path, OWNER_ONLY)


def create_private_file(path: Path) -> None:
    """Create an empty owner-only file unless one exists (SQLite then gives its WAL and
    shared-memory files the same rights)."""
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, OWNER_ONLY))
