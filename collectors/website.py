"""Fetching a clinic's website for the audit: robots.txt honoured, a clear user agent,
timeouts, a size limit and redirects noted. Anything that goes wrong becomes a finding
("site unreachable: …"), never a crash."""

from __future__ import annotations

import re
import time
import urllib.robotparser
from dataclasses import asdict
from urllib.parse import urljoin, urlsplit

import requests
from bs4 import BeautifulSoup
from sqlalchemy.orm import Session

from seo_monitor import __version__
from seo_monitor.audit import AuditResult, PageFacts, Profile, audit_page, unreachable
from seo_monitor.models import Location, SiteAudit, utcnow
from seo_monitor.settings import Settings

USER_AGENT = f"seo-monitor/{__version__} (website audit; +https://github.com/seo-monitor)"
MAX_BYTES = 3_000_000
TIMEOUT = 15.0
MAX_REDIRECTS = 5


MAX_PAGES = 5  # the home page and up to four internal pages, contact and location pages first
MAX_LINK_CHECKS = 30
PRIORITY = re.compile(r"contact|location|find-us|directions|about|visit", re.IGNORECASE)


class FetchProblem(Exception):
    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


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
        raise FetchProblem(f"the server answered HTTP {status}", status)
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


def profile_of(location: Location) -> Profile:
    return Profile(
        location.title, tuple(location.address_lines or ()), location.locality, location.phone
    )


def collect_website(session: Session, location: Location, settings: Settings) -> dict[str, int]:
    """Audit the location's website (config override, else the profile's) and keep the result."""
    config = settings.location_settings(location.name, location.store_code)
    url = (config.website if config and config.website else None) or location.website
    if not url:
        return {"audits": 0}
    result = audit_url(url, profile_of(location))
    unreachable_site = any(f.check == "reachable" for f in result.findings)
    session.add(
        SiteAudit(
            location_id=location.id,
            url=url,
            fetched_at=utcnow(),
            status="unreachable" if unreachable_site else "ok",
            score=result.score,
            findings=[asdict(f) for f in result.findings],
        )
    )
    return {"audits": 1, "score": result.score, "findings": len(result.findings)}


def audit_url(url: str, profile: Profile, session: requests.Session | None = None) -> AuditResult:
    """Audit the home page, read up to four internal pages (contact and location pages first)
    for the name, address and phone, and check the other internal links for dead ends."""
    session = session or requests.Session()
    try:
        home = fetch(url, session)
    except FetchProblem as exc:
        return unreachable(url, str(exc))
    links = sorted(internal_links(home), key=lambda link: PRIORITY.search(link) is None)
    others, broken = [], []
    for link in links[: MAX_PAGES - 1]:
        try:
            others.append(fetch(link, session))
        except FetchProblem as exc:
            if exc.status is not None:
                broken.append((link, f"HTTP {exc.status}"))
    for link in links[MAX_PAGES - 1 : MAX_LINK_CHECKS]:
        status = _status(link, session)
        if status is not None and status >= 400:
            broken.append((link, f"HTTP {status}"))
    return audit_page(home, profile, others, broken)


def internal_links(page: PageFacts) -> list[str]:
    """Links to other pages of the same site, once each, without fragments."""
    host = urlsplit(page.url).netloc
    found: dict[str, None] = {}
    for anchor in BeautifulSoup(page.html, "html.parser").find_all("a", href=True):
        link = urljoin(page.url, str(anchor["href"])).split("#", 1)[0]
        parts = urlsplit(link)
        if parts.scheme in ("http", "https") and parts.netloc == host and link != page.url:
            found[link] = None
    return list(found)


def _status(link: str, session: requests.Session) -> int | None:
    try:
        response = session.head(link, timeout=TIMEOUT, allow_redirects=True)
    except requests.RequestException:
        return None  # unreachable for a moment is not "broken"
    return response.status_code
