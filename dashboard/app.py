"""The dashboard's pages: `seo-monitor dashboard` serves them (through dashboard/server.py).

Every address is routed through `st.navigation`, on every run and in every state: a visitor who
has not signed in gets only the sign-in page whatever the URL says, a fresh install only the
welcome page (and the Referrals page once referrals are imported: they need no Google). The
views live in `dashboard/views/`, a folder Streamlit does not discover by itself, and each one
checks the session again before it draws anything (`chrome.guard`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from dashboard import chrome, data
from seo_monitor.errors import UserError

# Not "pages/": Streamlit would serve a folder of that name by itself, without the login.
VIEWS = Path(__file__).parent / "views"
# An emoji, not a ":material/…:" icon: the favicon would be fetched from a font server.
PAGE_ICON = "📍"


@dataclass(frozen=True)
class View:
    section: str
    file: str
    title: str
    icon: str

    @property
    def url_path(self) -> str:
        return self.file.removesuffix(".py")


VIEW_LIST = (
    View("Reputation", "overview.py", "Overview", ":material/dashboard:"),
    View("Reputation", "reviews.py", "Reviews", ":material/reviews:"),
    View("Reputation", "reply_log.py", "Reply log", ":material/history:"),
    View("Reputation", "alerts.py", "Alerts", ":material/mail:"),
    View("Reputation", "posters.py", "QR posters", ":material/qr_code_2:"),
    View("Reputation", "review_requests.py", "Review requests", ":material/forward_to_inbox:"),
    View("Visibility", "profile.py", "Profile metrics", ":material/visibility:"),
    View("Visibility", "rankings.py", "Rankings", ":material/grid_on:"),
    View("Visibility", "website.py", "Website", ":material/language:"),
    View("Visibility", "profile_changes.py", "Profile changes", ":material/edit_note:"),
    View("Visibility", "listings.py", "Listings", ":material/list_alt:"),
    View("Referrals", "referrals.py", "Referrals", ":material/handshake:"),
    View("Reports", "monthly_report.py", "Monthly report", ":material/picture_as_pdf:"),
    View("Admin", "health.py", "Data health", ":material/monitor_heart:"),
)


REFERRALS = next(view for view in VIEW_LIST if view.file == "referrals.py")


def main() -> None:
    st.set_page_config(page_title="seo-monitor", page_icon=PAGE_ICON, layout="wide")
    stand_in = stand_in_page()
    if stand_in is None:
        chrome.allow_views()
        navigation = st.navigation(views(), position="sidebar")
    elif stand_in is chrome.empty_state and referrals_known():
        # Referrals work before Google is connected: their page renders, the others welcome.
        navigation = st.navigation(referrals_before_google(), position="hidden")
        if navigation.url_path == REFERRALS.url_path:
            chrome.allow_views()
    else:
        navigation = st.navigation(every_address_shows(stand_in), position="hidden")
    navigation.run()


def stand_in_page() -> chrome.Render | None:
    """What every address shows instead of the views, or None when the views may render."""
    chrome.forbid_views()
    try:
        data.settings()
        has_locations = bool(data.location_choices())
    except UserError as exc:  # bad config or unreachable database: say what to fix
        return functools.partial(chrome.problem_page, str(exc))
    if not chrome.signed_in():
        return chrome.sign_in_page
    if not has_locations:
        return chrome.empty_state
    return None


def referrals_known() -> bool:
    try:
        return data.referral_count() > 0
    except UserError:
        return False


def referrals_before_google() -> list[StreamlitPage]:
    """Every address welcomes, with a link to the Referrals view, which renders."""
    referrals = st.Page(
        VIEWS / REFERRALS.file,
        title=REFERRALS.title,
        icon=REFERRALS.icon,
        url_path=REFERRALS.url_path,
    )
    welcome = functools.partial(chrome.empty_state, referrals)
    return [
        referrals
        if view is REFERRALS
        else st.Page(welcome, title=view.title, url_path=view.url_path, default=index == 0)
        for index, view in enumerate(VIEW_LIST)
    ]


def every_address_shows(render: chrome.Render) -> list[StreamlitPage]:
    """The views' addresses, each drawing `render` instead of the view.

    Same addresses as the views (a page is known by its url_path), so /health asks for the
    sign-in and, once signed in, the same run goes on to the Data health page it asked for.
    """
    return [
        st.Page(render, title=view.title, url_path=view.url_path, default=index == 0)
        for index, view in enumerate(VIEW_LIST)
    ]


def views() -> dict[str, list[StreamlitPage]]:
    sections: dict[str, list[StreamlitPage]] = {}
    for index, view in enumerate(VIEW_LIST):
        page = st.Page(
            VIEWS / view.file,
            title=view.title,
            icon=view.icon,
            url_path=view.url_path,
            default=index == 0,
        )
        sections.setdefault(view.section, []).append(page)
    return sections


main()
