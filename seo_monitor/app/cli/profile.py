"""The profile guard: `seo-monitor profile changes` and `seo-monitor profile review`."""

from __future__ import annotations

import getpass
from datetime import date, datetime, timedelta

import click

from seo_monitor.app.cli.app import DAY, AppContext, cli, open_database, pass_app
from seo_monitor.db import session_factory
from seo_monitor.errors import UserError
from seo_monitor.links import PROFILE_MANAGER_URL
from seo_monitor.profile_guard.store import mark_reviewed
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
@click.option("--unreviewed", is_flag=True, help="Only changes no one has marked as reviewed.")
@pass_app
def profile_changes(
    app: AppContext, wanted: str | None, since: datetime | None, unreviewed: bool
) -> None:
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
        changes = select_profile_changes(session, ids, Period(start, today), unreviewed)
    click.echo(describe_updates(updates))
    if pending:
        click.echo(describe_pending(pending))
    click.echo(describe_changes(changes, start, unreviewed))


@profile_group.command("review")
@click.argument("change_ids", metavar="ID...", nargs=-1, type=int, required=True)
@click.option("--as", "actor", default=getpass.getuser, help="Who reviewed it.")
@pass_app
def profile_review(app: AppContext, change_ids: tuple[int, ...], actor: str) -> None:
    """Mark profile changes as reviewed (made by us, corrected or accepted on Google): the
    weekly digest lists them no more. The IDs are those `profile changes` shows."""
    with session_factory(open_database(app.settings)).begin() as session:
        marked = mark_reviewed(session, list(change_ids), actor, utcnow())
        done = {change.id for change in marked}
    for change_id in change_ids:
        state = "marked as reviewed" if change_id in done else "was reviewed already"
        click.echo(f"Change #{change_id} {state}.")


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


def describe_changes(changes: list[ProfileChangeRow], start: date, unreviewed: bool = False) -> str:
    kind = "unreviewed profile changes" if unreviewed else "profile changes"
    if not changes:
        return f"No {kind} since {start}."
    lines = [f"{kind.capitalize()} since {start}, newest first (mark one: profile review ID):"]
    for c in changes:
        who = "shown by Google" if c.source == "google" else "on the profile"
        reviewed = f", reviewed by {c.reviewed_by}" if c.reviewed_at else ""
        lines.append(
            f"  #{c.id}  {c.seen_at:%Y-%m-%d %H:%M}  {c.location} - {c.field}: {c.before} -> "
            f"{c.after}  ({who}{reviewed})"
        )
    return "\n".join(lines)
