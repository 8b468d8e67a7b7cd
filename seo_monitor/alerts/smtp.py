"""Sending one email through the clinic's SMTP server: STARTTLS, implicit TLS or a local relay."""

from __future__ import annotations

import re
import smtplib
import ssl
from email.message import EmailMessage
from pathlib import Path

from seo_monitor.config import AlertSettings

# How a refused recipient is worded: the review requests read a bounce from the outbox's
# last_error by it (seo_monitor.review_requests.sending).
REFUSED_RECIPIENT = "refused the recipient"
ENHANCED = re.compile(rb"^\s*(5\.1\.\d{1,3})\b")  # 5.1.x: a bad destination mailbox


class SendError(Exception):
    """The server did not take the message. `permanent` (a 5xx answer) will not clear by itself;
    anything else (refused connection, timeout, 4xx, a dropped connection) may on a retry.

    Two kinds of permanent failure are told apart, because they call for opposite actions:
    - `recipient_refused`: the server refused this recipient for good (a 5xx at RCPT TO, or a
      5.1.x at DATA, "no such user"): a bounce; the address is the problem.
    - `server_refused`: the server refused the clinic, not the message (a 5xx greeting, HELO,
      STARTTLS or login, the sender refused at MAIL FROM, or an extension the settings need and
      the server lacks): every email would fail alike until someone fixes [alerts], so the
      outbox stops the run and tries again later, giving nothing up and suppressing nobody.
    """

    def __init__(
        self,
        message: str,
        *,
        permanent: bool,
        recipient_refused: bool = False,
        server_refused: bool = False,
    ) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.recipient_refused = recipient_refused
        self.server_refused = server_refused


def tls_context(ca_file: Path | None) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(ca_file) if ca_file else None)


def send(alerts: AlertSettings, message: EmailMessage) -> None:
    """Deliver `message` or raise SendError; the password never appears in an error, nor does
    the server's text (it may quote the recipient's address): only codes."""
    host, port, timeout = alerts.smtp_host, alerts.smtp_port, alerts.smtp_timeout_seconds
    sending = False  # False until the greeting, HELO, STARTTLS and login are done
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
            sending = True
            client.send_message(message)
    except smtplib.SMTPAuthenticationError as exc:
        raise SendError(
            f"{host}:{port} refused the login ({exc.smtp_code}); check alerts.smtp_username "
            "and the password",
            permanent=exc.smtp_code >= 500,
            server_refused=exc.smtp_code >= 500,
        ) from None
    except smtplib.SMTPRecipientsRefused as exc:
        codes = sorted({code for code, _ in exc.recipients.values()})
        refused = all(code >= 500 for code in codes)
        raise SendError(
            f"{host}:{port} {REFUSED_RECIPIENT} ({', '.join(map(str, codes))})",
            permanent=refused,
            recipient_refused=refused,
        ) from None
    except smtplib.SMTPSenderRefused as exc:
        raise SendError(
            f"{host}:{port} refused the sender ({exc.smtp_code}); check alerts.from_address "
            "and that the server lets this login send as it",
            permanent=exc.smtp_code >= 500,
            server_refused=exc.smtp_code >= 500,
        ) from None
    except smtplib.SMTPDataError as exc:
        text = exc.smtp_error if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error).encode()
        mailbox = ENHANCED.match(text) if exc.smtp_code >= 500 else None
        if mailbox:
            raise SendError(
                f"{host}:{port} {REFUSED_RECIPIENT} at DATA ({exc.smtp_code} "
                f"{mailbox.group(1).decode()})",
                permanent=True,
                recipient_refused=True,
            ) from None
        raise SendError(
            f"{host}:{port} answered {exc.smtp_code}", permanent=exc.smtp_code >= 500
        ) from None
    except smtplib.SMTPResponseException as exc:  # the greeting, HELO, STARTTLS, or later
        refused = exc.smtp_code >= 500
        raise SendError(
            f"{host}:{port} answered {exc.smtp_code}"
            + ("" if sending else " before any message was sent; check [alerts]"),
            permanent=refused,
            server_refused=refused and not sending,
        ) from None
    except smtplib.SMTPNotSupportedError as exc:  # STARTTLS or AUTH the server does not offer
        raise SendError(
            f"{host}:{port}: {exc}; check alerts.smtp_security and alerts.smtp_username",
            permanent=True,
            server_refused=True,
        ) from None
    except (smtplib.SMTPException, OSError) as exc:  # refused, timeout, TLS, dropped connection
        raise SendError(f"{host}:{port}: {type(exc).__name__}: {exc}", permanent=False) from None
