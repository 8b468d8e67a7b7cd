"""Answering reviews safely: reply lint."""

from __future__ import annotations

import json
import sys

import click
from sqlalchemy import select

from seo_monitor.cli.app import AppContext, cli, open_database, pass_app
from seo_monitor.db import session_factory
from seo_monitor.errors import UserError
from seo_monitor.models import Location, Review
from seo_monitor.replies import Finding, ReviewContext, lint_reply, reply_size_problem
from seo_monitor.settings import Settings


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
        text = sys.stdin.read()
    problem = reply_size_problem(text)
    if problem:
        raise UserError(problem)
    context, contacts = ReviewContext(reviewer, None), list[str]()
    # Checking a text needs no configuration; the review and the practice's details do.
    settings = app.settings if review_id or app.config_file.exists() else Settings()
    if review_id is not None:
        context, contacts = review_context(settings, review_id)
    if settings.replies.office_phone:
        contacts.append(settings.replies.office_phone)
    findings = lint_reply(text, context, settings.replies.staff_names, contacts)
    if as_json:
        click.echo(json.dumps([f.as_dict() for f in findings], indent=2, ensure_ascii=False))
    else:
        click.echo(describe(findings))
    if findings:
        sys.exit(1)


def review_context(settings: Settings, review_id: int) -> tuple[ReviewContext, list[str]]:
    """The review's author and text, and its location's own phone number."""
    with session_factory(open_database(settings))() as session:
        row = session.execute(
            select(Review.author_name, Review.text, Location.phone)
            .join(Location, Location.id == Review.location_id)
            .where(Review.id == review_id)
        ).first()
    if row is None:
        raise UserError(f"no review with id {review_id} (the Reviews page shows ids in the link)")
    return ReviewContext(row.author_name, row.text), [row.phone] if row.phone else []


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
