"""Alert and digest emails: alerts send, alerts preview weekly, alerts test."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from seo_monitor.alerts import one_address, preview_digest, send_due, send_test_email
from seo_monitor.app.cli.app import AppContext, cli, open_database, pass_app
from seo_monitor.app.cli.output import check_writable, write_output
from seo_monitor.db import session_factory
from seo_monitor.errors import UserError
from seo_monitor.queries import select_emails, select_locations


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
    if report.stopped:
        click.echo(f"Stopped: {report.stopped}. Nothing was given up; fix it and run again.")
    if report.failed:
        sys.exit(1)


@alerts_group.command("status")
@click.option("--all", "show_all", is_flag=True, help="Also list the emails already sent.")
@pass_app
def alerts_status(app: AppContext, show_all: bool) -> None:
    """The newest emails and where each stands: waiting, retrying, given up (with why) or sent."""
    settings = app.settings
    with session_factory(open_database(settings))() as session:
        emails = select_emails(session, settings.alerts.max_attempts)
    shown = [e for e in emails if show_all or e.status != "sent"]
    for e in shown:
        click.echo(
            f"#{e.id} {e.kind} to {e.recipient}, queued {e.created_at:%Y-%m-%d %H:%M}: "
            f"{e.status} after {e.attempts} tries"
        )
        if e.last_error and e.status != "sent":
            click.echo(f"    {e.last_error}")
    if not shown:
        click.echo("No emails waiting, retrying or given up." if emails else "No emails yet.")


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
    check_writable(out)
    with session_factory(open_database(settings))() as session:
        chosen = select_locations(session, location)
        if not chosen:
            raise UserError("no locations yet: run `seo-monitor collect locations` first")
        preview = preview_digest(session, settings, chosen)
    write_output(out, preview.html)
    click.echo(f"Digest for {preview.week.start} to {preview.week.end} written to {out}.")


@alerts_group.command("test")
@click.option("--to", "address", required=True, help="The one address to send the test email to.")
@pass_app
def alerts_test(app: AppContext, address: str) -> None:
    """Send a test email through the configured SMTP server now."""
    settings = app.settings
    address = one_address(address)  # before the database: a typo needs no database to be told
    problem = send_test_email(session_factory(open_database(settings)), settings, address)
    if problem:
        raise UserError(
            f"the test email to {address} was not sent: {problem} (it will be retried; the "
            "Alerts page shows where it stands)"
        )
    server = f"{settings.alerts.smtp_host}:{settings.alerts.smtp_port}"
    click.echo(f"Test email sent to {address} through {server}.")
