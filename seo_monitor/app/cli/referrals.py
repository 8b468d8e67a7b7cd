"""Referral sources: import referrals, referrals report/due/touch/touches/merge/rename/kind/kit."""

from __future__ import annotations

import getpass
import json
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from collectors.nppes import load_registry
from collectors.referrals import import_referrals
from qr.referral_kit import (
    KitPractice,
    referral_form_pdf,
    referral_sheet_pdf,
    thank_you_letters_pdf,
)
from seo_monitor.app.cli.app import DAY, AppContext, cli, open_database, pass_app
from seo_monitor.app.cli.collect import import_group
from seo_monitor.app.cli.output import check_writable, write_output
from seo_monitor.config import Settings
from seo_monitor.db import session_factory
from seo_monitor.errors import UserError
from seo_monitor.patient_keys import patient_key, patient_secret
from seo_monitor.queries import (
    Period,
    ReferralReport,
    select_locations,
    select_referral_report,
    select_referrals_due,
    select_referrer_choices,
    select_thank_you_counts,
    select_touches,
)
from seo_monitor.referrals import (
    KINDS,
    TOUCH_KINDS,
    StatusRules,
    log_touch,
    merge_referrers,
    rename_referrer,
    set_referrer_kind,
)
from seo_monitor.times import utcnow

REPORT_DAYS = 365  # the report's period when none is given: the year up to --until


@import_group.command("referrals")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--location", "wanted", help="Every row is this location's (store code, name, id).")
@click.option(
    "--map",
    "mappings",
    multiple=True,
    metavar="FIELD=COLUMN",
    help="The column that holds a field, when its header is not recognised (repeatable).",
)
@click.option("--source", default="emr", show_default=True, help="The exporting system's name.")
@pass_app
def import_referrals_command(
    app: AppContext, file: Path, wanted: str | None, mappings: tuple[str, ...], source: str
) -> None:
    """Import referrals from a practice-management export (docs/referrals.md).

    Patient names, birth dates, diagnoses and contact details are never read; the patient's
    account number is kept only as a keyed hash."""
    settings = app.settings
    overrides = dict(parse_mapping(m) for m in mappings)
    sessions = session_factory(open_database(settings))
    secret = patient_secret(settings)
    with sessions.begin() as session:
        location = select_locations(session, wanted)[0] if wanted else None
        report = import_referrals(
            session,
            file,
            utcnow(),
            lambda account: patient_key(secret, account),
            settings.referrals.import_max_megabytes * 1024 * 1024,
            location,
            overrides,
            source,
        )
    for warning in report.warnings[:20]:
        click.echo(f"warning: {warning}", err=True)
    if len(report.warnings) > 20:
        click.echo(f"warning: … and {len(report.warnings) - 20} more", err=True)
    if report.ignored_columns:
        click.echo(
            f"Not read: {len(report.ignored_columns)} other columns "
            f"({', '.join(report.ignored_columns)}); their cells are never stored."
        )
    click.echo(
        f"{report.rows} referrals read from {file.name}; {report.changed} new or changed; "
        f"{report.new_referrers} new referrers."
    )


def parse_mapping(text: str) -> tuple[str, str]:
    name, sep, column = text.partition("=")
    if not sep or not name.strip() or not column.strip():
        raise UserError(f"--map {text!r}: write it as FIELD=COLUMN, e.g. case_id='Episode #'")
    return name.strip(), column.strip()


@cli.group("referrals")
def referrals_group() -> None:
    """Who sends the practice patients, who slowed down, and what is owed to them."""


def report_period(since: datetime | None, until: datetime | None, as_of: date) -> Period:
    end = until.date() if until else as_of
    start = since.date() if since else end - timedelta(days=REPORT_DAYS - 1)
    if start > end:
        raise UserError(f"--since {start} is after --until {end}")
    return Period(start, end)


def practice_today(settings: Settings) -> date:
    """Today where the practice is (scheduler.timezone), as the digest and the monthly report
    count days: in the evening in America, UTC is already tomorrow."""
    return utcnow().astimezone(ZoneInfo(settings.scheduler.timezone)).date()


def location_ids(settings: Settings, wanted: str | None) -> list[int] | None:
    if wanted is None:
        return None
    with session_factory(open_database(settings))() as session:
        return [location.id for location in select_locations(session, wanted)]


@referrals_group.command("report")
@click.option("--location", help="Only this location's referrals (store code, name or id).")
@click.option("--since", type=DAY, help="First day of the period (default: a year before --until).")
@click.option("--until", type=DAY, help="Last day of the period (default: --as-of).")
@click.option(
    "--as-of",
    "as_of",
    type=DAY,
    help="The day statuses are judged on (default: today in scheduler.timezone).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@pass_app
def referrals_report(
    app: AppContext,
    location: str | None,
    since: datetime | None,
    until: datetime | None,
    as_of: datetime | None,
    as_json: bool,
) -> None:
    """Referrals, conversion and each referrer's status: new, active, slipping or lapsed."""
    settings = app.settings
    day = as_of.date() if as_of else practice_today(settings)
    period = report_period(since, until, day)
    ids = location_ids(settings, location)
    with session_factory(open_database(settings))() as session:
        report = select_referral_report(
            session, period, day, StatusRules.from_settings(settings), ids
        )
    if as_json:
        click.echo(json.dumps(report.as_json(), indent=2, ensure_ascii=False))
    else:
        click.echo(describe_report(report))


def describe_report(report: ReferralReport) -> str:
    t, p = report.totals, report.pareto
    lines = [
        f"Referrals {report.period.start} to {report.period.end} (statuses as of {report.as_of})",
        f"  {t.referrals} referrals from {t.referrers} referrers; {t.converted} reached a first "
        f"visit ({percent(t.conversion_rate)}); median {days(t.median_days_to_first_visit)} "
        "from referral to first visit",
    ]
    if p.top_referrers:
        lines.append(
            f"  The top {len(p.top_referrers)} referrers sent {percent(p.share)} of them: "
            + ", ".join(p.top_referrers)
        )
    if not report.referrers:
        lines.append("  No referrals yet: `seo-monitor import referrals FILE.csv`.")
        return "\n".join(lines)
    lines.append("")
    lines.append(
        f"  {'id':>5}  {'referrer':<32} {'kind':<12} {'refs':>4} {'conv':>5} {'days':>5} "
        f"{'last':<10}  status"
    )
    for r in report.referrers:
        lines.append(
            f"  {r.id:>5}  {r.name[:32]:<32} {r.kind[:12]:<12} {r.referrals:>4} "
            f"{percent(r.conversion_rate):>5} {days(r.median_days_to_first_visit):>5} "
            f"{r.last_referral.isoformat() if r.last_referral else '–':<10}  {r.status}"
        )
    return "\n".join(lines)


def percent(rate: float | None) -> str:
    return "–" if rate is None else f"{rate:.0%}"


def days(value: float | None) -> str:
    return "–" if value is None else f"{value:g} d"


@referrals_group.command("due")
@click.option("--location", help="Only this location's referrals.")
@click.option("--as-of", "as_of", type=DAY, help="The day (default: today in scheduler.timezone).")
@pass_app
def referrals_due(app: AppContext, location: str | None, as_of: datetime | None) -> None:
    """Thank-yous, check-ins and progress updates due, most pressing first."""
    settings = app.settings
    day = as_of.date() if as_of else practice_today(app.settings)
    ids = location_ids(settings, location)
    with session_factory(open_database(settings))() as session:
        due = select_referrals_due(session, day, StatusRules.from_settings(settings), ids)
    for touch in due:
        click.echo(f"[{touch.referrer_id}] {touch.name}: {touch.what} ({touch.why})")
    if not due:
        click.echo("Nothing due.")


@referrals_group.command("touch")
@click.argument("referrer_id", type=int)
@click.option("--kind", type=click.Choice(TOUCH_KINDS), required=True)
@click.option("--date", "day", type=DAY, help="When it happened (default: today).")
@click.option("--note", help="What was sent or said (no patient details).")
@click.option("--as", "actor", default=getpass.getuser, help="Who did it.")
@pass_app
def referrals_touch(
    app: AppContext,
    referrer_id: int,
    kind: str,
    day: datetime | None,
    note: str | None,
    actor: str,
) -> None:
    """Log a thank-you, progress update, visit, call or lunch-and-learn for a referrer."""
    now = utcnow()
    with session_factory(open_database(app.settings)).begin() as session:
        log_touch(session, referrer_id, kind, day.date() if day else now.date(), note, actor, now)
    click.echo(f"Logged a {kind} for referrer {referrer_id}.")


@referrals_group.command("touches")
@click.option("--referrer", "referrer_id", type=int, help="Only this referrer's (its id).")
@pass_app
def referrals_touches(app: AppContext, referrer_id: int | None) -> None:
    """The touches logged, newest first."""
    with session_factory(open_database(app.settings))() as session:
        touches = select_touches(session, referrer_id)
    for t in touches:
        click.echo(f"{t.day}  {t.referrer}: {t.kind}" + (f" — {t.note}" if t.note else ""))
    if not touches:
        click.echo("No touches logged yet.")


@referrals_group.command("merge")
@click.argument("referrer_id", type=int)
@click.option("--into", "into_id", type=int, required=True, help="The referrer it is the same as.")
@pass_app
def referrals_merge(app: AppContext, referrer_id: int, into_id: int) -> None:
    """Merge a referrer into another (the same person under two names); later imports follow."""
    with session_factory(open_database(app.settings)).begin() as session:
        merge_referrers(session, referrer_id, into_id, utcnow())
    click.echo(f"Referrer {referrer_id} merged into {into_id}.")


@referrals_group.command("rename")
@click.argument("referrer_id", type=int)
@click.argument("name")
@pass_app
def referrals_rename(app: AppContext, referrer_id: int, name: str) -> None:
    """Show a referrer under another name."""
    with session_factory(open_database(app.settings)).begin() as session:
        rename_referrer(session, referrer_id, name, utcnow())
    click.echo(f"Referrer {referrer_id} is now {name!r}.")


@referrals_group.command("kind")
@click.argument("referrer_id", type=int)
@click.argument("kind", type=click.Choice(list(KINDS)))
@pass_app
def referrals_kind(app: AppContext, referrer_id: int, kind: str) -> None:
    """Set what kind of source a referrer is; imports no longer change it."""
    with session_factory(open_database(app.settings)).begin() as session:
        set_referrer_kind(session, referrer_id, kind, utcnow())
    click.echo(f"Referrer {referrer_id} is a {KINDS[kind].lower()} source.")


@referrals_group.group("kit")
def kit_group() -> None:
    """The printable referral kit: thank-you letters, the referral sheet, the referral form."""


@kit_group.command("letters")
@click.option("--month", required=True, help="The month thanked for, YYYY-MM.")
@click.option("--referrer", "referrer_ids", type=int, multiple=True, help="Only these (ids).")
@click.option(
    "--location",
    help="Only referrals to this location, on its letterhead (default: the whole practice).",
)
@click.option("-o", "--out", type=click.Path(path_type=Path, dir_okay=False), required=True)
@pass_app
def kit_letters(
    app: AppContext, month: str, referrer_ids: tuple[int, ...], location: str | None, out: Path
) -> None:
    """One thank-you letter per referrer who referred in the month; counts only, no patient."""
    settings = app.settings
    check_writable(out)
    try:
        first = datetime.strptime(month, "%Y-%m").date()
    except ValueError:
        raise UserError(f"--month {month!r}: write the month as YYYY-MM, e.g. 2026-11") from None
    with session_factory(open_database(settings))() as session:
        chosen = select_locations(session, location)
        ids = [place.id for place in chosen] if location is not None else None
        counts = select_thank_you_counts(session, first, list(referrer_ids) or None, ids)
        practice = KitPractice.from_settings(settings, chosen)
    if not counts:
        where = f" at {location}" if location is not None else ""
        raise UserError(f"no referrals in {month}{where}: no letters to write")
    write_output(out, thank_you_letters_pdf(practice, counts, first, practice_today(settings)))
    click.echo(f"{out}: {len(counts)} thank-you letters for {first:%B %Y}.")


@kit_group.command("sheet")
@click.option("--location", help="The location whose address and phone it gives.")
@click.option("-o", "--out", type=click.Path(path_type=Path, dir_okay=False), required=True)
@pass_app
def kit_sheet(app: AppContext, location: str | None, out: Path) -> None:
    """The one-page referral sheet for partners: services, hours, contacts, how to refer."""
    settings = app.settings
    check_writable(out)
    with session_factory(open_database(settings))() as session:
        practice = KitPractice.from_settings(settings, select_locations(session, location))
    write_output(out, referral_sheet_pdf(practice))
    click.echo(f"{out}: the referral sheet for {practice.name}.")


@kit_group.command("form")
@click.option("--location", help="The location the form is sent to.")
@click.option("-o", "--out", type=click.Path(path_type=Path, dir_okay=False), required=True)
@pass_app
def kit_form(app: AppContext, location: str | None, out: Path) -> None:
    """The referral form, fillable on screen and printable (minimum necessary)."""
    settings = app.settings
    check_writable(out)
    with session_factory(open_database(settings))() as session:
        practice = KitPractice.from_settings(settings, select_locations(session, location))
    write_output(out, referral_form_pdf(practice))
    click.echo(f"{out}: the referral form for {practice.name}.")


@referrals_group.command("list")
@pass_app
def referrals_list(app: AppContext) -> None:
    """Every referrer with its id, NPI and kind (ids are what the other commands take)."""
    with session_factory(open_database(app.settings))() as session:
        choices = select_referrer_choices(session)
    for r in choices:
        click.echo(f"[{r.id}] {r.name}  NPI {r.npi or '–'}  {KINDS.get(r.kind, r.kind)}")
    if not choices:
        click.echo("No referrers yet: `seo-monitor import referrals FILE.csv`.")


@referrals_group.command("npi-load")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@pass_app
def referrals_npi_load(app: AppContext, file: Path) -> None:
    """Add the NPI registry's details (name, specialty, practice address) to referrers, from
    CMS's NPPES file (read locally; nothing is sent anywhere)."""
    with session_factory(open_database(app.settings)).begin() as session:
        report = load_registry(session, file, utcnow())
    click.echo(
        f"{report.read:,} providers read from {file.name}; {report.matched} referrers completed."
    )
