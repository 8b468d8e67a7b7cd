"""The review request email: the same neutral words for every patient but the greeting and the
language, the review link, the clinic's postal address and a working unsubscribe.

No images, so no tracking pixel; plain text and HTML; a List-Unsubscribe header (mailto, and
the clinic's one-click web address when it has one: RFC 2369 and RFC 8058).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate
from string import Formatter
from typing import Any
from urllib.parse import quote, urlencode

from seo_monitor.config import AlertSettings, Settings
from seo_monitor.errors import UserError
from seo_monitor.review_requests.asking import problems


@dataclass(frozen=True)
class AskWording:
    subject: str
    greeting: str  # without a first name
    named_greeting: str
    message: str
    button: str
    footer: str


BUILT_IN = {
    "en": AskWording(
        subject="Would you review {clinic} on Google?",
        greeting="Hello,",
        named_greeting="Hello {first_name},",
        message="Thank you for choosing {clinic}. Would you take a minute to share your "
        "experience on Google? Every review, good or bad, helps us improve and helps others "
        "find care.",
        button="Leave a review on Google",
        footer="You get this email because you visited {clinic}. To get no more of them, "
        "reply STOP or write to {unsubscribe}.",
    ),
    "es": AskWording(
        subject="¿Nos dejaría una reseña de {clinic} en Google?",
        greeting="Hola:",
        named_greeting="Hola, {first_name}:",
        message="Gracias por elegir {clinic}. ¿Tendría un minuto para compartir su experiencia "
        "en Google? Cada reseña, buena o mala, nos ayuda a mejorar y ayuda a otros a encontrar "
        "atención.",
        button="Dejar una reseña en Google",
        footer="Recibe este correo porque visitó {clinic}. Para no recibir más, responda STOP "
        "o escriba a {unsubscribe}.",
    ),
}
LANGUAGES = tuple(BUILT_IN)
CUSTOMISABLE = ("subject", "message")


def wording_for(settings: Settings, language: str) -> AskWording:
    """The built-in wording with the configured subject or message; custom text that breaks
    the rules of asking (gating, incentives, a rating, health details) is refused."""
    base = BUILT_IN[language]
    own = settings.review_requests.wording.get(language, {})
    for part, text in own.items():
        if part not in CUSTOMISABLE:
            raise UserError(
                f"review_requests.wording.{language}.{part}: only {' and '.join(CUSTOMISABLE)} "
                "can be changed"
            )
        template = template_problem(text)
        if template:
            raise UserError(f"review_requests.wording.{language}.{part} {template}")
        for reason in problems(text):
            raise UserError(
                f"review_requests.wording.{language}.{part} {reason}: every patient gets the "
                "same neutral ask; nothing was sent"
            )
    return AskWording(
        own.get("subject", base.subject),
        base.greeting,
        base.named_greeting,
        own.get("message", base.message),
        base.button,
        base.footer,
    )


PLACEHOLDERS = ("clinic",)  # what a custom subject or message may use


def template_problem(text: str) -> str | None:
    """What is wrong with a custom subject or message as a template, with the fix; None when
    nothing is. Only {clinic}: the greeting is the one personal part, so {first_name} in the
    words would make them differ per patient, and any other name would fail every ask."""
    fix = "the only placeholder is {clinic} (the location's name); write a brace as {{ or }}"
    try:
        fields = [name for _, name, _, _ in Formatter().parse(text) if name is not None]
    except ValueError as exc:
        return f"is not a valid template ({exc}): {fix}"
    for name in fields:
        if name.startswith("first_name"):
            return (
                "uses {first_name}: the greeting is the only personal part, so every patient "
                f"reads the same words; remove it ({fix})"
            )
        if name not in PLACEHOLDERS:
            return f"has an unknown placeholder {{{name}}}: {fix}"
    try:
        text.format(clinic="Riverbend PT")
    except (ValueError, KeyError, IndexError, AttributeError) as exc:
        return f"is not a valid template ({type(exc).__name__}: {exc}): {fix}"
    return None


def ask_payload(
    settings: Settings,
    *,
    clinic: str,
    link: str,
    address: str,
    first_name: str | None,
    language: str,
    token: str,
) -> dict[str, Any]:
    """What the outbox keeps until the ask is sent (then it is emptied)."""
    wording = wording_for(settings, language)
    return {
        "clinic": clinic,
        "link": link,
        "address": address,
        "first_name": first_name,
        "language": language,
        "token": token,
        "subject": wording.subject,
        "message": wording.message,
    }


def unsubscribe_address(settings: Settings) -> str:
    chosen = (
        settings.review_requests.unsubscribe_email
        or settings.alerts.reply_to
        or settings.alerts.from_address
    )
    if chosen is None:
        raise UserError(
            "no address for unsubscribes: set review_requests.unsubscribe_email (or "
            "alerts.from_address)"
        )
    return str(chosen)


def compose_ask(
    settings: Settings,
    alerts: AlertSettings,
    payload: dict[str, Any],
    recipient: str,
    key: str,
    now: datetime,
) -> EmailMessage:
    if alerts.from_address is None:
        raise UserError("alerts.from_address is not set: set the sender address in config.toml")
    base = BUILT_IN[payload["language"]]
    unsubscribe = unsubscribe_address(settings)
    values = {"clinic": payload["clinic"], "first_name": payload.get("first_name") or "",
              "unsubscribe": unsubscribe}  # fmt: skip
    greeting = (base.named_greeting if payload.get("first_name") else base.greeting).format(
        **values
    )
    subject = payload["subject"].format(**values)
    message = payload["message"].format(**values)
    footer = base.footer.format(**values)
    email = EmailMessage()
    email["Subject"] = " ".join(subject.split())
    email["From"] = str(alerts.from_address)
    email["To"] = recipient
    email["Reply-To"] = unsubscribe
    email["Date"] = formatdate(now.timestamp(), localtime=True)
    domain = str(alerts.from_address).rpartition("@")[2]
    email["Message-ID"] = f"<ask-{key.replace(':', '-')}@{domain}>"
    _unsubscribe_headers(email, settings, unsubscribe, payload["token"])
    email.set_content(
        f"{greeting}\n\n{message}\n\n{base.button}: {payload['link']}\n\n--\n{payload['clinic']}\n"
        f"{payload['address']}\n\n{footer}\n"
    )
    email.add_alternative(_html(greeting, message, base.button, footer, payload), subtype="html")
    return email


def _unsubscribe_headers(
    email: EmailMessage, settings: Settings, unsubscribe: str, token: str
) -> None:
    targets = [f"<mailto:{unsubscribe}?subject={quote('unsubscribe')}>"]
    url = settings.review_requests.unsubscribe_url
    if url:
        joiner = "&" if "?" in url else "?"
        targets.insert(0, f"<{url}{joiner}{urlencode({'token': token})}>")
        email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email["List-Unsubscribe"] = ", ".join(targets)


def _html(greeting: str, message: str, button: str, footer: str, payload: dict[str, Any]) -> str:
    e = html.escape
    link = e(payload["link"], quote=True)
    return (
        '<!doctype html><html><body style="font-family: Helvetica, Arial, sans-serif; '
        'color: #1f2933; max-width: 560px;">'
        f"<p>{e(greeting)}</p><p>{e(message)}</p>"
        f'<p><a href="{link}" style="display: inline-block; padding: 10px 18px; '
        f'background: #0b7a75; color: #ffffff; text-decoration: none; border-radius: 4px;">'
        f"{e(button)}</a></p>"
        f'<p style="color: #52606d; font-size: 13px;">{e(payload["clinic"])}<br>'
        f"{e(payload['address'])}</p>"
        f'<p style="color: #7b8794; font-size: 12px;">{e(footer)}</p></body></html>'
    )
