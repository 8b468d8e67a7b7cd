"""The sandbox HTTP server: Google's endpoints on 127.0.0.1, with quotas, faults and call counts.

URL layout: `/{api}/{path as Google's client builds it}`, e.g.
`/mybusiness/v4/accounts/1001/locations/123/reviews`; `/oauth2/token` and `/oauth2/auth` for
OAuth; `/_sandbox/stats`, `/_sandbox/advance`, `/_sandbox/faults` to observe and steer it.
"""

from __future__ import annotations

import base64
import json
import logging
import math
import secrets
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from seo_monitor.sandbox.api import Request, SandboxApi, error, parse_body
from seo_monitor.sandbox.faults import FaultPlan
from seo_monitor.sandbox.listings import ROBOTS_TXT, listing_page
from seo_monitor.sandbox.sites import site_page
from seo_monitor.sandbox.world import World

log = logging.getLogger(__name__)
BUSINESS = "https://www.googleapis.com/auth/business.manage"
WEBMASTERS_READONLY = "https://www.googleapis.com/auth/webmasters.readonly"
# What each API accepts, from Google's reference pages (a broader scope will do).
API_SCOPES = {
    "mybusinessaccountmanagement": {
        BUSINESS,
        "https://www.googleapis.com/auth/plus.business.manage",
    },
    "mybusinessbusinessinformation": {
        BUSINESS,
        "https://www.googleapis.com/auth/plus.business.manage",
    },
    "businessprofileperformance": {BUSINESS},
    "mybusiness": {BUSINESS, "https://www.googleapis.com/auth/plus.business.manage"},
    "searchconsole": {WEBMASTERS_READONLY, "https://www.googleapis.com/auth/webmasters"},
}
REFRESH_TOKEN = "sandbox-refresh-token"  # granted both scopes
# A token from before Search Console was read: granted the Business Profile only.
BUSINESS_ONLY_REFRESH_TOKEN = "sandbox-refresh-token-business-only"
REFRESH_TOKEN_SCOPES = {
    REFRESH_TOKEN: frozenset({BUSINESS, WEBMASTERS_READONLY}),
    BUSINESS_ONLY_REFRESH_TOKEN: frozenset({BUSINESS}),
}
CLIENT_ID = "sandbox-client.apps.googleusercontent.com"
CLIENT_SECRET = "sandbox-client-secret"
PLACES_API_KEY = "sandbox-places-api-key"
SERP_API_KEY = "sandbox-serp-api-key"


@dataclass
class SandboxState:
    world: World
    faults: FaultPlan
    quota_per_minute: int = 300
    quota_window: float = 60.0  # seconds; shorter only to keep tests short
    timeout_delay: float = 5.0
    api: SandboxApi = field(init=False)
    tokens: dict[str, frozenset[str]] = field(default_factory=dict)  # access token -> scopes
    codes: dict[str, frozenset[str]] = field(default_factory=dict)  # consent code -> scopes
    calls: Counter[str] = field(default_factory=Counter)
    injected: Counter[str] = field(default_factory=Counter)
    rate_limited: int = 0
    windows: dict[str, deque[float]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    clock: Callable[[], float] = time.monotonic  # the quota windows' time; tests pass their own
    send_retry_after: bool = False  # answer an over-quota call with Retry-After (seconds)

    def __post_init__(self) -> None:
        self.api = SandboxApi(self.world)

    def over_quota(self, api: str) -> float | None:
        """A sliding window per API (60 s), like Google's per-minute quota: None when the call
        may go ahead, else the seconds until the window has room again."""
        now = self.clock()
        with self.lock:
            window = self.windows.setdefault(api, deque())
            while window and window[0] <= now - self.quota_window:
                window.popleft()
            if len(window) >= self.quota_per_minute:
                self.rate_limited += 1
                return window[0] + self.quota_window - now
            window.append(now)
            return None

    def stats(self) -> dict[str, Any]:
        with self.lock:
            return {
                "calls": dict(self.calls),
                "total_calls": sum(self.calls.values()),
                "faults": dict(self.injected),
                "rate_limited": self.rate_limited,
                "now": self.world.now.isoformat(),
            }


def quota_error(api: str, limit: int) -> tuple[int, Any]:
    return error(
        429,
        "RESOURCE_EXHAUSTED",
        f"Quota exceeded for quota metric 'Requests' and limit 'Requests per minute' of service "
        f"'{api}.googleapis.com' for consumer 'project_number:000000000000'.",
        details=[
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "RATE_LIMIT_EXCEEDED",
                "domain": "googleapis.com",
                "metadata": {
                    "service": f"{api}.googleapis.com",
                    "quota_limit_value": str(limit),
                    "quota_limit": "DefaultRequestsPerMinutePerProject",
                },
            }
        ],
    )


class Handler(BaseHTTPRequestHandler):
    server: SandboxServer
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; with Nagle's algorithm on, a kept-alive
    # connection then stalls each answer for the client's delayed ACK (about 40 ms a call).
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("sandbox: " + format, *args)

    def do_GET(self) -> None:
        self.dispatch("GET")

    def do_POST(self) -> None:
        self.dispatch("POST")

    def do_PUT(self) -> None:
        self.dispatch("PUT")

    def do_DELETE(self) -> None:
        self.dispatch("DELETE")

    def dispatch(self, method: str) -> None:
        parts = urlsplit(self.path)
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        state = self.server.state
        segments = parts.path.lstrip("/").split("/", 1)
        api, rest = segments[0], segments[1] if len(segments) > 1 else ""
        if api == "_sandbox":
            self.reply(*self.admin(method, rest, parse_qs(parts.query), raw))
        elif api == "oauth2":
            self.oauth(rest, parse_qs(parts.query), raw)
        elif api == "site":  # the demo clinics' websites, for the website audit
            self.website(rest)
        elif api == "listing":  # their listings on made-up directories, for the listings check
            self.listing(rest)
        elif api == "robots.txt":
            self.page(200, ROBOTS_TXT, "text/plain; charset=utf-8")
        else:
            request = Request(method, rest, parse_qs(parts.query), None, dict(self.headers.items()))
            self.api_call(state, api, request, raw)

    def api_call(self, state: SandboxState, api: str, request: Request, raw: bytes) -> None:
        with state.lock:
            state.calls[api] += 1
        fault = state.faults.pick(api)
        if fault:
            with state.lock:
                state.injected[fault] += 1
        if fault == "expired_token" or not self.authorized(state, api, request):
            return self.reply(
                *error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.")
            )
        if not self.scope_allows(state, api):
            status, body = scope_error(api, state.api.method_name(api, request))
            return self.reply(status, body, headers={"WWW-Authenticate": insufficient_scope(api)})
        if fault == "quota0":
            return self.reply(*quota_error(api, 0))
        wait = state.over_quota(api)
        if wait is not None or fault == "429":
            headers = {}
            if wait is not None and state.send_retry_after:
                headers["Retry-After"] = str(max(1, math.ceil(wait)))
            return self.reply(*quota_error(api, state.quota_per_minute), headers=headers)
        if fault == "5xx":
            return self.reply(*error(503, "UNAVAILABLE", "The service is currently unavailable."))
        if fault == "timeout":
            time.sleep(state.timeout_delay)
        try:
            request.body = parse_body(raw)
        except json.JSONDecodeError:
            return self.reply(*error(400, "INVALID_ARGUMENT", "Invalid JSON payload received."))
        status, body = state.api.handle(api, request)
        if fault == "malformed":
            return self.send(200, json.dumps(body)[: max(1, len(json.dumps(body)) // 2)].encode())
        self.reply(status, body)

    def authorized(self, state: SandboxState, api: str, request: Request) -> bool:
        """Places takes an API key (header or key=); the other APIs an OAuth access token."""
        if api == "places":
            key = self.headers.get("X-Goog-Api-Key") or request.one("key")
            return key == PLACES_API_KEY
        if api == "serp":  # a SERP provider's own key, in a header
            return self.headers.get("X-Api-Key") == SERP_API_KEY
        return self.access_token() in state.tokens

    def access_token(self) -> str:
        return (self.headers.get("Authorization") or "").removeprefix("Bearer ")

    def scope_allows(self, state: SandboxState, api: str) -> bool:
        accepted = API_SCOPES.get(api)
        return accepted is None or bool(state.tokens.get(self.access_token(), set()) & accepted)

    def oauth(self, rest: str, query: dict[str, list[str]], raw: bytes) -> None:
        state = self.server.state
        if rest == "auth":  # the consent screen: approve at once and redirect with a code
            self.consent(state, query)
            return
        if state.faults.pick("oauth2", wildcard=False) == "5xx":
            with state.lock:
                state.injected["oauth2:5xx"] += 1
            return self.reply(
                503, {"error": "server_error", "error_description": "Service unavailable."}
            )
        form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
        if self.oauth_client_id(form) != CLIENT_ID:  # Google judges the client before the grant
            return self.reply(
                401,
                {"error": "invalid_client", "error_description": "The OAuth client was not found."},
            )
        granted = self.grant(state, form)
        if granted is None:
            return self.reply(
                400,
                {
                    "error": "invalid_grant",
                    "error_description": "Token has been expired or revoked.",
                },
            )
        asked = frozenset(form.get("scope", "").split()) or granted
        if not asked <= granted:  # a renewal may narrow the grant, never widen it
            return self.reply(400, {"error": "invalid_scope", "error_description": "Bad Request"})
        token = secrets.token_urlsafe(24)
        with state.lock:
            state.tokens[token] = asked
        body = {
            "access_token": token,
            "expires_in": 3599,
            "token_type": "Bearer",
            "scope": " ".join(sorted(asked)),
        }
        if form.get("grant_type") == "authorization_code":
            body["refresh_token"] = refresh_token_for(granted)
        self.reply(200, body)

    def consent(self, state: SandboxState, query: dict[str, list[str]]) -> None:
        """Grant what was asked for, as a person clicking "Allow" on every box would."""
        code = f"sandbox-auth-code-{secrets.token_hex(4)}"
        known = set().union(*API_SCOPES.values())
        with state.lock:
            state.codes[code] = frozenset(query.get("scope", [""])[0].split()) & known
        target = query.get("redirect_uri", [""])[0]
        params = {"code": code, "state": query.get("state", [""])[0]}
        self.send_response(302)
        self.send_header("Location", f"{target}?{urlencode(params)}")
        self.send_header("Content-Length", "0")
        self.end_headers()

    @staticmethod
    def grant(state: SandboxState, form: dict[str, str]) -> frozenset[str] | None:
        """The scopes behind a refresh token or a consent code; None when it is not valid."""
        if form.get("grant_type") == "refresh_token":
            return REFRESH_TOKEN_SCOPES.get(form.get("refresh_token", ""))
        if form.get("grant_type") == "authorization_code":
            with state.lock:
                return state.codes.pop(form.get("code", ""), None)
        return None

    def oauth_client_id(self, form: dict[str, str]) -> str | None:
        """The client id from the form, or from HTTP Basic auth as some OAuth libraries send it."""
        header = self.headers.get("Authorization") or ""
        if header.startswith("Basic "):
            return base64.b64decode(header[6:]).decode(errors="replace").partition(":")[0]
        return form.get("client_id")

    def admin(
        self, method: str, rest: str, query: dict[str, list[str]], raw: bytes
    ) -> tuple[int, Any]:
        state = self.server.state
        if rest == "stats":
            return 200, state.stats()
        if rest == "advance" and method == "POST":
            minutes = float(query.get("minutes", ["60"])[0])
            return 200, {
                "changes": state.world.advance(minutes),
                "now": state.world.now.isoformat(),
            }
        if rest == "faults" and method == "POST":
            state.faults = FaultPlan.parse(raw.decode(), seed=state.world.seed)
            return 200, {"faults": raw.decode()}
        return 404, {"error": "unknown sandbox command"}

    def website(self, rest: str) -> None:
        page = site_page(self.server.state.world, rest)
        self.page(200 if page else 404, page or "<h1>Not found</h1>")

    def listing(self, rest: str) -> None:
        status, page = listing_page(self.server.state.world, rest) or (404, "<h1>Not found</h1>")
        self.page(status, page)

    def page(self, status: int, text: str, content_type: str = "text/html; charset=utf-8") -> None:
        payload = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def reply(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        self.send(status, json.dumps(body).encode(), headers)

    def send(self, status: int, payload: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)


class SandboxServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, state: SandboxState, port: int = 0) -> None:
        super().__init__(("127.0.0.1", port), Handler)
        self.state = state

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that timed out has hung up: expected when faults inject timeouts.
        log.debug("sandbox: client %s went away", client_address)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"


def refresh_token_for(scopes: frozenset[str]) -> str:
    """The sandbox's refresh token granted exactly these scopes (its two tokens cover the
    consents seo-monitor asks for: with and without Search Console)."""
    return next(
        (token for token, granted in REFRESH_TOKEN_SCOPES.items() if granted == scopes),
        REFRESH_TOKEN if WEBMASTERS_READONLY in scopes else BUSINESS_ONLY_REFRESH_TOKEN,
    )


def authorized_user_info(root: str, refresh_token: str = REFRESH_TOKEN) -> dict[str, Any]:
    """What `seo-monitor auth google` would store, for a client of this sandbox."""
    return {
        "type": "authorized_user",
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "refresh_token": refresh_token,
        "token_uri": f"{root}/oauth2/token",
        "scopes": sorted(REFRESH_TOKEN_SCOPES[refresh_token]),
    }


def scope_error(api: str, method: str | None = None) -> tuple[int, Any]:
    """Google's answer to a token without the API's scope (its body, as Google sends it: the
    ErrorInfo names the service and the RPC method refused)."""
    metadata = {"service": f"{api}.googleapis.com"}
    if method:
        metadata["method"] = method
    return error(
        403,
        "PERMISSION_DENIED",
        "Request had insufficient authentication scopes.",
        details=[
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
                "domain": "googleapis.com",
                "metadata": metadata,
            }
        ],
    )


def insufficient_scope(api: str) -> str:
    """The WWW-Authenticate header Google sends with that 403 (RFC 6750 section 3.1), naming
    the scopes that would do."""
    scopes = " ".join(sorted(API_SCOPES.get(api, ())))
    return (
        f'Bearer realm="https://accounts.google.com/", error="insufficient_scope", scope="{scopes}"'
    )


def client_secrets_info(root: str) -> dict[str, Any]:
    """An OAuth client file (Desktop app) whose endpoints are this sandbox's."""
    return {
        "installed": {
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "auth_uri": f"{root}/oauth2/auth",
            "token_uri": f"{root}/oauth2/token",
            "redirect_uris": ["http://localhost"],
        }
    }


@contextmanager
def running_sandbox(
    world: World,
    faults: str | None = None,
    *,
    port: int = 0,
    quota_per_minute: int = 300,
    timeout_delay: float = 5.0,
    quota_window: float = 60.0,
    clock: Callable[[], float] = time.monotonic,
    send_retry_after: bool = False,
) -> Iterator[SandboxServer]:
    """Serve `world` on 127.0.0.1 in a background thread for the duration of the block."""
    state = SandboxState(
        world=world,
        faults=FaultPlan.parse(faults, seed=world.seed),
        quota_per_minute=quota_per_minute,
        timeout_delay=timeout_delay,
        quota_window=quota_window,
        clock=clock,
        send_retry_after=send_retry_after,
    )
    server = SandboxServer(state, port)
    thread = threading.Thread(target=server.serve_forever, name="sandbox", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
