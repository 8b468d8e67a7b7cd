"""The profile guard's database steps: compare what a locations sync read with what the last
one saw, record each change, and queue its alert email in the same transaction (so a change
is alerted exactly once, like a negative review).

The first sync of a location records no change (there is nothing to compare with) but does
record the values Google shows instead of the owner's: those need a look whenever first seen.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from seo_monitor.alerts.content import alert_recipients
from seo_monitor.alerts.outbox import enqueue
from seo_monitor.config import Settings
from seo_monitor.errors import UserError
from seo_monitor.links import PROFILE_MANAGER_URL
from seo_monitor.models import Location, ProfileChange, ProfileState
from seo_monitor.profile_guard.fields import READINGS, READINGS_KEY, WATCHED, comparable, shown

ALERT_KIND = "profile"


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Watched fields both reads carry whose values differ, in the profile's order. A field
    the last sync did not keep is no change: before the guard read absent fields as empty, it
    kept only the fields Google sent, so the first sync after that upgrade must not report
    every empty field as just removed."""
    return [f for f in WATCHED if f in before and f in after and before[f] != after[f]]


def new_google_values(known: dict[str, Any], google: dict[str, Any]) -> list[str]:
    """Fields where Google now shows a value it did not show at the last sync."""
    return [f for f in WATCHED if f in google and known.get(f, object()) != google[f]]


def observe(
    session: Session,
    settings: Settings,
    location: Location,
    current: dict[str, Any],
    google: dict[str, Any],
    pending: list[Any],
    now: datetime,
) -> int:
    """Record what changed since the last sync, keep this sync's view, queue the alerts;
    returns how many changes were recorded."""
    state = session.get(ProfileState, location.id)
    changes: list[ProfileChange] = []
    if state is None:
        state = ProfileState(location_id=location.id, fields={}, google={}, pending=[])
        session.add(state)
    kept = comparable(state.fields)
    changes += [
        ProfileChange(
            location_id=location.id,
            field=f,
            source="profile",
            before=kept[f],
            after=current[f],
            seen_at=now,
        )
        for f in changed_fields(kept, current)
    ]
    known = comparable({**state.google, READINGS_KEY: state.fields.get(READINGS_KEY)})
    changes += [
        ProfileChange(
            location_id=location.id,
            field=f,
            source="google",
            before=current.get(f, kept.get(f)),
            after=google[f],
            seen_at=now,
        )
        for f in new_google_values(known, google)
        if f in known or f not in state.google  # one kept by an older reading: no news
    ]
    # Google's own value now in the owner's data (an update accepted or applied): recorded,
    # but its alert went out when Google began to show it.
    alerted_before = {
        id(c)
        for c in changes
        if c.source == "profile" and c.field in known and known[c.field] == c.after
    }
    state.fields = {**kept, **current, READINGS_KEY: READINGS}
    state.google, state.pending, state.checked_at = google, pending, now
    session.add_all(changes)
    session.flush()  # the changes' ids key their emails
    news = [c for c in changes if id(c) not in alerted_before]
    queue_alerts(session, settings, location, news, now)
    return len(changes)


def queue_alerts(
    session: Session,
    settings: Settings,
    location: Location,
    changes: list[ProfileChange],
    now: datetime,
) -> int:
    """Queue an email per recipient for each change of a field in `profile_guard.alert_fields`,
    when each recipient's mode says (weekly recipients: the digest only)."""
    wanted = set(settings.profile_guard.alert_fields)
    people = alert_recipients(settings, location, now)
    added = 0
    for change in (c for c in changes if c.field in wanted):
        payload = alert_payload(location, change)
        for person, due in people:
            key = f"profile:{change.id}:{person}"
            added += enqueue(session, key, ALERT_KIND, person, payload, due)
    return added


def mark_reviewed(
    session: Session, change_ids: list[int], who: str, now: datetime
) -> list[ProfileChange]:
    """Mark profile changes as looked at by `who` (made by us, corrected on Google, or accepted):
    the digest lists them no more. Returns those newly marked; one marked already keeps who
    marked it first. An id that is no change is a UserError, and nothing is marked."""
    who = " ".join(who.split())[:100]
    if not who:
        raise UserError("say who reviewed the change")
    changes = [session.get(ProfileChange, change_id) for change_id in change_ids]
    unknown = [str(i) for i, change in zip(change_ids, changes, strict=True) if change is None]
    if unknown:
        raise UserError(f"there is no profile change #{', #'.join(unknown)}")
    marked = []
    for change in changes:
        if change is not None and change.reviewed_at is None:
            change.reviewed_at, change.reviewed_by = now, who
            marked.append(change)
    return marked


def alert_payload(location: Location, change: ProfileChange) -> dict[str, Any]:
    return {
        "location": location.title,
        "field": WATCHED[change.field],
        "source": change.source,
        "before": shown(change.field, change.before),
        "after": shown(change.field, change.after),
        "seen": change.seen_at.isoformat(),
        "maps_url": location.maps_uri,
        "manage_url": PROFILE_MANAGER_URL,
    }
