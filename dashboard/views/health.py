"""Data health: the last run of every collector per location, and how fresh each dataset is."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.chrome import guard
from dashboard.text import md

guard()
st.title("Data health")
choices: dict[int | None, str] = {c.id: c.title for c in data.location_choices()}
choices[None] = "all accounts"

given_up = [row for row in data.emails() if row.status == "given up"]
if given_up:
    st.error(
        f"{len(given_up)} alert or digest emails were given up after "
        f"{data.settings().alerts.max_attempts:d} tries. Last error: {md(given_up[0].last_error)}. "
        "Fix the SMTP settings ([alerts] in config.toml); the Alerts page lists them.",
        icon=":material/mail_lock:",
    )

st.subheader("Freshness")
st.dataframe(
    pd.DataFrame(
        [
            {
                "Dataset": f.collector,
                "Last successful run (UTC)": f"{f.last_success:%Y-%m-%d %H:%M}"
                if f.last_success
                else "never",
                "Newest data": f"{f.newest_data}" if f.newest_data else "none",
            }
            for f in data.freshness()
        ]
    ),
    hide_index=True,
    width="stretch",
)

st.subheader("Scheduler")
jobs = data.scheduled_jobs()
if not jobs:
    st.info(
        "The scheduler has not run yet: `seo-monitor scheduler` (or `seo-monitor run`) "
        "collects on its own from then on."
    )
else:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Job": j.job_id,
                    "Last run (UTC)": f"{j.last_run_at:%Y-%m-%d %H:%M}"
                    if j.last_run_at
                    else "not yet",
                    "Result": j.last_status or "",
                    "Next run (UTC)": f"{j.next_run_at:%Y-%m-%d %H:%M}" if j.next_run_at else "",
                    "Error": j.last_error or "",
                }
                for j in jobs
            ]
        ),
        hide_index=True,
        width="stretch",
    )

st.subheader("Latest run of each collector")
runs = data.latest_runs()
if not runs:
    st.info("No collector has run yet: `seo-monitor collect all`.")
else:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Collector": r.collector,
                    "Location": choices.get(r.location_id, "all accounts")
                    if r.location_id
                    else "all accounts",
                    "Status": r.status,
                    "Started (UTC)": f"{r.started_at:%Y-%m-%d %H:%M}",
                    "API calls": r.api_calls,
                    "Error": r.error or "",
                    "What to do": r.hint or "",
                }
                for r in runs
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    for run in (r for r in runs if r.failed):
        st.error(
            f"{md(run.collector)} ({md(choices.get(run.location_id, 'all accounts'))}): "
            f"{md(run.error)}" + (f"\n\nWhat to do: {md(run.hint)}" if run.hint else "")
        )
