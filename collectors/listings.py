"""The weekly listings check: each listing page fetched as the website audit fetches (robots.txt
honoured, seo-monitor's own user agent, size and time limits, internal addresses refused), read
and compared with the Google profile.

A site that refuses robots or shows a bot wall is "blocked", never guessed at: the Listings page
links the listing so a person can look. A page that answers but shows nothing readable (built
by script) is "unreadable"; a page gone or a site down is "unreachable".
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from collectors.fetch import Fetcher, FetchPolicy, FetchProblem
from collectors.website import allowed_by_robots, fetch, profile_of
from seo_monitor.config import Settings
from seo_monitor.listings import Verdict, compare, looks_blocked, read_listing
from seo_monitor.listings.store import configured_listings, save_check
from seo_monitor.models import Listing, Location, ProfileState
from seo_monitor.website import Profile

# Answers that mean "not for robots" rather than "not there": a bot wall, a login wall.
BLOCKING_STATUSES = {401, 403, 405, 406, 429, 451, 999}
ROBOTS_REFUSAL = "robots.txt asks crawlers like seo-monitor not to read this page"


def check_listing(
    listing: Listing, location: Location, policy: FetchPolicy, profile: Profile | None = None
) -> tuple[Verdict, tuple[float | None, int | None], str | None]:
    """(the verdict, the rating and review count shown, why it could not be read), against
    `profile` (by default the location's)."""
    profile = profile or profile_of(location)
    fetcher = Fetcher(policy)
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
    session: Session, location: Location, settings: Settings, now: datetime
) -> dict[str, int]:
    """Check every listing of the location; counts by status."""
    configured_listings(session, settings, location, prune=True)
    listings = session.scalars(
        select(Listing).where(Listing.location_id == location.id).order_by(Listing.id)
    ).all()
    policy = FetchPolicy.from_settings(settings)
    profile = listing_profile(session, location)
    counts = {"listings": len(listings)}
    for listing in listings:
        verdict, rating, problem = check_listing(listing, location, policy, profile)
        save_check(session, listing, verdict, now, rating, problem)
        counts[verdict.status] = counts.get(verdict.status, 0) + 1
    return counts
