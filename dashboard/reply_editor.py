"""Answering a review from the Reviews page: templates, the PHI check on every change, posting."""

from __future__ import annotations

import streamlit as st

from dashboard import actions, data
from dashboard.text import md
from seo_monitor.errors import UserError
from seo_monitor.queries import InboxReview
from seo_monitor.replies import (
    CATEGORIES,
    Finding,
    PracticeDetails,
    ReviewContext,
    reply_notes,
    reply_size_problem,
    suggest_templates,
)

NO_TEMPLATE = "Write my own"


def reply_editor(review: InboxReview, clinic_phone: str | None) -> None:
    """An expander under the review: template choice, text, findings, override, post."""
    if review.source != "google":
        st.caption(
            f"Answer this review on {md(review.source)}: only Google reviews can be answered here."
        )
        return
    with st.expander("Edit the reply" if review.replied else "Reply", icon=":material/reply:"):
        key = f"reply-{review.id}"
        templates = suggest_templates(
            review.rating,
            bool(review.text),
            review.polarity,
            review.flagged,
            review.concern,
            [t.key for t in review.topics if t.negative],
        )
        choice = st.selectbox(
            "Start from a safe template",
            [NO_TEMPLATE, *[t.situation for t in templates]],
            key=f"{key}-template",
        )
        chosen = next((t for t in templates if t.situation == choice), None)
        if chosen is not None and st.session_state.get(f"{key}-filled") != choice:
            replies = data.settings().replies
            st.session_state[key] = chosen.fill(
                review.location, replies.office_phone or "our main number", replies.contact_role
            )
            st.session_state[f"{key}-filled"] = choice
        # Streamlit hands the box's text over when it loses focus (or on Ctrl+Enter), not per
        # keystroke: the label says when the check runs.
        text = st.text_area(
            "Reply (checked for patient information when you click outside the box or press "
            "Ctrl+Enter)",
            key=key,
        )
        findings = check(text, review, clinic_phone)
        override = ""
        if findings:
            override = st.text_input(
                "Post anyway because… (kept in the reply log)", key=f"{key}-override"
            )
        problem = reply_size_problem(text) if text else None
        blocked = bool(findings) and not override.strip()
        if st.button(
            "Post to Google",
            key=f"{key}-post",
            disabled=not text.strip() or bool(problem) or blocked,
        ):
            post(review, text, override or None)


def check(text: str, review: InboxReview, clinic_phone: str | None) -> list[Finding]:
    if not text.strip():
        return []
    problem = reply_size_problem(text)
    if problem:
        st.error(md(problem.capitalize() + "."))
        return []
    practice = PracticeDetails.from_settings(data.settings())
    findings = practice.check(text, ReviewContext(review.author, review.text), clinic_phone)
    for note in reply_notes(text):
        st.info(md(note), icon=":material/info:")
    if not findings:
        st.success("No patient information found.", icon=":material/verified_user:")
    for finding in findings:
        category = CATEGORIES[finding.category]
        # The reply's own words are shown as text, never as markdown.
        st.warning(f"{md(category.label)}: {md(category.message)}", icon=":material/privacy_tip:")
        st.text(f"    “{finding.text}” — instead: {finding.suggestion}")
    return findings


def post(review: InboxReview, text: str, override: str | None) -> None:
    actor = st.session_state.get("user") or "dashboard"
    try:
        outcome = actions.post_reply(review.id, text, actor, override)
    except UserError as exc:
        st.error(md(exc))
        return
    if outcome.status == "failed":
        st.error(f"Not posted: {md(outcome.error)}. It is in the reply log as failed; try again.")
    elif outcome.reply_state == "REJECTED":
        reason = outcome.policy_violation or "no reason given"
        st.error(f"Google rejected the reply ({md(reason)}).")
    elif outcome.status == "accepted":
        st.success(f"Posted. Google's state: {md(outcome.reply_state)}.")
