"""Engines, sessions and the one upsert helper, for SQLite and PostgreSQL alike."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Date, Engine, cast, create_engine, event, func, or_, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql import Executable

from seo_monitor.errors import DatabaseUnavailable
from seo_monitor.models import Base
from seo_monitor.private_files import create_private_file


def make_engine(url: str, *, busy_timeout_seconds: float = 30.0) -> Engine:
    """An engine with the settings each database needs (SQLite: WAL, busy timeout, foreign keys)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, busy_timeout_seconds)
    return create_engine(parsed, pool_pre_ping=True)


def _sqlite_engine(url: URL, busy_timeout_seconds: float) -> Engine:
    database = url.database or ""
    if database not in ("", ":memory:"):
        folder = Path(database).parent
        if not folder.is_dir():
            raise DatabaseUnavailable(
                f"the folder for the SQLite database does not exist: {folder}\n"
                "Create it, or run `seo-monitor init`, or fix database.url / data_dir."
            )
        create_private_file(Path(database))
    engine = create_engine(url, connect_args={"timeout": busy_timeout_seconds})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        # WAL lets the dashboard read while a collector writes; foreign keys are off by default.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_seconds * 1000)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def check_connection(engine: Engine) -> None:
    """Raise DatabaseUnavailable with what to check when the database cannot be reached."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except (OperationalError, DBAPIError) as exc:
        raise DatabaseUnavailable(describe_connection_failure(engine.url, exc)) from None


def describe_connection_failure(url: URL, exc: Exception) -> str:
    reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0] if str(exc) else "unknown"
    if url.get_backend_name() == "sqlite":
        return f"cannot open the SQLite database {url.database}: {reason}\n" + _sqlite_advice(
            Path(url.database or "")
        )
    where = f"{url.host or 'localhost'}:{url.port or 5432}"
    return (
        f"cannot connect to the PostgreSQL database {url.database!r} at {where}: {reason}\n"
        f"Check that PostgreSQL runs on {where}, that the database exists and that the user "
        "may log in (database.url in config.toml, or SEO_MONITOR_DATABASE__URL)."
    )


# What a failing database statement means for the person running the command, by the words the
# driver uses (SQLite's and libpq's own messages), most specific first.
DATABASE_FAULTS = (
    (
        ("database or disk is full", "no space left on device", "could not extend file"),
        "the disk holding the database is full. Free some space and run the command again; "
        "every save is one transaction, so nothing was half-saved.",
    ),
    (
        ("readonly database", "read-only", "read only"),
        "the database is read-only for this user. Check the permissions of the database file "
        "and its folder (and that the file system is mounted read-write).",
    ),
    (
        ("no such table", "does not exist"),
        "the database has no (or an older) seo-monitor schema. Run `seo-monitor db upgrade`.",
    ),
    (
        (
            "server closed the connection",
            "terminating connection",
            "connection refused",
            "could not connect",
            "connection is closed",
            "consuming input failed",
            "the database system is",
            "not currently accepting connections",
        ),
        "the connection to the database server was lost. Nothing was half-saved; run the "
        "command again once the server is back.",
    ),
    (
        ("database disk image is malformed", "file is not a database"),
        "the database file is damaged. Restore the newest backup (see docs/deployment.md).",
    ),
)


DATABASE_GONE = re.compile(r'database "[^"]*" does not exist', re.IGNORECASE)


def describe_database_error(exc: DBAPIError) -> str:
    """One clear sentence for a database failure in the middle of a command (no SQL, no
    parameters: those may hold review text)."""
    reason = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else type(exc).__name__
    lowered = reason.lower()
    if DATABASE_GONE.search(reason):  # not "no such table": the whole database was dropped
        return (
            f"database error ({reason}): the database no longer exists on the server (it was "
            "dropped or renamed while seo-monitor was using it). Restore it from the newest "
            "backup, or point database.url at the right database; nothing was half-saved."
        )
    for words, advice in DATABASE_FAULTS:
        if any(word in lowered for word in words):
            return f"database error ({reason}): {advice}"
    return f"database error ({reason})."


def _sqlite_advice(database: Path) -> str:
    folder = database.parent
    if folder.is_dir() and os.statvfs(folder).f_flag & os.ST_RDONLY:
        return f"The file system holding {folder} is mounted read-only: remount it read-write."
    if database.exists() and not os.access(database, os.W_OK):
        return f"{database} is read-only for this user: fix its owner or permissions."
    return "Check that the file and its folder exist and are writable by this user."


def upsert(
    session: Session,
    model: type[Base],
    rows: Sequence[dict[str, Any]],
    key: Sequence[str],
    update: Sequence[str] | None = None,
    touch: Mapping[str, Any] | None = None,
) -> int:
    """Insert rows, or update the listed columns where a row with the same key exists.

    Only rows that are new or whose listed columns really changed are written, so running a
    collector twice writes nothing the second time. Returns how many rows were inserted or
    changed. `update=None` updates every column outside the key; `update=()` never updates.
    `touch` columns (e.g. updated_at) are set only on rows that changed.
    """
    if not rows:
        return 0
    columns = [c for c in rows[0] if c not in key] if update is None else list(update)
    table = model.__table__
    insert = _dialect_insert(session)(table)
    if columns:
        excluded = insert.excluded
        statement = insert.on_conflict_do_update(
            index_elements=list(key),
            set_={**{c: excluded[c] for c in columns}, **(touch or {})},
            where=or_(*(table.c[c].is_distinct_from(excluded[c]) for c in columns)),
        )
    else:
        statement = insert.on_conflict_do_nothing(index_elements=list(key))
    # One statement, many parameter sets: SQLAlchemy batches them ("insertmanyvalues") within
    # each database's parameter limits, and RETURNING yields a row per inserted/changed row.
    written = session.execute(statement.returning(table.c[key[0]]), list(rows))
    return len(written.all())


def rows_changed(session: Session, statement: Executable) -> int:
    """Run an UPDATE or DELETE and return how many rows it touched."""
    result = session.execute(statement)
    return int(getattr(result, "rowcount", 0) or 0)


def _dialect_insert(session: Session) -> Any:
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert
    if name == "sqlite":
        return sqlite.insert
    raise NotImplementedError(f"upsert is not available for {name}")


def table_counts(session: Session) -> dict[str, int]:
    """Rows per table, for summaries."""
    return {
        name: session.scalar(select(func.count()).select_from(table)) or 0
        for name, table in Base.metadata.tables.items()
    }


def day_of(session: Session, moment: Any) -> Any:
    """The UTC day of a timestamp, as a date."""
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.timezone("UTC", moment), Date)
    return func.substr(moment, 1, 10)  # 'YYYY-MM-DD HH:MM:SS…' text, as month_of


def month_of(session: Session, moment: Any) -> Any:
    """'YYYY-MM' of a timestamp."""
    if session.get_bind().dialect.name == "postgresql":  # the UTC month, whatever the server's zone
        return func.to_char(func.timezone("UTC", moment), "YYYY-MM")
    # SQLite keeps times as 'YYYY-MM-DD HH:MM:SS…' text: the first 7 characters are the month,
    # and cutting them is cheaper than strftime on a year of reviews.
    return func.substr(moment, 1, 7)
