"""Review-request QR codes and posters: qr code, qr poster."""

from __future__ import annotations

from pathlib import Path

import click

from qr.poster import SIZES
from qr.requests import CODE_FORMATS, make_code, make_poster
from seo_monitor.app.cli.app import AppContext, cli, open_database, pass_app
from seo_monitor.app.cli.output import check_writable, write_output
from seo_monitor.db import session_factory
from seo_monitor.queries import select_locations


@cli.group("qr")
def qr_group() -> None:
    """QR codes and printable posters that ask every patient for a Google review."""


@qr_group.command("code")
@click.option("--location", required=True, help="The location: its Google name, store code or id.")
@click.option("--format", "fmt", type=click.Choice(CODE_FORMATS), default="png", show_default=True)
@click.option("-o", "--out", type=click.Path(path_type=Path, dir_okay=False), required=True)
@pass_app
def qr_code(app: AppContext, location: str, fmt: str, out: Path) -> None:
    """The location's review link as a QR code (PNG at 300 dpi, or SVG)."""
    settings = app.settings
    check_writable(out)  # before the code is recorded as made
    with session_factory(open_database(settings)).begin() as session:
        made = make_code(session, settings, select_locations(session, location)[0], fmt)
    write_output(out, made.data)
    for warning in made.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"{out}: a code for {made.link}")


@qr_group.command("poster")
@click.option("--location", required=True, help="The location: its Google name, store code or id.")
@click.option("--size", type=click.Choice(list(SIZES)), default="letter", show_default=True)
@click.option("--lang", help="Languages, in order, e.g. en,es (default: posters.languages).")
@click.option("--placement", help="Where it will hang (front desk, gym floor…), for the record.")
@click.option("-o", "--out", type=click.Path(path_type=Path, dir_okay=False), required=True)
@pass_app
def qr_poster(
    app: AppContext, location: str, size: str, lang: str | None, placement: str | None, out: Path
) -> None:
    """A print-ready PDF poster, table tent or sheet of cards for the location."""
    settings = app.settings
    languages = [part.strip() for part in lang.split(",") if part.strip()] if lang else None
    check_writable(out)
    with session_factory(open_database(settings)).begin() as session:
        chosen = select_locations(session, location)[0]
        made = make_poster(session, settings, chosen, size, languages, placement)
    write_output(out, made.data)
    for warning in made.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"{out}: {size} poster for {made.link}")
