"""Reply log: every reply posted, edited or deleted from seo-monitor, exportable as CSV."""

from __future__ import annotations

import csv
import io

import pandas as pd
import streamlit as st

from collectors.replies import REPLY_LOG_COLUMNS
from dashboard import data
from dashboard.chrome import guard

guard()
st.title("Reply log")
st.caption(
    "Every reply posted, edited or deleted from seo-monitor: who, when, the text, what the "
    "patient-information check found, any reason given to post anyway, and Google's answer. "
    "Kept for good — the record an HHS OCR corrective action plan asks a practice to keep."
)
rows = data.reply_log()
if not rows:
    st.info("No replies have been posted from seo-monitor yet. Answer reviews on the Reviews page.")
else:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=REPLY_LOG_COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    st.download_button(
        "Download CSV",
        buffer.getvalue(),
        file_name="seo-monitor-reply-log.csv",
        mime="text/csv",
        icon=":material/download:",
    )
    st.dataframe(pd.DataFrame(rows).iloc[::-1], hide_index=True, width="stretch")
