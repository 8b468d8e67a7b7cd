"""Website: the local-SEO audit of each location's site, its history, and a competitor's site."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from dashboard import charts, data
from dashboard.chrome import guard, location_picker
from dashboard.text import md

SEVERITY = {"high": "1 · high", "medium": "2 · medium", "low": "3 · low", "info": "4 · note"}


def findings_table(findings: list[dict[str, Any]]) -> None:
    """Most serious first, every word shown (a table wraps; a data grid would cut the fix)."""
    rows = sorted(findings, key=lambda f: SEVERITY.get(f["severity"], "9"))
    st.table(
        pd.DataFrame(
            [
                {
                    "Severity": SEVERITY.get(f["severity"], f["severity"]),
                    "Check": str(f["check"]).capitalize(),
                    "What we found": f["message"],
                    "What to do": f["fix"],
                }
                for f in rows
            ]
        ).set_index("Severity")
    )


def score_text(score: int | None) -> str:
    return "No score" if score is None else f"{score}/100"


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
    change = data.score_change(history)
    row = st.columns(3)
    row[0].metric("Score", score_text(latest.score), f"{change:+d}" if change is not None else None)
    row[1].metric("Findings", len(latest.findings))
    row[2].metric("Checked", f"{latest.fetched_at:%b %d, %Y}")
    st.text(latest.url)  # from Google or config: shown as text
    if latest.score is None:
        st.warning(f"The site could not be read, so it has no score: {md(latest.reason)}")
    elif latest.findings:
        findings_table(latest.findings)
    else:
        st.success("Nothing to fix.")
    scores = data.score_history(history)
    if len(scores) > 1:
        st.subheader("Score over time")
        frame = pd.DataFrame(
            [{"day": when.date(), "site": "Score", "score": score} for when, score in scores]
        )
        charts.lines(frame, x="day", y="score", series="site", y_title="Score (of 100)")

st.subheader("Compare with a competitor's site")
other = st.text_input("Their website", placeholder="https://competitor.example/")
if other:
    report = data.audit_site(other)
    ours = history[0].score if history else None
    cols = st.columns(2)
    cols[0].metric("Their score", score_text(report["score"]))
    cols[1].metric("Ours", score_text(ours) if history else "–")
    if report["score"] is None:
        st.warning(
            f"Their site could not be read, so there is nothing to compare: {md(report['reason'])}"
        )
    elif report["findings"]:
        findings_table(report["findings"])
