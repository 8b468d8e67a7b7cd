"""The Alerts page: sent and failed emails, a test email through real SMTP, the digest preview."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from sqlalchemy.orm import Session, sessionmaker
from streamlit import config as streamlit_config
from streamlit.testing.v1 import AppTest

from seo_monitor.alerts.outbox import enqueue
from seo_monitor.models import Notification
from seo_monitor.sandbox.mailbox import MAILBOX_FOLDER, running_mailbox
from tests.dashboard.seed import add_location, as_shown, seed
from tests.smtp import free_port

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")


@pytest.fixture
def mail_config(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """A dashboard config whose SMTP server is a demo mailbox in data/demo-mail."""
    port = free_port()
    config = tmp_path / "config.toml"
    config.write_text(
        f'data_dir = "data"\n[database]\nurl = {json.dumps(database_url)}\n'
        f'[alerts]\nsmtp_host = "127.0.0.1"\nsmtp_port = {port}\nsmtp_security = "none"\n'
        'from_address = "seo@clinic.example"\nrecipients = ["pm@clinic.example"]\nmax_attempts = 1\n'
    )
    monkeypatch.setenv("SEO_MONITOR_CONFIG", str(config))
    streamlit_config.set_option("server.address", "127.0.0.1")
    st.cache_data.clear()
    st.cache_resource.clear()
    with running_mailbox(tmp_path / "data" / MAILBOX_FOLDER, port):
        yield config
    st.cache_data.clear()
    st.cache_resource.clear()


def open_page(page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page(f"views/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_test_email_arrives_and_is_listed_with_the_digest_preview(
    mail_config: Path, sessions: sessionmaker[Session]
) -> None:
    seed(sessions)
    at = open_page("alerts")
    assert at.title[0].value == "Alerts"
    assert at.text_input[0].value == "pm@clinic.example"
    at.button[0].click().run()
    assert not at.exception
    assert any("Sent to pm@clinic.example" in as_shown(s.value) for s in at.success)
    table = at.dataframe[0].value
    assert list(table["Email"]) == ["Test email"] and list(table["Status"]) == ["sent"]
    assert list(table["Last error"]) == [""]  # never "None"
    mails = list((mail_config.parent / "data" / MAILBOX_FOLDER).glob("*.eml"))
    assert len(mails) == 1
    # The email as it went out, composed again from the outbox.
    assert any("seo-monitor test email" in as_shown(m.value) for m in at.markdown)
    assert any("This test message went through 127.0.0.1:" in t.value for t in at.text)


def test_given_up_emails_show_on_alerts_and_data_health(
    mail_config: Path, sessions: sessionmaker[Session]
) -> None:
    seed(sessions)
    with sessions.begin() as session:
        enqueue(session, "digest:x", "digest", "pm@clinic.example", {})
        row = session.query(Notification).one()
        row.attempts, row.last_error = 1, "127.0.0.1:25 answered 550"
        row.created_at = datetime.now(UTC)
    for page in ("alerts", "health"):
        at = open_page(page)
        assert any("given up" in e.value or "could not be sent" in e.value for e in at.error)


def digests(at: AppTest) -> list[Any]:
    """The digest previews on the page (the page's other HTML is only its style sheet)."""
    return [h for h in at.get("html") if "<style>" not in h.proto.body]


def test_a_large_groups_digest_preview_is_built_when_asked_for(
    mail_config: Path, sessions: sessionmaker[Session]
) -> None:
    seed(sessions)
    with sessions.begin() as session:
        for n in range(30):
            add_location(session, None, f"locations/extra-{n}", f"Clinic {n:02d}")  # type: ignore[arg-type]
    at = open_page("alerts")
    preview = at.toggle(key="digest-preview")
    assert preview.value is False and not digests(at)  # not built on every visit
    preview.set_value(True).run()
    assert not at.exception
    [digest] = digests(at)
    # 32 locations: the quiet ones are counted, not listed (alerts.digest_location_sections).
    assert re.search(r"\b3[0-2] locations had none of that this week", digest.proto.body)
    assert ">Clinic 29</h3>" not in digest.proto.body
