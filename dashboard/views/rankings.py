"""Rankings: the geo-grid heat map, ARP/ATRP/SoLV over time, competitors, organic positions."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from dashboard import charts, data
from dashboard.chrome import chosen_location_ids, guard, location_picker
from dashboard.text import md

CLINIC_MARK = " ◉"


def offset_label(steps: int, spacing_km: float, positive: str, negative: str) -> str:
    if steps == 0:
        return "clinic"
    return f"{abs(steps) * spacing_km:g} km {positive if steps > 0 else negative}"


def labelled_grid(scan: data.ScanView) -> pd.DataFrame:
    """The scan's grid with each row and column named by its distance from the clinic."""
    size = len(scan.grid)
    centre = size // 2
    cells = [list(row) for row in scan.grid]
    if size:
        cells[centre][centre] += CLINIC_MARK
    return pd.DataFrame(
        cells,
        index=[offset_label(centre - r, scan.spacing_km, "N", "S") for r in range(size)],
        columns=[offset_label(c - centre, scan.spacing_km, "E", "W") for c in range(size)],
    )


filters = guard()
ids = chosen_location_ids(filters)

st.title("Rankings")
location_id = location_picker(filters)
keywords = data.scan_keywords(location_id)
if not keywords:
    st.info(
        "No map scans yet. Set the keywords patients search for under [rankings] in "
        "config.toml, then run `seo-monitor collect rankings` (the scheduler scans weekly)."
    )
else:
    keyword = st.selectbox("Keyword", keywords)
    history = data.scans(location_id, keyword)
    latest = history[0]
    # Only scans with the same grid, spacing, centre and pages compare (docs/rankings.md).
    comparable = [scan for scan in history if scan.settings == latest.settings]
    m = latest.metrics
    before = comparable[1].metrics if len(comparable) > 1 else None

    def change(now: float | None, then: float | None) -> str | None:
        return f"{now - then:+.1f}" if now is not None and then is not None else None

    row = st.columns(4)
    row[0].metric(
        "ARP",
        f"{m.arp:.1f}" if m.arp else "–",
        change(m.arp, before.arp if before else None),
        delta_color="inverse",
        help="Average rank where the clinic shows up.",
    )
    row[1].metric(
        "ATRP",
        f"{m.atrp:.1f}" if m.atrp else "–",
        change(m.atrp, before.atrp if before else None),
        delta_color="inverse",
        help="Average over every point; not found counts as 21.",
    )
    row[2].metric(
        "SoLV",
        f"{m.solv:.0f}%" if m.solv is not None else "–",
        change(m.solv, before.solv if before else None),
        help="Share of points where the clinic is in the top 3 (the map pack).",
    )
    row[3].metric("Found in", m.found_in, help="Points where it shows up, of those measured.")
    st.caption(
        f"Scan of {latest.started_at:%b %d, %Y} — {md(latest.settings)}"
        + (f"; {m.errors:d} points failed and are left out" if m.errors else "")
    )
    st.caption(f"Grid centre: {md(latest.centre)}.")

    def cell_style(value: str) -> str:
        value = value.removesuffix(CLINIC_MARK)
        if value == "x":
            return "background-color: #e4e7eb; color: #7b8794"
        if value == "--":
            return "background-color: #f8d7da; color: #842029"
        rank = int(value)
        colour = "#2f9e44" if rank <= 3 else "#94d82d" if rank <= 10 else "#ffd43b"
        return f"background-color: {colour}; color: #1f2933"

    st.subheader("Where it ranks around the clinic")
    grid = labelled_grid(latest)
    st.dataframe(grid.style.map(cell_style), width="content")
    st.caption(
        "Rank at each point, north at the top; rows and columns say how far from the clinic "
        "(◉, in the centre) and in which direction. `--` not in the results; `x` the search "
        "failed there."
    )

    def trend(scans: list[data.ScanView]) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {"scan": s.started_at.date(), "measure": name, "value": value}
                for s in scans
                for name, value in (("ARP", s.metrics.arp), ("ATRP", s.metrics.atrp))
                if value is not None
            ]
        )

    if len(comparable) > 1:
        st.subheader("Over time (scans with the same settings)")
        charts.lines(
            trend(comparable), x="scan", y="value", series="measure", y_title="Average rank"
        )
    competitors = data.top_competitors(latest.id, location_id)
    if competitors:
        st.subheader("Who takes the map pack")
        st.dataframe(pd.DataFrame(competitors, columns=["Business", "SoLV %"]), hide_index=True)

st.subheader("Competitors: rating against reviews")
bench = data.benchmark(tuple(ids))
if bench:
    st.dataframe(
        pd.DataFrame([vars(b) for b in bench]).rename(
            columns={"name": "Business", "rating": "Rating", "reviews": "Reviews", "ours": "Yours"}
        ),
        hide_index=True,
    )
    charts.rating_against_reviews(pd.DataFrame([vars(b) for b in bench]))
    snapshots = data.benchmark_history(tuple(ids), filters.end - timedelta(days=365))
    days = {day for day, *_ in snapshots}
    if len(days) > 1:
        st.caption("Review counts over the last year (weekly snapshots)")
        frame = pd.DataFrame(snapshots, columns=["day", "business", "rating", "reviews"])
        charts.lines(frame, x="day", y="reviews", series="business", y_title="Reviews on Google")
else:
    st.info("No competitor details yet: `seo-monitor collect competitors` after a scan.")

st.subheader("Organic search (Search Console)")
organic = data.organic_queries(tuple(ids), *filters.period)
if organic:
    st.dataframe(
        pd.DataFrame([vars(q) for q in organic]).rename(
            columns={
                "query": "Query",
                "clicks": "Clicks",
                "impressions": "Impressions",
                "position": "Avg. position",
            }
        ),
        hide_index=True,
    )
else:
    st.info("No Search Console data for this period: `seo-monitor collect search-console`.")
