"""Google's own answers through every parser: the examples in tests/data/google/examples.json,
each written down with its source (Google's reference pages and samples), each first checked
against Google's schema, then read the way the collectors read them."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from collectors.keywords import parse_keyword
from collectors.locations import parse_account, parse_location
from collectors.metrics import parse_daily_metrics
from collectors.rankings import place_ids, place_position
from collectors.reviews import parse_review
from collectors.search_console import parse_search_row
from seo_monitor.errors import MalformedRecord
from tests.google_schema import problems, response_schema

EXAMPLES: dict[str, Any] = json.loads(
    (Path(__file__).parent.parent / "data" / "google" / "examples.json").read_text("utf-8")
)
# Google's sample sends the aggregation type as "byProperty"; its discovery enum, BY_PROPERTY.
WIRE_SPELLINGS = {"byProperty": "BY_PROPERTY"}


def answer(name: str) -> Any:
    return EXAMPLES[name]["answer"]


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_each_example_is_what_googles_schema_describes(name: str) -> None:
    example = EXAMPLES[name]
    assert example["source"].startswith("http")  # where it was written down from
    document, method = example["schema"]
    body = dict(example["answer"])
    if "responseAggregationType" in body:
        body["responseAggregationType"] = WIRE_SPELLINGS[body["responseAggregationType"]]
    assert problems(document, response_schema(document, method), body) == []


def test_accounts_and_locations_as_google_sends_them() -> None:
    accounts = [parse_account(raw) for raw in answer("accounts")["accounts"]]
    assert [(a["name"], a["type"]) for a in accounts] == [
        ("accounts/110876453298764512345", "PERSONAL"),
        ("accounts/108765432109876543210", "LOCATION_GROUP"),
    ]
    storefront, home_visits = (parse_location(raw) for raw in answer("locations")["locations"])
    assert storefront["address_lines"] == ["1200 S Lamar Blvd", "Suite 110"]
    assert (storefront["latitude"], storefront["service_area"]) == (None, False)  # no pin set
    assert storefront["place_id"] == "ChIJD0nVmWi6MioRI4X20D1cC7c"
    assert home_visits["service_area"] is True
    assert (home_visits["address_lines"], home_visits["locality"]) == ([], None)
    assert home_visits["new_review_uri"].endswith("placeid=ChIJpdh70zO6MioRID7fNbXwBAU")


def test_daily_metrics_count_a_left_out_value_as_zero() -> None:
    values, skipped = parse_daily_metrics(answer("daily_metrics"))
    assert skipped == 0
    assert sorted(values) == [
        ("CALL_CLICKS", date(2022, 1, 1), 3),
        ("CALL_CLICKS", date(2022, 1, 2), 5),
        ("WEBSITE_CLICKS", date(2022, 1, 1), 12),
        ("WEBSITE_CLICKS", date(2022, 1, 2), 0),
    ]  # and an empty timeSeries is no data, not a fault


def test_keywords_keep_values_thresholds_and_no_data_apart() -> None:
    parsed = [parse_keyword(raw) for raw in answer("keywords")["searchKeywordsCounts"]]
    assert parsed == [
        ("physical therapy near me", 812, None),
        ("dry needling austin", None, 15),
        None,
    ]


def test_reviews_with_their_replies_moderation_and_media() -> None:
    happy, rejected, stars_only = (parse_review(raw) for raw in answer("reviews")["reviews"])
    assert (happy.rating, happy.author_name, happy.author_is_anonymous) == (
        5,
        "Maria Gonzalez",
        False,
    )  # isAnonymous left out: a named reviewer
    assert happy.created_at == datetime(2026, 11, 20, 15, 4, 5, 123456, tzinfo=UTC)
    assert (happy.reply_state, happy.reply_policy_violation) == ("APPROVED", None)
    assert (rejected.rating, rejected.author_name, rejected.author_is_anonymous) == (2, None, True)
    assert (rejected.reply_state, rejected.reply_policy_violation) == ("REJECTED", "PERSONAL_INFO")
    assert (stars_only.rating, stars_only.text, stars_only.reply_text) == (4, None, None)


def test_places_answers_give_ids_and_positions() -> None:
    assert place_ids(answer("search_text")) == (
        ["ChIJD0nVmWi6MioRI4X20D1cC7c", "ChIJf9dmmoSKn1MR8bn52VkR-ZI"],
        "AeeoHcK9",
    )
    assert place_position(answer("place_details")) == (53.5095095, -113.674498)
    assert place_position(answer("place_details_skeleton")) is None  # asked without location


def test_search_console_rows_in_the_dimensions_asked_for() -> None:
    rows = [
        parse_search_row("https://riverbendpt.example.com/", 1, raw)
        for raw in answer("search_analytics_by_day")["rows"]
    ]
    assert [(r["day"], r["query"], r["clicks"], r["impressions"]) for r in rows] == [
        (date(2026, 11, 20), "physical therapy austin", 18548, 402113),  # sent as 18548.0
        (date(2026, 11, 20), "dry needling", 0, 37),
    ]
    # Google's hourly sample has one key per row, not the day, query and page asked for.
    with pytest.raises(MalformedRecord):
        parse_search_row("https://example.com/", 1, answer("search_analytics")["rows"][0])
