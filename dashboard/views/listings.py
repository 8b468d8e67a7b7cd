"""Listings: each location's name, address and phone on the directories patients use, as the
weekly check found them, beside the Google profile; the ratings they show; adding and removing
listings."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import actions, charts, data
from dashboard.chrome import guard
from dashboard.text import md

STATUS_WORDS = {
    "consistent": "same as Google",
    "mismatch": "differs",
    "blocked": "blocked by the site",
    "unreachable": "could not be read",
    "unreadable": "nothing to read",
    None: "not checked yet",
}


def summary(rows: list[data.ListingRow]) -> None:
    cols = st.columns(4)
    cols[0].metric("Listings", f"{len(rows):,}")
    cols[1].metric("Same as Google", f"{sum(r.status == 'consistent' for r in rows):,}")
    cols[2].metric("Differ", f"{sum(r.status == 'mismatch' for r in rows):,}")
    unread = sum(r.status in ("blocked", "unreachable", "unreadable") for r in rows)
    cols[3].metric("To check by hand", f"{unread:,}", help="Blocked, down or built by script.")


def listing_table(rows: list[data.ListingRow]) -> None:
    table = pd.DataFrame(
        [
            {"Location": r.location, "Site": r.site, "Status": STATUS_WORDS[r.status],
             "What differs or why": "; ".join(
                 f"{m['field']}: {m['listing']} (Google: {m.get('google', '?')})"
                 for m in r.mismatches) or (r.problem or ""),
             # Text, not numbers: a listing without a rating shows nothing, not a grey "None".
             "Rating": f"{r.rating:.1f}" if r.rating is not None else "",
             "Reviews": f"{r.review_count:,}" if r.review_count is not None else "",
             "Checked": r.checked_at.strftime("%Y-%m-%d") if r.checked_at else "",
             "Listing": r.url}
            for r in rows
        ]
    )  # fmt: skip
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={"Listing": st.column_config.LinkColumn(display_text="open")},
    )
    st.caption(
        "Blocked: the site refuses automated reads (its robots.txt or a bot check); seo-monitor "
        "does not get around that, so open the listing and compare by hand. Nothing to read: "
        "the page draws its content with a script."
    )


def ratings_chart(ids: tuple[int, ...] | None) -> None:
    """Each listing's rating at each check, and Google's over the same days."""
    ratings = data.listing_ratings(ids)
    if not ratings:
        return
    st.subheader("Ratings on other sites")
    several = len({r.location for r in ratings}) > 1
    points = [
        {"checked": r.checked_at.date(), "rating": r.rating,
         "listing": f"{r.site} ({r.location})" if several else r.site}
        for r in ratings
    ]  # fmt: skip
    google = data.rating_history(ids, ratings[0].checked_at.date(), ratings[-1].checked_at.date())
    points += [{"checked": day, "rating": value, "listing": "Google"} for day, value in google]
    frame = pd.DataFrame(points)
    frame["checked"] = pd.to_datetime(frame["checked"])
    charts.lines(frame, x="checked", y="rating", series="listing", y_title="Stars", y_domain=(0, 5))
    st.caption(
        "What each listing showed at each weekly check; Google: the average of the reviews on "
        "record" + (" for the locations chosen." if several else ".")
    )


def add_form(ids: tuple[int, ...] | None) -> None:
    choices = [c for c in data.location_choices() if ids is None or c.id in ids]
    with st.expander("Add a listing"), st.form("add_listing", clear_on_submit=True):
        chosen = st.selectbox(
            "Location", choices, format_func=lambda c: c.title, key="listing_location"
        )
        url = st.text_input(
            "The listing's web address", placeholder="https://www.healthgrades.com/…"
        )
        if st.form_submit_button("Add") and chosen is not None and url:
            problem = actions.add_listing_of(
                chosen.id, url, st.session_state.get("user") or "dashboard"
            )
            if problem:
                st.error(md(problem))
            else:
                st.success("Added: the next weekly check reads it.")


def remove_form(rows: list[data.ListingRow]) -> None:
    by_hand = [r for r in rows if r.added_by != "config.toml"]
    if not by_hand:
        return
    with st.expander("Remove a listing"):
        chosen = st.selectbox(
            "Listing",
            by_hand,
            format_func=lambda r: f"{r.location}: {r.site}",
            key="listing_remove",
        )
        if st.button("Remove") and chosen is not None:
            problem = actions.remove_listing_by_id(chosen.id)
            if problem:
                st.error(md(problem))
            else:
                st.success("Removed, with its checks.")
        st.caption(
            "Listings named in config.toml are removed there: one taken out of config.toml "
            "is removed here too, with its checks, at the next weekly check."
        )


filters = guard()
ids = filters.location_ids
st.title("Listings")
st.caption(
    "Each location's name, address and phone on the directories patients use, read weekly "
    "(scheduler.listings; `seo-monitor collect listings` reads them now) and compared with the "
    "Google profile. See docs/listings.md."
)
actions.include_configured_listings(ids)
rows = data.listings(ids)
if rows:
    summary(rows)
    listing_table(rows)
    ratings_chart(ids)
else:
    st.info(
        "No listings yet. Name them under [[locations]] listings in config.toml, or add one "
        "below: Healthgrades, Zocdoc, Vitals, Yelp, Facebook, Apple Maps, Bing Places, your "
        "state association's or an insurer's directory."
    )
add_form(ids)
remove_form(rows)
