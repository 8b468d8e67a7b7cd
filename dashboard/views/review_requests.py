"""Review requests by email: what went out, why some patients were not asked, the effect on
new Google reviews measured the honest way, and the addresses that get no more asks."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from dashboard import actions, charts, data
from dashboard.chrome import guard
from dashboard.text import md

REASONS = {
    "unsubscribed": "asked to stop",
    "bounced": "the address does not exist",
    "stop": "replied STOP",
}


def per_week(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def effect(ids: tuple[int, ...] | None) -> None:
    found = data.ask_effect(ids, filters.end)
    st.subheader("New Google reviews a week")
    if found.started is None:
        st.caption("Once asks go out, this compares new reviews before and after.")
        return
    cols = st.columns(4)
    cols[0].metric(f"Before asking ({found.weeks_before:d} weeks)", per_week(found.per_week_before))
    cols[1].metric(f"Since asking ({found.weeks_after:d} weeks)", per_week(found.per_week_after))
    cols[2].metric(
        f"Weeks with asks ({found.weeks_with_asks:d})", per_week(found.per_week_with_asks)
    )
    cols[3].metric(
        f"Weeks without ({found.weeks_without_asks:d})", per_week(found.per_week_without_asks)
    )
    st.caption(
        f"Asking started {found.started:%b %d, %Y}. Whole weeks only. A rise can come from "
        "anything else that changed too (a season, a new clinician, the posters): it shows a "
        "difference, not its cause. Reviewers are never matched to patients."
    )


def activity(ids: tuple[int, ...] | None) -> None:
    totals = data.ask_totals(ids, filters.start, filters.end)
    due, waiting, link_problems = data.asks_due(ids)
    for problem in link_problems:
        st.warning(md(problem), icon=":material/link_off:")
    cols = st.columns(4)
    cols[0].metric(
        "Asks sent", f"{totals.sent:,}", help=f"{filters.start:%b %d} to {filters.end:%b %d}"
    )
    cols[1].metric("Due now", f"{due:,}", help="Who the next run asks.")
    cols[2].metric("Not asked", f"{sum(totals.skipped.values()):,}")
    cols[3].metric("Addresses suppressed", f"{totals.suppressed:,}")
    weeks = data.ask_weeks(ids, filters.start - timedelta(days=84), filters.end)
    if weeks:
        st.subheader("Per week")
        frame = pd.DataFrame(
            [
                {"week": w.week, "what": label, "emails": getattr(w, name)}
                for w in weeks
                for name, label in (("sent", "Sent"), ("skipped", "Not asked"),
                                    ("unsubscribed", "Unsubscribed"), ("bounced", "Bounced"))
            ]
        )  # fmt: skip
        charts.lines(frame, x="week", y="emails", series="what", y_title="Per week")
    effect(ids)
    reasons = {
        **{f"waiting: {r}": n for r, n in waiting.items()},
        **{f"not asked: {r}": n for r, n in totals.skipped.items()},
    }
    if reasons:
        st.subheader("Why not asked")
        st.dataframe(
            pd.DataFrame([{"Reason": r, "Visits": n} for r, n in reasons.items()]),
            hide_index=True,
            width="content",
        )


def unsubscribed() -> None:
    """The front desk's list: STOP replies, bounces and requests that reach it by hand."""
    st.subheader("Unsubscribed")
    st.caption("Addresses are kept only as keyed hashes: enter one to suppress it or to check it.")
    with st.form("unsubscribe", clear_on_submit=True):
        address = st.text_input("Email address")
        reason = st.selectbox("Why", list(REASONS), format_func=REASONS.__getitem__)
        left, right = st.columns(2)
        add = left.form_submit_button("No more asks")
        check = right.form_submit_button("Check")
    if add and address:
        actor = st.session_state.get("user") or "dashboard"
        problem = actions.suppress_address(address, reason, actor)
        if problem:
            st.error(md(problem))
        else:
            st.success("No more asks will go to this address.")
    elif check and address:
        since = data.suppressed_since(address)
        st.info(
            md(f"Suppressed since {since}." if since else "Not suppressed: this address gets asks.")
        )
    listed = data.suppressions()
    if listed:
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "Since": row.created_at.date(),
                        "Why": REASONS.get(row.reason, row.reason),
                        "Entered by": row.actor or "the mail server (bounced)",
                    }
                    for row in listed
                ]
            ),
            hide_index=True,
            width="content",
        )
        st.caption(
            "Newest first. The addresses are not shown: only their keyed hashes are kept. To "
            "find one, enter it above and press Check."
        )


filters = guard()
settings = data.settings()
st.title("Review requests")
st.caption(
    "An email after a visit with the clinic's Google review link: the same neutral words for "
    "every patient, once, with an unsubscribe; no tracking pixel. See docs/review-requests.md."
)
if not settings.review_requests.enabled:
    st.info("Asks are off: set review_requests.enabled = true in config.toml to send them.")
if data.visit_count():
    activity(filters.location_ids)
else:
    st.info(
        "No visits yet. Import a visit list from the practice-management system: "
        "`seo-monitor import visits FILE.csv`. Only the account number (as a keyed hash), the "
        "address, a first name, the language, the day and the location are read."
    )
unsubscribed()
