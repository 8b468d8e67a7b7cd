"""Schema migrations with Alembic: forward only, and an SQLite file is copied before it changes."""

from __future__ import annotations

import logging
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text

from seo_monitor.private_files import create_private_file

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
# Alembic's own bookkeeping table: one row, the revision the schema is at.
VERSION_TABLE = "alembic_version"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class UpgradeResult:
    before: str | None
    after: str | None
    backup: Path | None


def alembic_config(connection: Connection | None = None) -> Config:
    # Alembic is imported only to change the schema: importing it loads every database
    # dialect it knows (about 0.3 s), and every command checks the revision before it starts.
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str | None:
    """The newest migration. Each file in migrations/versions is named after its revision
    ("0012_listings.py" is "0012"), one after the other; tests/test_database.py checks this
    against Alembic's own reading of the scripts."""
    revisions = sorted(
        path.name.split("_", 1)[0] for path in (MIGRATIONS_DIR / "versions").glob("[0-9]*_*.py")
    )
    return revisions[-1] if revisions else None


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None when it has no seo-monitor tables yet."""
    with engine.connect() as connection:
        if not inspect(connection).has_table(VERSION_TABLE):
            return None
        return connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


def upgrade(engine: Engine, backup_dir: Path | None = None) -> UpgradeResult:
    """Bring the schema to the newest revision; back up an existing SQLite file first."""
    before = current_revision(engine)
    head = head_revision()
    backup = None
    if before != head and backup_dir is not None:
        backup = backup_sqlite(engine, backup_dir, before)
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            # Batch mode copies a table and drops the old one; with foreign keys on, SQLite
            # deletes the dropped table's children on cascade (every review with its
            # location). Off for the migration, checked before it commits, on again after.
            _foreign_keys(connection, "OFF")
        try:
            from alembic import command

            with connection.begin():
                command.upgrade(alembic_config(connection), "head")
                _check_foreign_keys(connection)
        finally:
            if engine.dialect.name == "sqlite":
                _foreign_keys(connection, "ON")
    after = current_revision(engine)
    if after != before:
        log.info("database schema upgraded from %s to %s", before, after)
    return UpgradeResult(before=before, after=after, backup=backup)


def _foreign_keys(connection: Connection, state: str) -> None:
    """On the driver's own connection: SQLite ignores the pragma inside a transaction, and
    SQLAlchemy would open one around any statement it runs."""
    driver = connection.connection.driver_connection
    assert isinstance(driver, sqlite3.Connection)
    driver.execute(f"PRAGMA foreign_keys={state}")


def _check_foreign_keys(connection: Connection) -> None:
    if connection.dialect.name != "sqlite":
        return  # PostgreSQL checks them as it goes
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        raise RuntimeError(f"the migration left {len(broken)} rows pointing nowhere: {broken[:5]}")


def backup_sqlite(engine: Engine, backup_dir: Path, revision: str | None) -> Path | None:
    """Copy a non-empty SQLite database with SQLite's online backup (consistent under WAL)."""
    if engine.dialect.name != "sqlite" or revision is None:
        return None
    source = Path(engine.url.database or "")
    if not source.is_file():
        return None
    backup_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = backup_dir / f"{source.stem}-{stamp}-before-upgrade-from-{revision}.db"
    create_private_file(target)
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
    return target
