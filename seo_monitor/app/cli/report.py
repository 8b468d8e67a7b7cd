"""The monthly report: `seo-monitor report monthly` and `seo-monitor report send`."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy.orm import Session

from seo_monitor.app.cli.app import AppContext, cli, open_database, pass_app
from seo_monitor.db import session_factory
from seo_monitor.errors import UserError
from seo_monitor.models import Location
from seo_monitor.queries import report_month, select_group, select_locations
from seo_monitor.reports import monthly_report_pdf, report_file_name
from seo_monitor.reports.sending import send_reports
from seo_monitor.times import utcnow


@cli.group("report")
def report_group() -> None:
    """The monthly PDF report for owners (white-label; emailed by the scheduler)."""


@report_group.command("monthly")
@click.option("--month", "month_text", help="YYYY-MM (default: last month).")
@click.option("--location", "wanted", help="One location (store code, name, id).")
@click.option("--group", "group", help="One location group (Google account name or id).")
@click.option("--all", "every", is_flag=True, help="Every location (the default).")
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The PDF file to write (default: monthly-report-YYYY-MM-<whose>.pdf here).",
)
@click.option(
    "--page-size",
    type=click.Choice(["letter", "a4"]),
    help="Paper (default: report.page_size).",
)
@pass_app
def monthly(
    app: AppContext,
    month_text: str | None,
    wanted: str | None,
    group: str | None,
    every: bool,
    out: Path | None,
    page_size: str | None,
) -> None:
    """Write a month's report as a PDF: five numbers, what went up and down and three things
    to do first, then reviews, profile views and calls, keywords, rankings, the website,
    listings, referrals and review requests; for several locations a comparison table and a
    page for each."""
    if sum(bool(x) for x in (wanted, group, every)) > 1:
        raise UserError("give one of --location, --group and --all")
    now = utcnow()
    month = report_month(month_text, now)
    with session_factory(open_database(app.settings))() as session:
        title, locations = _scope(session, app, wanted, group)
        if not locations:
            raise UserError("no active locations yet: run `seo-monitor collect locations` first")
        pdf = monthly_report_pdf(
            session, app.settings, locations, month, now, title=title, page_size=page_size
        )
    target = out or Path(report_file_name(month, title or "all"))
    target.write_bytes(pdf)
    click.echo(f"Wrote {target} ({len(pdf) / 1024:,.0f} kB): {month.label}, {_whose(locations)}.")


def _scope(
    session: Session, app: AppContext, wanted: str | None, group: str | None
) -> tuple[str | None, list[Location]]:
    """(the group's name or the location's title, the locations); every location by default."""
    if group:
        return select_group(session, group)
    if wanted:
        locations = select_locations(session, wanted)
        return locations[0].title, locations
    return None, select_locations(session, settings=app.settings)


def _whose(locations: list[Location]) -> str:
    return locations[0].title if len(locations) == 1 else f"{len(locations)} locations"


@report_group.command("send")
@pass_app
def send(app: AppContext) -> None:
    """Email last month's report to report.recipients now, if report.send_day has come and
    they have not had it (the scheduler's daily job does the same)."""
    if not app.settings.report.recipients:
        raise UserError("report.recipients is empty: add the addresses in config.toml")
    sessions = session_factory(open_database(app.settings))
    queued, delivery = send_reports(sessions, app.settings)
    click.echo(
        f"{queued} report emails queued; {delivery.sent} sent, {delivery.failed} failed"
        f"{f', {delivery.given_up} given up' if delivery.given_up else ''}."
    )
