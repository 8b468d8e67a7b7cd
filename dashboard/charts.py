"""The dashboard's charts, drawn the same way everywhere: a real time axis (weeks and months in
date order, spaced by time), one fixed colour per star rating, provisional days dashed, and
human labels in every legend and axis."""

from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd
import streamlit as st

# 1★ red … 5★ green, in every chart and view.
STAR_LABELS = ["1★", "2★", "3★", "4★", "5★"]
STAR_COLOURS = ["#d7301f", "#fc8d59", "#f2c14e", "#91cf60", "#1a9850"]
STAR_SCALE = alt.Scale(domain=STAR_LABELS, range=STAR_COLOURS)
LEGEND = alt.Legend(orient="bottom", direction="horizontal", title=None, labelLimit=0)


def show(chart: alt.Chart | alt.LayerChart | alt.FacetChart) -> None:
    st.altair_chart(chart.properties(height=280), width="stretch")


def time_axis(field: str, title: str | None, unit: str = "yearmonthdate") -> alt.X:
    return alt.X(f"{unit}({field}):T", title=title, axis=alt.Axis(labelOverlap="greedy"))


def period_axis(field: str, title: str | None, unit: str, label_format: str) -> alt.X:
    """Bars per week or month: one band each, in date order (a date field sorts by time)."""
    return alt.X(
        f"{unit}({field}):O",
        title=title,
        axis=alt.Axis(format=label_format, formatType="time", labelAngle=0, labelOverlap="greedy"),
    )


def weekly_bars(frame: pd.DataFrame, value: str, title: str) -> None:
    """One bar per week (frame: week = its Monday, value)."""
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=period_axis("week", "Week starting", "yearmonthdate", "%b %d"),
            y=alt.Y(f"{value}:Q", title=title),
            tooltip=[alt.Tooltip("week:T", title="Week of", format="%b %d, %Y"), f"{value}:Q"],
        )
    )
    show(chart)


def lines(
    frame: pd.DataFrame,
    *,
    x: str,
    y: str,
    series: str,
    y_title: str,
    x_title: str | None = None,
    provisional_after: date | None = None,
    y_domain: tuple[float, float] | None = None,
) -> None:
    """Lines over time, one per `series`; days after `provisional_after` dashed (Google still
    counts them, so they are not a drop). `y_domain` fixes the scale (stars: 0 to 5)."""
    frame = frame.assign(**{x: pd.to_datetime(frame[x])})
    scale = alt.Scale(domain=y_domain) if y_domain else alt.Undefined
    base = alt.Chart().encode(
        x=time_axis(x, x_title),
        y=alt.Y(f"{y}:Q", title=y_title, scale=scale),
        color=alt.Color(f"{series}:N", legend=LEGEND),
        tooltip=[alt.Tooltip(f"{x}:T", format="%b %d, %Y"), f"{series}:N", f"{y}:Q"],
    )
    if provisional_after is None or frame[x].max() <= pd.Timestamp(provisional_after):
        show(base.mark_line(point=len(frame) < 40).properties(data=frame))
        return
    cut = pd.Timestamp(provisional_after)
    final = frame[frame[x] <= cut]
    provisional = frame[frame[x] >= cut]  # starts at the last final day: the line joins up
    chart = alt.layer(
        base.mark_line().properties(data=final),
        base.mark_line(strokeDash=[4, 4], opacity=0.6).properties(data=provisional),
    )
    show(chart)


def rating_line(frame: pd.DataFrame) -> None:
    """The rating on a scale that shows its changes: a band around the values, within 1 to 5."""
    low, high = float(frame["rating"].min()), float(frame["rating"].max())
    margin = max(0.1, (high - low) * 0.25)
    domain = [max(1.0, round(low - margin, 1)), min(5.0, round(high + margin, 1))]
    chart = (
        alt.Chart(frame.assign(day=pd.to_datetime(frame["day"])))
        .mark_line(point=len(frame) < 40, interpolate="step-after")
        .encode(
            x=time_axis("day", None),
            y=alt.Y("rating:Q", title="Average rating ★", scale=alt.Scale(domain=domain)),
            tooltip=[
                alt.Tooltip("day:T", format="%b %d, %Y"),
                alt.Tooltip("rating:Q", format=".2f"),
            ],
        )
    )
    show(chart)


def stars_by_month(frame: pd.DataFrame) -> None:
    """New reviews per month, stacked by stars (frame: month 'YYYY-MM', stars 1 to 5, reviews)."""
    frame = frame.assign(
        month=pd.to_datetime(frame["month"] + "-01"),
        stars=frame["stars"].map(lambda s: f"{int(s)}★"),
    )
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=period_axis("month", None, "yearmonth", "%b %Y"),
            y=alt.Y("sum(reviews):Q", title="New reviews"),
            color=alt.Color("stars:N", scale=STAR_SCALE, legend=LEGEND, sort=STAR_LABELS),
            order=alt.Order("stars:N", sort="ascending"),
            tooltip=[
                alt.Tooltip("month:T", format="%B %Y"),
                "stars:N",
                alt.Tooltip("sum(reviews):Q", title="reviews"),
            ],
        )
    )
    show(chart)


def monthly_bars(frame: pd.DataFrame, *, value: str, series: str, y_title: str) -> None:
    """Grouped counts per month (frame: month 'YYYY-MM', series, value)."""
    frame = frame.assign(month=pd.to_datetime(frame["month"] + "-01"))
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=period_axis("month", None, "yearmonth", "%b %Y"),
            y=alt.Y(f"sum({value}):Q", title=y_title),
            color=alt.Color(f"{series}:N", legend=LEGEND),
            tooltip=[alt.Tooltip("month:T", format="%B %Y"), f"{series}:N", f"sum({value}):Q"],
        )
    )
    show(chart)


def weekly_lines(frame: pd.DataFrame, *, last_final_day: date) -> None:
    """Weekly totals of daily series (frame: day, metric, value): whole weeks only, Monday to
    Sunday, of days Google has finished counting; a part-week would look like a drop."""
    days = pd.to_datetime(frame["day"])
    first_monday = days.min() + pd.to_timedelta((7 - days.min().weekday()) % 7, unit="D")
    last_sunday = pd.Timestamp(last_final_day) - pd.to_timedelta(
        (last_final_day.weekday() + 1) % 7, unit="D"
    )
    whole = frame[(days >= first_monday) & (days <= last_sunday)]
    if whole.empty:
        st.info("No whole week of final days in this period yet.")
        return
    weeks = (
        whole.assign(week=pd.to_datetime(whole["day"]).dt.to_period("W-SUN").dt.start_time)
        .groupby(["week", "metric"], as_index=False)["value"]
        .sum()
    )
    lines(weeks, x="week", y="value", series="metric", y_title="Per week", x_title="Week starting")


def rating_against_reviews(frame: pd.DataFrame) -> None:
    """Each business by its review count and rating (frame: name, rating, reviews, ours)."""
    frame = frame.assign(who=frame["ours"].map({True: "Your locations", False: "Competitors"}))
    low = max(1.0, float(frame["rating"].min()) - 0.2)
    chart = (
        alt.Chart(frame)
        .mark_circle(size=90, opacity=0.8)
        .encode(
            x=alt.X(
                "reviews:Q", title="Reviews on Google", scale=alt.Scale(domainMin=0, padding=12)
            ),
            y=alt.Y("rating:Q", title="Rating ★", scale=alt.Scale(domain=[low, 5.0], padding=12)),
            color=alt.Color(
                "who:N",
                legend=LEGEND,
                scale=alt.Scale(
                    domain=["Your locations", "Competitors"], range=["#1f77b4", "#9aa5b1"]
                ),
            ),
            tooltip=["name:N", "rating:Q", "reviews:Q"],
        )
    )
    show(chart)
