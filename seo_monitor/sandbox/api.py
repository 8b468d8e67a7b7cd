"""Google's request and response shapes, answered from the sandbox world.

Each handler takes the parsed request and returns (status, body). Paths are the ones Google's
clients build after the API's own prefix (the server strips `/{api}/`).
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import unquote

from seo_monitor.sandbox import places, profiles
from seo_monitor.sandbox.world import DAILY_METRICS, Reply, SandboxLocation, SandboxReview, World

STARS = {1: "ONE", 2: "TWO", 3: "THREE", 4: "FOUR", 5: "FIVE"}
AUSTIN_PLACE_ID = places.AUSTIN_PLACE_ID  # the city, as a service area names it
# The RPC each handler stands for, as Google names the method refused in an ErrorInfo's
# metadata (`google.<api>.<version>.<Service>.<Method>`, e.g. a real Search Console answer's
# google.webmasters.v3.WebmastersService.ListSites). The service names are the sandbox's own.
RPC_NAMES = {
    "list_accounts": "google.mybusiness.accountmanagement.v1.Accounts.ListAccounts",
    "list_locations": "google.mybusiness.businessinformation.v1.Locations.ListLocations",
    "google_updated": "google.mybusiness.businessinformation.v1.Locations.GetGoogleUpdated",
    "daily_metrics": "google.businessprofileperformance.v1.Performance."
    "FetchMultiDailyMetricsTimeSeries",
    "keywords": "google.businessprofileperformance.v1.SearchKeywords."
    "ListSearchKeywordImpressionsMonthly",
    "list_reviews": "google.mybusiness.v4.Reviews.ListReviews",
    "get_review": "google.mybusiness.v4.Reviews.GetReview",
    "update_reply": "google.mybusiness.v4.Reviews.UpdateReply",
    "delete_reply": "google.mybusiness.v4.Reviews.DeleteReply",
    "search_analytics": "google.webmasters.v3.SearchAnalyticsService.Query",
}
REPLY_LIMIT_BYTES = 4096
# A reply naming a condition or a visit is rejected like Google rejects PERSONAL_INFO.
PERSONAL_INFO = re.compile(
    r"\b(your (knee|back|shoulder|surgery|visit|appointment|treatment))\b", re.I
)


@dataclass
class Request:
    method: str
    path: str  # after the API prefix, without the query string
    query: dict[str, list[str]]
    body: Any
    headers: dict[str, str] = field(default_factory=dict)

    def one(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default

    def field_mask(self) -> str | None:
        return self.headers.get("X-Goog-FieldMask") or self.one("fields") or self.one("$fields")


Response = tuple[int, Any]


def error(code: int, status: str, message: str, **extra: Any) -> Response:
    body: dict[str, Any] = {"code": code, "status": status, "message": message}
    body.update(extra)
    return code, {"error": body}


def rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


MISSING_READ_MASK = error(
    400, "INVALID_ARGUMENT", "Request contains an invalid argument: read_mask is required"
)


def _read_mask(request: Request) -> set[str] | None:
    """The top-level fields a readMask asks for; None when it is missing (Google's 400)."""
    read_mask = request.one("readMask")
    if not read_mask:
        return None
    return {f.strip().split(".")[0] for f in read_mask.split(",")}


def page(
    items: list[Any], request: Request, default_size: int, max_size: int
) -> tuple[list[Any], str | None]:
    size = min(int(request.one("pageSize") or default_size), max_size)
    token = request.one("pageToken")
    start = int(base64.urlsafe_b64decode(token).decode()) if token else 0
    end = start + size
    next_token = base64.urlsafe_b64encode(str(end).encode()).decode() if end < len(items) else None
    return items[start:end], next_token


class SandboxApi:
    def __init__(self, world: World) -> None:
        self.world = world
        self.routes: list[tuple[str, str, re.Pattern[str], Callable[..., Response]]] = [
            ("mybusinessaccountmanagement", "GET", re.compile(r"v1/accounts"), self.list_accounts),
            (
                "mybusinessbusinessinformation",
                "GET",
                re.compile(r"v1/accounts/(\d+)/locations"),
                self.list_locations,
            ),
            (
                "mybusinessbusinessinformation",
                "GET",
                re.compile(r"v1/locations/(\d+):getGoogleUpdated"),
                self.google_updated,
            ),
            (
                "businessprofileperformance",
                "GET",
                re.compile(r"v1/locations/(\d+):fetchMultiDailyMetricsTimeSeries"),
                self.daily_metrics,
            ),
            (
                "businessprofileperformance",
                "GET",
                re.compile(r"v1/locations/(\d+)/searchkeywords/impressions/monthly"),
                self.keywords,
            ),
            (
                "mybusiness",
                "GET",
                re.compile(r"v4/accounts/(\d+)/locations/(\d+)/reviews"),
                self.list_reviews,
            ),
            (
                "mybusiness",
                "GET",
                re.compile(r"v4/accounts/(\d+)/locations/(\d+)/reviews/([\w-]+)"),
                self.get_review,
            ),
            (
                "mybusiness",
                "PUT",
                re.compile(r"v4/accounts/(\d+)/locations/(\d+)/reviews/([\w-]+)/reply"),
                self.update_reply,
            ),
            (
                "mybusiness",
                "DELETE",
                re.compile(r"v4/accounts/(\d+)/locations/(\d+)/reviews/([\w-]+)/reply"),
                self.delete_reply,
            ),
            ("places", "POST", re.compile(r"v1/places:searchText"), self.search_text),
            ("places", "GET", re.compile(r"v1/places/([\w-]+)"), self.place_details),
            ("serp", "POST", re.compile(r"v1/maps"), self.serp_maps),
            (
                "searchconsole",
                "POST",
                re.compile(r"webmasters/v3/sites/([^/]+)/searchAnalytics/query"),
                self.search_analytics,
            ),
        ]

    def method_name(self, api: str, request: Request) -> str | None:
        """The RPC a request calls (for an error's metadata), None for an unknown path."""
        for route_api, method, pattern, handler in self.routes:
            if route_api == api and method == request.method and pattern.fullmatch(request.path):
                return RPC_NAMES.get(handler.__name__)
        return None

    def handle(self, api: str, request: Request) -> Response:
        for route_api, method, pattern, handler in self.routes:
            match = pattern.fullmatch(request.path)
            if route_api == api and method == request.method and match:
                with self.world.lock:
                    return handler(request, *match.groups())
        return error(404, "NOT_FOUND", f"Method not found: {request.method} /{api}/{request.path}")

    # --- Account Management and Business Information -------------------------------------------
    def list_accounts(self, request: Request) -> Response:
        accounts = [
            {
                "name": f"accounts/{aid}",
                "accountName": name,
                "type": kind,
                "role": "OWNER",
                "verificationState": "VERIFIED",
            }
            for aid, name, kind in self.world.accounts
        ]
        items, token = page(accounts, request, 20, 20)
        return 200, _with_token({"accounts": items}, token)

    def list_locations(self, request: Request, account_id: str) -> Response:
        fields = _read_mask(request)
        if fields is None:
            return MISSING_READ_MASK
        locations = [
            self._location(loc) for loc in self.world.locations if loc.account_id == account_id
        ]
        items, token = page(locations, request, 10, 100)
        masked = [{k: v for k, v in item.items() if k in fields} for item in items]
        return 200, _with_token({"locations": masked}, token)

    def google_updated(self, request: Request, location_id: str) -> Response:
        """The location as Maps and Search show it, and which fields differ from the owner's."""
        fields = _read_mask(request)
        if fields is None:
            return MISSING_READ_MASK
        loc = self.world.location(location_id)
        if loc is None:
            return error(404, "NOT_FOUND", "Requested entity was not found.")
        published = profiles.with_changes(self._built_location(loc), loc.profile_edits)
        live = profiles.with_changes(published, loc.google_updates)  # pending edits: not yet
        body: dict[str, Any] = {"location": {k: v for k, v in live.items() if k in fields}}
        if loc.google_updates:
            body["diffMask"] = ",".join(sorted(loc.google_updates))
        if loc.pending_edits:
            body["pendingMask"] = ",".join(sorted(loc.pending_edits))
        return 200, body

    @staticmethod
    def _location(loc: SandboxLocation) -> dict[str, Any]:
        """The owner's version of the location, with the edits Google is still reviewing
        (Google's updates are not in it)."""
        edits = {**loc.profile_edits, **loc.pending_edits}
        return profiles.with_changes(SandboxApi._built_location(loc), edits)

    @staticmethod
    def _built_location(loc: SandboxLocation) -> dict[str, Any]:
        body: dict[str, Any] = {
            "name": f"locations/{loc.location_id}",
            "title": loc.title,
            "storeCode": loc.store_code,
            "storefrontAddress": {
                "regionCode": "US",
                "languageCode": "en",
                "postalCode": loc.postal_code,
                "administrativeArea": "TX",
                "locality": "Austin",
                "addressLines": [loc.address_line],
            },
            "phoneNumbers": {"primaryPhone": loc.phone},
            "websiteUri": loc.website,
            "categories": {
                "primaryCategory": {"name": loc.category[0], "displayName": loc.category[1]}
            },
            "latlng": {"latitude": loc.latitude, "longitude": loc.longitude},
            "openInfo": {"status": "OPEN"},
            "metadata": {
                "placeId": loc.place_id,
                "mapsUri": f"https://maps.google.com/maps?cid={loc.location_id}",
                "newReviewUri": f"https://search.google.com/local/writereview?placeid={loc.place_id}",
                "hasVoiceOfMerchant": True,
            },
            **profiles.extras(loc),
        }
        if loc.google_updates:
            body["metadata"]["hasGoogleUpdated"] = True
        if loc.pending_edits:
            body["metadata"]["hasPendingEdits"] = True
        if not loc.pin_shared:
            del body["latlng"]
        if loc.service_area:
            del body["storefrontAddress"]
            body["serviceArea"] = {
                "businessType": "CUSTOMER_LOCATION_ONLY",
                "regionCode": "US",
                "places": {
                    "placeInfos": [{"placeName": "Austin, TX, USA", "placeId": AUSTIN_PLACE_ID}]
                },
            }
        return body

    # --- Performance ----------------------------------------------------------------------------
    def daily_metrics(self, request: Request, location_id: str) -> Response:
        location = self.world.location(location_id)
        if location is None:
            return error(404, "NOT_FOUND", "Requested entity was not found.")
        metrics = request.query.get("dailyMetrics", [])
        unknown = [m for m in metrics if m not in DAILY_METRICS]
        if not metrics or unknown:
            return error(
                400, "INVALID_ARGUMENT", f"Invalid dailyMetrics: {unknown or 'none given'}"
            )
        try:
            start, end = (_date(request, f"dailyRange.{side}Date") for side in ("start", "end"))
        except (TypeError, ValueError):
            return error(400, "INVALID_ARGUMENT", "dailyRange must have a start and end date")
        series = []
        for metric in metrics:
            values = []
            day = start
            while day <= end:
                value = self.world.metric_value(location, metric, day)
                if value is not None:
                    dated: dict[str, Any] = {
                        "date": {"year": day.year, "month": day.month, "day": day.day}
                    }
                    if value:  # Google leaves zero values out
                        dated["value"] = str(value)
                    values.append(dated)
                day = date.fromordinal(day.toordinal() + 1)
            series.append({"dailyMetric": metric, "timeSeries": {"datedValues": values}})
        return 200, {"multiDailyMetricTimeSeries": [{"dailyMetricTimeSeries": series}]}

    def keywords(self, request: Request, location_id: str) -> Response:
        location = self.world.location(location_id)
        if location is None:
            return error(404, "NOT_FOUND", "Requested entity was not found.")
        try:
            start = date(
                int(request.one("monthlyRange.startMonth.year") or ""),
                int(request.one("monthlyRange.startMonth.month") or ""),
                1,
            )
            end = date(
                int(request.one("monthlyRange.endMonth.year") or ""),
                int(request.one("monthlyRange.endMonth.month") or ""),
                1,
            )
        except ValueError:
            return error(400, "INVALID_ARGUMENT", "monthlyRange must have a start and end month")
        sums: dict[str, int] = {}
        thresholds: dict[str, int] = {}
        no_figure: list[str] = []
        month = start
        while month <= end:
            for keyword, value, threshold in self.world.keyword_counts(location, month):
                if value is not None:
                    sums[keyword] = sums.get(keyword, 0) + value
                elif threshold is not None:
                    thresholds[keyword] = threshold
                else:
                    no_figure.append(keyword)
            month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        rows = [{"searchKeyword": kw, "insightsValue": {"value": str(v)}} for kw, v in sums.items()]
        rows += [
            {"searchKeyword": kw, "insightsValue": {"threshold": str(t)}}
            for kw, t in thresholds.items()
            if kw not in sums
        ]
        # Google lists a keyword it has no figure for with an empty InsightsValue.
        rows += [
            {"searchKeyword": kw, "insightsValue": {}}
            for kw in dict.fromkeys(no_figure)
            if kw not in sums and kw not in thresholds
        ]
        items, token = page(rows, request, 100, 100)
        return 200, _with_token({"searchKeywordsCounts": items}, token)

    # --- My Business v4 reviews -----------------------------------------------------------------
    def _find_location(self, account_id: str, location_id: str) -> SandboxLocation | None:
        location = self.world.location(location_id)
        return location if location and location.account_id == account_id else None

    def list_reviews(self, request: Request, account_id: str, location_id: str) -> Response:
        location = self._find_location(account_id, location_id)
        if location is None:
            return error(404, "NOT_FOUND", "Requested entity was not found.")
        if request.one("orderBy", "updateTime desc") != "updateTime desc":
            return error(
                400, "INVALID_ARGUMENT", "this sandbox supports orderBy=updateTime desc only"
            )
        live = self.world.live_reviews(location)
        items, token = page(live, request, 50, 50)
        body: dict[str, Any] = {
            "reviews": [self._review(account_id, r) for r in items],
            "totalReviewCount": len(live),
        }
        if live:
            body["averageRating"] = round(sum(r.rating for r in live) / len(live), 1)
        return 200, _with_token(body, token)

    def _review(self, account_id: str, review: SandboxReview) -> dict[str, Any]:
        body: dict[str, Any] = {
            "name": f"accounts/{account_id}/locations/{review.location_id}"
            f"/reviews/{review.review_id}",
            "reviewId": review.review_id,
            "reviewer": {"displayName": "A Google User", "isAnonymous": True}
            if review.anonymous
            else {  # Google leaves isAnonymous out when it is false
                "displayName": review.reviewer(),
                "profilePhotoUrl": "https://lh3.googleusercontent.com/a/default-user",
            },
            "starRating": STARS[review.rating],
            "createTime": rfc3339(review.create_time),
            "updateTime": rfc3339(review.update_time),
            # v4.9's Review.reviewReplyUrl: where the owner answers it (a made-up path here).
            "reviewReplyUrl": f"https://business.google.com/reviews/l/{review.location_id}"
            f"/r/{review.review_id}",
        }
        comment = review.comment()
        if comment is not None:
            body["comment"] = comment
        if review.reply:
            body["reviewReply"] = {
                "comment": review.reply.comment,
                "updateTime": rfc3339(review.reply.update_time),
                "reviewReplyState": review.reply.state,
            }
            if review.reply.policy_violation:
                body["reviewReply"]["policyViolation"] = review.reply.policy_violation
        return body

    def _find_review(
        self, account_id: str, location_id: str, review_id: str
    ) -> SandboxReview | None:
        location = self._find_location(account_id, location_id)
        if location is None:
            return None
        return next(
            (r for r in location.reviews if r.review_id == review_id and not r.deleted), None
        )

    def get_review(
        self, request: Request, account_id: str, location_id: str, review_id: str
    ) -> Response:
        review = self._find_review(account_id, location_id, review_id)
        if review is None:
            return error(404, "NOT_FOUND", "Requested entity was not found.")
        return 200, self._review(account_id, review)

    def update_reply(
        self, request: Request, account_id: str, location_id: str, review_id: str
    ) -> Response:
        review = self._find_review(account_id, location_id, review_id)
        if review is None:
            return error(404, "NOT_FOUND", "Requested entity was not found.")
        comment = (request.body or {}).get("comment") if isinstance(request.body, dict) else None
        if not isinstance(comment, str) or not comment.strip():
            return error(400, "INVALID_ARGUMENT", "comment is required")
        if len(comment.encode()) > REPLY_LIMIT_BYTES:
            return error(400, "INVALID_ARGUMENT", "comment exceeds 4096 bytes")
        # Replies go live after moderation: the answer says PENDING, the next read the verdict.
        review.reply = Reply(comment, self.world.now, state="PENDING")
        review.update_time = self.world.now
        response = self._review(account_id, review)["reviewReply"]
        if PERSONAL_INFO.search(comment):
            review.reply.state, review.reply.policy_violation = "REJECTED", "PERSONAL_INFO"
        else:
            review.reply.state = "APPROVED"
        self.world.changed()
        return 200, response

    def delete_reply(
        self, request: Request, account_id: str, location_id: str, review_id: str
    ) -> Response:
        review = self._find_review(account_id, location_id, review_id)
        if review is None:
            return error(404, "NOT_FOUND", "Requested entity was not found.")
        review.reply = None
        review.update_time = self.world.now
        self.world.changed()
        return 200, {}

    # --- Places (New) and Search Console ------------------------------------------------------
    def search_text(self, request: Request) -> Response:
        mask = request.field_mask()
        if not mask:
            return error(400, "INVALID_ARGUMENT", "FieldMask is a required parameter")
        body = request.body if isinstance(request.body, dict) else {}
        return places.search_text(self.world, body, mask)

    def place_details(self, request: Request, place_id: str) -> Response:
        mask = request.field_mask()
        if not mask:
            return error(400, "INVALID_ARGUMENT", "FieldMask is a required parameter")
        return places.place_details(self.world, place_id, mask)

    def serp_maps(self, request: Request) -> Response:
        body = request.body if isinstance(request.body, dict) else {}
        return places.serp_maps(self.world, body)

    def search_analytics(self, request: Request, site: str) -> Response:
        body = request.body if isinstance(request.body, dict) else {}
        return places.search_analytics(self.world, unquote(site), body)


def _with_token(body: dict[str, Any], token: str | None) -> dict[str, Any]:
    if token:
        body["nextPageToken"] = token
    return body


def _date(request: Request, prefix: str) -> date:
    return date(
        int(request.one(f"{prefix}.year") or ""),
        int(request.one(f"{prefix}.month") or ""),
        int(request.one(f"{prefix}.day") or ""),
    )


def parse_body(raw: bytes) -> Any:
    return json.loads(raw) if raw else None
