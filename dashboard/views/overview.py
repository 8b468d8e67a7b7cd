"""Overview: KPIs against the previous period, trends, locations, what needs attention."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.chrome import guard
from dashboard.text import md, star_rating
from seo_monitor.models import utcnow

filters = guard()
ids = filters.location_ids
now = data.kpis(ids, filters.period, filters.metrics_period)
before = data.kpis(ids, filters.previous, filters.previous_metrics)

st.title("Overview")
st.caption(
    f"{md(filters.label)} · {filters.start:%b %d} – {filters.end:%b %d, %Y}, compared with the "
    f"period before. Profile metrics up to {filters.metrics_end:%b %d}, the newest day Google "
    "has reported."
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
    column.metric(md(label), f"{current:,}", delta(current, previous))

weekly = data.weekly_metrics(ids, *filters.metrics_period)
frame = pd.DataFrame(weekly, columns=["week", "metric", "value"])
by_week = frame.pivot_table(index="week", columns="metric", values="value", aggfunc="sum")
by_week.index = [f"{week:%b %d}" for week in by_week.index]  # weeks as labels, not a time axis
left, right = st.columns(2)
with left:
    st.subheader("Profile views per week")
    if "views" in by_week:
        st.bar_chart(by_week[["views"]])
    else:
        st.info("No whole week of profile metrics in this period yet.")
with right:
    st.subheader("Calls, directions and website clicks per week")
    actions = [c for c in ("calls", "directions", "website_clicks") if c in by_week]
    if actions:
        st.line_chart(by_week[actions])
    else:
        st.info("No whole week of profile metrics in this period yet.")

st.subheader("Rating over time")
history = data.rating_history(ids, *filters.period)
if history:
    st.line_chart(pd.DataFrame(history, columns=["month", "rating"]).set_index("month"))
else:
    st.info("No reviews in this period.")

st.subheader("New reviews per month, by stars")
monthly = data.monthly_reviews(ids, *filters.period)
if monthly:
    frame = pd.DataFrame(monthly, columns=["month", "stars", "reviews"])
    frame["stars"] = frame["stars"].map(lambda s: f"{s}★")
    st.bar_chart(frame.pivot_table(index="month", columns="stars", values="reviews", aggfunc="sum"))
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
    st.success("No unanswered reviews of 3 stars or fewer.")
for review in waiting:
    age = (utcnow() - review.created_at).days
    with st.container(border=True):
        st.markdown(
            f"**{star_rating(review.rating)}** · {age:d} days unanswered"
        )
        st.caption(md(review.location))
        # Patients' words are shown as plain text, never as markdown or HTML.
        st.text((review.text or "(rating only, no text)")[:400])
