"""Overview: KPIs against the previous period, trends, locations, what needs attention."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, data
from dashboard.chrome import guard
from dashboard.text import md, star_rating

filters = guard()
ids = filters.location_ids
now = data.kpis(ids, filters.period, filters.metrics_period)
before = data.kpis(ids, filters.previous, filters.previous_metrics)

st.title("Overview")
compare_metrics = filters.can_compare_metrics
st.caption(
    f"{md(filters.label)} · {filters.start:%b %d} – {filters.end:%b %d, %Y}, compared with the "
    f"{filters.days:d} days before. Profile metrics: {filters.metrics_period[0]:%b %d} – "
    f"{filters.metrics_end:%b %d}, the days Google has finished counting."
)


def delta(current: float | None, previous: float | None, digits: int = 0) -> str | None:
    if current is None or previous is None:
        return None
    return f"{current - previous:+.{digits}f}"


reputation = data.reputation(ids, filters.period)
row = st.columns(6)
row[0].metric(
    "Average rating (Google)",
    f"{now.rating:.2f} ★" if now.rating else "–",
    delta(now.rating, before.rating, 2),
    help=None if before.rating else "No rating recorded for the period before.",
)
row[1].metric("Reviews", f"{now.review_count:,}", help="Google's total count")
row[2].metric(
    "New reviews",
    f"{now.reviews_in_period:,}",
    delta(now.reviews_in_period, before.reviews_in_period),
)
row[3].metric(
    "Unanswered reviews",
    f"{now.unanswered:,}",
    delta(now.unanswered, before.unanswered),
    delta_color="inverse",
)
row[4].metric(
    "Response rate",
    f"{reputation.response_rate:.0%}" if reputation.response_rate is not None else "–",
    help="Share of this period's reviews with an owner reply.",
)
row[5].metric(
    "New reviews, 30 days",
    f"{reputation.velocity}",
    f"{reputation.velocity_change:+.0%} vs usual"
    if reputation.velocity_change is not None
    else None,
    help=f"Usual pace: {reputation.baseline:g} per 30 days (the 90 days before).",
)
no_history = (
    f"Not enough history to compare: profile metrics are stored from "
    f"{filters.metrics_since:%b %d, %Y}."
    if filters.metrics_since
    else "No profile metrics yet."
)
for column, (label, current, previous) in zip(
    st.columns(4),
    [
        ("Profile views", now.views, before.views),
        ("Calls", now.calls, before.calls),
        ("Direction requests", now.directions, before.directions),
        ("Website clicks", now.website_clicks, before.website_clicks),
    ],
    strict=True,
):
    column.metric(
        md(label),
        f"{current:,}",
        delta(current, previous) if compare_metrics else None,
        help=None if compare_metrics else md(no_history),
    )
if not compare_metrics:
    st.caption(md(no_history))

weekly = data.weekly_metrics(ids, *filters.metrics_period)
by_week = pd.DataFrame(weekly, columns=["week", "metric", "value"])
by_week["metric"] = by_week["metric"].map(lambda group: data.GROUP_LABELS.get(group, group))
left, right = st.columns(2)
with left:
    st.subheader("Profile views per week")
    views = by_week[by_week["metric"] == data.GROUP_LABELS["views"]]
    if views.empty:
        st.info("No whole week of profile metrics in this period yet.")
    else:
        charts.weekly_bars(views.rename(columns={"value": "views"}), "views", "Profile views")
with right:
    st.subheader("Calls, directions and website clicks per week")
    shown_actions = [data.GROUP_LABELS[g] for g in ("calls", "directions", "website_clicks")]
    actions = by_week[by_week["metric"].isin(shown_actions)]
    if actions.empty:
        st.info("No whole week of profile metrics in this period yet.")
    else:
        charts.lines(actions, x="week", y="value", series="metric", y_title="Per week")
st.caption(
    "Whole weeks (Monday to Sunday) of the days Google has finished counting; the newest "
    "days are on Profile metrics, marked provisional."
)

st.subheader("Rating over time")
history = data.rating_history(ids, *filters.period)
if history:
    charts.rating_line(pd.DataFrame(history, columns=["day", "rating"]))
    st.caption(
        "Average stars of every stored review up to each day, as patients saw it. Google's "
        "own figure is the tile above."
    )
else:
    st.info("No rated reviews yet.")

st.subheader("New reviews per month, by stars")
monthly = data.monthly_reviews(ids, *filters.period)
if monthly:
    charts.stars_by_month(pd.DataFrame(monthly, columns=["month", "stars", "reviews"]))
else:
    st.info("No new reviews in this period.")

st.subheader("Locations")
rows = data.location_rows(ids, filters.period, filters.metrics_period)
st.dataframe(
    pd.DataFrame([vars(r) for r in rows])
    .drop(columns=["id"])
    .rename(
        columns={
            "title": "Location",
            "rating": "Rating",
            "reviews": "Reviews",
            "reviews_in_period": "New reviews",
            "unanswered": "Unanswered",
            "views": "Views",
            "calls": "Calls",
        }
    ),
    hide_index=True,
    width="stretch",
)

st.subheader("Needs attention")
failing = [run for run in data.latest_runs() if run.failed]
for run in failing:
    st.error(
        f"The {md(run.collector)} collector failed: {md(run.error)}"
        + (f" — {md(run.hint)}" if run.hint else ""),
        icon=":material/sync_problem:",
    )
waiting = data.unanswered_negative(ids)
if not waiting:
    st.success("No unanswered negative reviews.")
for review in waiting:
    with st.container(border=True):
        st.markdown(
            f"**{star_rating(review.rating)}** · {md(review.urgency)}"
            + (" · :red-badge[reply within 48 h]" if review.urgent else "")
        )
        st.caption(md(review.location))
        # Patients' words are shown as plain text, never as markdown or HTML.
        st.text((review.text or "(rating only, no text)")[:400])
