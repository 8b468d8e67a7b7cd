"""The sandbox answers as Google would: every answer it gives to every call the product makes,
checked against Google's own schemas (tests/google_schema.py), not against our parsers.

Every page of every list the collectors read (accounts, locations, 12 keyword months, reviews,
Places Text Search pages, Search Console rows page by page for every site), the Place Details
the rankings and competitors collectors ask for (a service-area business's area too), the
error bodies Google sends (google.rpc.Status, https://cloud.google.com/apis/design/errors) and
the OAuth token endpoint's answers (RFC 6749 sections 5.1 and 5.2).

The world has eight clinics, so that answers include a profile without a pin (latlng left out)
and a service-area business (no storefront address), as real Business Profiles do."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest
import requests

from collectors.competitors import DETAILS_MASK
from collectors.google_client import GoogleClient, load_credentials, pages
from collectors.keywords import BACKFILL_MONTHS
from collectors.locations import READ_MASK
from collectors.metrics import METRICS
from collectors.rankings import ID_ONLY_MASK, LOCATION_MASK
from collectors.search_console import BACKFILL_DAYS, properties_of
from seo_monitor.errors import CollectorError
from seo_monitor.models import Location
from seo_monitor.profile_guard import WATCHED_MASK
from seo_monitor.sandbox import World, running_sandbox
from seo_monitor.sandbox.api import AUSTIN_PLACE_ID
from seo_monitor.sandbox.demo import write_demo_config
from seo_monitor.sandbox.server import (
    BUSINESS_ONLY_REFRESH_TOKEN,
    CLIENT_ID,
    CLIENT_SECRET,
    PLACES_API_KEY,
    REFRESH_TOKEN,
    WEBMASTERS_READONLY,
    authorized_user_info,
)
from tests.conftest import WORLD_NOW
from tests.google_schema import document, problems, problems_in, response_schema

# Google's own sample answer for searchanalytics.query (Search Central blog, 2025-04-09,
# https://developers.google.com/search/blog/2025/04/san-hourly-data) sends "byProperty", where
# the discovery document's enum spells BY_PROPERTY: the wire wins. Any other value is checked
# as it came, so one Google never sends fails the enum.
WIRE_SPELLINGS = {"byProperty": "BY_PROPERTY", "byPage": "BY_PAGE", "auto": "AUTO"}
HTTP_STATUS: dict[str, int] = document("google.rpc")["x-http-status"]


@dataclass
class Sandbox:
    google: GoogleClient
    world: World
    url: str


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    world = World(seed=11, locations=8, now=WORLD_NOW, reviews_per_location=60)
    folder: Path = tmp_path_factory.mktemp("schemas")
    with running_sandbox(world, quota_per_minute=100_000) as server:
        write_demo_config(folder, server.url)
        credentials = load_credentials(folder / "data" / "google-token.json", server.url)
        google = GoogleClient(
            credentials,
            api_root=server.url,
            quota_per_minute=100_000,
            places_api_key=PLACES_API_KEY,
        )
        yield Sandbox(google, world, server.url)


def fits(name: str, method: str, answer: dict[str, Any]) -> None:
    found = problems(name, response_schema(name, method), answer)
    assert found == [], "\n".join(found[:20])


def test_accounts_and_locations_fit_google_schemas(sandbox: Sandbox) -> None:
    google, world = sandbox.google, sandbox.world
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


def test_google_updated_locations_fit_google_schemas(sandbox: Sandbox) -> None:
    google, world = sandbox.google, sandbox.world
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


def keyword_months(today: date) -> list[date]:
    """The complete months the keywords collector reads (collectors/keywords.months_to_fetch
    with nothing stored yet)."""
    month, wanted = date(today.year, today.month, 1), []
    for _ in range(BACKFILL_MONTHS):
        month = date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)
        wanted.append(month)
    return wanted


def test_metrics_and_every_keyword_month_fit_google_schemas(sandbox: Sandbox) -> None:
    google, world = sandbox.google, sandbox.world
    end = WORLD_NOW.date() - timedelta(days=3)
    months = keyword_months(WORLD_NOW.date())
    assert len(months) == 12
    empty = 0
    for location in world.locations:
        name = f"locations/{location.location_id}"
        answer = google.fetch_daily_metrics(name, list(METRICS), end - timedelta(days=60), end)
        fits(
            "businessprofileperformance.v1",
            "businessprofileperformance.locations.fetchMultiDailyMetricsTimeSeries",
            answer,
        )
        for month in months:
            for page in pages(
                lambda token, n=name, m=month: google.list_search_keywords(n, m, token)
            ):
                fits(
                    "businessprofileperformance.v1",
                    "businessprofileperformance.locations.searchkeywords.impressions.monthly.list",
                    page,
                )
                empty += sum(
                    row["insightsValue"] == {} for row in page.get("searchKeywordsCounts", [])
                )
    assert empty  # Google's "no figure for this keyword" reaches the collector too


def test_reviews_and_replies_fit_the_v4_reference(sandbox: Sandbox) -> None:
    google, world = sandbox.google, sandbox.world
    methods = "mybusiness.accounts.locations.reviews"
    for location in world.locations:
        parent = f"accounts/{location.account_id}/locations/{location.location_id}"
        listed = list(pages(lambda token, p=parent: google.list_reviews(p, token)))
        for page in listed:
            fits("mybusiness.v4", f"{methods}.list", page)
            assert all(review["reviewReplyUrl"] for review in page["reviews"])
        first = listed[0]["reviews"][0]["name"]
        fits("mybusiness.v4", f"{methods}.get", google.get_review(first))
    review = f"accounts/{world.locations[0].account_id}/locations/{world.locations[0].location_id}"
    name = google.list_reviews(review)["reviews"][0]["name"]
    fits("mybusiness.v4", f"{methods}.updateReply", google.update_reply(name, "Thank you!"))
    rejected = google.update_reply(name, "Glad your knee is better after your visit!")
    fits("mybusiness.v4", f"{methods}.updateReply", rejected)
    fits("mybusiness.v4", f"{methods}.get", google.get_review(name))  # with a policyViolation
    fits("mybusiness.v4", f"{methods}.deleteReply", google.delete_reply(name))


def test_every_places_page_and_detail_fits_the_places_schema(sandbox: Sandbox) -> None:
    google, world = sandbox.google, sandbox.world
    followed = 0
    for location in world.locations:
        token: str | None = None
        while True:  # every page, as the rankings collector follows nextPageToken
            body: dict[str, Any] = {
                "textQuery": "physical therapy",
                "locationBias": {
                    "circle": {
                        "center": {"latitude": location.latitude, "longitude": location.longitude},
                        "radius": 1500.0,
                    }
                },
            }
            if token:
                body["pageToken"] = token
                followed += 1
            found = google.search_places(body, ID_ONLY_MASK)
            fits("places.v1", "places.places.searchText", found)
            for place in found.get("places", [])[:3]:
                fits(
                    "places.v1",
                    "places.places.get",
                    google.place_details(place["id"], DETAILS_MASK),
                )
            token = found.get("nextPageToken")
            if not token:
                break
        fits(
            "places.v1", "places.places.get", google.place_details(location.place_id, LOCATION_MASK)
        )
    assert followed
    # A service-area business's area: Place Details gives its centre, as for any place.
    area = google.place_details(AUSTIN_PLACE_ID, LOCATION_MASK)
    fits("places.v1", "places.places.get", area)
    assert set(area) == {"location"}


def test_every_search_console_site_and_page_fits_its_schema(sandbox: Sandbox) -> None:
    google, world = sandbox.google, sandbox.world
    end = WORLD_NOW.date()
    # Every property the collector tries for the locations' websites: the URL-prefix one
    # (https://host/) and the Domain one (sc-domain:host).
    sites = {
        site
        for location in world.locations
        for site in properties_of(Location(website=location.website))
    }
    assert len(sites) == 4  # two hosts in this world
    counts: set[type] = set()
    for site in sorted(sites):
        body = {  # the collector's request, in pages of 500 rows to walk its startRow paging
            "startDate": (end - timedelta(days=BACKFILL_DAYS)).isoformat(),
            "endDate": end.isoformat(),
            "dimensions": ["date", "query", "page"],
            "rowLimit": 500,
            "startRow": 0,
        }
        read = 0
        while True:
            answer = google.search_analytics(site, body)
            spelled = answer.get("responseAggregationType", "")
            fits(
                "searchconsole.v1",
                "webmasters.searchanalytics.query",
                {**answer, "responseAggregationType": WIRE_SPELLINGS.get(spelled, spelled)},
            )
            rows = answer.get("rows") or []
            counts |= {type(row[k]) for row in rows for k in ("clicks", "impressions")}
            read += len(rows)
            if len(rows) < body["rowLimit"]:
                break
            body["startRow"] += body["rowLimit"]
        assert read > 500, site  # more than one page
    assert counts == {int, float}  # 18548 and 18548.0 both arrive


# --- error bodies ------------------------------------------------------------------------------


def token_answer(url: str, **form: str) -> requests.Response:
    return requests.post(f"{url}/oauth2/token", data=form, timeout=10)


def access_token(url: str, refresh_token: str = REFRESH_TOKEN) -> str:
    answer = token_answer(
        url,
        grant_type="refresh_token",
        refresh_token=refresh_token,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
    )
    return str(answer.json()["access_token"])


def google_error(answer: requests.Response) -> dict[str, Any]:
    """The error body, checked against google.rpc.Status, its code against the HTTP status."""
    body = answer.json()
    found = problems("google.rpc", "ErrorResponse", body)
    assert found == [], "\n".join(found)
    error = body["error"]
    assert error["code"] == answer.status_code == HTTP_STATUS[error["status"]], error
    assert answer.headers["Content-Type"].startswith("application/json")
    return dict(error)


def error_info(error: dict[str, Any]) -> dict[str, Any]:
    infos = [d for d in error.get("details", []) if d["@type"].endswith("google.rpc.ErrorInfo")]
    assert len(infos) == 1, error
    return dict(infos[0])


@pytest.fixture
def faults(sandbox: Sandbox) -> Iterator[Any]:
    def switch(spec: str) -> None:
        requests.post(f"{sandbox.url}/_sandbox/faults", data=spec, timeout=10).raise_for_status()

    yield switch
    switch("")


def test_a_token_without_the_scope_gets_googles_403(sandbox: Sandbox) -> None:
    token = access_token(sandbox.url, BUSINESS_ONLY_REFRESH_TOKEN)
    site = quote(f"{sandbox.world.locations[0].website.split('/locations/')[0]}/", safe="")
    answer = requests.post(
        f"{sandbox.url}/searchconsole/webmasters/v3/sites/{site}/searchAnalytics/query",
        json={"startDate": "2026-01-01", "endDate": "2026-01-31"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    error = google_error(answer)
    assert (error["status"], error["message"]) == (
        "PERMISSION_DENIED",
        "Request had insufficient authentication scopes.",
    )
    info = error_info(error)
    assert info["reason"] == "ACCESS_TOKEN_SCOPE_INSUFFICIENT"
    assert info["metadata"] == {
        "service": "searchconsole.googleapis.com",
        "method": "google.webmasters.v3.SearchAnalyticsService.Query",
    }
    challenge = answer.headers["WWW-Authenticate"]  # RFC 6750 section 3.1
    assert challenge.startswith("Bearer ") and 'error="insufficient_scope"' in challenge
    assert WEBMASTERS_READONLY in challenge


def test_every_refusal_the_sandbox_sends_is_a_google_rpc_status(
    sandbox: Sandbox, faults: Any
) -> None:
    url, world = sandbox.url, sandbox.world
    first = world.locations[0]
    bearer = {"Authorization": f"Bearer {access_token(url)}"}
    reviews = f"{url}/mybusiness/v4/accounts/{first.account_id}/locations/{first.location_id}"

    def get(path: str, **kwargs: Any) -> requests.Response:
        return requests.get(f"{url}/{path}", headers=kwargs.pop("headers", bearer), timeout=10)

    # 400: a location list without readMask, as Google refuses it
    missing_mask = google_error(
        get(f"mybusinessbusinessinformation/v1/accounts/{first.account_id}/locations")
    )
    assert (missing_mask["status"], missing_mask["code"]) == ("INVALID_ARGUMENT", 400)
    assert "read_mask" in missing_mask["message"]
    # 400: Places without a field mask; Search Console without dates
    google_error(
        requests.get(
            f"{url}/places/v1/places/{first.place_id}",
            headers={"X-Goog-Api-Key": PLACES_API_KEY},
            timeout=10,
        )
    )
    # 401: an access token Google does not know
    unknown = google_error(get("mybusinessaccountmanagement/v1/accounts", headers={}))
    assert unknown["status"] == "UNAUTHENTICATED"
    # 404: a location, a review, a place and a method that do not exist
    for path in (
        "mybusinessbusinessinformation/v1/locations/1:getGoogleUpdated?readMask=title",
        f"mybusiness/v4/accounts/{first.account_id}/locations/1/reviews",
        "mybusinessaccountmanagement/v1/nothing-here",
    ):
        assert google_error(get(path))["status"] == "NOT_FOUND", path
    gone = requests.get(
        f"{url}/places/v1/places/ChIJnothere",
        headers={"X-Goog-Api-Key": PLACES_API_KEY, "X-Goog-FieldMask": "location"},
        timeout=10,
    )
    assert google_error(gone)["status"] == "NOT_FOUND"
    # 403: a Search Console property the account cannot read
    stranger = requests.post(
        f"{url}/searchconsole/webmasters/v3/sites/{quote('https://elsewhere.example/', safe='')}"
        "/searchAnalytics/query",
        json={"startDate": "2026-01-01", "endDate": "2026-01-31"},
        headers=bearer,
        timeout=10,
    )
    assert google_error(stranger)["status"] == "PERMISSION_DENIED"
    # 429: the per-minute quota, and a quota of 0 (no API access granted yet)
    faults("mybusiness:429=1")
    over = google_error(requests.get(f"{reviews}/reviews", headers=bearer, timeout=10))
    assert (over["status"], error_info(over)["reason"]) == (
        "RESOURCE_EXHAUSTED",
        "RATE_LIMIT_EXCEEDED",
    )
    faults("mybusiness:quota0=1")
    zero = google_error(requests.get(f"{reviews}/reviews", headers=bearer, timeout=10))
    assert error_info(zero)["metadata"]["quota_limit_value"] == "0"
    # 503: Google briefly unavailable
    faults("mybusiness:5xx=1")
    down = google_error(requests.get(f"{reviews}/reviews", headers=bearer, timeout=10))
    assert down["status"] == "UNAVAILABLE"


# --- the OAuth token endpoint ------------------------------------------------------------------


def token_fits(schema: str, answer: requests.Response) -> dict[str, Any]:
    body = answer.json()
    found = problems("oauth2.token", schema, body)
    assert found == [], "\n".join(found)
    return dict(body)


def test_the_token_endpoint_answers_as_rfc_6749_says(sandbox: Sandbox, faults: Any) -> None:
    url = sandbox.url
    client = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
    renewed = token_answer(url, grant_type="refresh_token", refresh_token=REFRESH_TOKEN, **client)
    assert renewed.status_code == 200
    body = token_fits("TokenResponse", renewed)
    assert body["token_type"] == "Bearer" and body["expires_in"] > 0
    assert WEBMASTERS_READONLY in body["scope"].split()
    # consent, then the code exchanged: the answer carries the refresh token too
    consent = requests.get(
        f"{url}/oauth2/auth",
        params={"scope": WEBMASTERS_READONLY, "redirect_uri": "http://localhost/cb", "state": "s"},
        allow_redirects=False,
        timeout=10,
    )
    code = parse_qs(urlsplit(consent.headers["Location"]).query)["code"][0]
    exchanged = token_answer(
        url,
        grant_type="authorization_code",
        code=code,
        redirect_uri="http://localhost/cb",
        **client,
    )
    assert "refresh_token" in token_fits("TokenResponse", exchanged)

    refusals = {
        "invalid_client": (
            401,
            token_answer(
                url, grant_type="refresh_token", refresh_token=REFRESH_TOKEN, client_id="x"
            ),
        ),
        "invalid_grant": (
            400,
            token_answer(url, grant_type="refresh_token", refresh_token="revoked", **client),
        ),
        "invalid_scope": (
            400,
            token_answer(
                url,
                grant_type="refresh_token",
                refresh_token=BUSINESS_ONLY_REFRESH_TOKEN,
                scope=WEBMASTERS_READONLY,
                **client,
            ),
        ),
    }
    faults("oauth2:5xx=1")
    refusals["server_error"] = (
        503,
        token_answer(url, grant_type="refresh_token", refresh_token=REFRESH_TOKEN, **client),
    )
    for error, (status, answer) in refusals.items():
        assert answer.status_code == status, error
        assert token_fits("TokenError", answer)["error"] == error


# --- the checker itself ------------------------------------------------------------------------

REVIEWS = ("mybusiness.v4", "mybusiness.accounts.locations.reviews.list")
UPDATED = (
    "mybusinessbusinessinformation.v1",
    "mybusinessbusinessinformation.locations.getGoogleUpdated",
)
KEYWORDS = (
    "businessprofileperformance.v1",
    "businessprofileperformance.locations.searchkeywords.impressions.monthly.list",
)
SEARCH = ("searchconsole.v1", "webmasters.searchanalytics.query")


@pytest.mark.parametrize(
    ("method", "answer", "complaint"),
    [
        # wrong type
        (REVIEWS, {"reviews": {"name": "x"}}, "$.reviews: expected an array"),
        (REVIEWS, {"totalReviewCount": "12"}, "$.totalReviewCount: expected an integer"),
        (
            REVIEWS,
            {"reviews": [{"reviewer": {"isAnonymous": "no"}}]},
            "$.reviews[0].reviewer.isAnonymous: expected true or false",
        ),
        # unknown field
        (REVIEWS, {"reviews": [{"latLng": {}}]}, "$.reviews[0].latLng: Google's schema has no"),
        # bad enum
        (REVIEWS, {"reviews": [{"starRating": "SIX"}]}, "$.reviews[0].starRating: 'SIX' is not"),
        (
            SEARCH,
            {"responseAggregationType": WIRE_SPELLINGS.get("byNothing", "byNothing")},
            "$.responseAggregationType: 'byNothing' is not one of",
        ),
        # bad format
        (
            REVIEWS,
            {"reviews": [{"createTime": "yesterday"}]},
            "$.reviews[0].createTime: expected an RFC 3339 timestamp",
        ),
        (
            REVIEWS,
            {"reviews": [{"updateTime": "2026-02-30T10:00:00Z"}]},
            "$.reviews[0].updateTime: expected an RFC 3339 timestamp",
        ),
        (REVIEWS, {"totalReviewCount": 2**31}, "$.totalReviewCount: expected an int32"),
        (
            KEYWORDS,
            {"searchKeywordsCounts": [{"insightsValue": {"value": "12.5"}}]},
            "$.searchKeywordsCounts[0].insightsValue.value: expected an int64",
        ),
        (
            KEYWORDS,
            {"searchKeywordsCounts": [{"insightsValue": {"value": 812}}]},
            "$.searchKeywordsCounts[0].insightsValue.value: expected a string (int64)",
        ),
        (UPDATED, {"diffMask": "regular hours"}, "$.diffMask: expected comma-separated field"),
    ],
)
def test_the_check_refuses_what_google_would_never_send(
    method: tuple[str, str], answer: dict[str, Any], complaint: str
) -> None:
    name, method_id = method
    found = problems(name, response_schema(name, method_id), answer)
    assert any(line.startswith(complaint) for line in found), found


@pytest.mark.parametrize(
    ("schema", "value", "complaint"),
    [
        ({"type": "string", "format": "date"}, "2026-13-01", "$: expected a date"),
        ({"type": "string", "format": "google-duration"}, "3 seconds", "$: expected a duration"),
        ({"type": "string", "format": "google-datetime"}, "2026-11-20 10:00", "$: expected an RFC"),
        ({"type": "string", "format": "uint64"}, "-1", "$: expected an uint64"),
    ],
)
def test_each_format_is_checked(schema: dict[str, Any], value: Any, complaint: str) -> None:
    assert any(line.startswith(complaint) for line in problems_in(schema, value))


@pytest.mark.parametrize(
    ("value", "good"),
    [
        ("2026-11-20T15:04:05Z", True),
        ("2026-11-20T15:04:05.123456789Z", True),
        ("2026-11-20T15:04:05-06:00", True),
        ("2026-11-20T15:04:05", False),  # no zone
        ("20261120T150405Z", False),
    ],
)
def test_timestamps_are_rfc_3339(value: str, good: bool) -> None:
    assert (problems_in({"type": "string", "format": "google-datetime"}, value) == []) is good


@pytest.mark.parametrize(
    ("body", "complaint"),
    [
        ({"error": {"code": 404, "message": "x"}}, "$.error.status: required"),
        (
            {"error": {"code": 404, "message": "x", "status": "MISSING"}},
            "$.error.status: 'MISSING' is not one of",
        ),
        (
            {
                "error": {
                    "code": 403,
                    "message": "x",
                    "status": "PERMISSION_DENIED",
                    "details": [{"@type": "type.googleapis.com/google.rpc.Nonsense"}],
                }
            },
            "$.error.details[0].@type: 'type.googleapis.com/google.rpc.Nonsense' is not one of",
        ),
        (
            {
                "error": {
                    "code": 429,
                    "message": "x",
                    "status": "RESOURCE_EXHAUSTED",
                    "details": [
                        {
                            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                            "reason": "R",
                            "domain": "googleapis.com",
                            "metadata": {"quota_limit_value": 0},
                        }
                    ],
                }
            },
            "$.error.details[0].metadata.quota_limit_value: expected a string",
        ),
        (
            {
                "error": {
                    "code": 429,
                    "message": "x",
                    "status": "RESOURCE_EXHAUSTED",
                    "details": [
                        {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": 30}
                    ],
                }
            },
            "$.error.details[0].retryDelay: expected a string",
        ),
        ({"message": "x"}, "$.error: required"),
    ],
)
def test_the_error_check_refuses_what_google_would_never_send(
    body: dict[str, Any], complaint: str
) -> None:
    found = problems("google.rpc", "ErrorResponse", body)
    assert any(line.startswith(complaint) for line in found), found


def test_the_token_check_refuses_what_rfc_6749_does_not_allow() -> None:
    assert problems("oauth2.token", "TokenResponse", {"token_type": "Bearer"}) == [
        "$.access_token: required, and missing"
    ]
    assert problems("oauth2.token", "TokenError", {"error": "revoked"})[0].startswith(
        "$.error: 'revoked' is not one of"
    )
    assert problems(
        "oauth2.token",
        "TokenResponse",
        json.loads('{"access_token": "a", "token_type": "Bearer", "expires_in": "3599"}'),
    ) == ["$.expires_in: expected an integer, got '3599'"]


def test_the_collectors_client_reads_the_token_endpoints_refusal_of_a_client(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    """A wrong client id gets Google's 401 invalid_client, which the client reports as a
    client to download again, not as a revoked token."""
    token_file = tmp_path / "google-token.json"
    info = authorized_user_info(sandbox.url)
    token_file.write_text(json.dumps({**info, "client_id": "deleted.apps.googleusercontent.com"}))
    google = GoogleClient(load_credentials(token_file, sandbox.url), api_root=sandbox.url)
    with pytest.raises(CollectorError) as refused:
        google.list_accounts()
    assert "no longer accepts the OAuth client" in str(refused.value)
