"""Fetching a clinic's website for the audit: robots.txt honoured (read once per site), a clear
user agent, deadlines, a size limit, redirects noted, internal addresses refused (see
collectors/fetch.py). Anything that goes wrong becomes a finding ("site unreachable: …"),
never a crash."""

from __future__ import annotations

import re
import urllib.robotparser
from dataclasses import asdict
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup
from sqlalchemy.orm import Session

from collectors.fetch import USER_AGENT, Fetcher, FetchPolicy, FetchProblem
from seo_monitor.config import Settings
from seo_monitor.models import Location, SiteAudit
from seo_monitor.times import utcnow
from seo_monitor.website import AuditResult, Finding, PageFacts, Profile, audit_page, unreachable

__all__ = ["USER_AGENT", "FetchPolicy", "FetchProblem", "audit_site", "audit_url", "fetch"]

MAX_PAGES = 5  # the home page and up to four internal pages, contact and location pages first
MAX_LINK_CHECKS = 30
PRIORITY = re.compile(r"contact|location|find-us|directions|about|visit", re.IGNORECASE)


def allowed_by_robots(url: str, fetcher: Fetcher) -> bool:
    """What the site's robots.txt says of `url`; it is read once per site and audit."""
    parts = urlsplit(url)
    site = f"{parts.scheme}://{parts.netloc}"
    if site not in fetcher.robots:
        fetcher.robots[site] = read_robots(site, fetcher)
    parser = fetcher.robots[site]
    return parser is None or parser.can_fetch(USER_AGENT, url)


def read_robots(site: str, fetcher: Fetcher) -> urllib.robotparser.RobotFileParser | None:
    """The site's rules; None when it has none it can serve (nothing forbids then). A robots.txt
    too slow to answer stops the audit, as it stops search engines."""
    try:
        response = fetcher.get(f"{site}/robots.txt")
    except FetchProblem as exc:
        if exc.slow:
            raise FetchProblem(f"robots.txt {exc}", slow=True) from None
        return None
    if response.status >= 400:
        return None
    parser = urllib.robotparser.RobotFileParser()
    parser.parse(response.body.decode("utf-8", errors="replace").splitlines())
    return parser


def fetch(url: str, fetcher: Fetcher) -> PageFacts:
    if not urlsplit(url).scheme:
        url = f"https://{url}"
    if not allowed_by_robots(url, fetcher):
        raise FetchProblem("robots.txt asks crawlers like seo-monitor not to read this page")
    response = fetcher.get(url)
    if response.status >= 400:
        raise FetchProblem(f"the server answered HTTP {response.status}", response.status)
    content_type = response.headers.get("Content-Type", "")
    if "html" not in content_type.lower():
        raise FetchProblem(f"the page is not HTML ({content_type or 'no content type'})")
    # The declared charset; pages that declare none are read as UTF-8, bad bytes replaced.
    encoding = response.headers.get_content_charset() or "utf-8"
    try:
        html = response.body.decode(encoding, errors="replace")
    except LookupError:  # a charset Python does not know
        html = response.body.decode("utf-8", errors="replace")
    from_http = any(urlsplit(hop).scheme == "http" for hop in response.hops)
    return PageFacts(
        response.url,
        response.status,
        html,
        response.seconds,
        len(response.body),
        redirected_from_http=from_http and response.url.startswith("https"),
    )


def profile_of(location: Location) -> Profile:
    return Profile(
        location.title, tuple(location.address_lines or ()), location.locality, location.phone
    )


def collect_website(session: Session, location: Location, settings: Settings) -> dict[str, int]:
    """Audit the location's website (config override, else the profile's) and keep the result;
    each site gets the audit's time budget (`[website] site_timeout_seconds`)."""
    config = settings.location_settings(location.name, location.store_code)
    url = (config.website if config and config.website else None) or location.website
    if not url:
        return {"audits": 0}
    result = audit_site(url, settings, profile_of(location))
    session.add(
        SiteAudit(
            location_id=location.id,
            url=url,
            fetched_at=utcnow(),
            status="ok" if result.score is not None else "unreachable",
            score=result.score,
            findings=[asdict(f) for f in result.findings],
        )
    )
    if result.score is None:
        return {"audits": 1, "unreachable": 1}
    return {"audits": 1, "score": result.score, "findings": len(result.findings)}


def audit_site(url: str, settings: Settings, profile: Profile | None = None) -> AuditResult:
    """Audit any site (a location's, a competitor's) with the configured limits and allowed
    hosts: what the CLI, the weekly job and the dashboard call."""
    return audit_url(url, profile or Profile(), FetchPolicy.from_settings(settings))


def audit_url(url: str, profile: Profile, policy: FetchPolicy | None = None) -> AuditResult:
    """Audit the home page, read up to four internal pages (contact and location pages first)
    for the name, address and phone, and check the other internal links for dead ends; all
    within the site's time budget. Without a policy: the defaults, public sites only."""
    fetcher = Fetcher(policy or FetchPolicy())
    try:
        home = fetch(url, fetcher)
    except FetchProblem as exc:
        return unreachable(url, str(exc))
    links = sorted(internal_links(home), key=lambda link: PRIORITY.search(link) is None)
    others, broken, unread = [], [], []
    for link in links[: MAX_PAGES - 1]:
        try:
            others.append(fetch(link, fetcher))
        except FetchProblem as exc:
            if exc.status is not None:
                broken.append((link, f"HTTP {exc.status}"))
            elif exc.slow:
                unread.append(link)
    for link in links[MAX_PAGES - 1 : MAX_LINK_CHECKS]:
        if fetcher.out_of_time():
            unread.append(link)
            continue
        status = _status(link, fetcher)
        if status is not None and status >= 400:
            broken.append((link, f"HTTP {status}"))
    return audit_page(home, profile, others, broken, too_slow(unread, fetcher.policy))


def too_slow(unread: list[str], policy: FetchPolicy) -> list[Finding]:
    if not unread:
        return []
    pages = f"{len(unread)} of the site's pages" if len(unread) > 1 else "One of the site's pages"
    return [
        Finding(
            "speed",
            "medium",
            f"{pages} could not be read in time ({policy.request_seconds:g} s a page, "
            f"{policy.site_seconds:g} s for the site): {unread[0]}"
            + (f" and {len(unread) - 1} more" if len(unread) > 1 else "")
            + ".",
            "Make every page answer in a few seconds: patients and Google give up on slow pages.",
        )
    ]


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


def _status(link: str, fetcher: Fetcher) -> int | None:
    try:
        return fetcher.get(link, "HEAD").status
    except FetchProblem:
        return None  # unreachable for a moment is not "broken"
