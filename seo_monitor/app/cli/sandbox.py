"""The local stand-in for Google: sandbox."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from sqlalchemy.orm import Session, sessionmaker

from collectors.referrals import import_referrals
from collectors.visits import import_visits
from seo_monitor.alerts import send_due
from seo_monitor.app.cli.app import cli, open_database
from seo_monitor.app.cli.collect import describe_run
from seo_monitor.app.cli.schedule import run_with_dashboard, stop_on_signals
from seo_monitor.app.cli.setup import print_status
from seo_monitor.app.jobs import COLLECTORS, collect, make_client
from seo_monitor.config import Settings, load_settings
from seo_monitor.db import session_factory
from seo_monitor.errors import UserError
from seo_monitor.logging_setup import configure_logging
from seo_monitor.migrate import upgrade
from seo_monitor.patient_keys import patient_key, patient_secret
from seo_monitor.private_files import write_private_text
from seo_monitor.review_requests.sending import SendReport, send_review_requests
from seo_monitor.sandbox import World, running_sandbox
from seo_monitor.sandbox.demo import (
    DEMO_SPEEDUP,
    default_world_time,
    run_world_clock,
    write_demo_config,
)
from seo_monitor.sandbox.faults import FaultPlan, FaultSpecError
from seo_monitor.sandbox.mailbox import MAILBOX_FOLDER, running_mailbox
from seo_monitor.sandbox.referrals import demo_referral_export
from seo_monitor.sandbox.server import SandboxServer
from seo_monitor.sandbox.visits import demo_visit_list
from seo_monitor.sandbox.world_file import WORLD_FILE, load_world, save_world
from seo_monitor.times import utcnow


@cli.command()
@click.option("--port", default=8765, show_default=True, help="Port on 127.0.0.1.")
@click.option("--seed", default=1, show_default=True, help="Same seed, same world.")
@click.option(
    "--locations",
    "location_count",
    default=3,
    show_default=True,
    type=click.IntRange(1, 5000),
    help="How many clinics.",
)
@click.option(
    "--reviews",
    "reviews_per_location",
    type=click.IntRange(0, 100_000),
    help="Reviews per location (default: 40 to 290, by the clinic's popularity).",
)
@click.option("--faults", default="", help="e.g. 5xx=0.1,429=0.05,malformed=0.02,timeout=0.01")
@click.option(
    "--quota",
    default=300,
    show_default=True,
    type=click.IntRange(1),
    help="Calls per minute per API before it answers 429.",
)
@click.option(
    "--write-config",
    "config_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Write a config.toml and a token for this sandbox into this folder.",
)
def sandbox(
    port: int,
    seed: int,
    location_count: int,
    reviews_per_location: int | None,
    faults: str,
    quota: int,
    config_dir: Path | None,
) -> None:
    """Serve a fake Google (Business Profile, reviews, performance) on 127.0.0.1."""
    try:
        FaultPlan.parse(faults)
    except FaultSpecError as exc:
        raise UserError(f"--faults: {exc}") from None
    world = World(
        seed=seed,
        locations=location_count,
        now=default_world_time(),
        reviews_per_location=reviews_per_location,
    )
    with serving(world, faults, port=port, quota=quota) as server:
        if config_dir is not None:
            config = write_demo_config(config_dir, server.url)
            click.echo(f"Wrote {config}; use it with: seo-monitor --config {config} collect all")
        click.echo(f"Sandbox serving {location_count} locations at {server.url} (Ctrl-C stops it)")
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            click.echo("Sandbox stopped.")


@cli.command()
@click.option(
    "--dir",
    "folder",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("demo"),
    show_default=True,
    help="Folder for the demo's config and data.",
)
@click.option("--port", default=8765, show_default=True, help="Sandbox port on 127.0.0.1.")
@click.option(
    "--locations",
    "location_count",
    default=3,
    show_default=True,
    type=click.IntRange(1, 500),
    help="How many demo clinics.",
)
@click.option("--dashboard-port", default=8501, show_default=True, help="Dashboard port.")
@click.option(
    "--mail-port", default=8025, show_default=True, help="Demo mailbox (SMTP) port on 127.0.0.1."
)
@click.option("--no-dashboard", is_flag=True, help="Stop after the collection and summary.")
def demo(
    folder: Path,
    port: int,
    location_count: int,
    dashboard_port: int,
    mail_port: int,
    no_dashboard: bool,
) -> None:
    """The demo: a sandbox Google, a demo database, every collector once, then the dashboard.

    Running it again continues the demo: the database and the sandbox's world (replies
    posted, reviews that arrived) are both kept in the folder, and the second collection is
    incremental. Delete the folder for a new demo.
    """
    world_file = folder / "data" / WORLD_FILE
    world, continued = load_world(world_file, location_count, default_world_time())
    save_world(world, world_file)
    world.on_change = lambda changed: save_world(changed, world_file)
    mailbox = folder / "data" / MAILBOX_FOLDER
    with serving(world, port=port) as server, demo_mailbox(mailbox, mail_port):
        settings = load_settings(write_demo_config(folder, server.url, mail_port, world))
        configure_logging(settings.logging.level)
        click.echo(f"Sandbox Google at {server.url}; demo data in {settings.data_dir}")
        click.echo(
            f"The sandbox world continues where the last demo left it ({world_file})."
            if continued
            else f"A new sandbox world, kept in {world_file} for the next demo."
        )
        engine = open_database(settings, schema_needed=False)
        upgrade(engine, backup_dir=settings.data_dir / "backups")
        client = make_client(settings)
        sessions = session_factory(engine)
        for summary in collect(settings, sessions, [c.name for c in COLLECTORS], client):
            click.echo(describe_run(summary))
        import_demo_referrals(settings, sessions, world)
        sent = send_due(sessions, settings)
        click.echo(f"Alert emails: {sent.sent} sent to the demo mailbox ({mailbox}).")
        asked = ask_demo_patients(settings, sessions, world)
        click.echo(
            f"Review requests: {asked.sent} sent to the demo mailbox ({describe_skipped(asked)})."
        )
        click.echo()
        print_status(engine)
        if no_dashboard:
            return
        stop = stop_on_signals()
        clock = threading.Thread(target=run_world_clock, args=(world, stop), daemon=True)
        clock.start()
        click.echo(
            f"The sandbox clock now runs {DEMO_SPEEDUP}x: new reviews arrive every few "
            "minutes and the scheduler collects them. Ctrl-C stops the demo."
        )
        run_with_dashboard(settings, folder / "config.toml", engine, stop, port=dashboard_port)


def import_demo_referrals(
    settings: Settings, sessions: sessionmaker[Session], world: World
) -> None:
    """The demo practice's referral export, imported as a person would (the same file each
    run: a second import changes nothing)."""
    export = settings.data_dir / "referrals-export.csv"
    write_private_text(export, demo_referral_export(world))
    secret = patient_secret(settings)
    with sessions.begin() as session:
        report = import_referrals(
            session,
            export,
            utcnow(),
            lambda account: patient_key(secret, account),
            settings.referrals.import_max_megabytes * 1024 * 1024,
        )
    click.echo(
        f"Referrals: {report.rows} read from the demo's practice-management export "
        f"({len(report.ignored_columns)} patient columns left unread), {report.changed} new or "
        "changed."
    )


def ask_demo_patients(
    settings: Settings, sessions: sessionmaker[Session], world: World
) -> SendReport:
    """The demo practice's visit list, imported and asked as a person would (the same list each
    run: a second run asks nobody twice)."""
    visits = settings.data_dir / "visits-export.csv"
    now = utcnow()
    write_private_text(visits, demo_visit_list(world, now.date()))
    secret = patient_secret(settings)
    with sessions.begin() as session:
        import_visits(
            session,
            visits,
            now,
            lambda value: patient_key(secret, value),
            settings.review_requests.import_max_megabytes * 1024 * 1024,
        )
    return send_review_requests(sessions, settings)


def describe_skipped(report: SendReport) -> str:
    not_asked = ", ".join(f"{n} {reason}" for reason, n in report.skipped.most_common())
    return f"not asked: {not_asked}" if not_asked else "everyone due was asked"


@contextmanager
def demo_mailbox(folder: Path, port: int) -> Iterator[None]:
    try:
        context = running_mailbox(folder, port)
        context.__enter__()
    except OSError as exc:
        raise UserError(
            f"cannot listen on 127.0.0.1:{port}: {exc.strerror}; try --mail-port"
        ) from None
    try:
        yield
    finally:
        context.__exit__(None, None, None)


@contextmanager
def serving(
    world: World, faults: str = "", port: int = 8765, quota: int = 300
) -> Iterator[SandboxServer]:
    try:
        context = running_sandbox(world, faults, port=port, quota_per_minute=quota)
        server = context.__enter__()
    except OSError as exc:
        raise UserError(f"cannot listen on 127.0.0.1:{port}: {exc.strerror}; try --port") from None
    try:
        yield server
    finally:
        context.__exit__(None, None, None)
