"""Reviews: the reply inbox by priority, reputation KPIs and what patients talk about."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from dashboard import charts, data
from dashboard.chrome import guard
from dashboard.reply_editor import reply_editor
from dashboard.text import md, star_rating

PAGE_SIZE = 20
ANY = "Any"
POLARITY = {ANY: None, "Negative": "negative", "Neutral": "neutral", "Positive": "positive"}
CONCERN = {
    ANY: None,
    "Clinical (outcome, clinician)": "clinical",
    "Operational (front desk, wait, billing, phone)": "operational",
}
TOPIC_LABELS = {topic.label: topic.key for topic in data.TOPICS}

filters = guard()
ids = filters.location_ids
kpis = data.reputation(ids, filters.period)

st.title("Reviews")
st.caption(
    f"{md(filters.label)} · KPIs for {filters.start:%b %d} – {filters.end:%b %d, %Y}. The inbox "
    "lists every review still waiting for a reply, whatever its date, most urgent first."
)


def reputation_tiles(kpis: data.Reputation) -> None:
    row = st.columns(5)
    rating = f"{kpis.rating:.2f} ★" if kpis.rating else "–"
    computed = f"{kpis.computed_rating:.2f}" if kpis.computed_rating else "–"
    row[0].metric(
        "Average rating (Google)",
        rating,
        help=f"Computed from the stored reviews of every source: {md(computed)}",
    )
    row[1].metric(
        "Response rate",
        f"{kpis.response_rate:.0%}" if kpis.response_rate is not None else "–",
        help="Share of this period's reviews with an owner reply.",
    )
    row[2].metric(
        "Median time to reply",
        hours(kpis.median_reply_hours),
        help="From the review to the reply's last update (Google keeps no first-reply time).",
    )
    row[3].metric(
        "New reviews, 30 days",
        f"{kpis.velocity}",
        f"{kpis.velocity_change:+.0%} vs usual" if kpis.velocity_change is not None else None,
        help=f"New reviews in the last 30 days; usual pace {kpis.baseline:g} per 30 days "
        "(the 90 days before).",
    )
    needed = kpis.reviews_needed
    row[4].metric(
        f"5★ reviews to reach {kpis.target_rating:g}",
        "reached" if needed == 0 else "–" if needed is None else f"{needed:,}",
        help="Assumes every new review is 5 stars (reviews.target_rating in config.toml).",
    )


def hours(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.0f} h" if value < 48 else f"{value / 24:.0f} days"


def inbox_filters() -> data.InboxFilter:
    columns = st.columns([1.2, 1.4, 1, 1.6, 1.6, 1])
    status = columns[0].selectbox("Show", ["Needs a reply", "All reviews"])
    stars = columns[1].multiselect("Stars", [1, 2, 3, 4, 5], format_func=lambda s: f"{s}★")
    polarity = columns[2].selectbox("Text", list(POLARITY))
    topic = columns[3].selectbox("Complains about", [ANY, *TOPIC_LABELS])
    concern = columns[4].selectbox("Kind of complaint", list(CONCERN))
    sources = data.review_sources()
    source = columns[5].selectbox("Source", [ANY, *sources]) if len(sources) > 1 else ANY
    options = st.columns([1, 1, 2])
    flagged = options[0].toggle("Good stars, negative text", help="Flagged for a look.")
    in_period = options[1].toggle("Only this period")
    return data.InboxFilter(
        location_ids=ids,
        needs_reply=status == "Needs a reply",
        stars=tuple(stars),
        polarity=POLARITY[polarity],
        topic=TOPIC_LABELS.get(topic),
        concern=CONCERN[concern],
        flagged_only=flagged,
        source=None if source == ANY else source,
        since=filters.start if in_period else None,
        until=filters.end if in_period else None,
    )


def show_review(review: data.InboxReview) -> None:
    with st.container(border=True):
        head = st.columns([3, 1])
        head[0].markdown(
            f"**{star_rating(review.rating)}** · {md(review.urgency)}"
            + (" · :red-badge[reply within 48 h]" if review.urgent else "")
            + (" · :orange-badge[good stars, negative text]" if review.flagged else "")
        )
        head[1].markdown(f"priority **{review.priority:d}**" if review.priority is not None else "")
        # Names and places come from Google or a CSV: shown as text, never as markdown or HTML.
        st.text(f"{review.location} · {review.source} · {review.created_at:%b %d, %Y}")
        st.text((review.text or "(rating only, no text)")[:1500])
        if review.topics:
            st.markdown(topic_badges(review.topics))
        if review.reasons:
            st.caption("Why: " + md("; ".join(review.reasons)))
        if review.google_url:
            st.link_button("Open on Google", review.google_url, icon=":material/open_in_new:")
        reply_editor(review, review.location_phone)


def topic_badges(topics: list[data.TopicMention]) -> str:
    """A red badge for each topic the review complains about, a grey one for a mention."""
    return " ".join(
        f":red-badge[{md(t.label)}]" if t.negative else f":gray-badge[{md(t.label)}]"
        for t in topics
    )


reputation_tiles(kpis)


def linked_review() -> None:
    """The review an email links to (?review=ID), on top whatever the filters say."""
    try:
        review_id = int(st.query_params.get("review", ""))
    except ValueError:
        return
    found, _ = data.inbox(data.InboxFilter(needs_reply=False, review_id=review_id), 1, 0)
    st.subheader("The review from your email")
    if found:
        show_review(found[0])
    else:
        st.info("That review is no longer on Google (deleted by its author or by Google).")


linked_review()
st.subheader("Inbox")
chosen = inbox_filters()
page = st.session_state.get("inbox_page", 1)
reviews, total = data.inbox(chosen, PAGE_SIZE, (page - 1) * PAGE_SIZE)
pages = max(1, -(-total // PAGE_SIZE))
if page > pages:  # the filters changed under a later page
    page = st.session_state["inbox_page"] = 1
    reviews, total = data.inbox(chosen, PAGE_SIZE, 0)
if not reviews:
    st.success("No reviews are waiting for a reply." if chosen.needs_reply else "No reviews match.")
for review in reviews:
    show_review(review)
if pages > 1:
    st.number_input(f"Page (of {pages:d}; {total:,} reviews)", 1, pages, key="inbox_page")
elif total:
    st.caption(f"{total:,} reviews")

st.subheader("What patients talk about")
summary = data.topic_summary(ids, filters.period)
if summary:
    table = pd.DataFrame(
        [
            {
                "Topic": t.label,
                "Kind": t.concern,
                "Reviews mentioning it": t.mentions,
                "Negative": t.negative,
                "Negative, period before": t.previous_negative,
            }
            for t in summary
        ]
    )
    st.dataframe(table, hide_index=True, width="stretch")
    year_ago = (filters.end - timedelta(days=365)).replace(day=1)
    trend = data.topic_trend(ids, (min(year_ago, filters.start), filters.end))
    if trend:
        st.caption("Negative mentions per month, at least the last 12 months")
        frame = pd.DataFrame([vars(t) for t in trend])
        charts.monthly_bars(frame, value="negative", series="label", y_title="Negative mentions")
else:
    st.info("No scored reviews with topics in this period.")
