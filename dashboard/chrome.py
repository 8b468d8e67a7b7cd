"""What every page shares: login, the location and period picker (kept in the URL), the
failed-collector banner, and the empty state of a fresh install."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from dashboard import actions, data
from dashboard.text import md
from seo_monitor.config import is_loopback
from seo_monitor.profile_metrics import last_final_day
from seo_monitor.times import utcnow
from seo_monitor.users import (
    LoginThrottle,
    count_users,
    normalize_username,
    user_exists,
)

logger = logging.getLogger(__name__)
VIEWS_ALLOWED = "views_allowed"  # set by allow_views() in this run, checked by guard()

PERIODS = {
    "30": "Last 30 days",
    "90": "Last 90 days",
    "365": "Last 12 months",
    "custom": "Chosen dates",
}
ALL = "all"


@dataclass(frozen=True)
class Filters:
    """The current view: which locations (None = all) and which days.

    Reviews count up to today. Profile metrics count up to `metrics_end`, the newest day
    Google has finished counting: it reports two to three days late and revises the newest
    days, which are shown as provisional (up to `reported_end`) but never totalled or
    compared. A comparison needs the whole previous period in the database.
    """

    location_ids: tuple[int, ...] | None
    label: str
    days: int
    end: date
    metrics_end: date
    reported_end: date | None = None  # the newest day Google has reported, provisional or not
    metrics_since: date | None = None  # the first stored day of profile metrics

    @property
    def start(self) -> date:
        return self.end - timedelta(days=self.days - 1)

    @property
    def period(self) -> tuple[date, date]:
        return self.start, self.end

    @property
    def metrics_period(self) -> tuple[date, date]:
        return self.metrics_end - timedelta(days=self.days - 1), self.metrics_end

    @property
    def previous(self) -> tuple[date, date]:
        return shifted(self.period, self.days)

    @property
    def previous_metrics(self) -> tuple[date, date]:
        return shifted(self.metrics_period, self.days)

    @property
    def can_compare_metrics(self) -> bool:
        """True when the database holds every day of the previous metrics period."""
        return self.metrics_since is not None and self.previous_metrics[0] >= self.metrics_since


def shifted(period: tuple[date, date], days: int) -> tuple[date, date]:
    return period[0] - timedelta(days=days), period[1] - timedelta(days=days)


def current_filters() -> Filters:
    filters: Filters = st.session_state["filters"]
    return filters


# --- access ---------------------------------------------------------------------------------
Render = Callable[[], None]


def login_required() -> bool:
    return data.settings().dashboard.require_login or not is_loopback(
        st.get_option("server.address")
    )


def signed_in() -> bool:
    """True when this visitor may see the views: no login needed, or a live session.

    A session ends after `dashboard.idle_timeout_minutes` without a click, and at once when its
    user has been removed (checked on every click, not only at sign-in).
    """
    if not login_required():
        return True
    user = st.session_state.get("user")
    if not user:
        return False
    idle_limit = data.settings().dashboard.idle_timeout_minutes * 60
    now = time.monotonic()
    if now - st.session_state.get("last_active", now) > idle_limit:
        return signed_out(f"You were signed out after {idle_limit // 60} minutes without activity.")
    with data.sessions()() as session:
        if not user_exists(session, user):
            return signed_out("Your user was removed; ask whoever runs seo-monitor.")
    st.session_state["last_active"] = now
    return True


def signed_out(reason: str) -> bool:
    st.session_state.pop("user", None)
    st.session_state["signed_out_because"] = reason
    return False


# Streamlit's own "Download as CSV" on every table writes cells as they are, and a location
# title or keyword from outside that starts with "=" runs as a formula in a spreadsheet: the
# pages offer their own downloads (seo_monitor.csv_export) instead.
NO_RAW_CSV = "<style>button[aria-label='Download as CSV'] { display: none !important; }</style>"


def forbid_views() -> None:
    """Every run starts without the go-ahead: a run that ends on the sign-in, welcome or
    problem page never leaves it behind for a later one."""
    st.session_state[VIEWS_ALLOWED] = False


def allow_views() -> None:
    """The sidebar (location, period), the failure banner, and the go-ahead for the views."""
    st.html(NO_RAW_CSV)
    st.session_state["filters"] = sidebar_filters()
    st.session_state[VIEWS_ALLOWED] = True
    failure_banner()


def guard() -> Filters:
    """The views' second line: draw nothing unless this run allowed them (see app.py)."""
    if not st.session_state.get(VIEWS_ALLOWED) or "filters" not in st.session_state:
        st.stop()
    return current_filters()


@st.cache_resource
def login_throttle() -> LoginThrottle:
    """One per dashboard process: shared by every browser session it serves."""
    return LoginThrottle(free_failures=data.settings().dashboard.login_failures_before_delay)


def sign_in_page() -> None:
    """The only page a visitor sees until they sign in, whatever address they opened."""
    st.title("seo-monitor")
    with data.sessions()() as session:
        has_users = count_users(session) > 0
    if not has_users:
        st.error(
            "This dashboard needs a login, and no user exists yet. Add one on the server: "
            "`seo-monitor user add NAME`."
        )
        return
    reason = st.session_state.pop("signed_out_because", None)
    if reason:
        st.info(md(reason))
    with st.form("login"):
        username = st.text_input("User name")
        password = st.text_input("Password", type="password")
        submitted = st.form_submit_button("Sign in")
    if submitted:
        try_sign_in(username, password)


def try_sign_in(username: str, password: str) -> None:
    throttle = login_throttle()
    keys = throttle_keys(username)
    wait = throttle.wait_seconds(*keys)
    if wait > 0:
        st.error(f"Too many wrong passwords. Try again in {wait:.0f} seconds.")
        return
    user = actions.sign_in(username, password)
    if user is None:
        throttle.failed(*keys)
        logger.warning(
            "dashboard sign-in failed (%d in a row from this client)", throttle.failures(keys[1])
        )
        st.error("Wrong user name or password.")
        return
    throttle.succeeded(keys[0])
    st.session_state["user"] = user
    st.session_state["last_active"] = time.monotonic()
    st.rerun()


def throttle_keys(username: str) -> tuple[str, str]:
    """Failures count per user name (any client) and per client (any user name)."""
    client = st.context.ip_address or "unknown client"
    return f"user:{normalize_username(username)}", f"client:{client}"


# --- the view picker --------------------------------------------------------------------------
def location_options() -> dict[str, tuple[str, tuple[int, ...] | None]]:
    """Picker key -> (label, location ids): all, each group (Google account), each location."""
    choices = data.location_choices()
    options: dict[str, tuple[str, tuple[int, ...] | None]] = {ALL: ("All locations", None)}
    groups: dict[int, tuple[str, list[int]]] = {}
    for choice in choices:
        if choice.account_id is not None:
            groups.setdefault(choice.account_id, (choice.account_name or "Group", []))[1].append(
                choice.id
            )
    if len(groups) > 1:
        for account_id, (name, ids) in groups.items():
            options[f"g{account_id}"] = (f"Group: {name}", tuple(ids))
    for choice in choices:
        options[f"l{choice.id}"] = (choice.title, (choice.id,))
    return options


def sidebar_filters() -> Filters:
    """Location and period from the sidebar, mirrored in the URL so a link reproduces the view."""
    options = location_options()
    params = st.query_params
    # The URL seeds the widgets once; after that the widgets lead and the URL follows.
    if st.session_state.get("location") not in options:
        st.session_state["location"] = (
            params.get("location") if params.get("location") in options else ALL
        )
    if st.session_state.get("days") not in PERIODS:
        st.session_state["days"] = params.get("days") if params.get("days") in PERIODS else "30"
    key = st.sidebar.selectbox(
        "Location", list(options), format_func=lambda k: options[k][0], key="location"
    )
    period = st.sidebar.selectbox(
        "Period", list(PERIODS), format_func=PERIODS.__getitem__, key="days"
    )
    params["location"], params["days"] = key, period
    start, end = chosen_dates(period)
    label, ids = options[key]
    reported = data.newest_metric_day()
    final = last_final_day(utcnow().date(), reported) if reported else None
    filters = Filters(
        ids,
        label,
        (end - start).days + 1,
        end,
        metrics_end=min(final or end, end),
        reported_end=min(reported, end) if reported else None,
        metrics_since=data.first_metric_day(ids),
    )
    st.sidebar.caption(f"{filters.start:%b %d, %Y} – {end:%b %d, %Y}")
    if st.session_state.get("user"):
        st.sidebar.text(f"Signed in as {st.session_state['user']}")
        if st.sidebar.button("Sign out"):
            signed_out("You signed out.")
            st.rerun()
    return filters


def chosen_dates(period: str) -> tuple[date, date]:
    """The first and last day of the view; chosen dates are kept in the URL as from/to."""
    today = utcnow().date()
    params = st.query_params
    if period != "custom":
        params.pop("from", None)
        params.pop("to", None)
        return today - timedelta(days=int(period) - 1), today
    try:
        default = (date.fromisoformat(params["from"]), date.fromisoformat(params["to"]))
    except (KeyError, ValueError):
        default = (today - timedelta(days=29), today)
    picked = st.sidebar.date_input("Dates", value=default, max_value=today, format="YYYY-MM-DD")
    start, end = picked if isinstance(picked, tuple) and len(picked) == 2 else default
    params["from"], params["to"] = start.isoformat(), end.isoformat()
    return start, end


def failure_banner() -> None:
    """Every page says so when a collector failed in the last day: a silent failure hides."""
    failed = data.recent_failures()
    if failed:
        names = sorted({run.collector for run in failed})
        st.warning(
            f"{len(failed)} collector run(s) failed in the last 24 hours ({md(', '.join(names))}). "
            "See Data health for what to do.",
            icon="⚠️",
        )


def problem_page(problem: str) -> None:
    st.title("seo-monitor")
    st.error(md(problem))


def empty_state(referrals: StreamlitPage | None = None) -> None:
    """The welcome; with `referrals`, a link to the Referrals view, which works before Google
    is connected once referrals are imported."""
    st.title("Welcome to seo-monitor")
    st.info(
        "No locations yet. Next steps on the server:\n\n"
        "1. `seo-monitor auth google` — connect the Google account that manages your profiles\n"
        "2. `seo-monitor collect all` — read locations, reviews, metrics and keywords\n\n"
        "Or try it with made-up data: `make run` starts the demo."
    )
    if referrals is not None:
        st.page_link(referrals, label="Your referrals are in: open the Referrals page")


def chosen_location_ids(filters: Filters) -> list[int]:
    """The sidebar's locations (all of them when "All locations" is chosen)."""
    titles = {choice.id: choice.title for choice in data.location_choices()}
    return [i for i in (filters.location_ids or titles) if i in titles]


def location_picker(filters: Filters) -> int:
    """One location out of the sidebar's choice, for pages about a single location."""
    titles = {choice.id: choice.title for choice in data.location_choices()}
    location_id: int = st.selectbox(
        "Location", chosen_location_ids(filters), format_func=lambda i: titles[i]
    )
    return location_id
