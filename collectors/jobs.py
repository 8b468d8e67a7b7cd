"""Run collectors for the configured locations (`seo-monitor collect` and the scheduler)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from sqlalchemy.orm import Session, sessionmaker

from collectors.competitors import collect_competitors
from collectors.google_client import GoogleClient, load_credentials
from collectors.keywords import collect_keywords
from collectors.locations import collect_locations
from collectors.metrics import collect_metrics
from collectors.rankings import collect_rankings, provider_for
from collectors.replies import follow_pending
from collectors.reviews import collect_reviews
from collectors.search_console import collect_search_console
from collectors.website import collect_website
from seo_monitor.alerts.content import queue_negative_alerts
from seo_monitor.models import Location, utcnow
from seo_monitor.queries.common import matching_locations
from seo_monitor.runs import RunSummary, run_recorded
from seo_monitor.scoring import rules_from, score_location
from seo_monitor.settings import Settings

log = logging.getLogger(__name__)


class LocationCollector(Protocol):
    def __call__(
        self, client: GoogleClient, session: Session, location: Location, now: datetime
    ) -> dict[str, int]: ...


PER_LOCATION: dict[str, LocationCollector] = {
    "reviews": collect_reviews,
    "metrics": collect_metrics,
    "keywords": collect_keywords,
}
ALL = ["locations", *PER_LOCATION]
# Asked for by name (and weekly by the scheduler): scans cost calls, so `all` leaves them out.
ON_REQUEST = ["rankings", "competitors", "search-console", "website"]


def reviews_then_scores(settings: Settings) -> LocationCollector:
    """The review job: save the location's reviews, score the new and changed ones, and queue
    alerts for new negative ones — one transaction, so none of it happens without the rest."""
    rules = rules_from(settings)

    def collector(
        client: GoogleClient, session: Session, location: Location, now: datetime
    ) -> dict[str, int]:
        counts = collect_reviews(client, session, location, now)
        counts["scored"] = score_location(session, location.id, rules)
        alerts = queue_negative_alerts(session, settings, location, now)
        if alerts:
            counts["alerts"] = alerts
        return counts

    return collector


def make_client(settings: Settings) -> GoogleClient:
    google = settings.google
    return GoogleClient(
        load_credentials(settings.google_token_file, google.api_root),
        api_root=google.api_root,
        quota_per_minute=google.quota_per_minute,
        timeout=google.request_timeout_seconds,
        max_attempts=google.max_attempts,
        backoff_seconds=google.backoff_seconds,
        places_api_key=(
            google.places_api_key.get_secret_value() if google.places_api_key else None
        ),
    )


def rankings_collector(settings: Settings) -> LocationCollector:
    def collector(
        client: GoogleClient, session: Session, location: Location, now: datetime
    ) -> dict[str, int]:
        provider = provider_for(settings, client)
        return collect_rankings(
            provider, session, location, now, settings, lambda: client.total_calls
        )

    return collector


def select_locations(session: Session, settings: Settings, wanted: str | None) -> list[Location]:
    """Active, enabled locations; `wanted` narrows to one by Google name, store code or id."""
    locations = matching_locations(session, wanted)
    enabled = []
    for location in locations:
        config = settings.location_settings(location.name, location.store_code)
        if config is None or config.enabled:
            enabled.append(location)
    return enabled


def collect(
    settings: Settings,
    sessions: sessionmaker[Session],
    names: list[str],
    client: GoogleClient,
    wanted_location: str | None = None,
    now: Callable[[], datetime] = utcnow,
    should_stop: Callable[[], bool] = lambda: False,
) -> list[RunSummary]:
    """Run the named collectors in order; each location is its own transaction and run record.

    `should_stop` is asked before each location: a stopping scheduler finishes the location it
    is on and leaves the rest to its next run.
    """
    summaries: list[RunSummary] = []
    if "locations" in names and wanted_location is None:
        summary = run_recorded(
            sessions,
            "locations",
            None,
            lambda session: collect_locations(client, session, now()),
            lambda: client.total_calls,
            now,
        )
        summaries.append(summary)
        if summary.affects_all:
            return summaries
    with sessions() as session:
        location_ids = [loc.id for loc in select_locations(session, settings, wanted_location)]
    collectors = {
        **PER_LOCATION,
        "reviews": reviews_then_scores(settings),
        "rankings": rankings_collector(settings),
        "search-console": collect_search_console,
        "website": lambda _client, session, location, _now: collect_website(
            session, location, settings
        ),
    }
    for name in (n for n in names if n in collectors):
        for location_id in location_ids:
            if should_stop():
                log.info("stopping the %s job before location %s: asked to stop", name, location_id)
                return summaries
            summary = run_recorded(
                sessions,
                name,
                location_id,
                _location_work(collectors[name], client, location_id, now),
                lambda: client.total_calls,
                now,
            )
            summaries.append(summary)
            if summary.affects_all:
                log.warning("stopping the %s job: the error affects every location", name)
                return summaries
    if "competitors" in names and wanted_location is None:
        summaries.append(
            run_recorded(
                sessions,
                "competitors",
                None,
                lambda session: collect_competitors(client, session, settings, now()),
                lambda: client.total_calls,
                now,
            )
        )
    if "reviews" in names and isinstance(client, GoogleClient):
        # Replies posted from seo-monitor wait for Google's moderation; record the verdicts.
        follow_pending(sessions, client)
    return summaries


def _location_work(
    collector: LocationCollector,
    client: GoogleClient,
    location_id: int,
    now: Callable[[], datetime],
) -> Callable[[Session], dict[str, int]]:
    def work(session: Session) -> dict[str, int]:
        location = session.get_one(Location, location_id)
        return collector(client, session, location, now())

    return work
