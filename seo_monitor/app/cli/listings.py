"""Listings on other sites: `seo-monitor listings list/add/remove` (the weekly check itself is
`seo-monitor collect listings`)."""

from __future__ import annotations

import click

from seo_monitor.app.cli.app import AppContext, cli, open_database, pass_app
from seo_monitor.db import session_factory
from seo_monitor.listings.store import add_listing, configured_listings, remove_listing
from seo_monitor.queries import ListingRow, select_listings, select_locations

STATUS_WORDS = {
    "consistent": "same as Google",
    "mismatch": "differs from Google",
    "blocked": "blocked by the site: check by hand",
    "unreachable": "could not be read",
    "unreadable": "nothing to read: check by hand",
    None: "not checked yet",
}


@cli.group("listings")
def listings_group() -> None:
    """A location's listings on other sites (Healthgrades, Zocdoc, Yelp…) against Google."""


@listings_group.command("list")
@click.option("--location", "wanted", help="Only this location (store code, name, id).")
@pass_app
def listings_list(app: AppContext, wanted: str | None) -> None:
    """Each listing with what its last weekly check found, those needing a look first."""
    settings = app.settings
    with session_factory(open_database(settings)).begin() as session:
        chosen = select_locations(session, wanted, settings)
        for location in chosen:  # the ones config.toml names, before the first check too
            configured_listings(session, settings, location)
        rows = select_listings(session, [location.id for location in chosen])
    if not rows:
        click.echo(
            "No listings yet: name them under [[locations]] listings in config.toml, or add "
            "one with `seo-monitor listings add LOCATION URL`."
        )
    for row in rows:
        click.echo(describe(row))


def describe(row: ListingRow) -> str:
    when = f" ({row.checked_at:%Y-%m-%d})" if row.checked_at else ""
    lines = [f"#{row.id} {row.location} - {row.site}: {STATUS_WORDS[row.status]}{when}"]
    lines += [f"    {m['field']}: {m['listing']} (Google: {m['google']})" for m in row.mismatches]
    if row.problem:
        lines.append(f"    {row.problem}")
    if row.rating is not None:
        count = f" from {row.review_count:,} reviews" if row.review_count is not None else ""
        lines.append(f"    rated {row.rating:g}{count}")
    lines.append(f"    {row.url}")
    return "\n".join(lines)


@listings_group.command("add")
@click.argument("location")
@click.argument("url")
@click.option("--as", "actor", default="cli", help="Who added it.", show_default=True)
@pass_app
def listings_add(app: AppContext, location: str, url: str, actor: str) -> None:
    """Add a listing of LOCATION (store code, name, id) at URL; the next weekly check reads it."""
    with session_factory(open_database(app.settings)).begin() as session:
        chosen = select_locations(session, location)[0]
        added = add_listing(session, chosen, url, actor)
    click.echo("Added." if added else "That listing is there already.")


@listings_group.command("remove")
@click.argument("listing_id", type=int)
@pass_app
def listings_remove(app: AppContext, listing_id: int) -> None:
    """Remove a listing added by hand, with its checks (LISTING_ID from `listings list`)."""
    with session_factory(open_database(app.settings)).begin() as session:
        removed = remove_listing(session, app.settings, listing_id)
    click.echo(f"Removed {removed}.")
