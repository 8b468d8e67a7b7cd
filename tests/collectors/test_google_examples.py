"""Google's answers through every parser: the examples in tests/data/google/examples.json, each
with its `_source` (a verbatim sample from Google's page where Google publishes one; otherwise
written for the file from the discovery document's schema, and it says so), each first checked
against Google's schema, then read the way the collectors, the profile guard, the competitors
collector and reply posting read them."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from collectors.competitors import collect_competitors
from collectors.keywords import parse_keyword
from collectors.locations import parse_account, parse_location
from collectors.metrics import parse_daily_metrics
from collectors.profile import fetch_google_updated, watched_fields
from collectors.rankings import place_ids, place_position
from collectors.reviews import parse_review
from collectors.search_console import parse_search_row
from seo_monitor.config import Settings
from seo_monitor.errors import MalformedRecord
from seo_monitor.models import Competitor, CompetitorSnapshot, Location, ReplyLog, Review
from seo_monitor.profile_guard import WATCHED_MASK
from seo_monitor.replies.posting import post_reply
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
    assert example["_source"].startswith("http")  # where it was written down from
    verbatim = "verbatim" in example["_source"]
    # Not Google's own sample: the fixture says how it was made.
    assert verbatim or any(
        words in example["_source"]
        for words in ("written for this file", "copied from a public GitHub repository")
    ), name
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


def test_google_updated_location_through_the_profile_guards_readers() -> None:
    google_updated = answer("google_updated")
    live = watched_fields(google_updated["location"])
    assert live == {
        "title": "Riverbend Physical Therapy - South Lamar",
        "primary_category": "Physical therapist",
        "additional_categories": ["Sports medicine clinic"],
        "phone": "(512) 555-0199",
        "additional_phones": ["(512) 555-0142"],
        "website": "https://riverbendpt.example.com/south-lamar",
        "address": "1200 S Lamar Blvd, Suite 110, Austin TX 78704",
        "map_position": "30.24661, -97.78365",
        "regular_hours": ["Mon 08:00-18:00", "Sat 09:00-12:30"],
        "special_hours": ["2026-12-24 closed", "2026-12-31 09:00-12:00"],
        "description": "Sports and spine physical therapy in South Austin.",
        "open_status": "OPEN",
        "service_area": [],  # a storefront business: no service area is a value too
    }

    class Client:
        def __init__(self) -> None:
            self.asked: list[tuple[str, str]] = []

        def google_updated_location(self, name: str, read_mask: str) -> dict[str, Any]:
            self.asked.append((name, read_mask))
            return dict(google_updated)

    client = Client()
    differs, pending = fetch_google_updated(client, "locations/4812236712563485210")  # type: ignore[arg-type]
    assert client.asked == [("locations/4812236712563485210", WATCHED_MASK)]
    # diffMask "phoneNumbers.primaryPhone,regularHours": only the primary phone, not the others
    assert differs == {
        "phone": "(512) 555-0199",
        "regular_hours": ["Mon 08:00-18:00", "Sat 09:00-12:30"],
    }
    # An edit in flight, with what Maps shows until Google publishes it.
    assert pending == [["description", "Sports and spine physical therapy in South Austin."]]


class PlacesClient:
    def __init__(self, places: dict[str, dict[str, Any]]) -> None:
        self.places = places

    def place_details(self, place_id: str, field_mask: str) -> dict[str, Any]:
        return dict(self.places[place_id])


def test_place_details_through_the_competitors_collector(
    sessions: sessionmaker[Session],
) -> None:
    recorded, new = answer("place_details"), answer("new_place_details")
    settings = Settings.model_validate(
        {"rankings": {"pinned_competitors": [recorded["id"], new["id"]]}}
    )
    client = PlacesClient({recorded["id"]: recorded, new["id"]: new})
    now = datetime(2026, 11, 20, 12, tzinfo=UTC)
    with sessions.begin() as session:
        assert collect_competitors(client, session, settings, now) == {  # type: ignore[arg-type]
            "competitors": 2,
            "refreshed": 2,
        }
    with sessions() as session:
        stored = {
            c.place_id: (c.name, c.primary_type, c.latitude, c.longitude)
            for c in session.scalars(select(Competitor))
        }
        snapshots = {
            s.competitor_id: (s.day, s.rating, s.review_count)
            for s in session.scalars(select(CompetitorSnapshot))
        }
        ids = {c.place_id: c.id for c in session.scalars(select(Competitor))}
    assert stored == {
        recorded["id"]: ("Original Joe's", "restaurant", 53.5095095, -113.674498),
        new["id"]: ("Zilker Movement Lab", "physiotherapist", 30.2669624, -97.7728789),
    }
    assert snapshots[ids[recorded["id"]]] == (date(2026, 11, 20), 4.1, 746)
    assert snapshots[ids[new["id"]]] == (date(2026, 11, 20), None, None)  # no rating yet


class ReplyClient:
    """Google answering a reply: updateReply gives the `reply` example (PENDING), the review read
    afterwards carries moderation's verdict (the `reviews` example's rejected reply)."""

    def __init__(self, review: dict[str, Any]) -> None:
        self.review = review

    def update_reply(self, review_name: str, comment: str) -> dict[str, Any]:
        return dict(answer("reply"))

    def get_review(self, review_name: str) -> dict[str, Any]:
        return dict(self.review)

    def delete_reply(self, review_name: str) -> dict[str, Any]:
        return {}


def test_reply_answers_through_reply_posting(sessions: sessionmaker[Session]) -> None:
    rejected = answer("reviews")["reviews"][1]
    with sessions.begin() as session:
        location = Location(name="locations/4812236712563485210", title="South Lamar")
        session.add(location)
        session.flush()
        review = Review(
            location_id=location.id,
            external_id=rejected["reviewId"],
            resource_name=rejected["name"],
            rating=2,
            text=rejected["comment"],
            created_at=datetime(2026, 11, 18, 10, tzinfo=UTC),
            updated_at=datetime(2026, 11, 18, 10, tzinfo=UTC),
        )
        session.add(review)
        session.flush()
        review_id = review.id
    text = answer("reply")["comment"]
    outcome = post_reply(sessions, ReplyClient(rejected), review_id, text, "coordinator")
    assert (outcome.status, outcome.reply_state, outcome.policy_violation) == (
        "accepted",
        "REJECTED",
        "PERSONAL_INFO",
    )
    with sessions() as session:
        stored = session.get_one(Review, review_id)
        entry = session.scalars(select(ReplyLog)).one()
        assert (stored.reply_text, stored.reply_state, stored.reply_policy_violation) == (
            text,
            "REJECTED",
            "PERSONAL_INFO",
        )
        # the time Google gave the reply in its updateReply answer, not the clock's
        assert stored.reply_updated_at.replace(tzinfo=UTC) == datetime(2026, 11, 21, 9, tzinfo=UTC)
        assert (entry.api_status, entry.reply_state, entry.policy_violation) == (
            "accepted",
            "REJECTED",
            "PERSONAL_INFO",
        )


def test_garbled_place_details_store_no_value_rather_than_crash(
    sessions: sessionmaker[Session],
) -> None:
    garbled = {
        "id": "ChIJgarbled",
        "displayName": "Zilker Movement Lab",  # a string where Google sends {"text": …}
        "primaryType": ["physiotherapist"],
        "location": {"latitude": "north", "longitude": 200},
        "rating": 9.5,
        "userRatingCount": "many",
    }
    settings = Settings.model_validate({"rankings": {"pinned_competitors": ["ChIJgarbled"]}})
    now = datetime(2026, 11, 20, 12, tzinfo=UTC)
    with sessions.begin() as session:
        collect_competitors(PlacesClient({"ChIJgarbled": garbled}), session, settings, now)  # type: ignore[arg-type]
    with sessions() as session:
        [stored] = session.scalars(select(Competitor)).all()
        [snapshot] = session.scalars(select(CompetitorSnapshot)).all()
    assert (stored.name, stored.primary_type, stored.latitude, stored.longitude) == (None,) * 4
    assert (snapshot.rating, snapshot.review_count) == (None, None)
