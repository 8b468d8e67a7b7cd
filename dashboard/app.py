"""The dashboard's entry point: `seo-monitor dashboard` (or `streamlit run dashboard/app.py`)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard import chrome, data
from seo_monitor.errors import UserError

# Not "pages/": Streamlit would serve a folder of that name by itself, without the login.
PAGES = Path(__file__).parent / "views"


def main() -> None:
    st.set_page_config(page_title="seo-monitor", page_icon=":material/location_on:", layout="wide")
    try:
        data.settings()
        data.location_choices()
    except UserError as exc:  # bad config or unreachable database: say what to fix
        st.error(str(exc))
        return
    if not chrome.require_login():
        return
    if not data.location_choices():
        chrome.empty_state()
        return
    st.session_state["filters"] = chrome.sidebar_filters()
    chrome.failure_banner()
    navigation = st.navigation(
        {
            "Reputation": [
                st.Page(
                    PAGES / "overview.py",
                    title="Overview",
                    icon=":material/dashboard:",
                    default=True,
                ),
                st.Page(PAGES / "reviews.py", title="Reviews", icon=":material/reviews:"),
                st.Page(PAGES / "reply_log.py", title="Reply log", icon=":material/history:"),
                st.Page(PAGES / "alerts.py", title="Alerts", icon=":material/mail:"),
                st.Page(PAGES / "posters.py", title="QR posters", icon=":material/qr_code_2:"),
            ],
            "Visibility": [
                st.Page(
                    PAGES / "profile.py", title="Profile metrics", icon=":material/visibility:"
                ),
                st.Page(PAGES / "rankings.py", title="Rankings", icon=":material/grid_on:"),
                st.Page(PAGES / "website.py", title="Website", icon=":material/language:"),
            ],
            "Admin": [
                st.Page(PAGES / "health.py", title="Data health", icon=":material/monitor_heart:")
            ],
        }
    )
    navigation.run()


main()
