"""Reply log: every reply posted, edited or deleted from seo-monitor, exportable as CSV."""

from __future__ import annotations

import streamlit as st

from dashboard import data
from dashboard.chrome import guard
from dashboard.text import md

SHOWN = 50  # newest entries on the page; the CSV has them all


def words(code: object) -> str:
    """PERSONAL_INFO -> personal info: Google's codes as a person reads them."""
    return str(code or "").replace("_", " ").lower()


def google_verdict(row: dict[str, object]) -> str:
    """Google's answer in a few words: posted (and its state), rejected (why) or failed."""
    if row["api_status"] == "blocked":
        return "not sent: the check found patient information"
    if row["api_status"] == "failed":
        return f"not posted: {row['api_error'] or 'no answer'}"
    if row["reply_state"] == "REJECTED":
        return f"rejected by Google: {words(row['policy_violation']) or 'no reason given'}"
    state = words(row["reply_state"])
    return f"{row['api_status']}" + (f" ({state})" if state else "")


def show_entry(row: dict[str, object]) -> None:
    """One entry, its decision first: who did what, Google's verdict, the check, the text."""
    with st.container(border=True):
        when = str(row["when"]).replace("T", " ")[:16]
        st.markdown(
            f"**{md(when)} UTC** · {md(row['who'])} · {md(row['action'])} · {md(row['location'])}"
        )
        st.markdown(f"Google: **{md(google_verdict(row))}**")
        findings = words(row["findings"])
        st.markdown(f"Patient-information check: {md(findings or 'nothing found')}")
        if row["override_reason"]:
            st.markdown(f"Posted anyway because: {md(row['override_reason'])}")
        st.text(str(row["text"]))  # the reply as written, never read as Markdown


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
    st.download_button(
        "Download CSV",
        data.reply_log_csv(rows),  # cells a spreadsheet would run are neutralised
        file_name="seo-monitor-reply-log.csv",
        mime="text/csv",
        icon=":material/download:",
    )
    st.caption(
        f"{len(rows):,} entries, newest first"
        + (f"; the newest {SHOWN:d} shown, the CSV has all" if len(rows) > SHOWN else "")
    )
    for row in list(reversed(rows))[:SHOWN]:
        show_entry(row)
