"""Answering reviews safely: reply lint, post, delete, status, log."""

from __future__ import annotations

import getpass
import json
import sys
from pathlib import Path

import click

from seo_monitor.app.actions import connect_google, delete_reply_now, post_reply_now
from seo_monitor.app.cli.app import AppContext, cli, open_database, pass_app
from seo_monitor.app.cli.output import check_writable, write_output
from seo_monitor.config import Settings
from seo_monitor.csv_export import csv_text
from seo_monitor.db import session_factory
from seo_monitor.errors import UserError
from seo_monitor.queries import REPLY_LOG_COLUMNS, reply_log_rows, select_reply_context
from seo_monitor.replies import (
    Finding,
    PracticeDetails,
    ReplyOutcome,
    ReviewContext,
    follow_pending,
    reply_notes,
    reply_size_problem,
)


@cli.group("reply")
def reply_group() -> None:
    """Check replies to reviews for patient information before they are posted."""


@reply_group.command("lint")
@click.argument("text")
@click.option("--review", "review_id", type=int, help="The review being answered (its id).")
@click.option("--reviewer", help="The reviewer's name as Google shows it (without --review).")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
@pass_app
def reply_lint(
    app: AppContext, text: str, review_id: int | None, reviewer: str | None, as_json: bool
) -> None:
    """Check TEXT (or - to read standard input) for patient information.

    Exit status 0: nothing found; 1: findings; 2: the text cannot be checked or posted."""
    if text == "-":
        text = read_stdin()
    problem = reply_size_problem(text)
    if problem:
        raise UserError(problem)
    context, location_phone = ReviewContext(reviewer, None), None
    # Checking a text needs no configuration; the review and the practice's details do.
    settings = app.settings if review_id or app.config_file.exists() else Settings()
    if review_id is not None:
        context, location_phone = review_context(settings, review_id)
    findings = PracticeDetails.from_settings(settings).check(text, context, location_phone)
    if as_json:
        click.echo(json.dumps([f.as_dict() for f in findings], indent=2, ensure_ascii=False))
    else:
        click.echo(describe(findings))
        for note in reply_notes(text):
            click.echo(f"note: {note}")
    if findings:
        sys.exit(1)


def read_stdin() -> str:
    """Standard input as UTF-8 text (a reply saved in another encoding is refused, not guessed)."""
    data = sys.stdin.buffer.read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UserError(
            f"standard input is not UTF-8 text (byte {data[exc.start]:#04x} at position "
            f"{exc.start}); save the reply as UTF-8 and try again"
        ) from None


def review_context(settings: Settings, review_id: int) -> tuple[ReviewContext, str | None]:
    """The review's author and text, and its location's own phone number."""
    with session_factory(open_database(settings))() as session:
        row = select_reply_context(session, review_id)
    if row is None:
        raise UserError(f"no review with id {review_id} (the Reviews page shows ids in the link)")
    return ReviewContext(row.author_name, row.text), row.phone or None


def describe(findings: list[Finding]) -> str:
    if not findings:
        return "No patient information found."
    lines = [f"{len(findings)} finding(s):"]
    for finding in findings:
        lines.append(
            f'  {finding.category}: "{finding.text}" (characters {finding.start}–{finding.end})'
        )
        lines.append(f"    {finding.message}")
        lines.append(f"    instead: {finding.suggestion}")
    return "\n".join(lines)


@reply_group.command("post")
@click.option("--review", "review_id", type=int, required=True, help="The review to answer.")
@click.option("--text", required=True, help="The reply, or - to read it from standard input.")
@click.option(
    "--override",
    "override_reason",
    help="Post even though the check found something; the reason goes into the reply log.",
)
@click.option("--as", "actor", default=getpass.getuser, help="Who is answering (reply log).")
@pass_app
def reply_post(
    app: AppContext, review_id: int, text: str, override_reason: str | None, actor: str
) -> None:
    """Check a reply and post it to Google (replacing any earlier reply); every try is logged."""
    if text == "-":
        text = read_stdin()
    settings = app.settings
    sessions = session_factory(open_database(settings))
    outcome = post_reply_now(settings, sessions, review_id, text, actor, override_reason)
    if outcome.status == "blocked":
        click.echo(describe(outcome.findings))
        click.echo(
            "Not posted. Change the reply, or post it anyway with --override REASON "
            "(the reason is kept in the reply log)."
        )
        sys.exit(1)
    if outcome.status == "failed":
        click.echo(
            f"Not posted: {outcome.error}. Logged as failed; run the command again to retry."
        )
        sys.exit(1)
    click.echo(describe_state(outcome))


@reply_group.command("delete")
@click.option("--review", "review_id", type=int, required=True, help="The review's id.")
@click.option("--as", "actor", default=getpass.getuser, help="Who is deleting (reply log).")
@pass_app
def reply_delete(app: AppContext, review_id: int, actor: str) -> None:
    """Delete the reply to a review on Google; logged like a post."""
    settings = app.settings
    sessions = session_factory(open_database(settings))
    outcome = delete_reply_now(settings, sessions, review_id, actor)
    if outcome.status == "failed":
        click.echo(f"Not deleted: {outcome.error}. Logged as failed; run it again to retry.")
        sys.exit(1)
    click.echo("Reply deleted.")


@reply_group.command("status")
@pass_app
def reply_status(app: AppContext) -> None:
    """Ask Google where replies still waiting for moderation stand."""
    settings = app.settings
    sessions = session_factory(open_database(settings))
    outcomes = follow_pending(sessions, connect_google(settings))
    for outcome in outcomes:
        click.echo(f"reply {outcome.log_id}: {describe_state(outcome)}")
    if not outcomes:
        click.echo("No replies are waiting for Google's moderation.")


@reply_group.command("log")
@click.option(
    "--csv",
    "csv_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the whole log to this CSV file (what an HHS OCR corrective plan asks for).",
)
@pass_app
def reply_log(app: AppContext, csv_file: Path | None) -> None:
    """Every reply posted, edited or deleted here, with its check and Google's answer."""
    settings = app.settings
    if csv_file is not None:
        check_writable(csv_file)
    with session_factory(open_database(settings))() as session:
        rows = reply_log_rows(session)
    if csv_file is not None:
        write_output(csv_file, csv_text(REPLY_LOG_COLUMNS, rows))
        click.echo(f"{len(rows)} reply log entries written to {csv_file}.")
        return
    for row in rows:
        state = row["reply_state"] or row["api_status"]
        click.echo(f"{row['when']}  {row['who']:<16} {row['action']:<6} {row['location']}  {state}")
    if not rows:
        click.echo("The reply log is empty.")


def describe_state(outcome: ReplyOutcome) -> str:
    if outcome.reply_state == "REJECTED":
        reason = outcome.policy_violation or "no reason given"
        return f"Google rejected the reply ({reason}); it is not shown on Google."
    if outcome.reply_state == "APPROVED":
        return "Posted: Google approved the reply and shows it."
    return "Sent: Google is reviewing the reply (PENDING); `seo-monitor reply status` follows it."
