"""The Profile changes page in AppTest: before the first locations sync, and after two syncs
of the sandbox with a phone changed and Google showing its own hours."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker
from streamlit.testing.v1 import AppTest

from seo_monitor.config import Settings
from seo_monitor.sandbox import World
from tests.dashboard.seed import as_shown, seed
from tests.profile_guard.test_guard import sync

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")


@pytest.fixture
def world() -> World:
    """Today's world: the page shows the last 30 days of the real clock."""
    return World(seed=7, locations=3, now=datetime.now(UTC).replace(microsecond=0))


def changes_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("views/profile_changes.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_before_the_first_sync_the_page_says_when_the_guard_looks(
    dashboard_config: Path, sessions: sessionmaker[Session]
) -> None:
    seed(sessions)
    at = changes_page()
    assert at.title[0].value == "Profile changes"
    assert "seo-monitor collect locations" in as_shown(at.info[0].value)


def test_the_page_shows_google_values_and_the_changes_seen(
    settings: Settings, sessions: sessionmaker[Session], world: World, dashboard_config: Path
) -> None:
    sync(settings, sessions, world)
    world.locations[1].profile_edits["phoneNumbers.primaryPhone"] = "(512) 555-7777"
    sync(settings, sessions, world)
    at = changes_page()
    google = at.dataframe[0].value
    assert list(zip(google["Location"], google["Field"], strict=True)) == [
        (world.locations[0].title, "Hours")
    ]
    assert "Sat 08:00-12:00" in google["Yours"][0] and "Sat" not in google["Google shows"][0]
    history = at.dataframe[1].value
    rows = set(zip(history["Field"], history["After"], history["Where"], strict=True))
    assert ("Phone", "(512) 555-7777", "on the profile") in rows
    assert ("Hours", google["Google shows"][0], "shown by Google") in rows


def test_the_page_shows_edits_waiting_for_googles_review(
    settings: Settings, sessions: sessionmaker[Session], world: World, dashboard_config: Path
) -> None:
    sync(settings, sessions, world)
    world.locations[2].pending_edits["websiteUri"] = "https://example.com/new-site/"
    sync(settings, sessions, world)
    at = changes_page()
    assert "Your edits waiting for Google" in [h.value for h in at.subheader]
    waiting = at.dataframe[1].value
    assert list(waiting["Your edit"]) == ["https://example.com/new-site/"]
    assert list(waiting["Maps and Search still show"]) == [world.locations[2].website]
    assert list(waiting["Location"]) == [world.locations[2].title]


def test_changes_marked_reviewed_on_the_page_say_who_and_leave_the_choice(
    settings: Settings, sessions: sessionmaker[Session], world: World, dashboard_config: Path
) -> None:
    sync(settings, sessions, world)
    world.locations[1].profile_edits["phoneNumbers.primaryPhone"] = "(512) 555-7777"
    sync(settings, sessions, world)
    at = changes_page()
    choice = at.multiselect(key="profile_review_changes")
    phone = next(c for c in choice.options if "Phone" in c)
    choice.select(phone)
    [submit] = [b for b in at.button if b.label == "Mark reviewed"]
    submit.click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Marked 1 as reviewed" in at.success[0].value
    at = changes_page()  # a fresh look
    history = at.dataframe[1].value
    reviewed = dict(zip(history["Field"], history["Reviewed"], strict=True))
    assert reviewed["Phone"].startswith("dashboard, ") and reviewed["Hours"] == ""
    left = at.multiselect(key="profile_review_changes").options
    assert not any("Phone" in c for c in left) and any("Hours" in c for c in left)
