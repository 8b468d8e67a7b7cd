"""What the views write, each through the implementation the CLI uses too; the cached reads
are cleared afterwards so the next page shows the change."""

from __future__ import annotations

import streamlit as st

from dashboard.data import sessions, settings
from qr.requests import Made, record
from seo_monitor import alerts
from seo_monitor.app.actions import post_reply_now
from seo_monitor.errors import UserError
from seo_monitor.replies import ReplyOutcome


def post_reply(review_id: int, text: str, actor: str, override: str | None) -> ReplyOutcome:
    """Check and post through Google (UserError when Google is not connected)."""
    outcome = post_reply_now(settings(), sessions(), review_id, text, actor, override)
    st.cache_data.clear()
    return outcome


def send_test_email(address: str) -> str | None:
    """None when the test email went out, else why not (a bad address, the server's answer)."""
    try:
        problem = alerts.send_test_email(sessions(), settings(), address)
    except UserError as exc:
        return str(exc)
    st.cache_data.clear()
    return problem


def record_download(location_id: int, made: Made, placement: str) -> None:
    """A download is a print: it goes into review_requests."""
    with sessions().begin() as session:
        record(session, location_id, made, placement)
