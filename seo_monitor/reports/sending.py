"""Emailing the monthly report: once per recipient and month, from `report.send_day` on.

The daily job queues one outbox row per recipient under the key `report:<month>:<address>`
(a repeated or overlapping run adds nothing), then sends the due rows through the outbox like
every other email: claimed, retried on an SMTP failure, given up after `alerts.max_attempts`.
The PDF is built when the email is composed, from the database as it is then, once per run.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from email.message import EmailMessage
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from seo_monitor.alerts import smtp
from seo_monitor.alerts.outbox import Batch, DeliveryReport, deliver_due, enqueue
from seo_monitor.alerts.render import compose
from seo_monitor.config import Settings
from seo_monitor.queries import Month, select_locations
from seo_monitor.reports import monthly_report_pdf, report_file_name
from seo_monitor.times import utcnow

KIND = "report"
SCOPE = "every location"


def due_month(settings: Settings, now: datetime) -> Month | None:
    """Last month, once `report.send_day` has come in the scheduler's time zone."""
    today = now.astimezone(ZoneInfo(settings.scheduler.timezone)).date()
    return Month.last_complete(today) if today.day >= settings.report.send_day else None


def queue_reports(session: Session, settings: Settings, now: datetime) -> int:
    """One email per recipient for the due month; how many were new."""
    month = due_month(settings, now)
    if month is None or not settings.report.recipients:
        return 0
    payload = {
        "month": month.label,
        "month_key": month.key,
        "previous": month.previous().label,
        "scope": SCOPE,
        "brand": settings.report.brand_name
        or settings.referral_kit.practice_name
        or "Your practice",
        "footer": settings.report.footer or "",
    }
    queued = 0
    for recipient in settings.report.recipients:
        address = str(recipient)
        key = f"report:{month.key}:{address.lower()}"
        queued += enqueue(session, key, KIND, address, payload, due=now)
    return queued


def send_reports(
    sessions: sessionmaker[Session],
    settings: Settings,
    now: Callable[[], datetime] = utcnow,
    send: Callable[[EmailMessage], None] | None = None,
) -> tuple[int, DeliveryReport]:
    """Queue what is due and send every report email that is due (new ones and retries)."""
    with sessions.begin() as session:
        queued = queue_reports(session, settings, now())
    built: dict[str, tuple[bytes, str]] = {}

    def attachment(month_key: str) -> tuple[bytes, str]:
        if month_key not in built:
            month = Month.parse(month_key)
            with sessions() as session:
                locations = select_locations(session, settings=settings)
                pdf = monthly_report_pdf(session, settings, locations, month, now())
            built[month_key] = (pdf, report_file_name(month, "all"))
        return built[month_key]

    def composed(batch: Batch) -> EmailMessage:
        # Rows due together for one recipient (months held back by an outage) make one email
        # with a PDF for each month.
        message = compose(settings.alerts, batch, now())
        for payload in batch.payloads:
            pdf, name = attachment(str(payload["month_key"]))
            message.add_attachment(pdf, maintype="application", subtype="pdf", filename=name)
        return message

    def delivered(message: EmailMessage) -> None:
        smtp.send(settings.alerts, message)

    report = deliver_due(
        sessions, composed, send or delivered, settings.alerts.max_attempts, now, kinds=(KIND,)
    )
    return queued, report
