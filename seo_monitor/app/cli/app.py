"""The `seo-monitor` command group, its shared context and the entry point."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from seo_monitor import __version__
from seo_monitor.errors import UserError

# This module is imported by every run of the command, `--help` included, so it imports
# only click: the settings model, the database layer and each command's libraries are loaded
# by the command that needs them (a command starts in a fraction of the time it took when
# every module was imported up front).
if TYPE_CHECKING:
    from sqlalchemy import Engine

    from seo_monitor.config import Settings

DAY = click.DateTime(formats=["%Y-%m-%d"])  # a day given on the command line

# Every top-level command: the modules of seo_monitor.app.cli that define it (a group's
# subcommands can live in several) and the help line `seo-monitor --help` shows for it, so
# that listing the commands imports none of them. tests/test_cli.py keeps these lines equal
# to each command's own docstring.
COMMANDS: dict[str, tuple[tuple[str, ...], str]] = {
    "alerts": (
        ("alerts",),
        "Alert and weekly digest emails (sent by the scheduler; these commands do it by hand).",
    ),
    "auth": (("collect",), "Connect seo-monitor to Google."),
    "collect": (
        ("collect",),
        "Fetch data into the database: one collector by name, or `all` (the daily ones; "
        "`seo-monitor collect --help` lists them).",
    ),
    "config": (("setup",), "Inspect the configuration."),
    "dashboard": (("dashboard",), "Start the web dashboard (Ctrl-C stops it)."),
    "db": (("setup",), "Create and upgrade the database schema."),
    "demo": (
        ("sandbox",),
        "The demo: a sandbox Google, a demo database, every collector once, then the dashboard.",
    ),
    "import": (("collect", "referrals", "requests"), "Bring in data from outside Google."),
    "init": (("setup",), "Write a commented config.toml and create the data folder."),
    "listings": (
        ("listings",),
        "A location's listings on other sites (Healthgrades, Zocdoc, Yelp…) against Google.",
    ),
    "profile": (
        ("profile",),
        "The profile guard: changes to the Business Profiles, and what Google shows instead.",
    ),
    "qr": (
        ("qr",),
        "QR codes and printable posters that ask every patient for a Google review.",
    ),
    "rankings": (
        ("rankings",),
        "Geo-grid map rankings: what a scan costs, and what the last scans found.",
    ),
    "referrals": (
        ("referrals",),
        "Who sends the practice patients, who slowed down, and what is owed to them.",
    ),
    "reply": (
        ("replies",),
        "Check replies to reviews for patient information before they are posted.",
    ),
    "report": (
        ("report",),
        "The monthly PDF report for owners (white-label; emailed by the scheduler).",
    ),
    "requests": (
        ("requests",),
        "Review requests by email after a visit: the same neutral ask for every patient, once.",
    ),
    "run": (("schedule",), "Run the scheduler and the dashboard together; Ctrl-C stops both."),
    "sandbox": (
        ("sandbox",),
        "Serve a fake Google (Business Profile, reviews, performance) on 127.0.0.1.",
    ),
    "scheduler": (
        ("schedule",),
        "Run the collectors on their schedule until stopped (SIGTERM or Ctrl-C).",
    ),
    "score": (
        ("collect",),
        "Score reviews whose text, stars or scorer changed (the review job does this itself).",
    ),
    "status": (
        ("setup",),
        "Summarise what the database holds: locations, reviews and the latest collector runs.",
    ),
    "user": (
        ("dashboard",),
        "Dashboard logins (needed when the dashboard listens beyond 127.0.0.1).",
    ),
    "website": (("website",), "The website audit: a site's local SEO against the Google profile."),
}


class LazyGroup(click.Group):
    """The top-level group: a command's modules are imported when it is run or asked for its
    help (importing them registers the command on this group), never to list the commands."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        # Every listed module, even when the command is registered already: a group's
        # subcommands can live in several modules (`import`), and a repeated import is free.
        for module in COMMANDS.get(cmd_name, ((), ""))[0]:
            importlib.import_module(f"seo_monitor.app.cli.{module}")
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        limit = formatter.width - 6 - max(len(name) for name in COMMANDS)
        rows = [
            (name, click.Command(name, help=help_line).get_short_help_str(limit))
            for name, (_, help_line) in sorted(COMMANDS.items())
        ]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


class AppContext:
    """What the group's options give the commands: the config path, loaded on first use."""

    def __init__(self, config: Path | None) -> None:
        self._config_option = config
        self._settings: Settings | None = None

    @property
    def config_file(self) -> Path:
        from seo_monitor.config import config_path

        return config_path(self._config_option)

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            from seo_monitor.config import load_settings
            from seo_monitor.logging_setup import configure_logging

            self._settings = load_settings(self.config_file)
            configure_logging(self._settings.logging.level)
        return self._settings


pass_app = click.make_pass_decorator(AppContext)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
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
    from seo_monitor.db import check_connection, make_engine
    from seo_monitor.migrate import current_revision, head_revision

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
    except Exception as exc:
        from sqlalchemy.exc import DBAPIError

        if not isinstance(exc, DBAPIError):
            raise
        from seo_monitor.db import describe_database_error

        # The database failed mid-command (disk full, read-only, server gone): the transaction
        # was rolled back; say what happened and what to do, without a traceback.
        click.echo(f"error: {describe_database_error(exc)}", err=True)
        sys.exit(1)
