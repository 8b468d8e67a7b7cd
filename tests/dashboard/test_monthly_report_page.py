"""The Monthly report page in AppTest: a month and paper chosen, the report made on request
(not on every rerun), then a download and the first page."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker
from streamlit.testing.v1 import AppTest

from seo_monitor.config import Settings
from seo_monitor.sandbox import World
from tests.reports.test_monthly_report import collected

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")


def test_the_page_makes_the_report_to_download(
    settings: Settings, sessions: sessionmaker[Session], world: World, dashboard_config: Path
) -> None:
    collected(settings, sessions, world)
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("views/monthly_report.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Monthly report"
    assert "Make the report" in at.info[0].value
    at.button(key="report_make").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.info  # the report is made: a download and the first page instead
    assert at.get("download_button")
