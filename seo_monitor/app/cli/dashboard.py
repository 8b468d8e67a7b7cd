"""The web dashboard and its users: dashboard, user add/remove/list."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from seo_monitor.app.cli.app import AppContext, cli, open_database, pass_app
from seo_monitor.config import Settings, environment_with_config, is_loopback
from seo_monitor.db import session_factory
from seo_monitor.errors import UserError
from seo_monitor.users import add_user, count_users, list_users, remove_user

# seo_monitor/app/cli/dashboard.py -> the repository (or site-packages) -> dashboard/app.py
APP = Path(__file__).resolve().parents[3] / "dashboard" / "app.py"


@cli.command()
@click.option("--host", help="Address to listen on (default: dashboard.host, 127.0.0.1).")
@click.option("--port", type=click.IntRange(1, 65535), help="Port (default: dashboard.port, 8501).")
@pass_app
def dashboard(app: AppContext, host: str | None, port: int | None) -> None:
    """Start the web dashboard (Ctrl-C stops it)."""
    settings = app.settings
    run_dashboard(
        settings, app.config_file, host or settings.dashboard.host, port or settings.dashboard.port
    )


def run_dashboard(settings: Settings, config_file: Path, host: str, port: int) -> None:
    """Become the Streamlit server: a signal to this process (systemd's SIGTERM, a test's
    terminate()) then reaches the server itself instead of leaving it running orphaned."""
    command = dashboard_command(settings, host, port)
    sys.stdout.flush()
    os.execve(command[0], command, environment_with_config(config_file))


def dashboard_command(settings: Settings, host: str, port: int) -> list[str]:
    """The Streamlit command line, after checking the dashboard may start on `host`."""
    engine = open_database(settings)
    needs_login = settings.dashboard.require_login or not is_loopback(host)
    with session_factory(engine)() as session:
        users = count_users(session)
    if needs_login and not users:
        raise UserError(
            f"the dashboard on {host} needs a login and no user exists; add one with "
            "`seo-monitor user add NAME` (or listen on 127.0.0.1)"
        )
    if not APP.is_file():
        raise UserError(f"the dashboard files are missing ({APP}); reinstall seo-monitor")
    click.echo(
        f"Dashboard: http://{'localhost' if is_loopback(host) else host}:{port}"
        f"{' (login required)' if needs_login else ''}"
    )
    return [
        sys.executable,
        "-m",
        "dashboard.server",  # Streamlit, with the pages' libraries imported before it listens
        "run",
        str(APP),
        "--server.address",
        host,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        # Nothing leaves the machine: no usage statistics to Streamlit.
        "--browser.gatherUsageStats",
        "false",
        # Users see that something failed, not server paths; the traceback goes to the log.
        "--client.showErrorDetails",
        "none",
        "--client.toolbarMode",
        "minimal",
    ]


@cli.group("user")
def user_group() -> None:
    """Dashboard logins (needed when the dashboard listens beyond 127.0.0.1)."""


@user_group.command("add")
@click.argument("username")
@click.password_option(help="The password (asked for when not given).")
@pass_app
def user_add(app: AppContext, username: str, password: str) -> None:
    """Add a dashboard user."""
    with session_factory(open_database(app.settings)).begin() as session:
        add_user(session, username, password)
    click.echo(f"Added {username}.")


@user_group.command("remove")
@click.argument("username")
@pass_app
def user_remove(app: AppContext, username: str) -> None:
    """Remove a dashboard user."""
    with session_factory(open_database(app.settings)).begin() as session:
        remove_user(session, username)
    click.echo(f"Removed {username}.")


@user_group.command("list")
@pass_app
def user_list(app: AppContext) -> None:
    """List dashboard users and when they last signed in."""
    with session_factory(open_database(app.settings))() as session:
        users = list_users(session)
    if not users:
        click.echo("No users. The dashboard on 127.0.0.1 needs none.")
    for user in users:
        last = f"{user.last_login_at:%Y-%m-%d %H:%M} UTC" if user.last_login_at else "never"
        click.echo(f"{user.username}  (last sign-in: {last})")
