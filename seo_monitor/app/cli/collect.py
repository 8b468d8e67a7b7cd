"""Collecting from Google: collect, auth google."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from sqlalchemy.orm import Session

from collectors.csv_import import SOURCES, import_reviews
from collectors.google_access import SCOPE_PURPOSE
from collectors.google_client import authorize, scopes_for
from collectors.replay import REPLAYABLE, ReplayClient
from seo_monitor.app.actions import connect_google
from seo_monitor.app.cli.app import AppContext, cli, open_database, pass_app
from seo_monitor.app.jobs import ALL, BY_NAME, COLLECTORS
from seo_monitor.app.jobs import collect as run_collectors
from seo_monitor.app.runs import RunSummary, run_recorded
from seo_monitor.db import session_factory
from seo_monitor.errors import UserError
from seo_monitor.queries import select_locations
from seo_monitor.sentiment.store import rules_from, score_location
from seo_monitor.times import utcnow


def collectors_epilog() -> str:
    """The registry's collectors, as `collect --help` lists them (\b keeps click's line breaks)."""
    lines = ["\b", "Collectors (* part of `all`; the others cost calls and run weekly):"]
    lines += [f"  {'*' if c.in_all else ' '} {c.name:<15} {c.summary}" for c in COLLECTORS]
    return "\n".join(lines)


@cli.command(epilog=collectors_epilog())
@click.argument("what", type=click.Choice([*(c.name for c in COLLECTORS), "all"]))
@click.option("--location", help="Only this location: its Google name, store code or id.")
@click.option(
    "--load",
    "load",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Parse and save a recorded Google response instead of calling Google "
    f"({' or '.join(REPLAYABLE)}, with --location).",
)
@pass_app
def collect(app: AppContext, what: str, location: str | None, load: Path | None) -> None:
    """Fetch data into the database: one collector by name, or `all` (the daily ones;
    `seo-monitor collect --help` lists them)."""
    settings = app.settings
    names = ALL if what == "all" else [what]
    if what in BY_NAME and not BY_NAME[what].enabled(settings):
        switch = BY_NAME[what].switch
        raise UserError(f"the {what} collector is switched off ({switch} = false in config.toml)")
    client: Any
    if load is not None:
        if what not in REPLAYABLE or not location:
            raise UserError(f"--load works with {' or '.join(REPLAYABLE)} and --location")
        client = ReplayClient.from_file(load)
    else:
        client = connect_google(settings)
    engine = open_database(settings)
    summaries = run_collectors(settings, session_factory(engine), names, client, location)
    for summary in summaries:
        click.echo(describe_run(summary))
    if any(s.status == "failed" for s in summaries):
        sys.exit(1)


def describe_run(summary: RunSummary) -> str:
    where = f"location {summary.location_id}" if summary.location_id else "all accounts"
    counts = ", ".join(f"{k} {v}" for k, v in summary.counts.items())
    line = f"{summary.collector:<9} {where:<14} {summary.status:<7} {counts}"
    line += f" ({summary.api_calls} API calls)"
    if summary.error:
        line += f"\n    {summary.error}"
    if summary.hint:
        line += f"\n    hint: {summary.hint}"
    return line


@cli.group("auth")
def auth_group() -> None:
    """Connect seo-monitor to Google."""


@auth_group.command("google")
@click.option("--no-browser", is_flag=True, help="Print the consent URL instead of opening it.")
@pass_app
def auth_google(app: AppContext, no_browser: bool) -> None:
    """Ask Google for access and store the refresh token, owner-readable only.

    The consent page asks for the Business Profile (business.manage) and, unless
    google.search_console is false, read-only Search Console access (webmasters.readonly)."""
    settings = app.settings
    client_file = settings.google.oauth_client_file
    if client_file is None or not client_file.is_file():
        problem = "not set" if client_file is None else f"missing: {client_file}"
        raise UserError(
            f"google.oauth_client_file is {problem}; "
            "download the OAuth client JSON (Desktop app) from Google Cloud Console and set it "
            "(see docs/google-cloud-setup.md)"
        )
    wanted = scopes_for(settings.google.search_console)
    granted = authorize(
        client_file, settings.google_token_file, wanted, open_browser=not no_browser
    )
    click.echo(f"Connected. The token is stored in {settings.google_token_file} (mode 600).")
    for scope in wanted:
        if scope not in granted:
            click.echo(
                f"warning: access to {SCOPE_PURPOSE[scope]} was not granted; what needs it "
                "fails until you run `seo-monitor auth google` again and allow it",
                err=True,
            )


@cli.group("import")
def import_group() -> None:
    """Bring in data from outside Google."""


@import_group.command("reviews")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option(
    "--source", required=True, type=click.Choice(SOURCES), help="The site the reviews come from."
)
@click.option(
    "--location", "wanted", required=True, help="The location: its Google name, store code or id."
)
@pass_app
def import_reviews_command(app: AppContext, file: Path, source: str, wanted: str) -> None:
    """Import reviews from another site's CSV export (docs/importing-reviews.md)."""
    settings = app.settings
    sessions = session_factory(open_database(settings))
    with sessions.begin() as session:
        locations = select_locations(session, wanted, settings)
        if not locations:
            raise UserError(
                f"location {wanted!r} is disabled in config.toml ([[locations]] enabled)"
            )
        location = locations[0]
        max_bytes = settings.reviews.import_max_megabytes * 1024 * 1024
        counts = import_reviews(session, file, source, location, utcnow(), max_bytes)
        scored = score_location(session, location.id, rules_from(settings))
    click.echo(
        f"{counts['rows']} reviews read from {file.name}; {counts['changed']} new or "
        f"changed for {location.title} ({source}); {scored} scored."
    )


@cli.command()
@click.option("--location", help="Only this location: its Google name, store code or id.")
@click.option("--rescore", is_flag=True, help="Score every review again, changed or not (slow).")
@pass_app
def score(app: AppContext, location: str | None, rescore: bool) -> None:
    """Score reviews whose text, stars or scorer changed (the review job does this itself)."""
    settings = app.settings
    sessions = session_factory(open_database(settings))
    rules = rules_from(settings)
    with sessions() as session:
        location_ids = [loc.id for loc in select_locations(session, location, settings)]

    def scoring(location_id: int) -> Callable[[Session], dict[str, int]]:
        return lambda session: {
            "scored": score_location(session, location_id, rules, rescore=rescore)
        }

    summaries = [
        run_recorded(sessions, "scoring", location_id, scoring(location_id))
        for location_id in location_ids
    ]
    for summary in summaries:
        click.echo(describe_run(summary))
    if any(s.status == "failed" for s in summaries):
        sys.exit(1)
