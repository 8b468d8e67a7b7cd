"""Which link a location's review request points at."""

from __future__ import annotations

from urllib.parse import quote

from seo_monitor.config import Settings
from seo_monitor.errors import UserError
from seo_monitor.models import Location

# A printed code must stay easy to scan from a waiting-room wall: past this the modules get small.
MAX_LINK_CHARS = 600


def review_link(location: Location, configured: str | None = None) -> str:
    """Google's newReviewUri, else the writereview link made from the place ID, else the link
    configured for the location (another review site)."""
    link = location.new_review_uri or (
        f"https://search.google.com/local/writereview?placeid={quote(location.place_id, safe='')}"
        if location.place_id
        else configured
    )
    if not link:
        raise UserError(
            f"{location.title} has no review link yet: run `seo-monitor collect locations` so "
            "Google's review link is stored, or set review_link under the location's "
            "[[locations]] table in config.toml"
        )
    return checked_link(link)


def checked_link(link: str) -> str:
    if not link.startswith(("https://", "http://")):
        raise UserError(f"the review link must start with https:// (got {link[:60]!r})")
    if len(link) > MAX_LINK_CHARS:
        raise UserError(
            f"the review link is {len(link)} characters; a printed code stays easy to scan up "
            f"to {MAX_LINK_CHARS}: use Google's short review link (newReviewUri) instead"
        )
    return link


def location_review_link(settings: Settings, location: Location) -> str:
    """The location's review link, or its [[locations]] review_link when Google has none."""
    config = settings.location_settings(location.name, location.store_code)
    return review_link(location, config.review_link if config else None)
