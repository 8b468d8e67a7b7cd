"""Parsing Google's responses: pure functions, tolerant of what Google really sends."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from collectors.keywords import months_to_fetch, parse_keyword
from collectors.locations import parse_location
from collectors.metrics import parse_daily_metrics
from collectors.reviews import parse_review
from seo_monitor.errors import MalformedRecord
from seo_monitor.sentiment.text import split_translation
from seo_monitor.times import parse_timestamp


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-01-02T03:04:05Z", datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)),
        ("2026-01-02T03:04:05.123Z", datetime(2026, 1, 2, 3, 4, 5, 123000, tzinfo=UTC)),
        ("2026-01-02T03:04:05.123456789Z", datetime(2026, 1, 2, 3, 4, 5, 123456, tzinfo=UTC)),
        ("2026-01-02T05:04:05+02:00", datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)),
    ],
)
def test_timestamps_with_0_3_6_or_9_fraction_digits(value: str, expected: datetime) -> None:
    assert parse_timestamp(value) == expected


@pytest.mark.parametrize("value", [None, "", "yesterday", "2026-01-02T03:04:05", 12345])
def test_unusable_timestamps_are_malformed_records(value: object) -> None:
    with pytest.raises(MalformedRecord):
        parse_timestamp(value)


@pytest.mark.parametrize(
    ("comment", "text", "original"),
    [
        (
            "(Translated by Google) Great care\n\n(Original)\nExcelente atención",
            "Great care",
            "Excelente atención",
        ),
        (
            "Excelente atención\n\n(Translated by Google)\nGreat care",
            "Great care",
            "Excelente atención",
        ),
        ("(Translated by Google)   Great care (Original) Excelente", "Great care", "Excelente"),
        ("Plain English review", "Plain English review", None),
        ("(Translated by Google) ", "(Translated by Google) ", None),
    ],
)
def test_google_translations_are_split_from_the_original(
    comment: str, text: str, original: str | None
) -> None:
    assert split_translation(comment) == (text, original)


REVIEW = {
    "name": "accounts/1/locations/2/reviews/abc",
    "reviewId": "abc",
    "reviewer": {"displayName": "Maria G.", "isAnonymous": False},
    "starRating": "TWO",
    "comment": "Waited an hour.",
    "createTime": "2026-01-02T03:04:05Z",
    "updateTime": "2026-01-03T03:04:05.5Z",
    "reviewReply": {
        "comment": "Please call us.",
        "updateTime": "2026-01-04T00:00:00Z",
        "reviewReplyState": "REJECTED",
        "policyViolation": "PERSONAL_INFO",
    },
}


def test_a_full_review_is_parsed() -> None:
    row = parse_review(REVIEW)
    assert (row.external_id, row.rating, row.text, row.author_name) == (
        "abc",
        2,
        "Waited an hour.",
        "Maria G.",
    )
    assert (row.reply_text, row.reply_state, row.reply_policy_violation) == (
        "Please call us.",
        "REJECTED",
        "PERSONAL_INFO",
    )


def test_a_rating_only_anonymous_review_without_a_reply() -> None:
    raw = {k: v for k, v in REVIEW.items() if k not in ("comment", "reviewReply")}
    raw["reviewer"] = {"displayName": "A Google User", "isAnonymous": True}
    row = parse_review(raw)
    assert (row.text, row.author_name, row.author_is_anonymous, row.reply_text) == (
        None,
        None,
        True,
        None,
    )


def test_a_reply_without_a_state_counts_as_approved_and_odd_fields_are_ignored() -> None:
    raw = {
        **REVIEW,
        "reviewReply": {"comment": "Thanks!"},
        "starRating": "STAR_RATING_UNSPECIFIED",
        "reviewer": "not an object",
        "extra": {"new": "field"},
    }
    row = parse_review(raw)
    assert (row.rating, row.reply_state, row.author_name) == (None, "APPROVED", None)


def test_huge_review_text_is_capped() -> None:
    assert len(parse_review({**REVIEW, "comment": "x" * 1_000_000}).text or "") == 20_000


def test_daily_metrics_missing_value_is_zero_and_bad_entries_are_counted() -> None:
    raw = {
        "multiDailyMetricTimeSeries": [
            {
                "dailyMetricTimeSeries": [
                    {
                        "dailyMetric": "CALL_CLICKS",
                        "timeSeries": {
                            "datedValues": [
                                {"date": {"year": 2026, "month": 1, "day": 1}, "value": "3"},
                                {"date": {"year": 2026, "month": 1, "day": 2}},
                                {"date": {"year": 2026, "month": 2, "day": 30}, "value": "1"},
                                {"date": {"year": 2026, "month": 1, "day": 3}, "value": "lots"},
                            ]
                        },
                    },
                    {
                        "dailyMetric": "NOT_A_METRIC",
                        "timeSeries": {
                            "datedValues": [{"date": {"year": 2026, "month": 1, "day": 1}}]
                        },
                    },
                ]
            }
        ]
    }
    values, skipped = parse_daily_metrics(raw)
    assert values == [("CALL_CLICKS", date(2026, 1, 1), 3), ("CALL_CLICKS", date(2026, 1, 2), 0)]
    assert skipped == 3


def test_an_empty_metrics_answer_is_nothing_not_zeros() -> None:
    assert parse_daily_metrics({}) == ([], 0)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            {"searchKeyword": "pt near me", "insightsValue": {"value": "1234"}},
            ("pt near me", 1234, None),
        ),
        (
            {"searchKeyword": "dry needling", "insightsValue": {"threshold": "15"}},
            ("dry needling", None, 15),
        ),
        # Google has no figure for it this month: no row, and not a malformed entry either.
        ({"searchKeyword": "aquatic therapy", "insightsValue": {}}, None),
    ],
)
def test_keywords_keep_thresholds_apart_from_values(
    raw: dict[str, object], expected: tuple[object, ...] | None
) -> None:
    assert parse_keyword(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [{}, {"searchKeyword": "x"}, {"searchKeyword": "x", "insightsValue": {"value": "many"}}, "x"],
)
def test_unusable_keyword_entries_are_malformed(raw: object) -> None:
    with pytest.raises(MalformedRecord):
        parse_keyword(raw)


def test_location_fields_are_read_and_missing_ones_are_none() -> None:
    row = parse_location(
        {
            "name": "locations/9",
            "title": "Clinic <b>One</b>",
            "metadata": {
                "placeId": "ChIJx",
                "newReviewUri": "https://search.google.com/local/writereview?placeid=ChIJx",
            },
            "latlng": {"latitude": 30.1, "longitude": "bad"},
        }
    )
    assert row["title"] == "Clinic <b>One</b>"  # stored as text; the UI escapes it
    assert (row["place_id"], row["latitude"], row["longitude"], row["phone"]) == (
        "ChIJx",
        30.1,
        None,
        None,
    )
    with pytest.raises(MalformedRecord):
        parse_location({"title": "No name"})


@pytest.mark.parametrize(
    ("title", "stored"),
    [
        ("Burnet\r\nBcc: evil@x.example", "Burnet Bcc: evil@x.example"),
        ("North\tClinic\x1b[31m", "North Clinic [31m"),
        ("South\u2028Lamar\x85 PT", "South Lamar PT"),
    ],
)
def test_location_names_lose_line_breaks_and_control_characters(title: str, stored: str) -> None:
    row = parse_location({"name": "locations/9", "title": title, "storeCode": f"S\r\n{title}"})
    assert row["title"] == stored
    assert "\n" not in row["store_code"] and "\r" not in row["store_code"]


def test_a_location_titled_only_with_line_breaks_has_no_title() -> None:
    with pytest.raises(MalformedRecord):
        parse_location({"name": "locations/9", "title": "\r\n\t"})


def test_keyword_months_are_the_last_twelve_complete_months() -> None:
    class NoneStored:
        def scalars(self, _query: object) -> list[date]:
            return []

    months = months_to_fetch(NoneStored(), 1, date(2026, 1, 15))  # type: ignore[arg-type]
    assert months[0] == date(2025, 1, 1) and months[-1] == date(2025, 12, 1) and len(months) == 12
