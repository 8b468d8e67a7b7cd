"""Listings as the Listings page, the digest and `seo-monitor listings list` show them: each
listing with its last check, and the ratings the listings showed over time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from seo_monitor.models import Listing, ListingCheck, Location
from seo_monitor.queries.common import LocationIds, in_locations

STATUS_ORDER = ("mismatch", "unreachable", "blocked", "unreadable", "consistent", None)


@dataclass(frozen=True)
class ListingRow:
    id: int
    location: str
    site: str
    url: str
    added_by: str
    checked_at: datetime | None  # None: not checked yet
    status: str | None
    mismatches: list[dict[str, str]]
    shown: dict[str, str]
    problem: str | None
    rating: float | None
    review_count: int | None


@dataclass(frozen=True)
class ListingRating:
    checked_at: datetime
    location: str
    site: str
    rating: float
    review_count: int | None


def select_listings(session: Session, location_ids: LocationIds) -> list[ListingRow]:
    """Every listing with its newest check, those needing a look first."""
    newest = (
        select(ListingCheck.listing_id, func.max(ListingCheck.id).label("check_id"))
        .group_by(ListingCheck.listing_id)
        .subquery()
    )
    rows = session.execute(
        select(Listing, Location.title, ListingCheck)
        .join(Location, Location.id == Listing.location_id)
        .outerjoin(newest, newest.c.listing_id == Listing.id)
        .outerjoin(ListingCheck, ListingCheck.id == newest.c.check_id)
        .where(Location.active.is_(True), in_locations(Listing.location_id, location_ids))
        .order_by(Location.title, Listing.site, Listing.id)
    )
    found = [
        ListingRow(
            listing.id,
            title,
            listing.site,
            listing.url,
            listing.added_by,
            check.checked_at if check else None,
            check.status if check else None,
            list(check.mismatches) if check else [],
            dict(check.shown) if check else {},
            check.problem if check else None,
            check.rating if check else None,
            check.review_count if check else None,
        )
        for listing, title, check in rows
    ]
    return sorted(found, key=lambda row: STATUS_ORDER.index(row.status))


def select_listing_ratings(session: Session, location_ids: LocationIds) -> list[ListingRating]:
    """Each rating a listing showed, oldest first: the page draws them beside Google's."""
    rows = session.execute(
        select(ListingCheck, Listing.site, Location.title)
        .join(Listing, Listing.id == ListingCheck.listing_id)
        .join(Location, Location.id == Listing.location_id)
        .where(ListingCheck.rating.is_not(None), in_locations(Listing.location_id, location_ids))
        .order_by(ListingCheck.checked_at)
    )
    return [
        ListingRating(check.checked_at, title, site, check.rating, check.review_count)
        for check, site, title in rows
        if check.rating is not None
    ]
