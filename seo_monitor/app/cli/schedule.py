"""Running by itself: scheduler, and run (scheduler and dashboard together)."""

from __future__ import annotations

import signal
import subprocess
import threading
from pathlib import Path

import click
from sqlalchemy import Engine

from seo_monitor.app.cli.app import AppContext, cli, open_database, pass_app
from seo_monitor.app.cli.dashboard import dashboard_command
from seo_monitor.app.scheduler import SchedulerBusy, run_scheduler
from seo_monitor.config import Settings, environment_with_config
from seo_monitor.errors import UserError

BUSY = (
    "another scheduler is already running jobs against this database; this one would run "
    "every job twice, so it stops. Stop the other one first (or wait for its lease to expire "
    "if it crashed)."
)


def stop_on_signals() -> threading.Event:
    """SIGTERM (systemd) and SIGINT (Ctrl-C) ask for a clean stop."""
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    return stop


@cli.command()
@pass_app
def scheduler(app: AppContext) -> None:
    """Run the collectors on their schedule until stopped (SIGTERM or Ctrl-C)."""
    settings = app.settings
    engine = open_database(settings)
    stop = stop_on_signals()
    click.echo(
        f"Scheduler started ({settings.scheduler.timezone}); SIGTERM or Ctrl-C stops it "
        "after the location it is working on."
    )
    try:
        run_scheduler(settings, engine, stop)
    except SchedulerBusy:
        raise UserError(BUSY) from None
    click.echo("Scheduler stopped.")


@cli.command()
@pass_app
def run(app: AppContext) -> None:
    """Run the scheduler and the dashboard together; Ctrl-C stops both."""
    settings = app.settings
    run_with_dashboard(settings, app.config_file, open_database(settings), stop_on_signals())


def run_with_dashboard(
    settings: Settings,
    config_file: Path,
    engine: Engine,
    stop: threading.Event,
    port: int | None = None,
) -> None:
    """The scheduler in a thread and the dashboard in a child process, until either stops."""
    port = port or settings.dashboard.port
    command = dashboard_command(settings, settings.dashboard.host, port)
    failure: list[BaseException] = []

    def scheduler_thread() -> None:
        try:
            run_scheduler(settings, engine, stop)
        except BaseException as exc:  # reported by the main thread, which then stops everything
            failure.append(exc)
            stop.set()

    worker = threading.Thread(target=scheduler_thread, name="scheduler")
    worker.start()
    dashboard = subprocess.Popen(command, env=environment_with_config(config_file))
    click.echo(f"Scheduler and dashboard running: http://localhost:{port} — Ctrl-C stops both.")
    while not stop.wait(1) and dashboard.poll() is None:
        pass
    stop.set()
    dashboard.terminate()
    dashboard.wait(timeout=30)
    worker.join()
    if failure and isinstance(failure[0], SchedulerBusy):
        raise UserError(BUSY)
    if failure:
        raise failure[0]
    click.echo("Stopped.")
