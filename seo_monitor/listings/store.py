"""The listings' database steps: the listings config.toml names, those added on the page, and
each weekly check."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from seo_monitor.config import Settings, listing_url
from seo_monitor.errors import UserError
from seo_monitor.listings.compare import Verdict
from seo_monitor.listings.sites import site_name
from seo_monitor.models import Listing, ListingCheck, Location

FROM_CONFIG = "config.toml"
MAX_PER_LOCATION = 50


def configured_listings(
    session: Session, settings: Settings, location: Location, prune: bool = False
) -> int:
    """Add the listings config.toml names for the location and does not have yet; with
    `prune` (the weekly check), also remove, with their checks, those config.toml no longer
    names, so they stop being checked and shown. Listings added by hand stay. How many were
    added or removed."""
    wanted = settings.location_settings(location.name, location.store_code)
    urls = list(wanted.listings) if wanted else []
    changed = sum(_add(session, location, url, FROM_CONFIG) for url in urls)
    if not prune:
        return changed
    dropped = session.scalars(
        select(Listing).where(
            Listing.location_id == location.id,
            Listing.added_by == FROM_CONFIG,
            Listing.url.not_in(urls),
        )
    ).all()
    for listing in dropped:
        session.delete(listing)
    if dropped:
        session.flush()
    return changed + len(dropped)


def add_listing(session: Session, location: Location, url: str, who: str) -> bool:
    """Add a listing by hand (the page, the CLI); False when the location has it already."""
    try:
        url = listing_url(url.strip())
    except ValueError as exc:
        raise UserError(str(exc)) from None
    count = len(session.scalars(select(Listing.id).where(Listing.location_id == location.id)).all())
    if count >= MAX_PER_LOCATION:
        raise UserError(f"{location.title} has {count} listings already, the most it can have")
    return _add(session, location, url, who) == 1


def _add(session: Session, location: Location, url: str, who: str) -> int:
    found = session.scalars(
        select(Listing).where(Listing.location_id == location.id, Listing.url == url)
    ).first()
    if found is not None:
        return 0
    session.add(Listing(location_id=location.id, url=url, site=site_name(url), added_by=who))
    session.flush()
    return 1


def remove_listing(session: Session, settings: Settings, listing_id: int) -> str:
    """Remove a listing added by hand, with its checks; says what was removed."""
    listing = session.get(Listing, listing_id)
    if listing is None:
        raise UserError(f"there is no listing #{listing_id}")
    if listing.added_by == FROM_CONFIG:
        location = session.get_one(Location, listing.location_id)
        wanted = settings.location_settings(location.name, location.store_code)
        if wanted and listing.url in wanted.listings:
            raise UserError(
                f"listing #{listing_id} comes from config.toml ([[locations]] listings of "
                f"{location.store_code or location.name}): remove it there"
            )
    session.delete(listing)
    return f"{listing.site}: {listing.url}"


def save_check(
    session: Session,
    listing: Listing,
    verdict: Verdict,
    now: datetime,
    rating: tuple[float | None, int | None] = (None, None),
    problem: str | None = None,
) -> ListingCheck:
    check = ListingCheck(
        listing_id=listing.id,
        checked_at=now,
        status=verdict.status,
        shown=verdict.shown,
        mismatches=verdict.mismatches,
        rating=rating[0],
        review_count=rating[1],
        problem=problem,
    )
    session.add(check)
    return check
