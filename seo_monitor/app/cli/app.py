"""The `seo-monitor` command group, its shared context and the entry point."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from seo_monitor import __version__
from seo_monitor.config import Settings, config_path, load_settings
from seo_monitor.db import check_connection, describe_database_error, make_engine
from seo_monitor.errors import UserError
from seo_monitor.logging_setup import configure_logging
from seo_monitor.migrate import current_revision, head_revision

DAY = click.DateTime(formats=["%Y-%m-%d"])  # a day given on the command line


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


def open_database(settings: Settings, *, schema_needed: bool = True) -> Engine:
    """The configured database, reachable and (unless `schema_needed` is off: the commands
    that create the schema) at the newest schema."""
    engine = make_engine(
        settings.database_url, busy_timeout_seconds=settings.database.sqlite_busy_timeout_seconds
    )
    check_connection(engine)
    if schema_needed:
        current, head = current_revision(engine), head_revision()
        if current != head:
            state = "has no seo-monitor tables yet" if current is None else f"is at {current}"
            raise UserError(
                f"the database {state} (the newest schema is {head}); "
                "run `seo-monitor db upgrade` first"
            )
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
    except DBAPIError as exc:
        # The database failed mid-command (disk full, read-only, server gone): the transaction
        # was rolled back; say what happened and what to do, without a traceback.
        click.echo(f"error: {describe_database_error(exc)}", err=True)
        sys.exit(1)
