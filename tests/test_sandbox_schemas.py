"""The sandbox answers as Google would: every answer it gives to every call the product makes,
checked against Google's own schemas (tests/google_schema.py), not against our parsers.

The world has eight clinics, so that answers include a profile without a pin (latlng left out)
and a service-area business (no storefront address), as real Business Profiles do."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from collectors.competitors import DETAILS_MASK
from collectors.google_client import GoogleClient, load_credentials, pages
from collectors.locations import READ_MASK
from collectors.metrics import METRICS
from collectors.rankings import ID_ONLY_MASK, LOCATION_MASK
from seo_monitor.profile_guard import WATCHED_MASK
from seo_monitor.sandbox import World, running_sandbox
from seo_monitor.sandbox.demo import write_demo_config
from seo_monitor.sandbox.server import PLACES_API_KEY
from tests.conftest import WORLD_NOW
from tests.google_schema import problems, response_schema

# Google's own sample answer for searchanalytics.query (Search Central blog, 2025-04-09,
# https://developers.google.com/search/blog/2025/04/san-hourly-data) sends "byProperty", where
# the discovery document's enum spells BY_PROPERTY: the wire wins.
WIRE_SPELLINGS = {"byProperty": "BY_PROPERTY", "byPage": "BY_PAGE", "auto": "AUTO"}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[GoogleClient, World]]:
    world = World(seed=11, locations=8, now=WORLD_NOW, reviews_per_location=60)
    folder: Path = tmp_path_factory.mktemp("schemas")
    with running_sandbox(world, quota_per_minute=100_000) as server:
        write_demo_config(folder, server.url)
        credentials = load_credentials(folder / "data" / "google-token.json", server.url)
        yield (
            GoogleClient(
                credentials,
                api_root=server.url,
                quota_per_minute=100_000,
                places_api_key=PLACES_API_KEY,
            ),
            world,
        )


def fits(name: str, method: str, answer: dict[str, Any]) -> None:
    found = problems(name, response_schema(name, method), answer)
    assert found == [], "\n".join(found[:20])


def test_accounts_and_locations_fit_google_schemas(client: tuple[GoogleClient, World]) -> None:
    google, world = client
    accounts = list(pages(google.list_accounts))
    for page in accounts:
        fits("mybusinessaccountmanagement.v1", "mybusinessaccountmanagement.accounts.list", page)
    seen = []
    for account in (a["name"] for page in accounts for a in page["accounts"]):
        for page in pages(lambda token, a=account: google.list_locations(a, READ_MASK, token)):
            fits(
                "mybusinessbusinessinformation.v1",
                "mybusinessbusinessinformation.accounts.locations.list",
                page,
            )
            seen += page.get("locations", [])
    assert len(seen) == len(world.locations)
    # What real profiles look like: some without a pin, one without a storefront.
    assert any("latlng" not in location for location in seen)
    assert any(
        "storefrontAddress" not in location and "serviceArea" in location for location in seen
    )


def test_google_updated_locations_fit_google_schemas(client: tuple[GoogleClient, World]) -> None:
    google, world = client
    for location in world.locations:
        answer = google.google_updated_location(f"locations/{location.location_id}", WATCHED_MASK)
        fits(
            "mybusinessbusinessinformation.v1",
            "mybusinessbusinessinformation.locations.getGoogleUpdated",
            answer,
        )
    first = google.google_updated_location(
        f"locations/{world.locations[0].location_id}", WATCHED_MASK
    )
    assert first["diffMask"] == "regularHours"  # the demo's first clinic: Google dropped Saturday
    assert "SATURDAY" not in str(first["location"]["regularHours"])
    # An owner's edit waiting for Google's review: in the owner's data, not yet on Maps.
    waiting = world.locations[2]
    waiting.pending_edits["profile.description"] = "Same-week appointments."
    try:
        answer = google.google_updated_location(f"locations/{waiting.location_id}", WATCHED_MASK)
        fits(
            "mybusinessbusinessinformation.v1",
            "mybusinessbusinessinformation.locations.getGoogleUpdated",
            answer,
        )
        assert answer["pendingMask"] == "profile.description" and "diffMask" not in answer
        assert answer["location"]["profile"]["description"] != "Same-week appointments."
        page = google.list_locations(f"accounts/{waiting.account_id}", READ_MASK, None)
        fits(
            "mybusinessbusinessinformation.v1",
            "mybusinessbusinessinformation.accounts.locations.list",
            page,
        )
        [mine] = [
            loc for loc in page["locations"] if loc["name"] == f"locations/{waiting.location_id}"
        ]
        assert mine["metadata"]["hasPendingEdits"] is True
        assert mine["profile"]["description"] == "Same-week appointments."
    finally:
        waiting.pending_edits.clear()


def test_metrics_and_keywords_fit_google_schemas(client: tuple[GoogleClient, World]) -> None:
    google, world = client
    end = WORLD_NOW.date() - timedelta(days=3)
    month = date(end.year, end.month, 1) - timedelta(days=1)
    for location in world.locations:
        name = f"locations/{location.location_id}"
        answer = google.fetch_daily_metrics(name, list(METRICS), end - timedelta(days=60), end)
        fits(
            "businessprofileperformance.v1",
            "businessprofileperformance.locations.fetchMultiDailyMetricsTimeSeries",
            answer,
        )
        for page in pages(lambda token, n=name: google.list_search_keywords(n, month, token)):
            fits(
                "businessprofileperformance.v1",
                "businessprofileperformance.locations.searchkeywords.impressions.monthly.list",
                page,
            )


def test_reviews_and_replies_fit_the_v4_reference(client: tuple[GoogleClient, World]) -> None:
    google, world = client
    methods = "mybusiness.accounts.locations.reviews"
    for location in world.locations:
        parent = f"accounts/{location.account_id}/locations/{location.location_id}"
        listed = list(pages(lambda token, p=parent: google.list_reviews(p, token)))
        for page in listed:
            fits("mybusiness.v4", f"{methods}.list", page)
        first = listed[0]["reviews"][0]["name"]
        fits("mybusiness.v4", f"{methods}.get", google.get_review(first))
    review = f"accounts/{world.locations[0].account_id}/locations/{world.locations[0].location_id}"
    name = google.list_reviews(review)["reviews"][0]["name"]
    fits("mybusiness.v4", f"{methods}.updateReply", google.update_reply(name, "Thank you!"))
    rejected = google.update_reply(name, "Glad your knee is better after your visit!")
    fits("mybusiness.v4", f"{methods}.updateReply", rejected)
    fits("mybusiness.v4", f"{methods}.get", google.get_review(name))  # with a policyViolation
    fits("mybusiness.v4", f"{methods}.deleteReply", google.delete_reply(name))


def test_places_answers_fit_the_places_schema(client: tuple[GoogleClient, World]) -> None:
    google, world = client
    for location in world.locations:
        body = {
            "textQuery": "physical therapy",
            "locationBias": {
                "circle": {
                    "center": {"latitude": location.latitude, "longitude": location.longitude},
                    "radius": 1500.0,
                }
            },
        }
        found = google.search_places(body, ID_ONLY_MASK)
        fits("places.v1", "places.places.searchText", found)
        fits(
            "places.v1", "places.places.get", google.place_details(location.place_id, LOCATION_MASK)
        )
        for place in found.get("places", [])[:3]:
            fits("places.v1", "places.places.get", google.place_details(place["id"], DETAILS_MASK))


def test_search_console_answers_fit_its_schema(client: tuple[GoogleClient, World]) -> None:
    google, world = client
    end = WORLD_NOW.date()
    for location in world.locations[:3]:
        site = location.website.split("/locations/")[0] + "/"
        body = {
            "startDate": (end - timedelta(days=30)).isoformat(),
            "endDate": end.isoformat(),
            "dimensions": ["date", "query", "page"],
            "rowLimit": 100,
        }
        answer = google.search_analytics(site, body)
        assert answer.get("rows"), site
        spelled = WIRE_SPELLINGS.get(answer.get("responseAggregationType", ""), "AUTO")
        fits(
            "searchconsole.v1",
            "webmasters.searchanalytics.query",
            {**answer, "responseAggregationType": spelled},
        )


@pytest.mark.parametrize(
    ("answer", "complaint"),
    [
        ({"reviews": [{"starRating": "SIX"}]}, "$.reviews[0].starRating: 'SIX' is not one of"),
        (
            {"reviews": [{"reviewer": {"isAnonymous": "no"}}]},
            "$.reviews[0].reviewer.isAnonymous: expected true or false",
        ),
        ({"totalReviewCount": "12"}, "$.totalReviewCount: expected an integer"),
        ({"reviews": [{"latLng": {}}]}, "$.reviews[0].latLng: Google's schema has no such field"),
        ({"reviews": {"name": "x"}}, "$.reviews: expected an array"),
    ],
)
def test_the_check_refuses_what_google_would_never_send(
    answer: dict[str, Any], complaint: str
) -> None:
    name = "mybusiness.v4"
    found = problems(
        name, response_schema(name, "mybusiness.accounts.locations.reviews.list"), answer
    )
    assert any(line.startswith(complaint) for line in found), found
