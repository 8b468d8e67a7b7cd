"""Referrals: who sends patients, who slowed down or stopped, what is owed to them, the kit."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from dashboard import actions, charts, data, documents
from dashboard.chrome import guard
from dashboard.text import file_slug, md

TREND_MONTHS = 12


def percent(rate: float | None) -> str:
    return "–" if rate is None else f"{rate:.0%}"


def whole_months(today: date) -> tuple[date, date]:
    """The TREND_MONTHS whole months before this one: a month in progress would look like a
    drop in every line."""
    end = today.replace(day=1) - timedelta(days=1)
    start = end.replace(day=1)
    for _ in range(TREND_MONTHS - 1):
        start = (start - timedelta(days=1)).replace(day=1)
    return start, end


def totals(report: data.ReferralReport) -> None:
    t = report.totals
    cols = st.columns(4)
    cols[0].metric("Referrals", f"{t.referrals:,}")
    cols[1].metric(
        "Referrers",
        f"{t.referrers:,}",
        help="Who referred at least once (not self-referrals or online).",
    )
    cols[2].metric(
        "Reached a first visit",
        percent(t.conversion_rate),
        help=f"{t.converted:,} of {t.referrals:,}",
    )
    days = t.median_days_to_first_visit
    cols[3].metric(
        "Days to first visit",
        "–" if days is None else f"{days:g}",
        help="Median, referral to first visit.",
    )
    if report.pareto.top_referrers:
        st.caption(
            f"The top {len(report.pareto.top_referrers)} referrers (a fifth of those who referred) "
            f"sent {percent(report.pareto.share)} of the referrals: "
            + md(", ".join(report.pareto.top_referrers))
        )


def trends(ids: tuple[int, ...] | None, today: date) -> None:
    start, end = whole_months(today)
    year = data.referral_report(ids, start, end, today)
    if not year.by_kind:
        return
    st.subheader("Referrals per month")
    by_kind = pd.DataFrame(year.by_kind, columns=["month", "kind", "referrals"])
    by_kind["kind"] = by_kind["kind"].map(lambda k: data.REFERRER_KINDS.get(k, k))
    charts.monthly_bars(by_kind, value="referrals", series="kind", y_title="Referrals")
    top = [r for r in year.referrers if r.referrals][:5]
    if top:
        frame = pd.DataFrame(
            [
                {"month": f"{month}-01", "referrer": r.name, "referrals": r.monthly.get(month, 0)}
                for r in top
                for month in sorted({m for row in top for m in row.monthly})
            ]
        )
        frame["month"] = pd.to_datetime(frame["month"])
        charts.lines(frame, x="month", y="referrals", series="referrer", y_title="Referrals")
    st.caption(
        f"The {TREND_MONTHS:d} whole months to {end:%B %Y}. The top five referrers of those months."
    )


def months_of(start: date, end: date) -> list[str]:
    """Each calendar month the period touches, as "YYYY-MM"."""
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(f"{month:%Y-%m}")
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def referrer_table(report: data.ReferralReport) -> None:
    st.subheader("Referrers")
    months = months_of(report.period.start, report.period.end)
    table = pd.DataFrame(
        [
            {
                "Referrer": r.name,
                "NPI": r.npi or "",
                "Kind": data.REFERRER_KINDS.get(r.kind, r.kind),
                "Specialty": r.specialty or "",
                "Referrals": r.referrals,
                "Per month": [r.monthly.get(month, 0) for month in months],
                "First visits": r.converted,
                "Conversion": percent(r.conversion_rate),
                "Days to first visit": "–"
                if r.median_days_to_first_visit is None
                else f"{r.median_days_to_first_visit:g}",
                "Last referral": r.last_referral,
                "Status": r.status,
                "Registry name": r.registry_name or "",
                "Practice address": r.practice_address or "",
            }
            for r in report.referrers
        ]
    )
    if not any(r.registry_name or r.practice_address for r in report.referrers):
        table = table.drop(columns=["Registry name", "Practice address"])  # none loaded
    most = max((n for r in report.referrers for n in r.monthly.values()), default=1)
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            "Per month": st.column_config.BarChartColumn(
                help=f"Referrals in each month, {months[0]} to {months[-1]}.",
                y_min=0,
                y_max=most,
            )
        },
    )
    st.caption(
        md(f"Status on {report.as_of:%b %d}: {data.referral_rules().legend()}; ")
        + "thresholds under [referrals]."
    )


def due_list(ids: tuple[int, ...] | None, today: date) -> None:
    due = data.referrals_due(ids, today)
    st.subheader("Due")
    if not due:
        st.success("Nothing due: every referrer has been thanked and checked in with.")
        return
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Referrer": d.name,
                    "Due": d.what,
                    "Why": d.why,
                    "Status": d.status,
                }
                for d in due
            ]
        ),
        hide_index=True,
        width="stretch",
    )


def touch_form(today: date) -> None:
    choices = data.referrer_choices()
    st.subheader("Log a touch")
    with st.form("referral-touch", clear_on_submit=True):
        chosen = st.selectbox("Referrer", choices, format_func=lambda c: c.name)
        kind = st.selectbox("What", data.TOUCH_KINDS)
        day = st.date_input("When", value=today, max_value=today)
        note = st.text_input("Note (no patient details)")
        if st.form_submit_button("Log it") and chosen is not None:
            actor = st.session_state.get("user") or "dashboard"
            problem = actions.log_referral_touch(chosen.id, kind, day, note, actor)
            st.session_state["touch-result"] = problem or f"Logged a {kind} for {chosen.name}."
            st.rerun()  # the due list above is drawn again without what was just done
    if "touch-result" in st.session_state:
        st.info(md(st.session_state.pop("touch-result")))
    touches = data.referral_touches()
    if touches:
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "When": t.day,
                        "Referrer": t.referrer,
                        "What": t.kind,
                        "Note": t.note or "",
                        "By": t.actor or "",
                    }
                    for t in touches
                ]
            ),
            hide_index=True,
            width="stretch",
        )


def manage_referrers() -> None:
    choices = data.referrer_choices()
    manage_result()
    with st.expander("Merge, rename or set the kind of a referrer"):
        left, right = st.columns(2)
        with left:
            merged = st.selectbox(
                "Referrer", choices, format_func=lambda c: c.name, key="merge-from"
            )
            into = st.selectbox(
                "is the same as", choices, format_func=lambda c: c.name, key="merge-into"
            )
            if st.button("Merge") and merged is not None and into is not None:
                shown(
                    actions.merge_referrer(merged.id, into.id),
                    f"Merged {merged.name} into {into.name}.",
                )
        with right:
            chosen = st.selectbox("Referrer", choices, format_func=lambda c: c.name, key="edit")
            name = st.text_input("New name", key="rename")
            if st.button("Rename") and chosen is not None:
                shown(actions.rename_referrer_to(chosen.id, name), f"Renamed to {name}.")
            kind = st.selectbox(
                "Kind", list(data.REFERRER_KINDS), format_func=data.REFERRER_KINDS.__getitem__
            )
            if st.button("Set kind") and chosen is not None:
                shown(
                    actions.set_kind_of_referrer(chosen.id, kind),
                    f"{chosen.name}: {data.REFERRER_KINDS[kind]}.",
                )


def shown(problem: str | None, done: str) -> None:
    """Say what happened at the top of the next run, which draws the page with the change."""
    st.session_state["manage-result"] = (problem, done)
    st.rerun()


def manage_result() -> None:
    result = st.session_state.pop("manage-result", None)
    if result is not None:
        problem, done = result
        if problem:
            st.error(md(problem))
        else:
            st.success(md(done))


def kit(location_id: int | None, today: date) -> None:
    st.subheader("Referral kit")
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    cols = st.columns(3)
    with cols[0]:
        letters(location_id, last_month)
    slug = file_slug(str(location_id or "practice"))
    cols[1].download_button(
        "Referral sheet",
        documents.referral_kit("sheet", location_id),
        file_name=f"referral-sheet-{slug}.pdf",
        mime="application/pdf",
    )
    cols[2].download_button(
        "Referral form (fillable)",
        documents.referral_kit("form", location_id),
        file_name=f"referral-form-{slug}.pdf",
        mime="application/pdf",
    )
    st.caption(
        "Letters name counts only, never a patient. The form asks for the minimum a first "
        "visit needs; it travels by fax or your secure channel, not plain email."
    )


def letters(location_id: int | None, month: date) -> None:
    """Last month's thank-you letters, written only when asked: a page a referrer, so a large
    practice's run takes seconds, which no other view of the page should wait for."""
    count = data.referrers_to_thank(month, location_id)
    if not count:
        st.caption(f"No referrals in {month:%B}: no letters to write.")
        return
    made = st.session_state.get("thank-you-letters")
    if made is None or made[0] != (location_id, month):
        if not st.button(f"Write the thank-you letters, {month:%B} ({count:,})"):
            return
        made = ((location_id, month), documents.referral_kit("letters", location_id, month))
        st.session_state["thank-you-letters"] = made
    st.download_button(
        f"Thank-you letters, {month:%B} ({count:,} pages)",
        made[1],
        file_name=f"thank-you-letters-{month:%Y-%m}.pdf",
        mime="application/pdf",
    )


filters = guard()
today = filters.end
ids = filters.location_ids
st.title("Referrals")
report = data.referral_report(ids, filters.start, filters.end, today)
if not report.referrers and not report.totals.referrals:
    st.info(
        "No referrals yet. Import your practice-management system's referral export: "
        "`seo-monitor import referrals FILE.csv` (docs/referrals.md). Patient names are never read."
    )
    st.stop()
st.caption(f"{md(filters.label)}, {filters.start:%b %d} to {filters.end:%b %d, %Y}.")
totals(report)
trends(ids, today)
due_list(ids, today)
referrer_table(report)
touch_form(today)
manage_referrers()
kit(ids[0] if ids and len(ids) == 1 else None, today)
