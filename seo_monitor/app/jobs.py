"""The pipeline: which collectors exist, what runs after each, and running them for the
configured locations (`seo-monitor collect` and the scheduler both call `collect`).

`COLLECTORS` is the one registry: its order is the order they run in, its names are the CLI's
and the collector_runs rows', and `schedule_key` names the [scheduler] setting of each.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from collectors.competitors import collect_competitors
from collectors.google_client import GoogleClient, load_credentials
from collectors.keywords import collect_keywords
from collectors.listings import collect_listings
from collectors.locations import collect_locations, read_profiles
from collectors.metrics import collect_metrics
from collectors.rankings import collect_rankings, provider_for
from collectors.reviews import collect_reviews
from collectors.search_console import collect_search_console
from collectors.website import collect_website
from seo_monitor.alerts.content import queue_negative_alerts
from seo_monitor.app.runs import RunSummary, run_recorded
from seo_monitor.config import Settings
from seo_monitor.models import Location
from seo_monitor.profile_guard.store import observe
from seo_monitor.queries import select_locations
from seo_monitor.replies import follow_pending
from seo_monitor.sentiment.store import rules_from, score_location
from seo_monitor.times import utcnow

log = logging.getLogger(__name__)


# One collector's work: for one location, or (location None) once for every account.
Work = Callable[[Any, Session, Location | None, datetime], dict[str, int]]


@dataclass(frozen=True)
class Collector:
    name: str
    per_location: bool  # once per location, or once for every account
    in_all: bool  # part of `collect all`; scans and audits cost calls, so they run when asked
    summary: str
    work: Callable[[Settings], Work]
    # Runs once the collector has been through every location (a live Google client only).
    after: Callable[[sessionmaker[Session], Any], None] | None = None
    sends_email: bool = False  # the scheduler sends what it queued right away
    # The setting that switches it off ("section.key", a boolean); off: not scheduled or run.
    switch: str | None = None

    def enabled(self, settings: Settings) -> bool:
        if self.switch is None:
            return True
        section, key = self.switch.split(".")
        return bool(getattr(getattr(settings, section), key))

    @property
    def schedule_key(self) -> str:
        """Its [scheduler] setting: `search-console` -> `search_console`."""
        return self.name.replace("-", "_")


def _per_location(function: Callable[..., dict[str, int]]) -> Callable[[Settings], Work]:
    """Collectors shaped (client, session, location, now)."""

    def make(_settings: Settings) -> Work:
        def work(
            client: Any, session: Session, location: Location | None, now: datetime
        ) -> dict[str, int]:
            assert location is not None
            return function(client, session, location, now)

        return work

    return make


def _locations(settings: Settings) -> Work:
    """The accounts' locations, then the profile guard's look at each (its alerts are queued
    in the same transaction)."""

    def work(
        client: Any, session: Session, _location: Location | None, now: datetime
    ) -> dict[str, int]:
        counts, raw_by_name = collect_locations(client, session, now)
        # Locations switched off in config.toml are listed but not watched.
        watched = {loc.name for loc in select_locations(session, settings=settings)}
        raw_by_name = {name: raw for name, raw in raw_by_name.items() if name in watched}
        views, counts["google_updates_unread"] = read_profiles(client, session, raw_by_name)
        counts["profile_changes"] = sum(
            observe(session, settings, v.location, v.watched, v.google, v.pending, now)
            for v in views
        )
        return counts

    return work


def _reviews_then_scores(settings: Settings) -> Work:
    """Save the location's reviews, score the new and changed ones, and queue alerts for new
    negative ones — one transaction, so none of it happens without the rest."""
    rules = rules_from(settings)

    def work(
        client: Any, session: Session, location: Location | None, now: datetime
    ) -> dict[str, int]:
        assert location is not None
        counts = collect_reviews(client, session, location, now)
        counts["scored"] = score_location(session, location.id, rules)
        alerts = queue_negative_alerts(session, settings, location, now)
        if alerts:
            counts["alerts"] = alerts
        return counts

    return work


def _follow_replies(sessions: sessionmaker[Session], client: Any) -> None:
    """Replies posted from seo-monitor wait for Google's moderation; record the verdicts."""
    follow_pending(sessions, client)


def _rankings(settings: Settings) -> Work:
    def work(
        client: Any, session: Session, location: Location | None, now: datetime
    ) -> dict[str, int]:
        assert location is not None
        return collect_rankings(
            provider_for(settings, client), client, session, location, now, settings
        )

    return work


def _competitors(settings: Settings) -> Work:
    return lambda client, session, _location, now: collect_competitors(
        client, session, settings, now
    )


def _website(settings: Settings) -> Work:
    def work(
        _client: Any, session: Session, location: Location | None, _now: datetime
    ) -> dict[str, int]:
        assert location is not None
        return collect_website(session, location, settings)

    return work


def _listings(settings: Settings) -> Work:
    def work(
        _client: Any, session: Session, location: Location | None, now: datetime
    ) -> dict[str, int]:
        assert location is not None
        return collect_listings(session, location, settings, now)

    return work


COLLECTORS = (
    Collector(
        "locations",
        False,
        True,
        "the accounts' locations and their details; profile changes and Google's updates",
        _locations,
        sends_email=True,
    ),
    Collector(
        "reviews",
        True,
        True,
        "new and changed reviews, scored; alerts queued for new negative ones",
        _reviews_then_scores,
        after=_follow_replies,
        sends_email=True,
    ),
    Collector("metrics", True, True, "daily profile metrics", _per_location(collect_metrics)),
    Collector("keywords", True, True, "monthly search keywords", _per_location(collect_keywords)),
    Collector("rankings", True, False, "geo-grid map rank scans", _rankings),
    Collector(
        "search-console",
        True,
        False,
        "Search Console positions of the location's site",
        _per_location(collect_search_console),
        switch="google.search_console",
    ),
    Collector("website", True, False, "the website audit", _website),
    Collector(
        "listings",
        True,
        False,
        "name, address and phone on the location's listings, against the profile",
        _listings,
    ),
    Collector("competitors", False, False, "competitors seen in the scans", _competitors),
)
BY_NAME = {collector.name: collector for collector in COLLECTORS}
ALL = [c.name for c in COLLECTORS if c.in_all]


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


def collect(
    settings: Settings,
    sessions: sessionmaker[Session],
    names: Sequence[str],
    client: Any,
    wanted_location: str | None = None,
    now: Callable[[], datetime] = utcnow,
    should_stop: Callable[[], bool] = lambda: False,
) -> list[RunSummary]:
    """Run the named collectors in the registry's order; each location is its own transaction
    and run record. Account-wide collectors are skipped when one location is asked for. An
    error that would fail every location stops that collector; one that would fail every
    collector (the Google connection, the database) stops the run.

    `should_stop` is asked before each location: a stopping scheduler finishes the location it
    is on and leaves the rest to its next run.
    """
    summaries: list[RunSummary] = []
    location_ids: list[int] | None = None
    for collector in (c for c in COLLECTORS if c.name in names and c.enabled(settings)):
        work = collector.work(settings)
        if not collector.per_location:
            if wanted_location is not None:
                continue
            summary = _run(sessions, collector.name, None, work, client, now)
            summaries.append(summary)
            if summary.every_collector:
                return summaries
            continue
        if location_ids is None:  # after `locations` ran: a new location is collected at once
            with sessions() as session:
                chosen = select_locations(session, wanted_location, settings)
                location_ids = [location.id for location in chosen]
        finished = True
        for location_id in location_ids:
            if should_stop():
                log.info(
                    "stopping the %s job before location %s: asked to stop",
                    collector.name,
                    location_id,
                )
                return summaries
            summary = _run(sessions, collector.name, location_id, work, client, now)
            summaries.append(summary)
            if summary.affects_all:
                log.warning("stopping the %s job: the error affects every location", collector.name)
                if summary.every_collector:
                    return summaries
                finished = False
                break
        if finished and collector.after is not None and not client.recorded:
            collector.after(sessions, client)
    return summaries


def _run(
    sessions: sessionmaker[Session],
    name: str,
    location_id: int | None,
    work: Work,
    client: Any,
    now: Callable[[], datetime],
) -> RunSummary:
    def unit(session: Session) -> dict[str, int]:
        location = None if location_id is None else session.get_one(Location, location_id)
        return work(client, session, location, now())

    return run_recorded(sessions, name, location_id, unit, lambda: client.total_calls, now)
