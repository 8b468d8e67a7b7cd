"""Profile metrics: daily or weekly series, mobile vs desktop, Maps vs Search, search keywords."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from dashboard import charts, data
from dashboard.chrome import guard
from dashboard.text import md

filters = guard()
ids = filters.location_ids
st.title("Profile metrics")
start, end = filters.metrics_period
reported = filters.reported_end
st.caption(
    f"{md(filters.label)} · {start:%b %d} – {end:%b %d, %Y}, the days Google has finished "
    "counting"
    + (
        f"; {end + timedelta(days=1):%b %d} – {reported:%b %d} are provisional (dashed): "
        "Google reports each day two to three days late and revises the newest days."
        if reported and reported > end
        else "."
    )
)

series = data.daily_metrics(ids, start, max(end, reported or end))
if not series:
    st.info(
        "No profile metrics in this period yet. The metrics collector reads them daily; "
        "Google reports each day two to three days late."
    )
else:
    frame = pd.DataFrame(series, columns=["day", "metric", "value"])
    frame["metric"] = frame["metric"].map(data.LABELS)
    chosen = st.multiselect(
        "Metrics",
        sorted(frame["metric"].unique()),
        default=[
            c
            for c in ("Calls", "Website clicks", "Direction requests")
            if c in set(frame["metric"])
        ],
    )
    weekly = st.toggle(
        "Weekly totals", value=filters.days > 60, help="Whole weeks, Monday to Sunday."
    )
    shown = frame[frame["metric"].isin(chosen)] if chosen else frame
    if weekly:
        charts.weekly_lines(shown, last_final_day=end)
    else:
        charts.lines(
            shown, x="day", y="value", series="metric", y_title="Per day", provisional_after=end
        )
    frame = frame[pd.to_datetime(frame["day"]) <= pd.Timestamp(end)]  # totals: final days only

    views = frame[frame["metric"].isin([data.LABELS[m] for m in data.VIEW_METRICS])]
    totals = views.groupby("metric")["value"].sum()
    device, surface = st.columns(2)
    mobile = int(totals.filter(like="mobile").sum())
    desktop = int(totals.filter(like="desktop").sum())
    maps = int(totals.filter(like="Maps").sum())
    search = int(totals.filter(like="Search").sum())
    device.metric("Views on mobile", f"{mobile:,}", help=f"Desktop: {desktop:,}")
    device.progress(
        mobile / max(1, mobile + desktop), text=f"{mobile / max(1, mobile + desktop):.0%} mobile"
    )
    surface.metric("Views on Maps", f"{maps:,}", help=f"Search: {search:,}")
    surface.progress(maps / max(1, maps + search), text=f"{maps / max(1, maps + search):.0%} Maps")

    daily = frame.pivot_table(index="day", columns="metric", values="value", aggfunc="sum")
    daily = daily.fillna(0).astype(int)
    st.download_button(
        "Download daily metrics (CSV)",
        data.csv_text(["day", *daily.columns], daily.itertuples(name=None)),
        file_name=f"profile-metrics-{start}-{end}.csv",
        mime="text/csv",
    )

st.subheader("Search keywords")
st.caption(
    "Unique people who found the profile with each search, per month. Google reports "
    'small numbers only as "fewer than N": shown as "< N", never as 0.'
)
keywords = data.keywords(ids, *filters.period)
if keywords:
    st.dataframe(
        pd.DataFrame([(k.keyword, k.shown) for k in keywords], columns=["Keyword", "People"]),
        hide_index=True,
        width="stretch",
    )
else:
    st.info("No search keywords for the months of this period yet.")
