"""Alert and digest emails: alerts send, alerts preview weekly, alerts test."""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

import click

from seo_monitor.alerts import send_due
from seo_monitor.alerts.content import build_digest, digest_week
from seo_monitor.alerts.outbox import enqueue
from seo_monitor.alerts.render import digest_html
from seo_monitor.cli.app import AppContext, cli, open_database, pass_app
from seo_monitor.db import session_factory
from seo_monitor.errors import UserError
from seo_monitor.models import utcnow
from seo_monitor.queries.common import matching_locations


@cli.group("alerts")
def alerts_group() -> None:
    """Alert and weekly digest emails (sent by the scheduler; these commands do it by hand)."""


@alerts_group.command("send")
@pass_app
def alerts_send(app: AppContext) -> None:
    """Send every email that is due (new negative reviews, daily alerts, digests, retries)."""
    settings = app.settings
    report = send_due(session_factory(open_database(settings)), settings)
    click.echo(
        f"{report.sent} emails sent, {report.failed} failed"
        + (f", {report.given_up} given up (see Data health)" if report.given_up else "")
    )
    if report.failed:
        sys.exit(1)


@alerts_group.group("preview")
def preview_group() -> None:
    """Render an email to a file without sending it."""


@preview_group.command("weekly")
@click.option("--location", help="Only this location: its Google name, store code or id.")
@click.option(
    "--out", type=click.Path(path_type=Path, dir_okay=False), required=True, help="HTML file."
)
@pass_app
def preview_weekly(app: AppContext, location: str | None, out: Path) -> None:
    """Last week's digest as HTML, for all locations or one."""
    settings = app.settings
    with session_factory(open_database(settings))() as session:
        chosen = matching_locations(session, location)
        if not chosen:
            raise UserError("no locations yet: run `seo-monitor collect locations` first")
        digest = build_digest(
            session, settings, chosen, digest_week(utcnow(), settings.scheduler.timezone)
        )
    out.write_text(digest_html(settings.alerts, digest), encoding="utf-8")
    click.echo(f"Digest for {digest['week_start']} to {digest['week_end']} written to {out}.")


@alerts_group.command("test")
@click.option("--to", "address", required=True, help="Where to send the test email.")
@pass_app
def alerts_test(app: AppContext, address: str) -> None:
    """Send a test email through the configured SMTP server now."""
    settings = app.settings
    if settings.alerts.from_address is None:
        raise UserError("alerts.from_address is not set: set the sender address in config.toml")
    sessions = session_factory(open_database(settings))
    server = f"{settings.alerts.smtp_host}:{settings.alerts.smtp_port}"
    with sessions.begin() as session:
        enqueue(session, f"test:{uuid.uuid4().hex}", "test", address, {"server": server})
    report = send_due(sessions, settings)
    if report.failed:
        raise UserError(
            f"the test email to {address} was not sent; `seo-monitor status` and the Data "
            "health page show the SMTP error (it will be retried)"
        )
    click.echo(f"Test email sent to {address} through {server}.")
