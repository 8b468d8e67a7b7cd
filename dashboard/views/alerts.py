"""Alerts: what was emailed (and what failed), a preview of the weekly digest, a test email."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import actions, data
from dashboard.chrome import guard
from dashboard.text import md

PREVIEW_AT_ONCE = 25  # locations whose digest preview is built as soon as the page opens

filters = guard()
settings = data.settings()
alerts = settings.alerts

st.title("Alerts")
if not (alerts.recipients or any(loc.alert_recipients for loc in settings.locations)):
    st.info(
        "No one gets alert emails yet: set alerts.recipients (and the SMTP server) in "
        "config.toml — see docs/alerts.md."
    )

st.subheader("Emails")
rows = data.emails()
given_up = [r for r in rows if r.status == "given up"]
if given_up:
    st.error(
        f"{len(given_up)} emails could not be sent after {alerts.max_attempts:d} tries: "
        f"{md(given_up[0].last_error)}",
        icon=":material/mail_lock:",
    )
KINDS = {
    "negative": "New negative review",
    "profile": "Profile change",
    "digest": "Weekly digest",
    "report": "Monthly report",
    "test": "Test email",
    "review_request": "Review request",
}
if rows:
    table = pd.DataFrame(
        [
            {
                "Email": KINDS.get(r.kind, r.kind),
                "To": r.recipient,
                "Status": r.status,
                "Queued (UTC)": f"{r.created_at:%Y-%m-%d %H:%M}",
                "Sent (UTC)": f"{r.sent_at:%Y-%m-%d %H:%M}" if r.sent_at else "–",
                "Tries": r.attempts,
                "Last error": r.last_error or "",
            }
            for r in rows
        ]
    )
    st.dataframe(table, hide_index=True, width="stretch")
else:
    st.caption("No emails yet.")

st.subheader("Send a test email")
with st.form("test-email"):
    address = st.text_input("To", value=alerts.recipients[0] if alerts.recipients else "")
    if st.form_submit_button("Send test email", disabled=alerts.from_address is None):
        st.session_state["test-email-result"] = (address, actions.send_test_email(address))
        st.rerun()  # the table above then lists it
result = st.session_state.get("test-email-result")
if result:
    sent_to, problem = result
    if problem is None:
        st.success(f"Sent to {md(sent_to)} through {md(alerts.smtp_host)}:{alerts.smtp_port:d}.")
    else:
        st.error(f"Not sent: {md(problem)}")

st.subheader("Weekly digest preview")
st.caption(f"Last week's digest for {md(filters.label)}, as recipients see it.")
# A digest takes about 7 ms a location to build (3.4 s for 500, see bench/RESULTS.md): for a
# large group it is built when asked for, not on every visit to this page.
few = len(filters.location_ids or data.location_choices()) <= PREVIEW_AT_ONCE
if st.toggle("Show the digest", value=few, key="digest-preview"):
    # The email escapes every review text, and st.html sanitizes what it shows.
    st.html(data.digest_preview(filters.location_ids))

if rows:
    st.subheader("Read an email")
    st.caption("What the email says, composed again from what was queued.")
    chosen = st.selectbox(
        "Email",
        rows,
        format_func=lambda r: (
            f"#{r.id} {KINDS.get(r.kind, r.kind)} to {r.recipient}, {r.created_at:%Y-%m-%d %H:%M}"
        ),
        key="read-email",
    )
    shown = data.email(chosen.id) if chosen else None
    if shown is not None:
        st.markdown(f"**{md(shown.subject)}**")
        st.text(shown.text)  # review excerpts inside: shown as text, never as Markdown
