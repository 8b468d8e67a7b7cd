"""The weekly listings check: each listing page fetched with the website audit's fetcher
(robots.txt honoured, size and time limits, internal addresses refused) under the check's own
user agent, a site's robots.txt read once a run and its pages read with a pause between them,
then read and compared with the Google profile.

A site that refuses robots or shows a bot wall is "blocked", never guessed at: the Listings page
links the listing so a person can look. A page that answers but shows nothing readable (built
by script) is "unreadable"; a page gone or a site down is "unreachable".
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from collectors.fetch import USER_AGENT, Fetched, Fetcher, FetchPolicy, FetchProblem
from collectors.website import allowed_by_robots, fetch, profile_of
from seo_monitor import __version__
from seo_monitor.config import Settings
from seo_monitor.listings import Verdict, compare, looks_blocked, read_listing
from seo_monitor.listings.store import configured_listings, save_check
from seo_monitor.models import Listing, Location, ProfileState
from seo_monitor.website import Profile

# Answers that mean "not for robots" rather than "not there": a bot wall, a login wall.
BLOCKING_STATUSES = {401, 403, 405, 406, 429, 451, 999}
ROBOTS_REFUSAL = "robots.txt asks crawlers like seo-monitor not to read this page"
# The product token ("seo-monitor") is the website audit's, so robots.txt rules for it apply.
LISTINGS_USER_AGENT = (
    f"seo-monitor/{__version__} (listings check: compares a business's name, address and "
    "phone with its Google profile, weekly; +https://github.com/seo-monitor)"
)
MAX_CRAWL_DELAY = 30.0  # seconds: a longer Crawl-delay is honoured up to this


ROBOTS_KEPT = 3_600.0  # seconds a site's robots.txt is reused (RFC 9309 allows a day)


@dataclass
class SiteMemory:
    """What the listings check remembers of each site between listings, and so between the
    locations of one run and the runs that follow: its robots.txt (with when it was read) and
    when it was last asked for anything."""

    robots: dict[str, tuple[float, Any]] = field(default_factory=dict)
    last: dict[str, float] = field(default_factory=dict)


SITES = SiteMemory()  # the process's: the weekly job checks one location after another


class ListingsReader:
    """The listings check's reading of pages: robots.txt read once per site (and reused for
    ROBOTS_KEPT), a pause between two requests to the same site
    (`website.listings_pause_seconds`, or the site's robots.txt Crawl-delay when longer, up to
    MAX_CRAWL_DELAY), and the check's own user agent. Each listing still gets its own time
    budget (`website.site_timeout_seconds`)."""

    def __init__(
        self,
        policy: FetchPolicy,
        pause: float,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        memory: SiteMemory | None = None,
    ) -> None:
        self.policy = replace(policy, user_agent=LISTINGS_USER_AGENT)
        self.pause, self.sleep, self.clock = pause, sleep, clock
        self.memory = memory if memory is not None else SiteMemory()

    @classmethod
    def from_settings(cls, settings: Settings) -> ListingsReader:
        pause = settings.website.listings_pause_seconds
        return cls(FetchPolicy.from_settings(settings), pause, memory=SITES)

    def fetcher(self) -> Fetcher:
        """A fetcher for one listing: its own deadline, the remembered robots.txt, pauses."""
        return PacedFetcher(self)

    def rules(self, site: str) -> Any:
        kept = self.memory.robots.get(site)
        return kept[1] if kept and self.clock() - kept[0] < ROBOTS_KEPT else None

    def delay(self, site: str) -> float:
        rules = self.rules(site)
        asked = rules.crawl_delay(USER_AGENT) if rules is not None else None
        try:
            crawl = float(asked) if asked is not None else 0.0
        except (TypeError, ValueError):
            crawl = 0.0
        return max(self.pause, min(crawl, MAX_CRAWL_DELAY))

    def wait_for(self, url: str) -> float:
        """Sleep until the site may be asked again; how long it slept."""
        site = site_of(url)
        if site not in self.memory.last:
            return 0.0
        waited = min(
            max(0.0, self.memory.last[site] + self.delay(site) - self.clock()), MAX_CRAWL_DELAY
        )
        if waited:
            self.sleep(waited)
        return waited

    def done(self, url: str) -> None:
        self.memory.last[site_of(url)] = self.clock()


class KeptRobots(dict[str, Any]):
    """A fetcher's robots.txt by site (see collectors.website.allowed_by_robots), starting
    from those the reader remembers and remembering those it reads."""

    def __init__(self, reader: ListingsReader) -> None:
        now = reader.clock()
        super().__init__(
            (site, rules)
            for site, (read_at, rules) in reader.memory.robots.items()
            if now - read_at < ROBOTS_KEPT
        )
        self.reader = reader

    def __setitem__(self, site: str, rules: Any) -> None:
        super().__setitem__(site, rules)
        self.reader.memory.robots[site] = (self.reader.clock(), rules)


class PacedFetcher(Fetcher):
    """A fetcher that waits its turn with the site; the wait is not counted against its
    deadline."""

    def __init__(self, reader: ListingsReader) -> None:
        super().__init__(reader.policy, reader.clock)
        self.reader = reader
        self.robots = KeptRobots(reader)

    def get(self, url: str, method: str = "GET") -> Fetched:
        self.deadline += self.reader.wait_for(url)
        try:
            return super().get(url, method)
        finally:
            self.reader.done(url)


def site_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def check_listing(
    listing: Listing,
    location: Location,
    policy: FetchPolicy | ListingsReader,
    profile: Profile | None = None,
) -> tuple[Verdict, tuple[float | None, int | None], str | None]:
    """(the verdict, the rating and review count shown, why it could not be read), against
    `profile` (by default the location's), read by this run's reader (a policy: a reader of
    its own)."""
    profile = profile or profile_of(location)
    reader = policy if isinstance(policy, ListingsReader) else ListingsReader(policy, 0.0)
    fetcher = reader.fetcher()
    try:
        if not allowed_by_robots(listing.url, fetcher):
            return Verdict("blocked"), (None, None), ROBOTS_REFUSAL
        page = fetch(listing.url, fetcher)
    except FetchProblem as exc:
        if exc.status in BLOCKING_STATUSES:
            return Verdict("blocked"), (None, None), f"the site refused the check ({exc})"
        return Verdict("unreachable"), (None, None), str(exc)
    if looks_blocked(page.html):
        return Verdict("blocked"), (None, None), "the site showed a bot check instead of the page"
    facts = read_listing(page.html, profile.region, profile)
    verdict = compare(facts, profile)
    problem = (
        "no name, address or phone on the page (it may be built by a script: check it by hand)"
        if verdict.status == "unreadable"
        else None
    )
    return verdict, (facts.rating, facts.review_count), problem


def listing_profile(session: Session, location: Location) -> Profile:
    """The profile a listing is compared with: the location's name, address and phone, and the
    other phones the profile guard last read (a listing may show one of those)."""
    state = session.get(ProfileState, location.id)
    others = state.fields.get("additional_phones") if state else None
    return replace(
        profile_of(location),
        other_phones=tuple(str(p) for p in others or ()),
        region=location.country or "US",
    )


def collect_listings(
    session: Session,
    location: Location,
    settings: Settings,
    now: datetime,
    reader: ListingsReader | None = None,
) -> dict[str, int]:
    """Check every listing of the location; counts by status. The reader remembers each site
    across locations (`SITES`), so a site listing many of them has its robots.txt read once
    and is paced across them."""
    configured_listings(session, settings, location, prune=True)
    listings = session.scalars(
        select(Listing).where(Listing.location_id == location.id).order_by(Listing.id)
    ).all()
    reader = reader or ListingsReader.from_settings(settings)
    profile = listing_profile(session, location)
    counts = {"listings": len(listings)}
    for listing in listings:
        verdict, rating, problem = check_listing(listing, location, reader, profile)
        save_check(session, listing, verdict, now, rating, problem)
        counts[verdict.status] = counts.get(verdict.status, 0) + 1
    return counts
