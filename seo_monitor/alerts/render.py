"""Emails from queued payloads: multipart text + HTML, with every piece of review text escaped."""

from __future__ import annotations

import re
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from seo_monitor.alerts.outbox import Batch, message_id
from seo_monitor.config import AlertSettings
from seo_monitor.errors import UserError
from seo_monitor.links import PUBLIC_URL_HINT
from seo_monitor.times import utcnow

METRIC_LABELS = {
    "views": "Profile views",
    "calls": "Calls",
    "directions": "Direction requests",
    "website_clicks": "Website clicks",
}


# Line breaks and other controls: a header holding one is refused by the email library.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def one_line(text: str) -> str:
    return " ".join(CONTROL.sub(" ", text).split())


@cache
def environment() -> Environment:
    # Autoescape for .html: a review saying <script> arrives as the text "<script>".
    return Environment(
        loader=PackageLoader("seo_monitor.alerts", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def compose(alerts: AlertSettings, batch: Batch, now: datetime | None = None) -> EmailMessage:
    if alerts.from_address is None:
        raise UserError("alerts.from_address is not set: set the sender address in config.toml")
    subject, context = _content(batch, now or utcnow())
    message = EmailMessage()
    message["Subject"] = one_line(subject)  # a location title stored before names were cleaned
    message["From"] = str(alerts.from_address)
    message["To"] = batch.recipient
    if alerts.reply_to:
        message["Reply-To"] = str(alerts.reply_to)
    message["Date"] = formatdate(localtime=True)
    domain = str(alerts.from_address).rpartition("@")[2]
    message["Message-ID"] = message_id(batch.keys, domain)
    env = environment()
    context = {
        **context,
        "subject": subject,
        "labels": METRIC_LABELS,
        "public_url_hint": PUBLIC_URL_HINT,
    }
    message.set_content(env.get_template(f"{batch.kind}.txt").render(context))
    message.add_alternative(env.get_template(f"{batch.kind}.html").render(context), subtype="html")
    return message


def _content(batch: Batch, now: datetime) -> tuple[str, dict[str, Any]]:
    if batch.kind == "negative":
        reviews = [{**p, "age": _age(p["written"], now)} for p in batch.payloads]
        if len(reviews) == 1:
            first = reviews[0]
            subject = f"{first['stars'] or 'No'}★ review for {first['location']}"
        else:
            subject = f"{len(reviews)} new reviews to look at"
        return subject, {"reviews": reviews}
    if batch.kind == "digest":
        digest = batch.payloads[0]
        week = f"{digest['week_start']} to {digest['week_end']}"
        # Digests queued by an earlier version lack the counts of locations left out.
        counts = {"more_attention": 0, "calm": 0, "dashboard_links": False}
        return f"Weekly digest, {week}", {**counts, **digest, "week": week}
    if batch.kind == "profile":
        changes = list(batch.payloads)
        if len(changes) == 1:
            subject = f"Profile change: {changes[0]['location']}, {changes[0]['field'].lower()}"
        else:
            subject = f"{len(changes)} changes to your Business Profiles"
        return subject, {"changes": changes}
    if batch.kind == "report":  # the PDF is attached by seo_monitor.reports.sending
        report = batch.payloads[0]
        return f"{report['brand']}: monthly report, {report['month']}", report
    if batch.kind == "test":
        return "seo-monitor test email", batch.payloads[0]
    raise ValueError(f"unknown email kind {batch.kind!r}")


def _age(written: str, now: datetime) -> str:
    days = (now - datetime.fromisoformat(written)).days
    return "today" if days <= 0 else "yesterday" if days == 1 else f"{days} days ago"


def digest_html(alerts: AlertSettings, digest: dict[str, Any]) -> str:
    """A digest as its recipients would see it, without sending it (previews)."""
    sender = alerts.model_copy(
        update={"from_address": alerts.from_address or "preview@example.com"}
    )
    batch = Batch("digest", "preview@example.com", (0,), (digest,), ("preview",))
    body = compose(sender, batch).get_body(("html",))
    return str(body.get_content()) if body else ""
