"""Schema migrations with Alembic: forward only, and an SQLite file is copied before it changes."""

from __future__ import annotations

import logging
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from seo_monitor.private_files import create_private_file

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class UpgradeResult:
    before: str | None
    after: str | None
    backup: Path | None


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


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
