"""The profile guard as the Profile changes page, the digest and `seo-monitor profile changes`
show it: each change with its before and after, the values Google shows today instead of
the owner's, and the owners' edits Google has not published yet."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, true
from sqlalchemy.orm import Session

from seo_monitor.models import Location, ProfileChange, ProfileState
from seo_monitor.profile_guard import WATCHED, shown
from seo_monitor.queries.common import LocationIds, Period, in_locations


@dataclass(frozen=True)
class ProfileChangeRow:
    seen_at: datetime
    location: str
    field: str  # its label
    source: str  # "profile" or "google"
    before: str
    after: str
    id: int = 0
    reviewed_at: datetime | None = None
    reviewed_by: str | None = None


@dataclass(frozen=True)
class GoogleUpdate:
    """A value Google shows on Maps and Search today that is not the owner's."""

    location: str
    field: str
    yours: str
    google: str
    maps_url: str | None


def select_profile_changes(
    session: Session, location_ids: LocationIds, period: Period, unreviewed: bool = False
) -> list[ProfileChangeRow]:
    """The changes seen in the period (only those no one marked as reviewed, with
    `unreviewed`), newest first."""
    rows = session.execute(
        select(ProfileChange, Location.title)
        .join(Location, Location.id == ProfileChange.location_id)
        .where(
            ProfileChange.seen_at >= period.start_time,
            ProfileChange.seen_at < period.end_time,
            in_locations(ProfileChange.location_id, location_ids),
            ProfileChange.reviewed_at.is_(None) if unreviewed else true(),
        )
        .order_by(ProfileChange.seen_at.desc(), Location.title, ProfileChange.id)
    )
    return [
        ProfileChangeRow(
            change.seen_at,
            title,
            WATCHED.get(change.field, change.field),
            change.source,
            shown(change.field, change.before),
            shown(change.field, change.after),
            change.id,
            change.reviewed_at,
            change.reviewed_by,
        )
        for change, title in rows
    ]


@dataclass(frozen=True)
class PendingEdit:
    """An owner's edit Google has not published yet (still in its review), as of the last
    locations sync: Maps and Search show another value until it is."""

    location: str
    field: str
    yours: str  # the edit, as the owner's data has it
    shown: str  # what Maps and Search show until Google publishes it
    checked_at: datetime | None


def select_pending_edits(session: Session, location_ids: LocationIds) -> list[PendingEdit]:
    """The owners' edits waiting for Google's review (`metadata.hasPendingEdits`,
    `pendingMask`), as of each location's last sync."""
    rows = session.execute(
        select(ProfileState, Location)
        .join(Location, Location.id == ProfileState.location_id)
        .where(Location.active.is_(True), in_locations(ProfileState.location_id, location_ids))
        .order_by(Location.title)
    )
    found = []
    for state, location in rows:
        entries = [e if isinstance(e, list) else [e, None] for e in state.pending or []]
        for name, on_maps in sorted(entries, key=lambda entry: _order(str(entry[0]))):
            field = str(name)
            found.append(
                PendingEdit(
                    location.title,
                    WATCHED.get(field, field),
                    shown(field, state.fields.get(field)),
                    shown(field, on_maps) if on_maps is not None else "(not known)",
                    state.checked_at,
                )
            )
    return found


def select_google_updates(session: Session, location_ids: LocationIds) -> list[GoogleUpdate]:
    """What Google shows instead of the owner's values, as of each location's last sync."""
    rows = session.execute(
        select(ProfileState, Location)
        .join(Location, Location.id == ProfileState.location_id)
        .where(Location.active.is_(True), in_locations(ProfileState.location_id, location_ids))
        .order_by(Location.title)
    )
    return [
        GoogleUpdate(
            location.title,
            WATCHED.get(field, field),
            shown(field, state.fields.get(field)),
            shown(field, value),
            location.maps_uri,
        )
        for state, location in rows
        for field, value in sorted(state.google.items(), key=lambda item: _order(item[0]))
    ]


def _order(field: str) -> int:
    return list(WATCHED).index(field) if field in WATCHED else len(WATCHED)


def select_profiles_watched(session: Session) -> int:
    """Locations the guard has looked at: none before the first locations sync."""
    return int(session.scalar(select(func.count()).select_from(ProfileState)) or 0)
