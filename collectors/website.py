"""Fetching a clinic's website for the audit: robots.txt honoured, a clear user agent,
timeouts, a size limit and redirects noted. Anything that goes wrong becomes a finding
("site unreachable: …"), never a crash."""

from __future__ import annotations

import time
import urllib.robotparser
from urllib.parse import urljoin, urlsplit

import requests

from seo_monitor import __version__
from seo_monitor.audit import AuditResult, PageFacts, Profile, audit_page, unreachable

USER_AGENT = f"seo-monitor/{__version__} (website audit; +https://github.com/seo-monitor)"
MAX_BYTES = 3_000_000
TIMEOUT = 15.0
MAX_REDIRECTS = 5


class FetchProblem(Exception):
    pass


def allowed_by_robots(url: str, session: requests.Session) -> bool:
    robots = urljoin(url, "/robots.txt")
    parser = urllib.robotparser.RobotFileParser()
    try:
        response = session.get(robots, timeout=TIMEOUT, allow_redirects=True)
    except requests.RequestException:
        return True  # no robots.txt reachable: nothing forbids it
    if response.status_code >= 400:
        return True
    parser.parse(response.text.splitlines())
    return parser.can_fetch(USER_AGENT, url)


def fetch(url: str, session: requests.Session | None = None) -> PageFacts:
    session = session or requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    session.max_redirects = MAX_REDIRECTS
    if not urlsplit(url).scheme:
        url = f"https://{url}"
    if not allowed_by_robots(url, session):
        raise FetchProblem("robots.txt asks crawlers like seo-monitor not to read this page")
    started = time.perf_counter()
    try:
        with session.get(url, timeout=TIMEOUT, stream=True, allow_redirects=True) as response:
            # The declared charset; pages that declare none are read as UTF-8, bad bytes replaced.
            encoding = response.encoding or "utf-8"
            body = _read_limited(response)
            seconds = time.perf_counter() - started
            final, history = response.url, response.history
            status, content_type = response.status_code, response.headers.get("Content-Type", "")
    except requests.TooManyRedirects:
        raise FetchProblem(f"more than {MAX_REDIRECTS} redirects (a redirect loop?)") from None
    except requests.Timeout:
        raise FetchProblem(f"no answer within {TIMEOUT:.0f} s") from None
    except requests.RequestException as exc:
        raise FetchProblem(f"{type(exc).__name__}") from None
    if status >= 400:
        raise FetchProblem(f"the server answered HTTP {status}")
    if "html" not in content_type.lower():
        raise FetchProblem(f"the page is not HTML ({content_type or 'no content type'})")
    try:
        html = body.decode(encoding, errors="replace")
    except LookupError:  # a charset Python does not know
        html = body.decode("utf-8", errors="replace")
    from_http = any(urlsplit(r.url).scheme == "http" for r in history) and final.startswith("https")
    return PageFacts(final, status, html, seconds, len(body), redirected_from_http=from_http)


def _read_limited(response: requests.Response) -> bytes:
    chunks, size = [], 0
    for chunk in response.iter_content(64 * 1024):
        size += len(chunk)
        if size > MAX_BYTES:
            raise FetchProblem(f"the page is over {MAX_BYTES // 1_000_000} MB")
        chunks.append(chunk)
    return b"".join(chunks)


def audit_url(url: str, profile: Profile, session: requests.Session | None = None) -> AuditResult:
    try:
        page = fetch(url, session)
    except FetchProblem as exc:
        return unreachable(url, str(exc))
    return audit_page(page, profile)
