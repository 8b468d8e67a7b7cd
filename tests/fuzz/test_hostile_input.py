"""Hostile input, generated (Hypothesis): configuration files, Google's answers, CSV exports,
reply drafts and poster text. Whatever arrives, the outcome is a result or one clear error —
never a crash — and nothing is stored half-way."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from reportlab.pdfbase.pdfmetrics import stringWidth
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from collectors.csv_import import import_reviews
from collectors.keywords import parse_keyword
from collectors.locations import parse_location
from collectors.metrics import parse_daily_metrics
from collectors.rankings import place_ids, serp_place_ids
from collectors.reviews import ReviewRow, parse_review, save_reviews
from collectors.search_console import parse_search_row
from qr.poster import PosterContent, fit_text, poster_pdf
from qr.wording import Wording
from seo_monitor.config import Section, Settings, load_settings
from seo_monitor.db import session_factory
from seo_monitor.errors import ConfigError, MalformedRecord, UserError
from seo_monitor.models import Location, Review
from seo_monitor.replies import ReviewContext, lint_reply

FUZZ = settings(
    max_examples=60,  # new inputs on every run; a failing one is saved in .hypothesis/
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
NOW = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)

# --- building blocks -------------------------------------------------------------------------
# Text as it really arrives: odd Unicode, control characters and NUL bytes included.
hostile_text = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.sampled_from(
        ["\x00", "a\x00b", "\u202e", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "<script>alert(1)</script>", "🦵🏽" * 50]
    ),
    st.text(min_size=1, max_size=40).map(lambda s: s * 2_000),  # huge strings, cheaply made
)
json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    hostile_text,
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner),
    max_leaves=12,
)


def maybe(value: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """The plausible value, or any JSON at all in its place."""
    return st.one_of(value, json_values)


def mangled(fields: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """An object with each plausible field present or missing, right or wrongly typed, plus
    fields nobody asked for."""
    return st.builds(
        lambda chosen, extra: {**extra, **chosen},
        st.fixed_dictionaries({}, optional={key: maybe(v) for key, v in fields.items()}),
        st.dictionaries(st.text(max_size=10), json_values, max_size=3),
    )


timestamps = st.one_of(
    st.datetimes(timezones=st.just(UTC)).map(lambda d: d.isoformat().replace("+00:00", "Z")),
    st.sampled_from(["0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "2026-13-40"]),
)


def strings_are_storable(values: dict[str, Any]) -> None:
    """Every text a parser hands on can be stored on SQLite and PostgreSQL: no NUL bytes."""
    for key, value in values.items():
        texts = value if isinstance(value, list) else [value]
        for text in texts:
            if isinstance(text, str):
                assert "\x00" not in text, key


# --- configuration -----------------------------------------------------------------------------
def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "nan" if math.isnan(value) else repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, str):
        return json.dumps(value)  # JSON's escapes are TOML's (a lone surrogate is refused)
    return str(value)


toml_scalars = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    hostile_text.filter(lambda s: len(s) < 400),
    st.sampled_from(["127.0.0.1", "0 8 * * 1", "UTC", "#1f6feb", "sqlite:///x.db", "en"]),
)
toml_values = st.one_of(toml_scalars, st.lists(toml_scalars, max_size=3))
SECTIONS = {
    name: field.annotation
    for name, field in Settings.model_fields.items()
    if isinstance(field.annotation, type) and issubclass(field.annotation, Section)
}


@st.composite
def config_files(draw: st.DrawFn) -> str:
    lines = [
        f"{key} = {toml_value(draw(toml_values))}"
        for key in draw(st.sets(st.sampled_from(["data_dir", "unknown_key"]), max_size=2))
    ]
    for section in draw(st.sets(st.sampled_from(sorted(SECTIONS)), max_size=4)):
        lines.append(f"[{section}]")
        known = sorted(SECTIONS[section].model_fields)
        for key in draw(st.sets(st.sampled_from([*known, "typo_key"]), max_size=4)):
            lines.append(f"{key} = {toml_value(draw(toml_values))}")
    if draw(st.booleans()):
        lines += ["[[locations]]", f"match = {toml_value(draw(toml_values))}"]
    return "\n".join(lines) + "\n"


@FUZZ
@given(document=st.one_of(config_files(), st.text(max_size=200)))
def test_any_config_file_loads_or_is_one_clear_error(tmp_path: Path, document: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(document, encoding="utf-8", errors="surrogatepass")
    try:
        loaded = load_settings(path, {})
    except ConfigError as exc:
        message = str(exc)
        assert message and "config.toml" in message and "Traceback" not in message
    else:
        assert isinstance(loaded, Settings)


# --- Google's answers ------------------------------------------------------------------------
reviews = mangled(
    {
        "reviewId": st.text(min_size=1, max_size=30),
        "name": st.text(max_size=40),
        "starRating": st.sampled_from(
            ["ONE", "TWO", "THREE", "FOUR", "FIVE", "STAR_RATING_UNSPECIFIED"]
        ),
        "comment": hostile_text,
        "createTime": timestamps,
        "updateTime": timestamps,
        "reviewer": mangled({"displayName": hostile_text, "isAnonymous": st.booleans()}),
        "reviewReply": mangled({"comment": hostile_text, "updateTime": timestamps}),
    }
)


@FUZZ
@given(raw=st.one_of(reviews, json_values))
def test_a_review_parses_into_storable_values_or_is_skipped_as_malformed(raw: Any) -> None:
    try:
        row = parse_review(raw)
    except MalformedRecord:
        return
    strings_are_storable(asdict(row))
    assert row.rating in (None, 1, 2, 3, 4, 5)
    assert row.created_at.tzinfo is not None


locations = mangled(
    {
        "name": st.text(max_size=20).map(lambda s: f"locations/{s}"),
        "title": hostile_text,
        "storeCode": hostile_text,
        "storefrontAddress": mangled(
            {"addressLines": st.lists(hostile_text, max_size=3), "locality": hostile_text}
        ),
        "phoneNumbers": mangled({"primaryPhone": hostile_text}),
        "websiteUri": hostile_text,
        "metadata": mangled({"placeId": hostile_text, "newReviewUri": hostile_text}),
        "latlng": mangled({"latitude": st.floats(), "longitude": st.floats()}),
        "categories": mangled({"primaryCategory": mangled({"displayName": hostile_text})}),
    }
)
LOCATION_TEXT_COLUMNS = {
    c.name: c.type.length  # type: ignore[attr-defined]
    for c in Location.__table__.columns
    if c.type.python_type is str
}


@FUZZ
@given(raw=st.one_of(locations, json_values))
def test_a_location_parses_into_values_of_the_columns_types(raw: Any) -> None:
    try:
        row = parse_location(raw)
    except MalformedRecord:
        return
    strings_are_storable(row)
    for column, length in LOCATION_TEXT_COLUMNS.items():
        if column in row:
            assert row[column] is None or isinstance(row[column], str), column
            assert row[column] is None or length is None or len(row[column]) <= length, column
    assert all(isinstance(line, str) for line in row["address_lines"])
    for coordinate in ("latitude", "longitude"):
        assert row[coordinate] is None or math.isfinite(row[coordinate])


dated_values = mangled(
    {
        "date": mangled({"year": st.integers(), "month": st.integers(), "day": st.integers()}),
        "value": st.one_of(st.integers(), st.text(max_size=5)),
    }
)
metric_answers = mangled(
    {
        "multiDailyMetricTimeSeries": st.lists(
            mangled(
                {
                    "dailyMetricTimeSeries": st.lists(
                        mangled(
                            {
                                "dailyMetric": st.sampled_from(["CALL_CLICKS", "WEBSITE_CLICKS"]),
                                "timeSeries": mangled(
                                    {"datedValues": st.lists(dated_values, max_size=5)}
                                ),
                            }
                        ),
                        max_size=3,
                    )
                }
            ),
            max_size=2,
        )
    }
)


@FUZZ
@given(raw=metric_answers)
def test_metric_answers_give_whole_days_and_counts_or_skip_entries(raw: dict[str, Any]) -> None:
    try:
        values, skipped = parse_daily_metrics(raw)
    except MalformedRecord:
        return
    assert skipped >= 0
    assert all(isinstance(v, int) and 0 <= v < 2**63 for _, _, v in values)


keywords = mangled(
    {
        "searchKeyword": hostile_text,
        "insightsValue": mangled({"value": st.integers(), "threshold": st.text(max_size=8)}),
    }
)


@FUZZ
@given(raw=st.one_of(keywords, json_values))
def test_a_keyword_entry_parses_or_is_malformed(raw: Any) -> None:
    try:
        parsed = parse_keyword(raw)
    except MalformedRecord:
        return
    if parsed is None:  # an empty insightsValue: Google has no figure, nothing to store
        assert raw["insightsValue"] == {}
        return
    keyword, users, threshold = parsed
    strings_are_storable({"keyword": keyword})
    assert (users is None) != (threshold is None)
    assert all(n is None or 0 <= n < 2**63 for n in (users, threshold))


search_rows = mangled(
    {
        "keys": st.lists(st.one_of(timestamps, hostile_text), min_size=3, max_size=3),
        "clicks": st.integers(),
        "impressions": st.integers(),
        "ctr": st.floats(),
        "position": st.floats(),
    }
)


@FUZZ
@given(raw=st.one_of(search_rows, json_values))
def test_a_search_console_row_parses_or_is_malformed(raw: Any) -> None:
    try:
        row = parse_search_row("sc-domain:clinic.example", 1, raw)
    except MalformedRecord:
        return
    strings_are_storable(row)
    assert all(math.isfinite(row[k]) for k in ("ctr", "position"))
    assert all(0 <= row[k] < 2**63 for k in ("clicks", "impressions"))


places_answers = mangled(
    {
        "places": st.lists(mangled({"id": st.text(min_size=1, max_size=30)}), max_size=5),
        "nextPageToken": st.text(max_size=10),
    }
)
serp_answers = mangled(
    {
        "local_results": st.lists(
            mangled({"place_id": st.text(min_size=1, max_size=30), "position": st.integers()}),
            max_size=5,
        )
    }
)


@FUZZ
@given(places=places_answers, serp=serp_answers)
def test_rank_answers_give_place_ids_or_nothing(
    places: dict[str, Any], serp: dict[str, Any]
) -> None:
    ids, token = place_ids(places)
    assert all(isinstance(i, str) and i and "\x00" not in i for i in ids)
    assert token is None or isinstance(token, str)
    ranked = serp_place_ids(serp, 20)
    assert all(isinstance(i, str) and i and "\x00" not in i for i in ranked)
    assert len(ranked) <= 20


@pytest.fixture
def clinic(engine: Engine) -> Iterator[tuple[Session, Location]]:
    with session_factory(engine)() as session:
        location = Location(
            name="locations/1", title="Clinic", address_lines=[], first_seen_at=NOW, updated_at=NOW
        )
        session.add(location)
        session.commit()
        yield session, location


@FUZZ
@given(raws=st.lists(reviews, max_size=6))
def test_whatever_parses_is_saved_on_both_databases(
    clinic: tuple[Session, Location], raws: list[Any]
) -> None:
    session, location = clinic
    rows: dict[str, ReviewRow] = {}
    for raw in raws:
        try:
            row = parse_review(raw)
        except MalformedRecord:
            continue
        rows[row.external_id] = row
    try:
        save_reviews(session, location.id, list(rows.values()), NOW)
        stored = session.scalar(select(func.count()).select_from(Review))
        assert stored == len(rows)
    finally:
        session.rollback()


# --- CSV import --------------------------------------------------------------------------------
csv_cells = st.one_of(
    hostile_text,
    st.sampled_from(["5", "1", "0", "4.5", "nan", "2026-11-01", "0001-01-01T00:00:00+01:00", ""]),
)
HEADERS = ["rating", "date", "text", "author", "id", "reply", "reply_date", "stars", "junk"]


def csv_quoted(cell: str) -> str:
    return '"' + cell.replace('"', '""') + '"'


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    headers = draw(st.lists(st.sampled_from(HEADERS), min_size=1, max_size=6))
    rows = draw(
        st.lists(st.lists(csv_cells, min_size=len(headers), max_size=len(headers)), max_size=5)
    )
    text = "\n".join(",".join(csv_quoted(c) for c in row) for row in [headers, *rows])
    encoded = text.encode("utf-8", errors="surrogatepass")
    return draw(st.one_of(st.just(encoded), st.binary(max_size=200)))


@FUZZ
@given(content=csv_files())
@example(content=b"rating,date,text\n5,2026-11-01," + b"x" * 200_000 + b"\n")  # a huge cell
@example(content=b"rating,date\n5,0001-01-01T00:00:00+01:00\n")  # before year 1 in UTC
@example(content=b"rating,date,text\n5,2026-11-01,a\x00b\n")
def test_a_csv_file_imports_whole_or_not_at_all(
    clinic: tuple[Session, Location], tmp_path: Path, content: bytes
) -> None:
    session, location = clinic
    path = tmp_path / "reviews.csv"
    path.write_bytes(content)
    before = session.scalar(select(func.count()).select_from(Review))
    try:
        counts = import_reviews(session, path, "other", location, NOW)
        session.flush()
    except UserError as exc:
        assert str(exc).startswith(str(path)) or "cannot read" in str(exc)
        assert session.scalar(select(func.count()).select_from(Review)) == before
    else:
        stored = session.scalar(select(func.count()).select_from(Review))
        assert stored == before + counts["rows"]
    finally:
        session.rollback()


# --- reply drafts and poster text ------------------------------------------------------------
@FUZZ
@given(
    reply=hostile_text,
    reviewer=hostile_text,
    review=hostile_text,
    staff=st.lists(hostile_text, max_size=2),
)
def test_the_reply_check_finds_spans_inside_any_draft(
    reply: str, reviewer: str, review: str, staff: list[str]
) -> None:
    findings = lint_reply(reply, ReviewContext(reviewer, review), staff_names=staff)
    for finding in findings:
        assert 0 <= finding.start < finding.end <= len(reply)
        assert reply[finding.start : finding.end] == finding.text
        assert finding.message


@FUZZ
@given(
    text=hostile_text,
    width=st.floats(min_value=20, max_value=600),
    largest=st.floats(min_value=6, max_value=60),
    max_lines=st.integers(min_value=1, max_value=5),
)
def test_poster_text_always_fits_its_box(
    text: str, width: float, largest: float, max_lines: int
) -> None:
    fitted = fit_text(text, "Helvetica", width, largest, min(6.0, largest), max_lines)
    assert len(fitted.lines) <= max_lines
    for line in fitted.lines:
        assert stringWidth(line, "Helvetica", fitted.size) <= width + 0.01


@settings(max_examples=10, deadline=None)
@given(clinic_name=hostile_text, headline=hostile_text, instructions=hostile_text)
def test_a_poster_with_any_wording_is_a_pdf(
    clinic_name: str, headline: str, instructions: str
) -> None:
    content = PosterContent(
        clinic=clinic_name,
        link="https://g.page/r/example/review",
        wordings=[Wording(headline, instructions, headline)],
    )
    for size in ("letter", "tent", "cards"):
        assert poster_pdf(content, size).startswith(b"%PDF")
