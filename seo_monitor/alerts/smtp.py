"""Sending one email through the clinic's SMTP server: STARTTLS, implicit TLS or a local relay."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from pathlib import Path

from seo_monitor.config import AlertSettings


class SendError(Exception):
    """The server did not take the message. `permanent` (a 5xx answer) will not clear by itself;
    anything else (refused connection, timeout, 4xx, a dropped connection) may on a retry."""

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


def tls_context(ca_file: Path | None) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(ca_file) if ca_file else None)


def send(alerts: AlertSettings, message: EmailMessage) -> None:
    """Deliver `message` or raise SendError; the password never appears in an error."""
    host, port, timeout = alerts.smtp_host, alerts.smtp_port, alerts.smtp_timeout_seconds
    try:
        if alerts.smtp_security == "tls":
            context = tls_context(alerts.smtp_ca_file)
            client: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
        else:
            client = smtplib.SMTP(host, port, timeout=timeout)
        with client:
            client.ehlo()
            if alerts.smtp_security == "starttls":
                client.starttls(context=tls_context(alerts.smtp_ca_file))
                client.ehlo()
            if alerts.smtp_username:
                password = alerts.smtp_password.get_secret_value() if alerts.smtp_password else ""
                client.login(alerts.smtp_username, password)
            client.send_message(message)
    except smtplib.SMTPAuthenticationError as exc:
        raise SendError(
            f"{host}:{port} refused the login ({exc.smtp_code}); check alerts.smtp_username "
            "and the password",
            permanent=True,
        ) from None
    except smtplib.SMTPRecipientsRefused as exc:
        codes = sorted({code for code, _ in exc.recipients.values()})
        raise SendError(
            f"{host}:{port} refused the recipient ({', '.join(map(str, codes))})",
            permanent=all(code >= 500 for code in codes),
        ) from None
    except smtplib.SMTPResponseException as exc:
        raise SendError(
            f"{host}:{port} answered {exc.smtp_code}", permanent=exc.smtp_code >= 500
        ) from None
    except (smtplib.SMTPException, OSError) as exc:  # refused, timeout, TLS, dropped connection
        raise SendError(f"{host}:{port}: {type(exc).__name__}: {exc}", permanent=False) from None
