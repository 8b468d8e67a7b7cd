"""The `seo-monitor` command. Each command builds the settings once and passes them down."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from sqlalchemy import Engine

from seo_monitor import __version__
from seo_monitor.config import config_path, load_settings, masked_settings
from seo_monitor.config_template import render_example_config
from seo_monitor.db import check_connection, make_engine, session_factory, table_counts
from seo_monitor.errors import UserError
from seo_monitor.logging_setup import configure_logging
from seo_monitor.migrate import current_revision, head_revision, upgrade
from seo_monitor.settings import Settings

F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger(__name__)


class AppContext:
    """What the group's options give the commands: the config path, loaded on first use."""

    def __init__(self, config: Path | None) -> None:
        self.config_file = config_path(config)
        self._settings: Settings | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(self.config_file)
            configure_logging(self._settings.logging.level)
        return self._settings


pass_app = click.make_pass_decorator(AppContext)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="seo-monitor")
@click.option(
    "--config",
    "config",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Config file (default: $SEO_MONITOR_CONFIG, else ./config.toml).",
)
@click.pass_context
def cli(ctx: click.Context, config: Path | None) -> None:
    """Local SEO and reputation monitor for healthcare practices."""
    ctx.obj = AppContext(config)


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
    folder.mkdir(parents=True, exist_ok=True)
    target.write_text(render_example_config(), encoding="utf-8")
    (folder / "data").mkdir(exist_ok=True)
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
    engine = open_database(settings)
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
    engine = open_database(app.settings)
    current, head = current_revision(engine), head_revision()
    state = "up to date" if current == head else f"needs `seo-monitor db upgrade` to {head}"
    click.echo(f"{current or 'empty (no schema yet)'} ({state})")


@cli.command()
@pass_app
def status(app: AppContext) -> None:
    """Summarise what the database holds."""
    engine = open_database(app.settings)
    revision = current_revision(engine)
    if revision is None:
        raise UserError("the database has no schema yet; run `seo-monitor db upgrade`")
    with session_factory(engine)() as session:
        counts = table_counts(session)
    click.echo(f"Database: {engine.url.render_as_string(hide_password=True)}")
    click.echo(f"Schema revision: {revision}")
    for table, count in counts.items():
        click.echo(f"  {table:<22} {count:>10,}")


def open_database(settings: Settings) -> Engine:
    engine = make_engine(
        settings.database_url, busy_timeout_seconds=settings.database.sqlite_busy_timeout_seconds
    )
    check_connection(engine)
    return engine


def main() -> None:
    """Console-script entry point: user errors print one clear message and exit with 2."""
    try:
        cli.main(prog_name="seo-monitor", standalone_mode=False)
    except UserError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
