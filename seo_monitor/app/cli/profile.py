"""The profile guard: `seo-monitor profile changes`."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import click

from seo_monitor.app.cli.app import DAY, AppContext, cli, open_database, pass_app
from seo_monitor.db import session_factory
from seo_monitor.errors import UserError
from seo_monitor.links import PROFILE_MANAGER_URL
from seo_monitor.queries import (
    GoogleUpdate,
    PendingEdit,
    Period,
    ProfileChangeRow,
    select_google_updates,
    select_locations,
    select_pending_edits,
    select_profile_changes,
)
from seo_monitor.times import utcnow

DEFAULT_DAYS = 30


@cli.group("profile")
def profile_group() -> None:
    """The profile guard: changes to the Business Profiles, and what Google shows instead."""


@profile_group.command("changes")
@click.option("--location", "wanted", help="Only this location (store code, name, id).")
@click.option("--since", type=DAY, help=f"From this day (default: {DEFAULT_DAYS} days ago).")
@pass_app
def profile_changes(app: AppContext, wanted: str | None, since: datetime | None) -> None:
    """What changed on each Business Profile since a day, as the locations syncs saw it, and
    the values Google shows today instead of the owner's (accept or keep them on Google)."""
    today = utcnow().date()
    start = since.date() if since else today - timedelta(days=DEFAULT_DAYS)
    if start > today:
        raise UserError(f"--since {start} is in the future")
    with session_factory(open_database(app.settings))() as session:
        ids = [loc.id for loc in select_locations(session, wanted)] if wanted else None
        updates = select_google_updates(session, ids)
        pending = select_pending_edits(session, ids)
        changes = select_profile_changes(session, ids, Period(start, today))
    click.echo(describe_updates(updates))
    if pending:
        click.echo(describe_pending(pending))
    click.echo(describe_changes(changes, start))


def describe_updates(updates: list[GoogleUpdate]) -> str:
    if not updates:
        return "Google shows every profile as its owner wrote it."
    lines = [f"Google shows its own values (accept or keep yours: {PROFILE_MANAGER_URL}):"]
    lines += [f"  {u.location} - {u.field}: {u.google}  (yours: {u.yours})" for u in updates]
    return "\n".join(lines)


def describe_pending(pending: list[PendingEdit]) -> str:
    lines = ["Your edits waiting for Google's review (Maps and Search show the old value):"]
    lines += [f"  {p.location} - {p.field}: {p.yours}  (still shown: {p.shown})" for p in pending]
    return "\n".join(lines)


def describe_changes(changes: list[ProfileChangeRow], start: date) -> str:
    if not changes:
        return f"No profile changes since {start}."
    lines = [f"Changes since {start}, newest first:"]
    for c in changes:
        who = "shown by Google" if c.source == "google" else "on the profile"
        lines.append(
            f"  {c.seen_at:%Y-%m-%d %H:%M}  {c.location} - {c.field}: {c.before} -> {c.after}"
            f"  ({who})"
        )
    return "\n".join(lines)
