"""The QR posters page: preview, choices, downloads; a location without a link says why."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker
from streamlit.testing.v1 import AppTest

from seo_monitor.models import Location
from tests.dashboard.seed import seed

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")


def open_posters() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("views/posters.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_page_previews_and_offers_downloads(
    dashboard_config: Path, sessions: sessionmaker[Session]
) -> None:
    seed(sessions)
    with sessions.begin() as session:
        session.execute(update(Location).values(new_review_uri="https://g.page/r/demo/review"))
    at = open_posters()
    assert at.title[0].value == "QR posters"
    assert len(at.get("image")) == 1  # the preview
    assert len(at.get("download_button")) == 3
    assert any("https://g.page/r/demo/review" in t.value for t in at.text)
    at.selectbox[1].set_value("cards").run()
    assert not at.exception
    at.multiselect[0].set_value([]).run()
    assert "Choose at least one language." in [i.value for i in at.info]


def test_a_location_without_a_review_link_says_how_to_get_one(
    dashboard_config: Path, sessions: sessionmaker[Session]
) -> None:
    seed(sessions)
    at = open_posters()
    assert "no review link yet" in at.error[0].value
