"""Review requests by email: import visits, requests send/unsubscribe/check."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from collectors.visits import import_visits
from seo_monitor.app.cli.app import AppContext, cli, open_database, pass_app
from seo_monitor.app.cli.collect import import_group
from seo_monitor.app.cli.referrals import parse_mapping
from seo_monitor.db import session_factory
from seo_monitor.errors import UserError
from seo_monitor.patient_keys import patient_key, patient_secret
from seo_monitor.queries import select_locations, select_suppression
from seo_monitor.review_requests.sending import SendReport, send_review_requests, suppress
from seo_monitor.times import utcnow

REASONS = ("unsubscribed", "bounced", "stop")


@import_group.command("visits")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--location", "wanted", help="Every row is this location's (store code, name, id).")
@click.option("--map", "mappings", multiple=True, metavar="FIELD=COLUMN", help="A column's field.")
@pass_app
def import_visits_command(
    app: AppContext, file: Path, wanted: str | None, mappings: tuple[str, ...]
) -> None:
    """Import a visit or discharge list for review requests (docs/review-requests.md).

    Only the patient's account number (as a keyed hash), address, first name, language, visit
    day and location are read; any other column is never read."""
    settings = app.settings
    sessions = session_factory(open_database(settings))
    secret = patient_secret(settings)
    with sessions.begin() as session:
        location = select_locations(session, wanted)[0] if wanted else None
        report = import_visits(
            session,
            file,
            utcnow(),
            lambda value: patient_key(secret, value),
            settings.review_requests.import_max_megabytes * 1024 * 1024,
            location,
            dict(parse_mapping(m) for m in mappings),
        )
    if report.ignored_columns:
        click.echo(
            f"Not read: {len(report.ignored_columns)} other columns "
            f"({', '.join(report.ignored_columns)}); their cells are never stored."
        )
    click.echo(
        f"{report.rows} visits read from {file.name}; {report.new} new, "
        f"{report.corrected} corrected."
    )


@cli.group("requests")
def requests_group() -> None:
    """Review requests by email after a visit: the same neutral ask for every patient, once."""


@requests_group.command("send")
@click.option("--dry-run", is_flag=True, help="Say who would be asked and why not; send nothing.")
@click.option("--location", help="Only this location's visits.")
@pass_app
def requests_send(app: AppContext, dry_run: bool, location: str | None) -> None:
    """Ask every patient whose visit is due, through the clinic's SMTP server ([alerts])."""
    settings = app.settings
    sessions = session_factory(open_database(settings))
    ids = None
    if location:
        with sessions() as session:
            ids = [chosen.id for chosen in select_locations(session, location)]
    report = send_review_requests(sessions, settings, dry_run=dry_run, location_ids=ids)
    click.echo(describe_send(report, dry_run))
    if (report.failed or report.no_link) and not dry_run:
        sys.exit(1)  # something needs a person: the mail server, or a review link


def describe_send(report: SendReport, dry_run: bool) -> str:
    lines = [
        f"Patients who would be asked: {report.queued}." if dry_run else
        f"Asks sent: {report.sent} ({report.queued} queued this run)"
        + (f", {report.failed} failed (retried later)" if report.failed else "")
        + (f", {report.held_back} held back by the hourly cap" if report.held_back and
           not report.stopped else "")
        + (f", {report.retrying} to be retried later" if report.retrying else "")
        + ".",
    ]  # fmt: skip
    if report.stopped:
        lines.append(
            f"Stopped: {report.stopped}. The server refused the clinic, not a patient: nobody "
            "was suppressed and nothing given up; the asks go at the next run once it is fixed."
        )
    for title, counts in (("Waiting", report.waiting), ("Not asked", report.skipped)):
        if counts:
            lines.append(
                f"{title}: " + ", ".join(f"{n} {reason}" for reason, n in counts.most_common())
            )
    lines += report.link_problems()
    return "\n".join(lines)


@requests_group.command("unsubscribe")
@click.argument("address", required=False)
@click.option(
    "--token", help="The token a one-click unsubscribe link carried, instead of an address."
)
@click.option(
    "--reason", type=click.Choice(REASONS), default="unsubscribed", show_default=True,
    help="unsubscribed (asked to stop), bounced (the address does not exist), stop (replied STOP).",
)  # fmt: skip
@click.option("--as", "actor", help="Who entered it (the front desk).")
@pass_app
def requests_unsubscribe(
    app: AppContext, address: str | None, token: str | None, reason: str, actor: str | None
) -> None:
    """Send no more asks to an address (the patient asked, it bounced, they replied STOP)."""
    if bool(address) == bool(token):
        raise UserError("give the address, or --token from an unsubscribe link (one of them)")
    settings = app.settings
    key = token or patient_key(patient_secret(settings), (address or "").strip().lower())
    with session_factory(open_database(settings)).begin() as session:
        added = suppress(session, key, reason, actor, utcnow())
    click.echo("No more asks will go to it." if added else "It was already suppressed.")


@requests_group.command("check")
@click.argument("address")
@pass_app
def requests_check(app: AppContext, address: str) -> None:
    """Whether an address is suppressed (addresses are kept only as keyed hashes)."""
    settings = app.settings
    key = patient_key(patient_secret(settings), address.strip().lower())
    with session_factory(open_database(settings))() as session:
        found = select_suppression(session, key)
    click.echo(
        f"Suppressed since {found.created_at:%Y-%m-%d} ({found.reason})." if found
        else "Not suppressed: it gets asks."
    )  # fmt: skip
