"""The Referrals page in AppTest: empty, filled from an export, a touch logged, a merge made."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy.orm import Session, sessionmaker
from streamlit.testing.v1 import AppTest

from collectors.nppes import load_registry
from collectors.referrals import import_referrals
from seo_monitor.patient_keys import patient_key
from seo_monitor.queries import select_thank_you_counts
from tests.dashboard.seed import as_shown, seed
from tests.referrals.test_nppes import registry_file

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")


def referrals_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("views/referrals.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def import_history(sessions: sessionmaker[Session], folder: Path) -> None:
    """Dr. Lee referred weekly and has slowed down; Dr. Park stopped in the spring; Dr. Diaz
    is new; and a self-referral."""
    today = datetime.now(UTC).date()
    rows = [(today - timedelta(days=d), "Dr. Ann Lee, MD", "1234567893") for d in range(40, 180, 7)]
    rows += [(today - timedelta(days=10), "Dr. Ann Lee, MD", "1234567893")]
    rows += [(today - timedelta(days=d), "Dr. Bo Park", "") for d in (200, 170, 140)]
    rows += [(today - timedelta(days=d), "Dr. Cy Diaz", "") for d in (12, 5)]
    lines = ["Case ID,Referral Date,Referring Provider,NPI,Source Type"]
    lines += [
        f'C-{n},{day.isoformat()},"{who}",{npi},Physician' for n, (day, who, npi) in enumerate(rows)
    ]
    lines.append(f"S-1,{(today - timedelta(days=3)).isoformat()},,,Self")
    export = folder / "referrals.csv"
    export.write_text("\n".join(lines) + "\n")
    with sessions.begin() as session:
        import_referrals(
            session, export, datetime.now(UTC), lambda a: patient_key("k" * 64, a), 10**6
        )


def test_without_referrals_the_page_says_how_to_import_them(
    dashboard_config: Path, sessions: sessionmaker[Session]
) -> None:
    seed(sessions)
    at = referrals_page()
    assert at.title[0].value == "Referrals"
    assert "seo-monitor import referrals FILE.csv" in as_shown(at.info[0].value)


def test_the_page_shows_the_last_30_days_who_slips_and_what_is_due(
    dashboard_config: Path, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    seed(sessions)
    import_history(sessions, tmp_path)
    at = referrals_page()
    metrics = {m.label: m.value for m in at.metric}
    # In the last 30 days: Lee once, Diaz twice, one self-referral.
    assert (metrics["Referrals"], metrics["Referrers"]) == ("4", "2")
    referrers = at.dataframe[1].value
    statuses = dict(zip(referrers["Referrer"], referrers["Status"], strict=True))
    assert statuses == {
        "Dr. Cy Diaz": "new",
        "Dr. Ann Lee, MD": "slipping",
        "Dr. Bo Park": "lapsed",
    }
    due = at.dataframe[0].value
    assert list(due["Due"])[:2] == ["check-in", "check-in"]
    assert ("Dr. Cy Diaz", "thank-you") in set(zip(due["Referrer"], due["Due"], strict=True))


def test_a_touch_logged_on_the_page_settles_what_was_due(
    dashboard_config: Path, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    seed(sessions)
    import_history(sessions, tmp_path)
    at = referrals_page()
    referrer = next(s for s in at.selectbox if s.label == "Referrer")
    referrer.select_index(next(i for i, o in enumerate(referrer.options) if "Diaz" in o))
    next(s for s in at.selectbox if s.label == "What").set_value("thank-you")
    next(b for b in at.button if b.label == "Log it").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Logged a thank-you for Dr. Cy Diaz." in as_shown(i.value) for i in at.info)
    due = at.dataframe[0].value
    assert ("Dr. Cy Diaz", "thank-you") not in set(zip(due["Referrer"], due["Due"], strict=True))


def test_a_merge_made_on_the_page_joins_two_referrers(
    dashboard_config: Path, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    seed(sessions)
    import_history(sessions, tmp_path)
    at = referrals_page()
    merged, into = at.selectbox(key="merge-from"), at.selectbox(key="merge-into")
    merged.select_index(next(i for i, o in enumerate(merged.options) if "Park" in o))
    into.select_index(next(i for i, o in enumerate(into.options) if "Lee" in o))
    next(b for b in at.button if b.label == "Merge").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [as_shown(s.value) for s in at.success] == ["Merged Dr. Bo Park into Dr. Ann Lee, MD."]
    referrers = at.dataframe[1].value
    assert "Dr. Bo Park" not in set(referrers["Referrer"])


def test_the_table_shows_referrals_per_month_and_the_configured_thresholds(
    dashboard_config: Path,
    sessions: sessionmaker[Session],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seed(sessions)
    import_history(sessions, tmp_path)
    at = referrals_page()
    referrers = at.dataframe[1].value
    for count, months in zip(referrers["Referrals"], referrers["Per month"], strict=True):
        assert sum(months) == count  # one bar per month of the period
    assert {len(months) for months in referrers["Per month"]} in ({1}, {2})  # the last 30 days
    assert any("lapsed (none in 90 days)" in as_shown(c.value) for c in at.caption)
    # Dr. Park's last referral was 140 days ago: not lapsed when that takes 150 days.
    monkeypatch.setenv("SEO_MONITOR_REFERRALS__LAPSED_DAYS", "150")
    st.cache_data.clear()
    st.cache_resource.clear()
    at = referrals_page()
    referrers = at.dataframe[1].value
    statuses = dict(zip(referrers["Referrer"], referrers["Status"], strict=True))
    assert statuses["Dr. Bo Park"] == "active"
    assert any("lapsed (none in 150 days)" in as_shown(c.value) for c in at.caption)


def test_before_google_is_connected_the_referrals_page_opens_and_the_others_welcome(
    dashboard_config: Path, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    import_history(sessions, tmp_path)  # no location: practice-wide referrals
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert at.title[0].value == "Welcome to seo-monitor"
    assert [link.label for link in at.get("page_link")] == [
        "Your referrals are in: open the Referrals page"
    ]
    at.switch_page("views/referrals.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Referrals"
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["Referrals"], metrics["Referrers"]) == ("4", "2")
    referrers = at.dataframe[1].value
    assert set(referrers["Referrer"]) == {"Dr. Cy Diaz", "Dr. Ann Lee, MD", "Dr. Bo Park"}
    with pytest.raises(ValueError, match="Could not find"):  # every other view: the welcome
        at.switch_page("views/reviews.py")


def test_before_google_without_referrals_every_page_welcomes(
    dashboard_config: Path, sessions: sessionmaker[Session]
) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert at.title[0].value == "Welcome to seo-monitor"
    assert not at.get("page_link")  # nothing imported: nothing to link to
    with pytest.raises(ValueError, match="Could not find"):
        at.switch_page("views/referrals.py")


def test_before_google_a_signed_out_visitor_still_gets_only_the_sign_in(
    dashboard_config: Path, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    dashboard_config.write_text(
        dashboard_config.read_text() + "[dashboard]\nrequire_login = true\n"
    )
    import_history(sessions, tmp_path)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.metric and not at.dataframe
    with pytest.raises(ValueError, match="Could not find"):
        at.switch_page("views/referrals.py")


def test_the_thank_you_letters_are_written_only_when_asked(
    dashboard_config: Path, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    seed(sessions)
    import_history(sessions, tmp_path)
    with sessions() as session:
        today = datetime.now(UTC).date()
        last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
        expected = len(select_thank_you_counts(session, last_month))
    at = referrals_page()
    downloads = [d.proto.label for d in at.get("download_button")]
    assert not any("Thank-you letters" in label for label in downloads)  # nothing written yet
    assert expected  # Dr. Lee's weekly referrals reach into every month before this one
    write = next(b for b in at.button if b.label.startswith("Write the thank-you letters"))
    assert write.label.endswith(f"({expected})")
    write.click().run()
    assert not at.exception, [e.value for e in at.exception]
    downloads = [d.proto.label for d in at.get("download_button")]
    assert any(label.startswith("Thank-you letters") for label in downloads), downloads


def test_a_rename_made_on_the_page_holds_after_the_next_import(
    dashboard_config: Path, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    seed(sessions)
    import_history(sessions, tmp_path)
    at = referrals_page()
    chosen = at.selectbox(key="edit")
    chosen.select_index(next(i for i, o in enumerate(chosen.options) if "Park" in o))
    at.text_input(key="rename").input("Robert Park, MD")
    next(b for b in at.button if b.label == "Rename").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [as_shown(s.value) for s in at.success] == ["Renamed to Robert Park, MD."]
    names = set(at.dataframe[1].value["Referrer"])
    assert "Robert Park, MD" in names and "Dr. Bo Park" not in names
    import_history(sessions, tmp_path)  # the export still says "Dr. Bo Park"
    st.cache_data.clear()
    at = referrals_page()
    names = set(at.dataframe[1].value["Referrer"])
    assert "Robert Park, MD" in names and "Dr. Bo Park" not in names


def test_the_npi_registrys_name_and_practice_address_are_shown_once_loaded(
    dashboard_config: Path, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    seed(sessions)
    import_history(sessions, tmp_path)
    at = referrals_page()
    assert "Practice address" not in at.dataframe[1].value.columns  # nothing loaded yet
    with sessions.begin() as session:
        load_registry(session, registry_file(tmp_path), datetime.now(UTC))
    st.cache_data.clear()
    at = referrals_page()
    rows = at.dataframe[1].value.set_index("Referrer")
    lee = rows.loc["Dr. Ann Lee, MD"]
    assert (lee["Registry name"], lee["Practice address"]) == (
        "Ann Lee",
        "1200 Barton Springs Rd, Austin, TX, 78704",
    )
    assert lee["Specialty"] == "Orthopaedic surgery, sports medicine"
    assert rows.loc["Dr. Cy Diaz", "Practice address"] == ""  # no NPI, nothing to look up
