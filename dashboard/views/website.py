"""Website: the local-SEO audit of each location's site, its history, and a competitor's site."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.chrome import guard, location_picker

SEVERITY = {"high": 0, "medium": 1, "low": 2, "info": 3}

filters = guard()

st.title("Website")
location_id = location_picker(filters)
history = data.audits(location_id)
if not history:
    st.info(
        "No audit of this location's website yet: `seo-monitor collect website` (the scheduler "
        "runs it weekly). The site is the one on the Google profile, or [[locations]] website."
    )
else:
    latest = history[0]
    before = history[1].score if len(history) > 1 else None
    row = st.columns(3)
    row[0].metric(
        "Score",
        f"{latest.score}/100",
        f"{(latest.score or 0) - before:+d}" if before is not None else None,
    )
    row[1].metric("Findings", len(latest.findings))
    row[2].metric("Checked", f"{latest.fetched_at:%b %d, %Y}")
    st.text(latest.url)  # from Google or config: shown as text
    findings = sorted(latest.findings, key=lambda f: SEVERITY.get(f["severity"], 9))
    if findings:
        st.dataframe(
            pd.DataFrame(findings).rename(
                columns={
                    "check": "Check",
                    "severity": "Severity",
                    "message": "What we found",
                    "fix": "What to do",
                }
            ),
            hide_index=True,
            width="stretch",
        )
    else:
        st.success("Nothing to fix.")
    if len(history) > 1:
        st.subheader("Score over time")
        st.line_chart(
            pd.DataFrame(
                [{"day": f"{a.fetched_at:%Y-%m-%d}", "score": a.score} for a in reversed(history)]
            ).set_index("day")
        )

st.subheader("Compare with a competitor's site")
other = st.text_input("Their website", placeholder="https://competitor.example/")
if other:
    report = data.audit_site(other)
    theirs = report["score"]
    ours = history[0].score if history else None
    cols = st.columns(2)
    cols[0].metric("Their score", f"{theirs}/100")
    cols[1].metric("Ours", f"{ours}/100" if ours is not None else "–")
    if report["findings"]:
        st.dataframe(pd.DataFrame(report["findings"]), hide_index=True, width="stretch")
