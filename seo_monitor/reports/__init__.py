"""The monthly report: built from the read model, rendered as a white-label PDF, emailed once
per recipient and month (seo_monitor.reports.sending)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from seo_monitor.config import Settings
from seo_monitor.models import Location
from seo_monitor.queries import Month, build_month
from seo_monitor.reports.pdf import Branding, Report, render


def build_report(
    session: Session,
    settings: Settings,
    locations: Sequence[Location],
    month: Month,
    now: datetime,
    title: str | None = None,
) -> Report:
    """The report of `locations`: all together, and with several a page for each (in title
    order). `title` names the whole (a group's name); unset, the location's title or "All
    locations"."""
    chosen = sorted(locations, key=lambda location: location.title)
    today = now.date()
    if len(chosen) == 1:
        whole = build_month(session, settings, chosen[0].title, chosen, month, today)
        return Report(whole, [], today)
    name = title or "All locations"
    whole = build_month(
        session, settings, f"{name} ({len(chosen)} locations)", chosen, month, today
    )
    pages = [
        build_month(session, settings, location.title, [location], month, today, charts=False)
        for location in chosen
    ]
    return Report(whole, pages, today)


def brand_name(settings: Settings, fallback: str) -> str:
    """report.brand_name, else the practice's name from the referral kit, else `fallback`."""
    return settings.report.brand_name or settings.referral_kit.practice_name or fallback


def branding(settings: Settings, report: Report, page_size: str | None = None) -> Branding:
    """The report's name, logo, colour and footer from [report]; nothing names seo-monitor."""
    options = settings.report
    return Branding(
        name=brand_name(settings, report.whole.title),
        prepared_by=options.prepared_by,
        logo=options.logo_file,
        accent=options.accent_color,
        footer=options.footer,
        page_size=page_size or options.page_size,
    )


def monthly_report_pdf(
    session: Session,
    settings: Settings,
    locations: Sequence[Location],
    month: Month,
    now: datetime,
    *,
    title: str | None = None,
    page_size: str | None = None,
) -> bytes:
    """The month's report of `locations` as PDF bytes."""
    report = build_report(session, settings, locations, month, now, title)
    return render(report, branding(settings, report, page_size))


def report_file_name(month: Month | str, scope: str) -> str:
    """monthly-report-2026-11-all.pdf: the month and whose, in words a file system keeps."""
    month = Month.parse(month) if isinstance(month, str) else month
    safe = "".join(c if c.isalnum() else "-" for c in scope.lower()).strip("-")
    return f"monthly-report-{month.key}-{'-'.join(filter(None, safe.split('-')))[:60]}.pdf"


__all__ = [
    "Branding",
    "Report",
    "brand_name",
    "branding",
    "build_report",
    "monthly_report_pdf",
    "report_file_name",
]
