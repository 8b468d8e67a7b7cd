"""Monthly report: the owner's PDF for a whole month, for the locations chosen in the sidebar."""

from __future__ import annotations

import streamlit as st

from dashboard import data, documents
from dashboard.chrome import guard
from dashboard.text import md

filters = guard()
st.title("Monthly report")
st.caption(
    "The PDF the report recipients get by email each month (report section of config.toml): "
    "five numbers, what went up and down and three things to do first, then the details; for "
    "several locations a comparison table and a page for each. White-label: it names the "
    "practice, never this tool."
)

months = data.report_months()
cols = st.columns([2, 1, 2])
month_key = cols[0].selectbox(
    "Month",
    months,
    # Before report.send_day last month's profile metrics are not final yet: offer the one before.
    index=0 if data.last_month_final() else 1,
    format_func=lambda key: data.month_label(key),
    key="report_month",
)
page_size = cols[1].radio(
    "Paper",
    ["letter", "a4"],
    index=0 if data.settings().report.page_size == "letter" else 1,
    format_func=lambda size: "Letter" if size == "letter" else "A4",
    key="report_paper",
)
if st.button("Make the report", type="primary", key="report_make"):
    st.session_state["report_wanted"] = (filters.location_ids, month_key, page_size)

wanted = st.session_state.get("report_wanted")
if wanted != (filters.location_ids, month_key, page_size):
    st.info(f"Make the report of {md(filters.label)} for {md(data.month_label(month_key))}.")
else:
    with st.spinner("Making the report…"):
        pdf = documents.monthly_report(filters.location_ids, month_key, page_size)
    name = documents.report_file_name(month_key, filters.label)
    st.download_button(
        f"Download the PDF ({len(pdf) / 1024:,.0f} kB)",
        pdf,
        file_name=name,
        mime="application/pdf",
        key="report_download",
    )
    st.image(documents.first_page_png(pdf, scale=1.0), caption="The first page", width=620)
