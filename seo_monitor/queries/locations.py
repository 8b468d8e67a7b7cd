"""Choosing locations by what a person typed: one implementation for every command and job."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from seo_monitor.config import Settings
from seo_monitor.errors import UserError
from seo_monitor.models import Account, Location
from seo_monitor.queries.common import LocationIds, in_locations


def select_locations(
    session: Session, wanted: str | None = None, settings: Settings | None = None
) -> list[Location]:
    """Active locations; `wanted` (a Google name, store code or id) narrows to one, and a
    `wanted` that matches nothing is an error that says what to give instead.

    With `settings`, locations switched off in config.toml ([[locations]] enabled = false) are
    left out: what collectors, imports and scoring work on. Without, every active location:
    a poster or a report can still be made for a location that is not collected.
    """
    query = select(Location).where(Location.active.is_(True)).order_by(Location.id)
    if wanted:
        conditions = [Location.name == wanted, Location.store_code == wanted]
        if wanted.isdigit():
            conditions.append(Location.id == int(wanted))
        query = query.where(or_(*conditions))
    locations = list(session.scalars(query))
    if wanted and not locations:
        raise UserError(
            f"no active location matches {wanted!r} (use its Google name "
            "locations/…, its store code or its id; `seo-monitor status` lists them)"
        )
    if settings is None:
        return locations
    return [location for location in locations if _enabled(settings, location)]


def _enabled(settings: Settings, location: Location) -> bool:
    configured = settings.location_settings(location.name, location.store_code)
    return configured is None or configured.enabled


def select_locations_by_id(session: Session, ids: LocationIds) -> list[Location]:
    """The locations with these ids (every location for None), in title order."""
    query = select(Location).where(in_locations(Location.id, ids)).order_by(Location.title)
    return list(session.scalars(query))


def select_group(session: Session, wanted: str) -> tuple[str, list[Location]]:
    """A location group (a Google account: its name accounts/…, its display name or its id)
    and its active locations; a `wanted` that matches no group is an error."""
    conditions = [Account.name == wanted, Account.account_name == wanted]
    if wanted.isdigit():
        conditions.append(Account.id == int(wanted))
    account = session.scalars(select(Account).where(or_(*conditions))).first()
    if account is None:
        known = ", ".join(
            f"{a.account_name or a.name} ({a.name})" for a in session.scalars(select(Account))
        )
        raise UserError(f"no location group matches {wanted!r} (groups: {known or 'none yet'})")
    locations = session.scalars(
        select(Location)
        .where(Location.account_id == account.id, Location.active.is_(True))
        .order_by(Location.title)
    )
    return account.account_name or account.name, list(locations)
