"""The profile guard: the values Google shows instead of the owner's, and every change to the
watched Business Profile fields that the locations syncs saw."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import actions, data
from dashboard.chrome import guard
from dashboard.text import md


def google_values(ids: tuple[int, ...] | None) -> None:
    updates = data.google_updates(ids)
    st.subheader("What Google shows instead of yours")
    if not updates:
        st.success("Google shows every profile as its owner wrote it.")
        return
    st.caption(
        "Google or a user's suggested edit changed these on Maps and Search. Open the Business "
        "Profile to accept each one, or to keep your own value."
    )
    table = pd.DataFrame(
        [
            {"Location": u.location, "Field": u.field, "Google shows": u.google,
             "Yours": u.yours, "On Maps": u.maps_url}
            for u in updates
        ]
    )  # fmt: skip
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={"On Maps": st.column_config.LinkColumn(display_text="open")},
    )
    st.link_button("Open the Business Profile", data.PROFILE_MANAGER_URL)


def pending(ids: tuple[int, ...] | None) -> None:
    edits = data.pending_edits(ids)
    if not edits:
        return
    st.subheader("Your edits waiting for Google")
    st.caption(
        "Edits made on the profile that Google is still reviewing, as of the last locations "
        "sync: Maps and Search show the old value until Google publishes them, usually within "
        "a few days. If one stays here for long, open the Business Profile to see why."
    )
    table = pd.DataFrame(
        [
            {"Location": e.location, "Field": e.field, "Your edit": e.yours,
             "Maps and Search still show": e.shown,
             "As of (UTC)": e.checked_at.strftime("%Y-%m-%d %H:%M") if e.checked_at else ""}
            for e in edits
        ]
    )  # fmt: skip
    st.dataframe(table, hide_index=True, width="stretch")


def history(ids: tuple[int, ...] | None) -> None:
    changes = data.profile_changes(ids, filters.start, filters.end)
    st.subheader("Changes")
    st.caption(
        f'{filters.start:%b %d} to {filters.end:%b %d}, newest first. "On the profile": the '
        "owner's data changed (someone with access, or an update Google applied). \"Shown by "
        'Google": Google began to show its own value.'
    )
    if not changes:
        st.info("No changes in this period.")
        return
    table = pd.DataFrame(
        [
            {"#": c.id, "Seen (UTC)": c.seen_at.strftime("%Y-%m-%d %H:%M"),
             "Location": c.location, "Field": c.field, "Before": c.before, "After": c.after,
             "Where": "shown by Google" if c.source == "google" else "on the profile",
             "Reviewed": f"{c.reviewed_by}, {c.reviewed_at:%Y-%m-%d}" if c.reviewed_at else ""}
            for c in changes
        ]
    )  # fmt: skip
    st.dataframe(table, hide_index=True, width="stretch")
    review_form([c for c in changes if c.reviewed_at is None])


def review_form(open_changes: list[data.ProfileChangeRow]) -> None:
    """Mark changes as looked at: the weekly digest lists only those no one has."""
    if not open_changes:
        st.caption("Every change in this period has been reviewed.")
        return
    with st.form("profile_review", clear_on_submit=True):
        chosen = st.multiselect(
            "Mark reviewed (made by us, corrected or accepted on Google)",
            open_changes,
            format_func=lambda c: f"#{c.id} {c.location}: {c.field} -> {c.after}",
            key="profile_review_changes",
        )
        if st.form_submit_button("Mark reviewed") and chosen:
            actor = st.session_state.get("user") or "dashboard"
            problem = actions.mark_profile_changes_reviewed([c.id for c in chosen], actor)
            if problem:
                st.error(md(problem))
            else:
                st.success(f"Marked {len(chosen)} as reviewed: the digest lists them no more.")


filters = guard()
st.title("Profile changes")
st.caption(
    "The profile guard compares each Business Profile's name, categories, phone, website, "
    "address, pin, hours, description and open status at every locations sync, and asks Google "
    "what it shows instead. A change emails the alert recipients once (docs/profile-guard.md)."
)
if not data.profiles_watched():
    st.info(
        "Nothing to compare yet: the guard looks at each profile at every locations sync "
        "(`seo-monitor collect locations`; the scheduler runs it daily)."
    )
    st.stop()
google_values(filters.location_ids)
pending(filters.location_ids)
history(filters.location_ids)
st.caption(md(f"Profiles are edited on Google: {data.PROFILE_MANAGER_URL}"))
