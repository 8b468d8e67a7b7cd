"""Answering a review from the Reviews page, against the sandbox Google; and the reply log."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from streamlit import config as streamlit_config
from streamlit.testing.v1 import AppTest

from seo_monitor.app.jobs import collect, make_client
from seo_monitor.config import Settings
from seo_monitor.models import ReplyLog, Review
from seo_monitor.sandbox import World
from tests.dashboard.seed import as_shown

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
UNSAFE = "So glad your knee is better after your visit on Tuesday!"
SAFE = "Thank you for taking the time to share your feedback."


@pytest.fixture
def collected(
    settings: Settings,
    sessions: sessionmaker[Session],
    world: World,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[int]:
    """The sandbox's reviews in the database, the dashboard pointed at the same config; yields
    the inbox's first review."""
    collect(
        settings, sessions, ["locations", "reviews"], make_client(settings), now=lambda: world.now
    )
    monkeypatch.setenv("SEO_MONITOR_CONFIG", str(tmp_path / "config.toml"))
    streamlit_config.set_option("server.address", "127.0.0.1")
    st.cache_data.clear()
    st.cache_resource.clear()
    at = open_reviews()
    first = next(t for t in at.text_area if t.key.startswith("reply-"))
    yield int(first.key.split("-")[1])
    st.cache_data.clear()
    st.cache_resource.clear()


def open_reviews() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("views/reviews.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_editor_checks_blocks_and_posts(
    collected: int, sessions: sessionmaker[Session], world: World
) -> None:
    review_id = collected
    at = open_reviews()
    at.text_area(key=f"reply-{review_id}").set_value(UNSAFE).run()
    labels = {w.value.split(":")[0] for w in at.warning}
    assert {"Confirms a patient", "Health information", "Date or time of care"} <= labels
    assert any("your knee" in t.value for t in at.text)
    assert at.button(key=f"reply-{review_id}-post").disabled  # blocked until a reason is given
    at.text_area(key=f"reply-{review_id}").set_value(SAFE).run()
    assert "No patient information found." in [s.value for s in at.success]
    at.button(key=f"reply-{review_id}-post").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Posted" in s.value for s in at.success)
    with sessions() as session:
        entry = session.scalars(select(ReplyLog)).one()
        assert (entry.review_id, entry.text, entry.actor, entry.reply_state) == (
            review_id,
            SAFE,
            "dashboard",
            "APPROVED",
        )
        external = session.get_one(Review, review_id).external_id
    live = {r.review_id: r for loc in world.locations for r in world.live_reviews(loc)}
    assert live[external].reply.comment == SAFE


def test_templates_fill_the_editor_and_pass_the_check(collected: int) -> None:
    at = open_reviews()
    template = at.selectbox(key=f"reply-{collected}-template")
    template.set_value(template.options[1]).run()
    filled = at.text_area(key=f"reply-{collected}").value
    assert filled and "{" not in filled
    assert "No patient information found." in [s.value for s in at.success]


def test_the_reply_log_page_lists_and_exports(collected: int) -> None:
    at = open_reviews()
    at.text_area(key=f"reply-{collected}").set_value(SAFE).run()
    at.button(key=f"reply-{collected}-post").click().run()
    at.switch_page("views/reply_log.py")
    at.run()
    assert not at.exception
    assert [t.value for t in at.text] == [SAFE]  # the reply, as written
    shown = [as_shown(m.value) for m in at.markdown]
    assert "Google: **accepted (approved)**" in shown
    assert "Patient-information check: nothing found" in shown
    assert re.match(r"\*\*\d{4}-\d\d-\d\d \d\d:\d\d UTC\*\* · dashboard · post", shown[0])
