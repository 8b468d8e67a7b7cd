"""Reviews from other sites' CSV exports: all or nothing, idempotent, clear about bad rows."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from collectors.csv_import import import_reviews
from seo_monitor.errors import UserError
from seo_monitor.models import Location, Review

NOW = datetime(2026, 11, 2, tzinfo=UTC)
GOOD = """Review ID,Stars,Review Date,Review Text,Reviewer Name,Owner Response,Response Date
hg-1,5,2026-10-01,"Great PT, the front desk was kind.",Maria G.,Thank you!,2026-10-02
hg-2,2,2026-10-05T14:30:00Z,"Waited an hour, <b>billing</b> was a mess.",,,
hg-3,4.0,2026-10-09,,Sam,,
"""


def location(sessions: sessionmaker[Session]) -> Location:
    with sessions.begin() as session:
        session.add(
            Location(
                name="locations/1",
                store_code="ATX-001",
                title="Riverbend PT",
                address_lines=[],
                active=True,
            )
        )
    with sessions() as session:
        return session.scalars(select(Location)).one()


def write(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "export.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_a_healthgrades_export_imports_and_a_second_import_changes_nothing(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    clinic = location(sessions)
    path = write(tmp_path, GOOD)
    with sessions.begin() as session:
        assert import_reviews(session, path, "healthgrades", clinic, NOW) == {
            "rows": 3,
            "changed": 3,
        }
    with sessions.begin() as session:
        assert import_reviews(session, path, "healthgrades", clinic, NOW) == {
            "rows": 3,
            "changed": 0,
        }
    with sessions() as session:
        reviews = {r.external_id: r for r in session.scalars(select(Review))}
    assert reviews["hg-1"].reply_text == "Thank you!" and reviews["hg-1"].source == "healthgrades"
    assert (
        reviews["hg-2"].text == "Waited an hour, <b>billing</b> was a mess."
        and reviews["hg-2"].author_is_anonymous
    )
    assert reviews["hg-2"].created_at == datetime(2026, 10, 5, 14, 30, tzinfo=UTC)
    assert (reviews["hg-3"].rating, reviews["hg-3"].text) == (4, None)


def test_files_without_ids_get_stable_ids(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    clinic = location(sessions)
    path = write(tmp_path, "rating,date,text\n5,2026-10-01,Great\n1,2026-10-02,Rude\n")
    for expected in (2, 0):
        with sessions.begin() as session:
            assert import_reviews(session, path, "yelp", clinic, NOW)["changed"] == expected


def test_bad_rows_are_listed_with_line_numbers_and_nothing_is_imported(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    clinic = location(sessions)
    path = write(
        tmp_path,
        "id,rating,date\na,5,2026-10-01\nb,six,2026-10-02\nc,0,2026-10-03\nd,4,last Tuesday\na,3,2026-10-04\n",
    )
    with pytest.raises(UserError) as caught, sessions.begin() as session:
        import_reviews(session, path, "yelp", clinic, NOW)
    message = str(caught.value)
    assert "4 row(s) cannot be imported; nothing was imported" in message
    for expected in (
        "line 3: rating 'six'",
        "line 4: rating '0'",
        "line 5: date 'last Tuesday'",
        "line 6: the id 'a' appears twice",
    ):
        assert expected in message
    with sessions() as session:
        assert session.scalars(select(Review)).all() == []


@pytest.mark.parametrize(
    ("content", "encoding", "message"),
    [
        ("name,text\nSam,Great\n", "utf-8", "no column for rating, date"),
        ("rating,date\n5,2026-10-01\n".replace("2026", "2026é"), "latin-1", "not UTF-8"),
    ],
)
def test_unusable_files_say_what_to_fix(
    sessions: sessionmaker[Session], tmp_path: Path, content: str, encoding: str, message: str
) -> None:
    clinic = location(sessions)
    with pytest.raises(UserError, match=message), sessions.begin() as session:
        import_reviews(session, write(tmp_path, content, encoding), "other", clinic, NOW)


def test_the_import_command(
    tmp_path: Path, database_url: str, sessions: sessionmaker[Session]
) -> None:
    location(sessions)
    config = tmp_path / "config.toml"
    config.write_text(f"[database]\nurl = {json.dumps(database_url)}\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEO_MONITOR_")}
    command = [
        sys.executable,
        "-m",
        "seo_monitor",
        "--config",
        str(config),
        "import",
        "reviews",
        str(write(tmp_path, GOOD)),
        "--source",
        "healthgrades",
        "--location",
        "ATX-001",
    ]
    result = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert (
        "3 reviews read from export.csv; 3 new or changed for Riverbend PT (healthgrades); "
        "3 scored." in result.stdout
    )

    def score(*flags: str) -> str:
        done = subprocess.run(
            [*command[:5], "score", *flags], env=env, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert "scored 0" in score()  # imported and scored already: nothing to do
    assert "scored 3" in score("--rescore", "--location", "ATX-001")
    wrong = subprocess.run(
        [*command[:-1], "nowhere"], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert wrong.returncode == 2 and "no active location matches 'nowhere'" in wrong.stderr
