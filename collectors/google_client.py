"""The one seam to Google: credentials, pacing, retries, typed errors and call counts.

v1 APIs go through googleapiclient with the discovery documents it ships; the v4 reviews API
(no shipped discovery document) goes over plain REST with google-auth's authorised session.
Every call waits for its API's pacer, so a large account finishes near the per-minute quota
instead of running into 429s. 5xx/timeouts/garbled answers are retried with exponential
backoff and jitter; 429s wait as Google says (`Retry-After`) or back off past the quota window,
and slow the pacer down (pacing.py); 401/403/404/quota 0 stop at once with a hint for the
person reading it.
"""

from __future__ import annotations

import json
import logging
import os
import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httplib2
import requests
from google.auth.transport.requests import AuthorizedSession
from google.oauth2.credentials import Credentials
from google_auth_httplib2 import AuthorizedHttp
from google_auth_oauthlib.flow import InstalledAppFlow
from googleapiclient.discovery import Resource, build
from googleapiclient.errors import HttpError

from collectors.google_access import (
    ACCEPTED_SCOPES,
    API_NAMES,
    API_SCOPES,
    BUSINESS_SCOPE,
    RECONNECT,
    SEARCH_CONSOLE_SCOPE,
    Transient,
    classify,
    json_answer,
    missing_scope,
    transient,
)
from collectors.pacing import Pacer, rate_limit_delay, retry_after_seconds
from seo_monitor.errors import CollectorError
from seo_monitor.private_files import write_private_text

log = logging.getLogger(__name__)
V4_ROOT = "https://mybusiness.googleapis.com/"
PLACES_ROOT = "https://places.googleapis.com/"


def scopes_for(search_console: bool) -> list[str]:
    """What consent asks for: the Business Profile, and Search Console when it is read."""
    return [BUSINESS_SCOPE, *([SEARCH_CONSOLE_SCOPE] if search_console else [])]


def pages(fetch: Callable[[str | None], dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every page of a Google list call: `fetch(page_token)` until no nextPageToken comes."""
    token: str | None = None
    while True:
        page = fetch(token)
        yield page
        token = page.get("nextPageToken")
        if not token:
            return


class GoogleClient:
    lists_everything = True  # a list read to its last page is all Google has (see replay.py)
    recorded = False  # live answers: replies can be followed, alerts sent

    def __init__(
        self,
        credentials: Credentials,
        *,
        api_root: str | None = None,
        quota_per_minute: int = 300,
        timeout: float = 30.0,
        max_attempts: int = 5,
        backoff_seconds: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
        quota_window: float = 60.0,
        places_api_key: str | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.credentials = credentials
        self.places_api_key = places_api_key
        self.quota_window = quota_window  # seconds; Google's quotas are per minute
        self.api_root = api_root.rstrip("/") + "/" if api_root else None
        self.quota_per_minute = quota_per_minute
        self.timeout, self.max_attempts = timeout, max_attempts
        self.backoff_seconds, self.sleep = backoff_seconds, sleep
        self.clock, self.wall_clock = clock, wall_clock  # wall: for Retry-After dates
        self.calls: Counter[str] = Counter()
        self._pacers: dict[str, Pacer] = {}
        self._services: dict[str, Resource] = {}
        self._session: AuthorizedSession | None = None

    @property
    def total_calls(self) -> int:
        return sum(self.calls.values())

    # --- the API surface the collectors use ---------------------------------------------------
    def list_accounts(self, page_token: str | None = None) -> dict[str, Any]:
        service = self._service("mybusinessaccountmanagement")
        return self._execute(
            "mybusinessaccountmanagement",
            service.accounts().list(pageSize=20, pageToken=page_token),
        )

    def list_locations(
        self, account: str, read_mask: str, page_token: str | None = None
    ) -> dict[str, Any]:
        service = self._service("mybusinessbusinessinformation")
        request = (
            service.accounts()
            .locations()
            .list(parent=account, readMask=read_mask, pageSize=100, pageToken=page_token)
        )
        return self._execute("mybusinessbusinessinformation", request)

    def google_updated_location(self, name: str, read_mask: str) -> dict[str, Any]:
        """The location as it shows on Maps and Search, with the masks of the fields that
        differ from the owner's data (`diffMask`) and of the owner's edits in flight."""
        service = self._service("mybusinessbusinessinformation")
        request = service.locations().getGoogleUpdated(name=name, readMask=read_mask)
        return self._execute("mybusinessbusinessinformation", request)

    def fetch_daily_metrics(
        self, location: str, metrics: list[str], start: date, end: date
    ) -> dict[str, Any]:
        service = self._service("businessprofileperformance")
        request = service.locations().fetchMultiDailyMetricsTimeSeries(
            location=location,
            dailyMetrics=metrics,
            dailyRange_startDate_year=start.year,
            dailyRange_startDate_month=start.month,
            dailyRange_startDate_day=start.day,
            dailyRange_endDate_year=end.year,
            dailyRange_endDate_month=end.month,
            dailyRange_endDate_day=end.day,
        )
        return self._execute("businessprofileperformance", request)

    def list_search_keywords(
        self, location: str, month: date, page_token: str | None = None
    ) -> dict[str, Any]:
        service = self._service("businessprofileperformance")
        request = (
            service.locations()
            .searchkeywords()
            .impressions()
            .monthly()
            .list(
                parent=location,
                pageSize=100,
                pageToken=page_token,
                monthlyRange_startMonth_year=month.year,
                monthlyRange_startMonth_month=month.month,
                monthlyRange_endMonth_year=month.year,
                monthlyRange_endMonth_month=month.month,
            )
        )
        return self._execute("businessprofileperformance", request)

    def list_reviews(self, parent: str, page_token: str | None = None) -> dict[str, Any]:
        """One page of `accounts/{a}/locations/{l}/reviews`, newest update first."""
        params = {"pageSize": 50, "orderBy": "updateTime desc"}
        if page_token:
            params["pageToken"] = page_token
        return self._rest("GET", f"v4/{parent}/reviews", params=params)

    def get_review(self, review_name: str) -> dict[str, Any]:
        return self._rest("GET", f"v4/{review_name}")

    def update_reply(self, review_name: str, comment: str) -> dict[str, Any]:
        return self._rest("PUT", f"v4/{review_name}/reply", body={"comment": comment})

    def delete_reply(self, review_name: str) -> dict[str, Any]:
        return self._rest("DELETE", f"v4/{review_name}/reply")

    # --- plumbing -----------------------------------------------------------------------------
    def search_places(self, body: dict[str, Any], field_mask: str) -> dict[str, Any]:
        """Places API (New) Text Search; takes the API key, not the OAuth token."""
        return self._places("POST", "places:searchText", field_mask, body)

    def place_details(self, place_id: str, field_mask: str) -> dict[str, Any]:
        return self._places("GET", f"places/{place_id}", field_mask)

    def search_analytics(self, site: str, body: dict[str, Any]) -> dict[str, Any]:
        """Search Console: clicks, impressions and positions for a property."""
        service = self._service("searchconsole")
        request = service.searchanalytics().query(siteUrl=site, body=body)
        return self._execute("searchconsole", request)

    def _places(
        self, method: str, path: str, field_mask: str, body: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        if not self.places_api_key:
            raise CollectorError(
                "no Places API key",
                permanent=True,
                affects_all=True,
                hint="set google.places_api_key_file (or SEO_MONITOR_GOOGLE__PLACES_API_KEY); "
                "see docs/google-cloud-setup.md",
            )
        url = f"{self.api_root}places/v1/{path}" if self.api_root else f"{PLACES_ROOT}v1/{path}"
        headers = {"X-Goog-Api-Key": self.places_api_key, "X-Goog-FieldMask": field_mask}

        def send() -> dict[str, Any]:
            response = requests.request(
                method, url, json=body, headers=headers, timeout=self.timeout
            )
            return json_answer("places", response)

        return self._call("places", send)

    def _service(self, api: str) -> Resource:
        if api not in self._services:
            http = AuthorizedHttp(self.credentials, http=httplib2.Http(timeout=self.timeout))
            options = {"api_endpoint": f"{self.api_root}{api}/"} if self.api_root else None
            self._services[api] = build(
                api,
                "v1",
                http=http,
                static_discovery=True,
                client_options=options,
                cache_discovery=False,
            )
        return self._services[api]

    def _execute(self, api: str, request: Any) -> dict[str, Any]:
        def send() -> dict[str, Any]:
            try:
                result = request.execute(num_retries=0)
            except HttpError as exc:
                retry_after = exc.resp.get("retry-after") if exc.resp is not None else None
                raise classify(api, exc.status_code, exc.content, retry_after) from None
            # googleapiclient hands back the raw text when the body is not JSON.
            if not isinstance(result, dict):
                raise Transient("the answer was not valid JSON")
            return result

        return self._call(api, send)

    def _rest(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        body: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        if self._session is None:
            self._session = AuthorizedSession(self.credentials)
        session = self._session
        url = f"{self.api_root}mybusiness/{path}" if self.api_root else f"{V4_ROOT}{path}"

        def send() -> dict[str, Any]:
            response = session.request(method, url, params=params, json=body, timeout=self.timeout)
            return json_answer("mybusiness", response)

        return self._call("mybusiness", send)

    def paced(self, api: str, send: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """Run `send` within `api`'s pacing, with the client's retries (other providers)."""
        return self._call(api, send)

    def _call(self, api: str, send: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """Send within `api`'s pacing; retry what is transient until `_retry_delay` gives up."""
        self._check_scope(api)
        if api not in self._pacers:
            self._pacers[api] = Pacer(
                self.quota_per_minute, clock=self.clock, sleep=self.sleep, window=self.quota_window
            )
        pacer = self._pacers[api]
        attempt, rate_limited_for = 0, 0.0
        while True:
            attempt += 1
            pacer.wait()
            self.calls[api] += 1
            try:
                return send()
            except Exception as exc:  # sorted into Transient, or raised again
                last = transient(exc)
            delay = self._retry_delay(api, attempt, last, rate_limited_for)
            log.info("%s: %s; retry %d in %.1fs", api, last, attempt, delay)
            if last.rate_limited:
                rate_limited_for += delay
                pacer.back_off(delay)  # every call through this pacer waits, then goes slower
            else:
                self.sleep(delay)

    def _check_scope(self, api: str) -> None:
        """Refuse, before any call, an API whose scope the stored token was not granted: the
        token file records its scopes. A token that records none is left for Google to judge."""
        needed = API_SCOPES.get(api)
        granted = granted_scopes(self.credentials)
        if needed is None or granted is None or granted & ACCEPTED_SCOPES[needed]:
            return
        raise missing_scope(api, needed)

    def _retry_delay(
        self, api: str, attempt: int, last: Transient, rate_limited_for: float
    ) -> float:
        """The wait before the next try, or CollectorError once the retries are spent.

        Server errors and timeouts: `max_attempts` tries, exponential backoff. Rate limits:
        at least `max_attempts` tries, and on until the waits add up to more than one quota
        window — a shorter wait cannot outlast a full window."""
        label = API_NAMES.get(api, api)
        if not last.rate_limited:
            if attempt >= self.max_attempts:
                raise CollectorError(
                    f"{label}: {last} (gave up after {attempt} attempts)",
                    hint="Google was unavailable or slow; the next scheduled run tries again.",
                )
            return float(self.backoff_seconds * 2 ** (attempt - 1) * random.uniform(0.5, 1.5))
        asked = retry_after_seconds(last.retry_after, self.wall_clock())
        if asked is not None and asked > 2 * self.quota_window:
            raise CollectorError(
                f"{label}: rate limited; Google asked to wait {asked:.0f} s before trying again",
                hint="The project's quota is used up for now; the next scheduled run tries again.",
            )
        if attempt >= self.max_attempts and rate_limited_for > self.quota_window:
            raise CollectorError(
                f"{label}: {last} (still rate limited after {attempt} attempts over "
                f"{rate_limited_for:.0f} s)",
                hint="Another program or run may share this Google Cloud project's quota; "
                "lower google.quota_per_minute, or run the collectors at different times.",
            )
        return rate_limit_delay(attempt, asked, self.backoff_seconds, self.quota_window)


def granted_scopes(credentials: Credentials) -> frozenset[str] | None:
    """The scopes Google granted this token (after a renewal), else those the token file
    records; None when it records none."""
    scopes = credentials.granted_scopes or credentials.scopes
    if scopes is None:
        return None
    return frozenset(scopes.split() if isinstance(scopes, str) else scopes)


def load_credentials(token_file: Path, api_root: str | None = None) -> Credentials:
    """The stored refresh token; a missing or broken file says how to connect.

    google-auth always renews tokens at Google's endpoint; with `api_root` (the sandbox) the
    token endpoint is the sandbox's too.
    """
    try:
        # The token file records the scopes it was granted: they are what it may ask for.
        credentials: Credentials = Credentials.from_authorized_user_file(str(token_file))
    except FileNotFoundError:
        raise CollectorError(
            f"no Google token at {token_file}",
            permanent=True,
            hint="Connect Google first: `seo-monitor auth google`.",
        ) from None
    except (ValueError, KeyError) as exc:
        raise CollectorError(
            f"the Google token file {token_file} is not usable ({exc})",
            permanent=True,
            hint=RECONNECT,
        ) from None
    if api_root:
        credentials = credentials.with_token_uri(f"{api_root.rstrip('/')}/oauth2/token")
    return credentials


def authorize(
    client_file: Path, token_file: Path, scopes: list[str], *, open_browser: bool = True
) -> list[str]:
    """Run Google's installed-app consent flow and store the refresh token (owner-only file)
    with the scopes the person granted; returns them. Google lets a person untick a scope on
    the consent page, so the granted ones may be fewer than asked for."""
    # oauthlib refuses a grant narrower than asked for ("Scope has changed") unless told not
    # to; a narrower grant is fine here: what lacks its scope says so before calling Google.
    os.environ["OAUTHLIB_RELAX_TOKEN_SCOPE"] = "1"
    flow = InstalledAppFlow.from_client_secrets_file(str(client_file), scopes)
    credentials = flow.run_local_server(
        host="127.0.0.1",
        port=0,
        open_browser=open_browser,
        authorization_prompt_message="Open this URL to connect Google: {url}",
    )
    granted = sorted(granted_scopes(credentials) or scopes)
    token = json.loads(credentials.to_json())
    token["scopes"] = granted
    save_token(token_file, json.dumps(token))
    return granted


def save_token(token_file: Path, token_json: str) -> None:
    write_private_text(token_file, token_json)
