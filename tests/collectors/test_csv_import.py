"""Reviews from other sites' CSV exports: all or nothing, idempotent, clear about bad rows."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
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


def import_text(sessions: sessionmaker[Session], tmp_path: Path, text: str, **options: int) -> str:
    """The message the import of `text` is refused with (nothing imported)."""
    clinic = location(sessions)
    with pytest.raises(UserError) as caught, sessions.begin() as session:
        import_reviews(session, write(tmp_path, text), "yelp", clinic, NOW, **options)
    with sessions() as session:
        assert session.scalars(select(Review)).all() == []
    return str(caught.value)


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ("5,0001-01-01", "line 3: date '0001-01-01' is before 2000"),
        ("5,1999-12-31T23:00:00Z", "line 3: date '1999-12-31T23:00:00Z' is before 2000"),
        ("5,9999-12-31", "line 3: date '9999-12-31' is in the future"),
        ("5,2027-01-15", "line 3: date '2027-01-15' is in the future"),  # NOW is 2026-11-02
        ("5,2026-10-01,,,Thanks,2030-01-01", "line 3: reply date '2030-01-01' is in the future"),
        ("5,2026-10-09,,,Thanks,2026-10-01", "line 3: reply date '2026-10-01' is before the"),
    ],
)
def test_impossible_dates_are_refused_with_their_line(
    sessions: sessionmaker[Session], tmp_path: Path, cells: str, expected: str
) -> None:
    text = f"rating,date,text,author,reply,reply_date\n4,2026-10-01\n{cells}\n"
    assert expected in import_text(sessions, tmp_path, text)


def test_a_reply_on_the_review_s_day_with_a_date_only_is_kept_at_the_review_s_time(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    clinic = location(sessions)
    text = "rating,date,reply,reply_date\n5,2026-10-05T14:30:00Z,Thanks!,2026-10-05\n"
    with sessions.begin() as session:
        import_reviews(session, write(tmp_path, text), "yelp", clinic, NOW)
    with sessions() as session:
        review = session.scalars(select(Review)).one()
    assert review.reply_updated_at == review.created_at == datetime(2026, 10, 5, 14, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("header", "first", "second"),
    [("rating,stars,date", "rating", "stars"), ("Rating,date, rating ", "Rating", " rating ")],
)
def test_two_columns_for_one_field_are_refused_naming_both(
    sessions: sessionmaker[Session], tmp_path: Path, header: str, first: str, second: str
) -> None:
    message = import_text(sessions, tmp_path, f"{header}\n5,4,2026-10-01\n")
    assert f"the columns {first!r} and {second!r} both hold the rating" in message


@pytest.mark.parametrize(
    ("tail", "expected"),
    [
        ("", "line 4: a quoted field starts here and does not end"),
        ("x" * 200_000 + "\n", "line 4: a field longer than 131072 characters starts here"),
    ],
)
def test_an_unterminated_quote_is_refused_at_its_line_instead_of_swallowing_the_file(
    sessions: sessionmaker[Session], tmp_path: Path, tail: str, expected: str
) -> None:
    text = (
        'rating,date,text\n5,2026-10-01,"one\nline, two"\n4,2026-10-02,"Rude front desk\n'
        "3,2026-10-03,ok\n" + tail
    )
    assert expected in import_text(sessions, tmp_path, text)


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    text = "rating,date\n" + "5,2026-10-01\n" * 100
    message = import_text(sessions, tmp_path, text, max_bytes=1000)
    assert "1312 bytes is larger than the 1000 bytes limit" in message
    assert "reviews.import_max_megabytes" in message


@pytest.mark.parametrize("special", ["fifo", "/dev/zero"])
def test_a_fifo_or_a_device_is_refused_at_once(
    sessions: sessionmaker[Session], tmp_path: Path, special: str
) -> None:
    path = Path(special)
    if special == "fifo":
        path = tmp_path / "reviews.csv"
        os.mkfifo(path)  # nobody writes to it: reading would wait forever
    clinic = location(sessions)
    started = time.monotonic()
    with pytest.raises(UserError, match="not a regular file"), sessions.begin() as session:
        import_reviews(session, path, "yelp", clinic, NOW)
    assert time.monotonic() - started < 2


def test_blank_rows_are_skipped_and_line_numbers_count_multi_line_reviews(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    text = 'rating,date,text\n5,2026-10-01,"Kind,\nand on time"\n,,\n\n4,yesterday,\n'
    assert "1 row(s)" in (message := import_text(sessions, tmp_path, text))
    assert "line 6: date 'yesterday'" in message
