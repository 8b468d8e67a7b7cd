"""Every page in Streamlit's AppTest, on an empty and on a seeded database."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker
from streamlit import config as streamlit_config
from streamlit.testing.v1 import AppTest

from collectors.metrics import refresh_metric_groups
from seo_monitor.models import DailyMetric, Location, SchedulerJob
from seo_monitor.sentiment import ScoringRules
from seo_monitor.sentiment.store import score_location
from seo_monitor.users import add_user, remove_user
from tests.dashboard.seed import HOSTILE_TEXT, as_shown, last_day, seed

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")


def app(page: str | None = None, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(f"views/{page}.py")
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metric(at: AppTest, label: str) -> tuple[str, str]:
    found = next(m for m in at.metric if m.label == label)
    return found.value, found.delta


def test_a_fresh_install_explains_the_next_step(dashboard_config: Path) -> None:
    at = app()
    assert at.title[0].value == "Welcome to seo-monitor"
    assert "seo-monitor auth google" in at.info[0].value


def test_overview_shows_kpis_trends_locations_and_what_needs_attention(
    dashboard_config: Path, sessions: sessionmaker[Session]
) -> None:
    seed(sessions)
    at = app()
    assert at.title[0].value == "Overview"
    # Google's rating: (4.6 × 40 + 3.0 × 10) / 50 = 4.28
    assert metric(at, "Average rating (Google)")[0] == "4.28 ★"
    assert metric(at, "Reviews")[0] == "50"
    assert metric(at, "Calls") == ("120", "+0")  # 2 clinics × 2 calls × 30 days, same as before
    assert metric(at, "Profile views")[0] == "600"
    assert metric(at, "Unanswered reviews")[0] == "3"
    table = at.dataframe[0].value
    assert list(table["Location"]) == ["Riverbend PT - North", "Riverbend PT - South <b>bold</b>"]
    assert list(table["Unanswered"]) == [2, 1]
    texts = [t.value for t in at.text]
    assert HOSTILE_TEXT in texts  # shown verbatim as text: the tag is not rendered
    assert not [m for m in at.markdown if "<script>" in m.value]


def test_days_google_is_still_counting_are_neither_totalled_nor_compared(
    dashboard_config: Path, sessions: sessionmaker[Session]
) -> None:
    seed(sessions)
    with sessions.begin() as session:  # the newest days, as Google first reports them: low
        session.execute(
            update(DailyMetric)
            .where(DailyMetric.day > last_day() - timedelta(days=3))
            .values(value=0)
        )
        for location_id in session.scalars(select(Location.id)):  # as the metrics job does
            refresh_metric_groups(session, location_id, last_day() - timedelta(days=3), last_day())
    at = app()
    assert metric(at, "Calls") == ("120", "+0")  # not 108 and "−12": no drop that is not there
    profile = app("profile")
    assert "are provisional (dashed)" in profile.caption[0].value


def test_the_location_picker_and_period_live_in_the_url(
    dashboard_config: Path, sessions: sessionmaker[Session]
) -> None:
    ids = seed(sessions)
    at = app(location=f"l{ids['south']}", days="90")
    assert "Riverbend PT - South" in as_shown(at.caption[0].value)  # Markdown-escaped
    # One clinic × 2 calls × the 63 final days stored; the 90 days before are not stored.
    assert metric(at, "Calls") == ("126", "")
    assert "Not enough history to compare" in at.caption[1].value
    assert [box.value for box in at.sidebar.selectbox] == [f"l{ids['south']}", "90"]
    everything = app()
    assert metric(everything, "Calls")[0] == "120"  # both clinics, the default 30 days
    assert dict(everything.query_params) == {"location": "all", "days": "30"}
    group = app(location="nonsense")
    assert group.sidebar.selectbox[0].value == "all"  # an unknown link falls back to everything


def test_profile_metrics_show_thresholds_as_fewer_than_never_zero(
    dashboard_config: Path, sessions: sessionmaker[Session]
) -> None:
    seed(sessions)
    at = app("profile")
    assert at.title[0].value == "Profile metrics"
    keywords = at.dataframe[0].value
    shown = dict(zip(keywords["Keyword"], keywords["People"], strict=True))
    assert shown == {"physical therapy near me": "120", "dry needling austin": "< 15"}
    assert at.get("download_button")


def test_data_health_shows_failures_with_what_to_do_and_every_page_warns(
    dashboard_config: Path, sessions: sessionmaker[Session]
) -> None:
    seed(sessions, failed_run=True)
    at = app("health")
    assert at.title[0].value == "Data health"
    runs = at.dataframe[1].value
    failed = runs[runs["Status"] == "failed"].iloc[0]
    assert failed["Location"] == "Riverbend PT - South <b>bold</b>" and "503" in failed["Error"]
    assert "next scheduled run" in failed["What to do"]
    overview = app()
    assert "failed in the last 24 hours" in overview.warning[0].value


def test_login_is_asked_for_and_checked(
    dashboard_config: Path, sessions: sessionmaker[Session]
) -> None:
    seed(sessions)
    dashboard_config.write_text(
        dashboard_config.read_text() + "[dashboard]\nrequire_login = true\n"
    )
    at = app()
    assert [t.value for t in at.title] == ["seo-monitor"]  # the sign-in page, not a view
    assert "no user exists" in at.error[0].value
    with sessions.begin() as session:
        add_user(session, "coordinator", "correct horse battery")
    at = app()
    at.text_input[0].input("coordinator")
    at.text_input[1].input("wrong password!")
    at.button[0].click().run()
    assert "Wrong user name or password." in [e.value for e in at.error]
    at.text_input[1].input("correct horse battery")
    at.button[0].click().run()
    assert at.title[0].value == "Overview"


def login_required(dashboard_config: Path, sessions: sessionmaker[Session], extra: str) -> None:
    """Seeded data, `[dashboard]` with require_login (and `extra`), one user: coordinator."""
    seed(sessions)
    dashboard_config.write_text(
        dashboard_config.read_text() + "[dashboard]\nrequire_login = true\n" + extra
    )
    with sessions.begin() as session:
        add_user(session, "coordinator", "correct horse battery")


def signed_in_app(
    dashboard_config: Path, sessions: sessionmaker[Session], extra: str = ""
) -> AppTest:
    login_required(dashboard_config, sessions, extra)
    at = app()
    at.text_input[0].input("Coordinator")  # user names do not depend on case
    at.text_input[1].input("correct horse battery")
    at.button[0].click().run()
    assert at.title[0].value == "Overview"
    return at


def test_a_removed_user_is_signed_out_at_the_next_click(
    dashboard_config: Path, sessions: sessionmaker[Session]
) -> None:
    at = signed_in_app(dashboard_config, sessions)
    with sessions.begin() as session:
        add_user(session, "manager", "another long password")
        remove_user(session, "coordinator")
    at.run()
    assert [b.label for b in at.button] == ["Sign in"]
    assert "Your user was removed" in at.info[0].value


def test_an_idle_session_expires(dashboard_config: Path, sessions: sessionmaker[Session]) -> None:
    at = signed_in_app(dashboard_config, sessions, "idle_timeout_minutes = 5\n")
    at.session_state["last_active"] = time.monotonic() - 4 * 60
    at.run()
    assert at.title[0].value == "Overview"  # four minutes: still signed in
    at.session_state["last_active"] = time.monotonic() - 6 * 60
    at.run()
    assert [b.label for b in at.button] == ["Sign in"]
    assert "signed out after 5 minutes without activity" in at.info[0].value


def test_repeated_wrong_passwords_slow_sign_in_down_even_for_the_right_one(
    dashboard_config: Path, sessions: sessionmaker[Session]
) -> None:
    login_required(dashboard_config, sessions, "login_failures_before_delay = 3\n")
    at = app()
    for _ in range(3):
        at.text_input[0].input("coordinator")
        at.text_input[1].input("wrong password!")
        at.button[0].click().run()
        assert "Wrong user name or password." in [e.value for e in at.error]
    at.text_input[1].input("correct horse battery")
    at.button[0].click().run()
    assert "Too many wrong passwords. Try again in 2 seconds." in [e.value for e in at.error]
    assert [t.value for t in at.title] == ["seo-monitor"]  # the sign-in page, not a view


def test_a_dashboard_bound_to_every_interface_needs_a_login(
    dashboard_config: Path, sessions: sessionmaker[Session]
) -> None:
    seed(sessions)
    streamlit_config.set_option("server.address", "0.0.0.0")
    at = app()
    assert "needs a login" in at.error[0].value


def test_chosen_dates_come_from_the_url(
    dashboard_config: Path, sessions: sessionmaker[Session]
) -> None:
    seed(sessions)
    last = last_day()
    at = app(
        days="custom", **{"from": (last - timedelta(days=9)).isoformat(), "to": last.isoformat()}
    )
    assert metric(at, "Calls")[0] == "40"  # 2 clinics × 2 calls × 10 days
    assert f"{last:%b %d, %Y}" in at.sidebar.caption[0].value


@pytest.mark.parametrize(
    ("page", "message"),
    [
        (None, "No whole week of profile metrics"),
        ("profile", "No profile metrics in this period yet"),
        ("health", "No collector has run yet"),
    ],
)
def test_each_page_explains_itself_when_its_data_is_missing(
    dashboard_config: Path, sessions: sessionmaker[Session], page: str | None, message: str
) -> None:
    with sessions.begin() as session:
        session.add(
            Location(name="locations/1", title="Only a location", address_lines=[], active=True)
        )
    at = app(page)
    assert any(message in info.value for info in at.info), [i.value for i in at.info]


def test_the_overview_lists_failed_collectors_under_needs_attention(
    dashboard_config: Path, sessions: sessionmaker[Session]
) -> None:
    seed(sessions, failed_run=True)
    errors = [e.value for e in app().error]
    assert any("The metrics collector failed" in e and "next scheduled run" in e for e in errors)


def test_data_health_shows_the_schedulers_last_and_next_runs(
    dashboard_config: Path, sessions: sessionmaker[Session]
) -> None:
    seed(sessions)
    with sessions.begin() as session:
        session.add(
            SchedulerJob(
                job_id="reviews",
                last_run_at=datetime(2026, 11, 2, 10, 30, tzinfo=UTC),
                last_status="ok",
                next_run_at=datetime(2026, 11, 2, 11, 0, tzinfo=UTC),
            )
        )
    at = app("health")
    jobs = next(frame.value for frame in at.dataframe if "Job" in frame.value.columns)
    assert jobs.iloc[0].to_dict() == {
        "Job": "reviews",
        "Last run (UTC)": "2026-11-02 10:30",
        "Result": "ok",
        "Next run (UTC)": "2026-11-02 11:00",
        "Error": "",
    }


def test_reviews_page_lists_unanswered_reviews_by_priority_with_kpis_and_topics(
    dashboard_config: Path, sessions: sessionmaker[Session]
) -> None:
    locations = seed(sessions)
    with sessions.begin() as session:  # as the review job does
        for location in locations.values():
            score_location(session, location, ScoringRules())
    at = app("reviews")
    assert at.title[0].value == "Reviews"
    assert not at.warning
    inbox = [
        t.value
        for t in at.text
        if t.value in (HOSTILE_TEXT, "Billing surprise.", "Great therapists.")
    ]
    # Unanswered: the 1★ complaint, the 2★ billing note, then the 5★ praise.
    assert inbox == [HOSTILE_TEXT, "Billing surprise.", "Great therapists."]
    # The last 30 days: a replied 5★, an unanswered 1★ and 2★.
    assert metric(at, "Response rate")[0] == "33%"
    assert metric(at, "New reviews, 30 days")[0] == "3"
    assert any("Front desk" in m.value for m in at.markdown)  # the complaint's topics
    complains = next(s for s in at.selectbox if s.label == "Complains about")
    complains.set_value("Front desk & staff courtesy").run()
    inbox = [
        t.value
        for t in at.text
        if t.value in (HOSTILE_TEXT, "Billing surprise.", "Great therapists.")
    ]
    assert inbox == [HOSTILE_TEXT]
    next(s for s in at.selectbox if s.label == "Show").set_value("All reviews").run()
    stars = next(m for m in at.multiselect if m.label == "Stars")
    stars.set_value([5]).run()
    complains = next(s for s in at.selectbox if s.label == "Complains about")
    complains.set_value("Any").run()
    inbox = [
        t.value
        for t in at.text
        if t.value in (HOSTILE_TEXT, "Billing surprise.", "Great therapists.")
    ]
    assert inbox == ["Great therapists."] * 2  # answered and unanswered 5★
    assert not [m for m in at.markdown if "<script>" in m.value]


def test_overview_has_reply_rate_and_velocity(
    dashboard_config: Path, sessions: sessionmaker[Session]
) -> None:
    seed(sessions)
    at = app()
    assert metric(at, "Response rate")[0] == "33%"
    assert metric(at, "New reviews, 30 days")[0] == "3"
