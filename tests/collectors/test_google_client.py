"""The Google client: pacing, error classification, OAuth, and the sandbox's real shapes."""

from __future__ import annotations

import json
import stat
import threading
import webbrowser
from pathlib import Path
from urllib.parse import quote

import google.auth.exceptions
import pytest
import requests

from collectors.google_access import (
    BUSINESS_SCOPE,
    SEARCH_CONSOLE_SCOPE,
    Transient,
    classify,
    refresh_failure,
)
from collectors.google_client import GoogleClient, Pacer, authorize, load_credentials, scopes_for
from seo_monitor.errors import CollectorError
from seo_monitor.sandbox import World
from seo_monitor.sandbox.server import SandboxServer, client_secrets_info


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_the_pacer_never_starts_more_calls_in_a_minute_than_the_quota_allows() -> None:
    clock = FakeClock()
    pacer = Pacer(300, clock=clock, sleep=clock.sleep)
    starts = []
    for _ in range(1000):
        pacer.wait()
        starts.append(clock.now)
        clock.now += 0.01  # the work between calls
    busiest = max(sum(1 for t in starts if s <= t < s + 60) for s in starts)
    assert busiest == 297  # 300 minus a little headroom for network jitter
    # Calls 892 to 1000 make the fourth block: they start three minutes in.
    assert 180 <= starts[-1] < 182


def test_the_pacer_lets_work_between_calls_count_toward_the_wait() -> None:
    clock = FakeClock()
    pacer = Pacer(300, clock=clock, sleep=clock.sleep)
    for _ in range(600):
        pacer.wait()
        clock.now += 0.25  # slower than the quota: never a reason to sleep
    assert clock.slept == []


def error_body(code: int, status: str, message: str = "", **extra: object) -> bytes:
    return json.dumps(
        {"error": {"code": code, "status": status, "message": message, **extra}}
    ).encode()


QUOTA_ZERO = error_body(
    429,
    "RESOURCE_EXHAUSTED",
    "Quota exceeded",
    details=[
        {
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": "RATE_LIMIT_EXCEEDED",
            "metadata": {"quota_limit_value": "0"},
        }
    ],
)


@pytest.mark.parametrize(
    ("status", "body", "permanent", "words"),
    [
        (429, error_body(429, "RESOURCE_EXHAUSTED"), None, "HTTP 429"),
        (503, error_body(503, "UNAVAILABLE"), None, "HTTP 503"),
        (500, b"<html>oops</html>", None, "HTTP 500"),
        (429, QUOTA_ZERO, True, "quota is 0"),
        (401, error_body(401, "UNAUTHENTICATED"), True, "did not accept the credentials"),
        (
            403,
            error_body(
                403,
                "PERMISSION_DENIED",
                "Business Profile Performance API has not been used in project 1 before or it is disabled",
            ),
            True,
            "not enabled",
        ),
        (
            403,
            error_body(403, "PERMISSION_DENIED", "The caller does not have permission"),
            True,
            "permission denied",
        ),
        (404, error_body(404, "NOT_FOUND", "Requested entity was not found."), True, "not found"),
        (400, error_body(400, "INVALID_ARGUMENT", "bad readMask"), True, "bad readMask"),
    ],
)
def test_errors_are_classified_as_transient_or_permanent_with_a_hint(
    status: int, body: bytes, permanent: bool | None, words: str
) -> None:
    error = classify("businessprofileperformance", status, body)
    if permanent is None:
        assert isinstance(error, Transient) and words in str(error)
    else:
        assert isinstance(error, CollectorError) and error.permanent and words in str(error)


def error_info(status: int, message: str, reason: str, service: str) -> bytes:
    """Google's error body with its google.rpc.ErrorInfo, as the APIs send it."""
    info = {
        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
        "reason": reason,
        "domain": "googleapis.com",
        "metadata": {"service": f"{service}.googleapis.com"},
    }
    body = {"code": status, "message": message, "status": "PERMISSION_DENIED", "details": [info]}
    return json.dumps({"error": body}).encode()


SCOPE_REFUSED = "Request had insufficient authentication scopes."
NOT_ENABLED = (
    "Search Console API has not been used in project 123 before or it is disabled. Enable it "
    "by visiting https://console.developers.google.com/apis/api/searchconsole.googleapis.com"
)


@pytest.mark.parametrize(
    ("api", "body", "words", "hint"),
    [
        (
            "searchconsole",
            error_info(403, SCOPE_REFUSED, "ACCESS_TOKEN_SCOPE_INSUFFICIENT", "searchconsole"),
            "does not include access to Search Console",
            "Run `seo-monitor auth google` again and allow that access",
        ),
        (
            "mybusiness",
            error_info(403, SCOPE_REFUSED, "ACCESS_TOKEN_SCOPE_INSUFFICIENT", "mybusiness"),
            "does not include access to your Business Profiles",
            "Run `seo-monitor auth google` again",
        ),
        (
            "searchconsole",
            error_info(403, NOT_ENABLED, "SERVICE_DISABLED", "searchconsole"),
            "Search Console API is not enabled",
            "Enable the Search Console API",
        ),
        (
            "searchconsole",
            error_body(403, "PERMISSION_DENIED", "User does not have sufficient permission"),
            "permission denied",
            "not a user of the Search Console property",
        ),
        (
            "mybusinessbusinessinformation",
            error_body(403, "PERMISSION_DENIED", "The caller does not have permission"),
            "permission denied",
            "owner or manager account",
        ),
        ("mybusiness", QUOTA_ZERO, "quota is 0", "Application for Basic API Access"),
        (
            "places",
            error_info(
                403, "Requests from this IP are blocked.", "API_KEY_IP_ADDRESS_BLOCKED", "places"
            ),
            "refused",
            "IP address restriction does not include this server",
        ),
        (
            "places",
            error_info(403, "Blocked.", "API_KEY_SERVICE_BLOCKED", "places"),
            "refused",
            "leave out the Places API (New)",
        ),
        (
            "places",
            error_info(403, "Billing is disabled.", "BILLING_DISABLED", "places"),
            "refused",
            "no active billing account",
        ),
    ],
)
def test_each_refusal_from_google_gets_its_own_hint(
    api: str, body: bytes, words: str, hint: str
) -> None:
    error = classify(api, 429 if body == QUOTA_ZERO else 403, body)
    assert isinstance(error, CollectorError) and error.permanent
    assert words in str(error) and hint in (error.hint or "")


def test_every_permanent_error_except_a_bad_request_has_a_hint() -> None:
    for status, body in [(429, QUOTA_ZERO), (401, b""), (403, b""), (404, b"")]:
        error = classify("mybusiness", status, body)
        assert isinstance(error, CollectorError) and error.hint


def sandbox_client(sandbox: SandboxServer, folder: Path) -> GoogleClient:
    from seo_monitor.sandbox.demo import write_demo_config

    write_demo_config(folder, sandbox.url)
    credentials = load_credentials(folder / "data" / "google-token.json", sandbox.url)
    return GoogleClient(
        credentials, api_root=sandbox.url, quota_per_minute=100_000, backoff_seconds=0
    )


def test_the_sandbox_requires_a_read_mask_and_pages_reviews_by_fifty(
    sandbox: SandboxServer, world: World, tmp_path: Path
) -> None:
    client = sandbox_client(sandbox, tmp_path)
    with pytest.raises(CollectorError, match="read_mask is required"):
        client.list_locations("accounts/1001", read_mask="")
    location = world.locations[0]
    page = client.list_reviews(f"accounts/{location.account_id}/locations/{location.location_id}")
    assert len(page["reviews"]) == min(50, len(world.live_reviews(location)))
    assert page["totalReviewCount"] == len(world.live_reviews(location)) and "nextPageToken" in page
    updates = [r["updateTime"] for r in page["reviews"]]
    assert updates == sorted(updates, reverse=True)


def test_a_reply_is_pending_then_approved_or_rejected_for_personal_info(
    sandbox: SandboxServer, world: World, tmp_path: Path
) -> None:
    client = sandbox_client(sandbox, tmp_path)
    location = world.locations[0]
    safe, unsafe = world.live_reviews(location)[:2]
    parent = f"accounts/{location.account_id}/locations/{location.location_id}/reviews/"
    assert (
        client.update_reply(parent + safe.review_id, "Thank you for the feedback.")[
            "reviewReplyState"
        ]
        == "PENDING"
    )
    assert (
        client.get_review(parent + safe.review_id)["reviewReply"]["reviewReplyState"] == "APPROVED"
    )
    client.update_reply(parent + unsafe.review_id, "Glad your knee is better!")
    rejected = client.get_review(parent + unsafe.review_id)["reviewReply"]
    assert (rejected["reviewReplyState"], rejected["policyViolation"]) == (
        "REJECTED",
        "PERSONAL_INFO",
    )
    client.delete_reply(parent + unsafe.review_id)
    assert "reviewReply" not in client.get_review(parent + unsafe.review_id)


@pytest.mark.parametrize("allows_search_console", [True, False])
def test_auth_google_runs_the_consent_flow_and_stores_an_owner_only_token(
    sandbox: SandboxServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    allows_search_console: bool,
) -> None:
    client_file = tmp_path / "client_secret.json"
    client_file.write_text(json.dumps(client_secrets_info(sandbox.url)))
    token_file = tmp_path / "data" / "google-token.json"

    class ConsentingBrowser:
        """Plays the user: opens the consent URL, which redirects back to the local flow;
        unticking Search Console on Google's page grants the Business Profile alone."""

        def open(self, url: str, new: int = 0, autoraise: bool = True) -> bool:
            if not allows_search_console:
                url = url.replace("+" + quote(SEARCH_CONSOLE_SCOPE, safe=""), "")
            threading.Thread(
                target=requests.get, args=(url,), kwargs={"timeout": 10}, daemon=True
            ).start()
            return True

    monkeypatch.setattr(webbrowser, "get", lambda *args, **kwargs: ConsentingBrowser())
    # oauthlib insists on https; Google's endpoints are, the sandbox on 127.0.0.1 is not.
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    monkeypatch.delenv("OAUTHLIB_RELAX_TOKEN_SCOPE", raising=False)
    granted = authorize(client_file, token_file, scopes_for(search_console=True))
    expected = [BUSINESS_SCOPE, *([SEARCH_CONSOLE_SCOPE] if allows_search_console else [])]
    assert granted == sorted(expected)
    stored = json.loads(token_file.read_text())
    assert stored["scopes"] == sorted(expected)  # what Google granted, not what was asked
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    client = GoogleClient(load_credentials(token_file, sandbox.url), api_root=sandbox.url)
    assert [a["name"] for a in client.list_accounts()["accounts"]] == [
        "accounts/1001",
        "accounts/1002",
    ]
    if not allows_search_console:  # refused before any call, with what to do
        with pytest.raises(CollectorError, match="Search Console") as caught:
            client.search_analytics("https://example.com/", {})
        assert "seo-monitor auth google" in (caught.value.hint or "")
        assert client.calls["searchconsole"] == 0


def test_a_missing_token_says_to_connect_google(tmp_path: Path) -> None:
    with pytest.raises(CollectorError, match="no Google token") as caught:
        load_credentials(tmp_path / "nope.json")
    assert "seo-monitor auth google" in (caught.value.hint or "")


def test_a_refused_places_key_stops_the_scan_instead_of_failing_every_point() -> None:
    invalid = json.dumps(
        {
            "error": {
                "code": 400,
                "message": "API key not valid. Please pass a valid API key.",
                "status": "INVALID_ARGUMENT",
                "details": [
                    {
                        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                        "reason": "API_KEY_INVALID",
                        "domain": "googleapis.com",
                    }
                ],
            }
        }
    ).encode()
    error = classify("places", 400, invalid)
    assert isinstance(error, CollectorError) and error.affects_all
    assert "not a valid key" in (error.hint or "")
    blocked = classify("places", 403, error_info(403, "x", "API_KEY_IP_ADDRESS_BLOCKED", "places"))
    assert isinstance(blocked, CollectorError) and blocked.affects_all
    assert "owner or manager" not in (blocked.hint or "")  # Places knows no Google account


@pytest.mark.parametrize(
    ("code", "words", "hint"),
    [
        ("invalid_grant", "revoked or expired", "auth google"),
        ("invalid_client", "no longer accepts the OAuth client", "OAuth client JSON again"),
        ("access_denied", "refused to renew the access token (access_denied)", "again later"),
        ("", "refused to renew the access token (no reason given)", "again later"),
    ],
)
def test_only_invalid_grant_is_called_a_dead_token(code: str, words: str, hint: str) -> None:
    body = {"error": code, "error_description": "x"} if code else {}
    refused = google.auth.exceptions.RefreshError(f"{code}: x", body, retryable=False)
    with pytest.raises(CollectorError) as caught:
        refresh_failure(refused)
    assert words in str(caught.value) and hint in (caught.value.hint or "")
    assert caught.value.every_collector
    if code != "invalid_grant":
        assert "revoked" not in str(caught.value)
    outage = google.auth.exceptions.RefreshError("server_error", {}, retryable=True)
    assert isinstance(refresh_failure(outage), Transient)
