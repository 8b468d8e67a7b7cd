"""Migrations, the upsert helper and SQLite settings, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from collectors.metrics import refresh_metric_groups
from seo_monitor.db import describe_database_error, make_engine, session_factory, upsert
from seo_monitor.errors import DatabaseUnavailable
from seo_monitor.migrate import alembic_config, current_revision, head_revision, upgrade
from seo_monitor.models import (
    Base,
    DailyMetric,
    DailyMetricGroups,
    Location,
    ReviewStarMonth,
    ReviewTopicDay,
    ReviewTopicMonth,
)
from seo_monitor.sentiment.store import refresh_review_counts


def test_an_empty_database_upgrades_to_a_schema_that_matches_the_models(
    empty_database_url: str,
) -> None:
    engine = make_engine(empty_database_url)
    result = upgrade(engine)
    assert (result.before, result.after) == (None, head_revision())
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert differences == []


def test_the_head_revision_is_the_one_alembic_reads_from_the_scripts() -> None:
    """head_revision() reads the file names (a check before every command, without importing
    Alembic); Alembic reads the revisions inside them."""
    scripts = ScriptDirectory.from_config(alembic_config())
    assert head_revision() == scripts.get_current_head()
    for script in scripts.walk_revisions():
        assert Path(script.path).name.startswith(f"{script.revision}_")


def test_upgrading_twice_changes_nothing(database_url: str) -> None:
    engine = make_engine(database_url)
    result = upgrade(engine)
    assert result.before == result.after == head_revision()
    engine.dispose()


def test_upgrading_counts_the_topics_and_stars_of_stored_reviews(empty_database_url: str) -> None:
    """Migrations 0007 and 0013 fill the per-month topic and star counts from the stored
    reviews and topics, exactly as the scorer would have (deleted reviews left out), and the
    daily metric group totals as the metrics job would have."""
    engine = make_engine(empty_database_url)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0006")
        # Plain SQL: the tables as they were at 0006, whatever the models say later.
        connection.execute(
            text(
                "INSERT INTO locations (id, name, title, address_lines, active, first_seen_at, "
                "updated_at) VALUES (1, 'locations/1', 'A', '[]', :yes, :now, :now)"
            ),
            {"yes": True, "now": datetime(2026, 11, 1, tzinfo=UTC)},
        )
        for review_id, day, deleted, topics in [
            (1, date(2026, 9, 3), False, [("billing", True), ("front_desk", False)]),
            (2, date(2026, 9, 20), False, [("billing", False)]),
            (3, date(2026, 10, 10), False, [("billing", True)]),
            (4, date(2026, 10, 12), True, [("billing", True)]),
        ]:
            created = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
            connection.execute(
                text(
                    "INSERT INTO reviews (id, location_id, source, external_id, rating, "
                    "author_is_anonymous, created_at, updated_at, first_seen_at, deleted_at) "
                    "VALUES (:id, 1, 'google', :external, 2, :no, :at, :at, :at, :deleted)"
                ),
                {
                    "id": review_id,
                    "external": f"r{review_id}",
                    "no": False,
                    "at": created,
                    "deleted": created if deleted else None,
                },
            )
            for topic, negative in topics:
                connection.execute(
                    text(
                        "INSERT INTO review_topics (review_id, topic, sentiment, negative, "
                        "mentions) VALUES (:id, :topic, 0, :negative, 1)"
                    ),
                    {"id": review_id, "topic": topic, "negative": negative},
                )
        for metric, value in [
            ("BUSINESS_IMPRESSIONS_MOBILE_MAPS", 5),
            ("BUSINESS_IMPRESSIONS_DESKTOP_SEARCH", 7),
            ("CALL_CLICKS", 2),
        ]:
            connection.execute(
                text(
                    "INSERT INTO daily_metrics (location_id, metric, day, value, fetched_at) "
                    "VALUES (1, :metric, :day, :value, :now)"
                ),
                {"metric": metric, "day": date(2026, 10, 3), "value": value, "now": created},
            )
    upgrade(engine)

    def stored(*columns: Any) -> set[tuple[Any, ...]]:
        with engine.connect() as connection:
            return {tuple(row) for row in connection.execute(select(*columns))}

    def groups() -> set[tuple[Any, ...]]:
        return stored(*DailyMetricGroups.__table__.columns)

    migrated_groups = groups()
    assert migrated_groups == {(date(2026, 10, 3), 1, 12, 2, None, None, None, None)}
    with session_factory(engine).begin() as session:
        refresh_metric_groups(session, 1, date(2026, 10, 1), date(2026, 10, 31))
    assert groups() == migrated_groups

    def counts() -> set[tuple[Any, ...]]:
        month = ReviewTopicMonth
        return stored(month.month, month.topic, month.reviews, month.negative_reviews)

    def stars() -> set[tuple[Any, ...]]:
        return stored(ReviewStarMonth.month, ReviewStarMonth.rating, ReviewStarMonth.reviews)

    def days() -> set[tuple[Any, ...]]:
        day = ReviewTopicDay
        return stored(day.day, day.topic, day.reviews, day.negative_reviews)

    migrated, migrated_stars, migrated_days = counts(), stars(), days()
    assert migrated_days == {
        (date(2026, 9, 3), "billing", 1, 1),
        (date(2026, 9, 3), "front_desk", 1, 0),
        (date(2026, 9, 20), "billing", 1, 0),
        (date(2026, 10, 10), "billing", 1, 1),
    }
    assert migrated == {
        ("2026-09", "billing", 2, 1),
        ("2026-09", "front_desk", 1, 0),
        ("2026-10", "billing", 1, 1),
    }
    assert migrated_stars == {("2026-09", 2, 2), ("2026-10", 2, 1)}
    with session_factory(engine).begin() as session:
        refresh_review_counts(session, 1)
    assert (counts(), stars(), days()) == (migrated, migrated_stars, migrated_days)
    engine.dispose()


def test_an_sqlite_file_is_backed_up_before_it_is_migrated(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'seo-monitor.db'}")
    head = head_revision()
    previous = ScriptDirectory.from_config(alembic_config()).get_revision(head).down_revision
    assert isinstance(previous, str)
    with engine.begin() as connection:  # a database one revision behind, holding data
        command.upgrade(alembic_config(connection), previous)
        connection.execute(
            text(
                "INSERT INTO accounts (name, first_seen_at, updated_at) "
                "VALUES ('accounts/1', '2026-01-01', '2026-01-01')"
            )
        )

    result = upgrade(engine, backup_dir=tmp_path / "backups")

    assert (result.before, result.after) == (previous, head)
    assert result.backup is not None and result.backup.parent == tmp_path / "backups"
    copy = make_engine(f"sqlite:///{result.backup}")
    assert current_revision(copy) == previous  # the file as it was before the migration
    with copy.connect() as connection:
        assert connection.scalar(text("SELECT name FROM accounts")) == "accounts/1"
    assert current_revision(engine) == head
    assert upgrade(engine, backup_dir=tmp_path / "backups").backup is None  # up to date: no copy


def test_sqlite_runs_with_wal_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}", busy_timeout_seconds=7)
    with engine.connect() as connection:
        assert connection.scalar(text("PRAGMA journal_mode")) == "wal"
        assert connection.scalar(text("PRAGMA foreign_keys")) == 1
        assert connection.scalar(text("PRAGMA busy_timeout")) == 7000


def test_a_missing_sqlite_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DatabaseUnavailable, match="folder for the SQLite database does not exist"):
        make_engine(f"sqlite:///{tmp_path / 'no' / 'x.db'}")


def location_row(name: str, title: str) -> dict[str, object]:
    now = datetime(2026, 11, 1, tzinfo=UTC)
    return {
        "name": name,
        "title": title,
        "address_lines": [],
        "active": True,
        "first_seen_at": now,
        "updated_at": now,
    }


def test_upsert_inserts_then_changes_nothing_the_second_time(session: Session) -> None:
    rows = [location_row("locations/1", "Riverside PT"), location_row("locations/2", "Eastside PT")]
    key = ["name"]
    assert upsert(session, Location, rows, key, update=["title"]) == 2
    assert upsert(session, Location, rows, key, update=["title"]) == 0
    rows[1]["title"] = "Eastside Physical Therapy"
    assert upsert(session, Location, rows, key, update=["title"]) == 1
    titles = session.scalars(select(Location.title).order_by(Location.name)).all()
    assert titles == ["Riverside PT", "Eastside Physical Therapy"]


def test_upsert_with_no_update_columns_keeps_the_first_row(session: Session) -> None:
    key = ["name"]
    upsert(session, Location, [location_row("locations/1", "First")], key, update=())
    assert upsert(session, Location, [location_row("locations/1", "Second")], key, update=()) == 0
    assert session.scalar(select(Location.title)) == "First"


def test_upsert_handles_batches_larger_than_sqlites_parameter_limit(session: Session) -> None:
    upsert(session, Location, [location_row("locations/1", "Clinic")], ["name"])
    location_id = session.scalar(select(Location.id))
    start = date(2025, 1, 1)
    rows = [
        {
            "location_id": location_id,
            "metric": f"M{i % 9}",
            "day": start + timedelta(days=i // 9),
            "value": i,
        }
        for i in range(20_000)
    ]
    key = ["location_id", "metric", "day"]
    assert upsert(session, DailyMetric, rows, key, update=["value"]) == 20_000
    assert upsert(session, DailyMetric, rows, key, update=["value"]) == 0


def test_times_come_back_utc_aware(engine: Engine) -> None:
    local = datetime(2026, 3, 1, 9, 30, tzinfo=timezone(timedelta(hours=-6)))
    with session_factory(engine).begin() as session:
        row = location_row("locations/9", "Clinic")
        row["updated_at"] = local
        upsert(session, Location, [row], ["name"])
    with session_factory(engine)() as session:
        stored = session.scalar(select(Location.updated_at))
    assert stored == local and stored is not None and stored.tzinfo is not None
    assert stored.utcoffset() == timedelta(0)


def test_naive_times_are_refused(session: Session) -> None:
    row = location_row("locations/9", "Clinic")
    row["updated_at"] = datetime(2026, 3, 1, 9, 30)
    with pytest.raises(Exception, match="naive datetime"):
        upsert(session, Location, [row], ["name"])


@pytest.mark.parametrize(
    ("driver_message", "advice", "not_said"),
    [
        (
            'connection failed: FATAL:  database "seo_monitor" does not exist',
            "the database no longer exists on the server",
            "db upgrade",
        ),
        ('relation "reviews" does not exist', "Run `seo-monitor db upgrade`", "no longer exists"),
        ("no such table: reviews", "Run `seo-monitor db upgrade`", "no longer exists"),
    ],
)
def test_a_dropped_database_is_not_mistaken_for_a_missing_schema(
    driver_message: str, advice: str, not_said: str
) -> None:
    message = describe_database_error(DBAPIError("SELECT 1", {}, Exception(driver_message)))
    assert advice in message and not_said not in message


def test_a_migration_that_copies_a_table_keeps_every_row_that_points_at_it(
    empty_database_url: str,
) -> None:
    """SQLite's batch mode copies a table and drops the old one: with foreign keys on, the drop
    would delete every row pointing at it on cascade (0008 copies locations and rank_scans)."""
    engine = make_engine(empty_database_url)
    moment = datetime(2026, 11, 1, tzinfo=UTC)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0007")
        connection.execute(
            text(
                "INSERT INTO locations (id, name, title, address_lines, active, first_seen_at, "
                "updated_at) VALUES (1, 'locations/1', 'A', '[]', :yes, :now, :now)"
            ),
            {"yes": True, "now": moment},
        )
        connection.execute(
            text(
                "INSERT INTO reviews (id, location_id, source, external_id, rating, "
                "author_is_anonymous, created_at, updated_at, first_seen_at) "
                "VALUES (1, 1, 'google', 'r1', 5, :no, :now, :now, :now)"
            ),
            {"no": False, "now": moment},
        )
        connection.execute(
            text(
                "INSERT INTO rank_scans (id, location_id, keyword, provider, grid_size, "
                "spacing_km, center_lat, center_lng, pages, status, started_at, api_calls) "
                "VALUES (1, 1, 'pt', 'places', 3, 1.0, 30.2, -97.7, 1, 'ok', :now, 9)"
            ),
            {"now": moment},
        )
        connection.execute(
            text(
                "INSERT INTO rank_points (scan_id, row, col, latitude, longitude, state, "
                "top_results) VALUES (1, 0, 0, 30.2, -97.7, 'not_found', '[]')"
            )
        )
    upgrade(engine)
    with engine.connect() as connection:
        kept = [
            connection.scalar(text(f"SELECT count(*) FROM {t}")) for t in ("reviews", "rank_points")
        ]
        on = (
            connection.scalar(text("PRAGMA foreign_keys")) if engine.dialect.name == "sqlite" else 1
        )
    assert kept == [1, 1]
    assert on == 1  # and foreign keys are enforced again afterwards
