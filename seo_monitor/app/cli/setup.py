"""Setting up: init, config check, db upgrade/current, status."""

from __future__ import annotations

import json
from pathlib import Path

import click
from sqlalchemy import Engine

from seo_monitor.app.cli.app import AppContext, cli, open_database, pass_app
from seo_monitor.config import masked_settings, render_example_config
from seo_monitor.db import session_factory, table_counts
from seo_monitor.errors import UserError
from seo_monitor.masking import mask_url
from seo_monitor.migrate import current_revision, head_revision, upgrade
from seo_monitor.patient_keys import create_key_file
from seo_monitor.private_files import write_private_text
from seo_monitor.queries import select_latest_runs, select_location_summaries


@cli.command()
@click.option(
    "--dir",
    "folder",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("."),
    show_default=True,
    help="Folder for config.toml and data/.",
)
@click.option("--force", is_flag=True, help="Overwrite an existing config.toml.")
def init(folder: Path, force: bool) -> None:
    """Write a commented config.toml and create the data folder."""
    target = folder / "config.toml"
    if target.exists() and not force:
        raise UserError(f"{target} already exists; keep it, or pass --force to overwrite it")
    # Owner-only: the config may come to hold the SMTP password, the data the patients' reviews.
    write_private_text(target, render_example_config())
    (folder / "data").mkdir(mode=0o700, exist_ok=True)
    key = folder / "data" / "referral-key"
    if not key.exists():  # hashes referred patients' account numbers: back it up with the data
        create_key_file(key)
    click.echo(f"Wrote {target} and created {folder / 'data'}.")
    click.echo("Next: edit it, then run `seo-monitor config check` and `seo-monitor db upgrade`.")


@cli.group("config")
def config_group() -> None:
    """Inspect the configuration."""


@config_group.command("check")
@pass_app
def config_check(app: AppContext) -> None:
    """Validate the configuration and print the resolved settings, secrets masked."""
    settings = app.settings
    click.echo(f"# {app.config_file}: OK")
    click.echo(json.dumps(masked_settings(settings), indent=2))


@cli.group("db")
def db_group() -> None:
    """Create and upgrade the database schema."""


@db_group.command("upgrade")
@pass_app
def db_upgrade(app: AppContext) -> None:
    """Create or migrate the schema to the newest version (SQLite: backed up first)."""
    settings = app.settings
    engine = open_database(settings, schema_needed=False)
    result = upgrade(engine, backup_dir=settings.data_dir / "backups")
    if result.backup:
        click.echo(f"Backed up the database to {result.backup}")
    if result.before == result.after:
        click.echo(f"Database is up to date (revision {result.after}).")
    else:
        click.echo(f"Database upgraded from {result.before or 'empty'} to {result.after}.")


@db_group.command("current")
@pass_app
def db_current(app: AppContext) -> None:
    """Print the schema revision of the database and whether it is the newest."""
    engine = open_database(app.settings, schema_needed=False)
    current, head = current_revision(engine), head_revision()
    state = "up to date" if current == head else f"needs `seo-monitor db upgrade` to {head}"
    click.echo(f"{current or 'empty (no schema yet)'} ({state})")


@cli.command()
@pass_app
def status(app: AppContext) -> None:
    """Summarise what the database holds: locations, reviews and the latest collector runs."""
    print_status(open_database(app.settings, schema_needed=False))


def print_status(engine: Engine) -> None:
    revision = current_revision(engine)
    if revision is None:
        raise UserError("the database has no schema yet; run `seo-monitor db upgrade`")
    with session_factory(engine)() as session:
        counts = table_counts(session)
        locations = select_location_summaries(session)
        runs = select_latest_runs(session)
    url = mask_url(engine.url.render_as_string(hide_password=False))
    click.echo(f"Database: {url} (schema {revision})")
    if not locations:
        click.echo(
            "No locations yet: connect Google with `seo-monitor auth google`, then run "
            "`seo-monitor collect all`."
        )
        return
    click.echo("Rows: " + ", ".join(f"{t} {n:,}" for t, n in counts.items() if n))
    click.echo(f"\nLocations ({len(locations)}):")
    for loc in locations:
        rating = f"{loc.average_rating:.2f}★" if loc.average_rating is not None else "no rating"
        state = "" if loc.active else " (no longer on Google)"
        click.echo(
            f"  [{loc.id}] {loc.title}{state}: {loc.reviews} reviews, {rating}, "
            f"{loc.unanswered} unanswered"
        )
    failed = [run for run in runs if run.status not in ("ok", "partial")]
    click.echo(f"\nLatest collector runs: {len(runs)}, {len(failed)} not ok")
    for run in failed:
        where = f"location [{run.location_id}]" if run.location_id else "all accounts"
        click.echo(f"  {run.collector}, {where}: {run.status}: {run.error}")
        if run.hint:
            click.echo(f"    what to do: {run.hint}")
