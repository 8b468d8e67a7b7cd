"""Reply log: every reply posted, edited or deleted from seo-monitor, exportable as CSV."""

from __future__ import annotations

import csv
import io

import pandas as pd
import streamlit as st

from collectors.replies import REPLY_LOG_COLUMNS
from dashboard import data
from dashboard.chrome import guard


def google_verdict(row: dict[str, object]) -> str:
    """Google's answer in a few words: posted (and its state), rejected (why) or failed."""
    if row["api_status"] == "failed":
        return f"not posted: {row['api_error'] or 'no answer'}"
    if row["reply_state"] == "REJECTED":
        return f"rejected: {row['policy_violation'] or 'no reason given'}"
    state = str(row["reply_state"] or "").replace("_", " ").lower()
    return f"{row['api_status']}" + (f" ({state})" if state else "")


def readable(rows: list[dict[str, object]]) -> pd.DataFrame:
    """Newest first, in the words of the page: what was checked and decided before the text."""
    return pd.DataFrame(
        [
            {
                "When (UTC)": str(row["when"]).replace("T", " ")[:16],
                "Who": row["who"],
                "Action": row["action"],
                "Location": row["location"],
                "Google": google_verdict(row),
                "Check found": row["findings"] or "nothing",
                "Posted anyway because": row["override_reason"],
                "Reply": row["text"],
            }
            for row in reversed(rows)
        ]
    )


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
    st.dataframe(readable(rows), hide_index=True, width="stretch")
