"""What Google's answers mean for access: the scopes each API needs, and every failure
sorted into Transient (worth retrying) or a CollectorError with the hint that fits Google's
reason (a missing scope, an API not enabled, no rights, quota 0, a refused key, a dead token).
"""

from __future__ import annotations

import json
import math
from typing import Any

import google.auth.exceptions
import httplib2
import requests

from seo_monitor.errors import CollectorError

BUSINESS_SCOPE = "https://www.googleapis.com/auth/business.manage"
SEARCH_CONSOLE_SCOPE = "https://www.googleapis.com/auth/webmasters.readonly"
# The scope each API needs, and the scopes Google accepts for it (a broader one will do).
API_SCOPES = {
    "mybusinessaccountmanagement": BUSINESS_SCOPE,
    "mybusinessbusinessinformation": BUSINESS_SCOPE,
    "businessprofileperformance": BUSINESS_SCOPE,
    "mybusiness": BUSINESS_SCOPE,
    "searchconsole": SEARCH_CONSOLE_SCOPE,
}  # Places takes an API key, not the OAuth token
ACCEPTED_SCOPES = {
    BUSINESS_SCOPE: {BUSINESS_SCOPE, "https://www.googleapis.com/auth/plus.business.manage"},
    SEARCH_CONSOLE_SCOPE: {SEARCH_CONSOLE_SCOPE, "https://www.googleapis.com/auth/webmasters"},
}
SCOPE_PURPOSE = {
    BUSINESS_SCOPE: "your Business Profiles (locations, reviews, metrics)",
    SEARCH_CONSOLE_SCOPE: "Search Console (read only)",
}

RECONNECT = "Reconnect Google with `seo-monitor auth google`."

API_NAMES = {
    "mybusinessaccountmanagement": "Account Management API",
    "mybusinessbusinessinformation": "Business Information API",
    "businessprofileperformance": "Business Profile Performance API",
    "mybusiness": "Google My Business API (reviews)",
    "places": "Places API (New)",
    "searchconsole": "Search Console API",
    "serp": "the SERP rank provider",
}


class Transient(Exception):
    """A failure worth retrying (rate limit, server error, timeout, garbled answer). A rate
    limit carries Google's `Retry-After` header or RetryInfo delay, if it sent one."""

    def __init__(
        self, message: str, *, rate_limited: bool = False, retry_after: str | None = None
    ) -> None:
        super().__init__(message)
        self.rate_limited = rate_limited
        self.retry_after = retry_after


def missing_scope(api: str, scope: str) -> CollectorError:
    label, purpose = API_NAMES.get(api, api), SCOPE_PURPOSE.get(scope, scope)
    return CollectorError(
        f"{label}: the Google connection does not include access to {purpose}",
        permanent=True,
        affects_all=True,
        hint="Run `seo-monitor auth google` again and allow that access on Google's consent "
        "page; the other collectors keep working meanwhile.",
    )


def transient(exc: Exception) -> Transient:
    """A failure worth retrying as Transient; anything else is raised again as it is (or, for
    a token Google will not renew, as a permanent CollectorError)."""
    if isinstance(exc, Transient):
        return exc
    if isinstance(
        exc,
        requests.Timeout
        | requests.ConnectionError
        | TimeoutError
        | ConnectionError
        | httplib2.HttpLib2Error,
    ):
        return Transient(f"network problem ({type(exc).__name__})")
    if isinstance(exc, json.JSONDecodeError):
        return Transient("the answer was not valid JSON")
    if isinstance(exc, google.auth.exceptions.RefreshError):
        return refresh_failure(exc)
    if isinstance(exc, google.auth.exceptions.TransportError):
        return Transient(f"could not reach Google's token service ({type(exc).__name__})")
    raise exc


def refresh_failure(exc: google.auth.exceptions.RefreshError) -> Transient:
    """Google's token service failed to renew the access token. Only `invalid_grant` means
    the refresh token is dead (revoked, expired, password changed); an outage of the token
    service (5xx, `server_error`, `temporarily_unavailable`: google-auth marks it retryable)
    is retried like any other; a deleted or changed OAuth client needs a new client file."""
    if exc.retryable:
        return Transient("Google's token service is unavailable")
    details = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], dict) else {}
    code = str(details.get("error") or "")
    if code in ("invalid_client", "unauthorized_client"):
        raise CollectorError(
            "Google no longer accepts the OAuth client the token was made with",
            permanent=True,
            every_collector=True,
            hint="Download the OAuth client JSON again (Google Cloud Console, Credentials), set "
            "google.oauth_client_file to it and run `seo-monitor auth google`.",
        ) from None
    if code == "invalid_scope":
        raise CollectorError(
            "the token asks for access Google did not grant it",
            permanent=True,
            every_collector=True,
            hint=RECONNECT,
        ) from None
    if code == "invalid_grant":
        raise CollectorError(
            "Google refused to renew the access token (revoked or expired)",
            permanent=True,
            hint=RECONNECT,
            every_collector=True,
        ) from None
    # Any other refusal is not the usual dead token: say what Google said rather than guess.
    raise CollectorError(
        f"Google's token service refused to renew the access token ({code or 'no reason given'})",
        permanent=True,
        hint="Run the job again later; if the same answer repeats, check the OAuth client in "
        "Google Cloud Console and run `seo-monitor auth google`.",
        every_collector=True,
    ) from None


def json_answer(api: str, response: requests.Response) -> dict[str, Any]:
    """A REST answer as a JSON object; an HTTP error or a garbled body becomes an exception."""
    if response.status_code >= 400:
        retry_after = response.headers.get("Retry-After")
        raise classify(api, response.status_code, response.content, retry_after)
    try:
        data = response.json() if response.content else {}
    except ValueError:
        raise Transient("the answer was not valid JSON") from None
    if not isinstance(data, dict):
        raise Transient("the answer was not a JSON object")
    return data


def classify(api: str, status: int, content: bytes, retry_after: str | None = None) -> Exception:
    """Turn an HTTP error from Google into Transient or a permanent CollectorError."""
    error = _error_body(content)
    message = str(error.get("message") or f"HTTP {status}")[:300]
    label = API_NAMES.get(api, api)
    if status == 429 and _quota_limit(error) == "0":
        return CollectorError(
            f"{label}: the project's quota is 0, so Google has not granted API access yet",
            permanent=True,
            affects_all=True,
            hint="Apply for Business Profile API access (the 'Application for Basic API Access' "
            "form) for this Google Cloud project; see docs/google-cloud-setup.md.",
        )
    if status == 429:
        return Transient(
            f"HTTP 429 {error.get('status', '')}".strip(),
            rate_limited=True,
            retry_after=retry_after or _retry_info_delay(error),
        )
    if status >= 500:
        return Transient(f"HTTP {status} {error.get('status', '')}".strip())
    if status == 401:
        return CollectorError(
            f"{label}: Google did not accept the credentials",
            permanent=True,
            hint=RECONNECT,
            every_collector=True,
        )
    if status == 403:
        return refusal(api, error, message)
    if status == 400 and api == "places" and _reason(error) == "API_KEY_INVALID":
        return places_key_refusal("API_KEY_INVALID", message)
    if status == 404:
        return CollectorError(
            f"{label}: not found: {message}",
            permanent=True,
            hint="The location or account may have been removed or moved; run "
            "`seo-monitor collect locations`.",
        )
    return CollectorError(f"{label}: HTTP {status}: {message}", permanent=True)


def refusal(api: str, error: dict[str, Any], message: str) -> CollectorError:
    """A 403, with the hint that fits Google's reason for it."""
    label, reason = API_NAMES.get(api, api), _reason(error)
    if reason == "ACCESS_TOKEN_SCOPE_INSUFFICIENT":
        return missing_scope(api, API_SCOPES.get(api, ""))
    if reason == "SERVICE_DISABLED" or "has not been used" in message:
        return CollectorError(
            f"{label} is not enabled for this Google Cloud project",
            permanent=True,
            hint=f"Enable the {label} in Google Cloud Console (APIs & Services → Library); "
            "docs/google-cloud-setup.md lists every API seo-monitor uses.",
            affects_all=True,
        )
    if api == "places":
        return places_key_refusal(reason, message)
    if api == "searchconsole":
        return CollectorError(
            f"{label}: permission denied: {message}",
            permanent=True,
            no_access=True,
            hint="The connected Google account is not a user of the Search Console property of "
            "the website on the Business Profile (tried as a URL-prefix and as a Domain "
            "property): add it in Search Console → Settings → Users and permissions.",
        )
    return CollectorError(
        f"{label}: permission denied: {message}",
        permanent=True,
        no_access=True,
        hint="The Google account connected has no rights on this account or location; "
        "connect an owner or manager account of the Business Profile.",
    )


# Places is called with an API key, not the Google account: its refusals are about the key.
PLACES_KEY_HINTS = {
    "API_KEY_INVALID": "The Places API key is not a valid key: copy it again from Google Cloud "
    "Console (APIs & Services → Credentials) into google.places_api_key_file.",
    "API_KEY_IP_ADDRESS_BLOCKED": "The Places API key's IP address restriction does not "
    "include this server's public address: add it to the key's restrictions.",
    "API_KEY_HTTP_REFERRER_BLOCKED": "The Places API key is restricted to websites (HTTP "
    "referrers); a server needs an IP address restriction instead.",
    "API_KEY_SERVICE_BLOCKED": "The Places API key's API restrictions leave out the Places API "
    "(New): add it to the key's allowed APIs.",
    "BILLING_DISABLED": "The Google Cloud project has no active billing account, which the "
    "Places API (New) requires: link one (Billing in Google Cloud Console).",
}


def places_key_refusal(reason: str | None, message: str) -> CollectorError:
    """A refused Places call: the key or the project's billing, the same for every point."""
    return CollectorError(
        f"{API_NAMES['places']}: refused: {message}",
        permanent=True,
        affects_all=True,
        hint=PLACES_KEY_HINTS.get(
            reason or "",
            "Check the Places API key's restrictions and the project's billing; "
            "docs/google-cloud-setup.md says how the key should be set up.",
        ),
    )


def _reason(error: dict[str, Any]) -> str | None:
    """google.rpc.ErrorInfo's reason (ACCESS_TOKEN_SCOPE_INSUFFICIENT, SERVICE_DISABLED …)."""
    for detail in error.get("details") or []:
        if isinstance(detail, dict) and isinstance(detail.get("reason"), str):
            return str(detail["reason"])
    return None


def _error_body(content: bytes) -> dict[str, Any]:
    try:
        body = json.loads(content)
    except (ValueError, TypeError):
        return {}
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else {}


def _quota_limit(error: dict[str, Any]) -> str | None:
    for detail in error.get("details") or []:
        metadata = detail.get("metadata") if isinstance(detail, dict) else None
        if isinstance(metadata, dict) and "quota_limit_value" in metadata:
            return str(metadata["quota_limit_value"])
    return None


def _retry_info_delay(error: dict[str, Any]) -> str | None:
    """google.rpc.RetryInfo's retryDelay ("30s", "1.5s") as whole seconds, if Google sent it."""
    for detail in error.get("details") or []:
        delay = detail.get("retryDelay") if isinstance(detail, dict) else None
        if isinstance(delay, str) and delay.endswith("s"):
            try:
                return str(math.ceil(float(delay[:-1])))
            except ValueError:
                return None
    return None
