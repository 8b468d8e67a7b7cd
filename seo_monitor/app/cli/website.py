"""The website audit for any site: seo-monitor website audit URL."""

from __future__ import annotations

import json

import click

from seo_monitor.app.actions import audit_website
from seo_monitor.app.cli.app import AppContext, cli, open_database, pass_app
from seo_monitor.config import Settings
from seo_monitor.db import session_factory
from seo_monitor.queries import select_locations
from seo_monitor.website import Profile

SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2, "info": 3}


@cli.group("website")
def website_group() -> None:
    """The website audit: a site's local SEO against the Google profile."""


@website_group.command("audit")
@click.argument("url")
@click.option("--location", help="Compare with this location's Google profile (id, name, code).")
@click.option("--name", help="The business name to look for (without --location).")
@click.option("--phone", help="The phone number to look for.")
@click.option("--address", help="The street address to look for, e.g. '1200 Barton Springs Rd'.")
@click.option("--city", help="The city the title should name.")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
@pass_app
def audit(
    app: AppContext,
    url: str,
    location: str | None,
    name: str | None,
    phone: str | None,
    address: str | None,
    city: str | None,
    as_json: bool,
) -> None:
    """Audit a website's local SEO (any site, e.g. a competitor's) and print what to fix."""
    profile = Profile(name, (address,) if address else (), city, phone)
    # Without a config file (a quick look at any site): the defaults, public sites only.
    settings = app.settings if location or app.config_file.exists() else Settings()
    if location:
        with session_factory(open_database(settings))() as session:
            chosen = select_locations(session, location)[0]
            profile = Profile(
                chosen.title, tuple(chosen.address_lines or ()), chosen.locality, chosen.phone
            )
    result = audit_website(url, settings, profile)
    if as_json:
        click.echo(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
        return
    if result.score is None:
        click.echo(f"{result.url}: no score, the site could not be read ({result.reason})")
    else:
        click.echo(f"{result.url}: score {result.score}/100")
    for finding in sorted(result.findings, key=lambda f: SEVERITY_ORDER.get(f.severity, 9)):
        click.echo(f"  [{finding.severity}] {finding.check}: {finding.message}")
        click.echo(f"      fix: {finding.fix}")
