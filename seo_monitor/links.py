"""Links in emails: to the review in the dashboard when it has an address people can open, and
to where the owner manages the Business Profile."""

from __future__ import annotations

from seo_monitor.config import Settings

PUBLIC_URL_HINT = (
    "set public_url under [dashboard] in config.toml to the address the dashboard opens at "
    "from other devices (e.g. https://seo.example-clinic.com)"
)


def public_address(settings: Settings) -> str | None:
    """dashboard.public_url; alerts.dashboard_url is its older name. Unset: no dashboard
    links, since the dashboard's own address (localhost) opens on no one else's phone."""
    url = settings.dashboard.public_url or settings.alerts.dashboard_url
    return url.rstrip("/") if url else None


def review_link(settings: Settings, review_id: int) -> str | None:
    """The Reviews page opened at one review."""
    address = public_address(settings)
    return f"{address}/reviews?review={review_id}" if address else None


# Where an owner or manager edits the Business Profile and reviews the changes Google
# suggests ("Google updates"): Business Profile Manager, which forwards to the profile's
# editor on Google Search for a single profile.
PROFILE_MANAGER_URL = "https://business.google.com/locations"
