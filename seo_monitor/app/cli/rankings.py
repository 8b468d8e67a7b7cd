"""Map rankings: rankings estimate, rankings show."""

from __future__ import annotations

import click

from collectors.rankings import calls_per_run
from seo_monitor.app.cli.app import AppContext, cli, open_database, pass_app
from seo_monitor.db import session_factory
from seo_monitor.errors import UserError
from seo_monitor.queries import select_locations, select_scans

RUNS_PER_MONTH = 4.35  # the weekly schedule


@cli.group("rankings")
def rankings_group() -> None:
    """Geo-grid map rankings: what a scan costs, and what the last scans found."""


@rankings_group.command("estimate")
@pass_app
def estimate(app: AppContext) -> None:
    """API calls and cost per run and per month for the configured keywords and grid."""
    settings = app.settings
    rankings = settings.rankings
    with session_factory(open_database(settings))() as session:
        locations = len(select_locations(session, None, settings))
    calls = calls_per_run(rankings, locations)
    per_run = calls * rankings.cost_per_search_usd
    click.echo(
        f"{locations} locations × {len(rankings.keywords)} keywords × "
        f"{rankings.grid_size}×{rankings.grid_size} points × up to {rankings.pages} page(s)"
    )
    click.echo(f"per run:   {calls:,} calls, ${per_run:,.2f}")
    click.echo(
        f"per month: {calls * RUNS_PER_MONTH:,.0f} calls, ${per_run * RUNS_PER_MONTH:,.2f} "
        f"(weekly, {RUNS_PER_MONTH} runs)"
    )
    if rankings.monthly_budget_usd is not None:
        click.echo(f"budget:    ${rankings.monthly_budget_usd:,.2f} a month; scans stop before it")


@rankings_group.command("show")
@click.option("--location", required=True, help="Its Google name, store code or id.")
@click.option("--keyword", help="Only this keyword.")
@pass_app
def show(app: AppContext, location: str, keyword: str | None) -> None:
    """The latest scans: ARP, ATRP, SoLV and found-in, then the grid (north at the top)."""
    settings = app.settings
    with session_factory(open_database(settings))() as session:
        chosen = select_locations(session, location)[0]
        scans = select_scans(session, chosen.id, keyword)
    if not scans:
        raise UserError(f"no scans for {chosen.title} yet: run `seo-monitor collect rankings`")
    click.echo(f"{'when':<17} {'keyword':<28} {'ARP':>5} {'ATRP':>5} {'SoLV':>6} {'found':>7}")
    for scan in scans:
        m = scan.metrics
        click.echo(
            f"{scan.started_at:%Y-%m-%d %H:%M} {scan.keyword[:28]:<28} "
            f"{_number(m.arp):>5} {_number(m.atrp):>5} "
            f"{(f'{m.solv:.0f}%' if m.solv is not None else '-'):>6} {m.found_in:>7}"
        )
    latest = scans[0]
    click.echo(f"\n{latest.keyword} — {latest.settings} ({latest.status})")
    for row in latest.grid:
        click.echo(" ".join(f"{cell:>3}" for cell in row))
    click.echo("(rank at each point; -- not in the results; x the search failed there)")


def _number(value: float | None) -> str:
    return f"{value:.1f}" if value is not None else "-"
