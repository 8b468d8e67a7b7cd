"""What the views read: cached settings, database access and the read model, plain data only.

Views import nothing but `dashboard.*`: the types, labels and small pure helpers they need are
named here too (the `__all__` below), so a view is layout and nothing else. Writes live in
`dashboard/actions.py`, the files a page makes (PDFs, QR codes, previews) in
`dashboard/documents.py`.

Every page imports this module, so it imports only what reading needs: the libraries of the
email, website-audit and review-request features are imported by the functions that use them
(the first page of a fresh dashboard then renders without loading them).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from seo_monitor import queries
from seo_monitor.config import Settings, config_path, load_settings
from seo_monitor.csv_export import csv_text
from seo_monitor.db import check_connection, make_engine, session_factory
from seo_monitor.errors import UserError
from seo_monitor.links import PROFILE_MANAGER_URL
from seo_monitor.models import Location
from seo_monitor.patient_keys import patient_key, patient_secret
from seo_monitor.profile_metrics import GROUP_LABELS, LABELS, VIEW_METRICS
from seo_monitor.queries import (
    AuditRow,
    InboxFilter,
    InboxReview,
    Period,
    ReferralReport,
    Reputation,
    ScanView,
    TopicMention,
    score_change,
    score_history,
)
from seo_monitor.referrals import KINDS as REFERRER_KINDS
from seo_monitor.referrals import TOUCH_KINDS, StatusRules
from seo_monitor.sentiment.lexicon import TOPICS
from seo_monitor.times import utcnow

if TYPE_CHECKING:
    from seo_monitor.alerts import ReadEmail

__all__ = [  # besides the functions below: what views may name
    "GROUP_LABELS",
    "LABELS",
    "PROFILE_MANAGER_URL",
    "REFERRER_KINDS",
    "TOPICS",
    "TOUCH_KINDS",
    "VIEW_METRICS",
    "AuditRow",
    "InboxFilter",
    "InboxReview",
    "ReferralReport",
    "Reputation",
    "ScanView",
    "TopicMention",
    "UserError",
    "csv_text",
    "score_change",
    "score_history",
]

TTL = 60  # seconds: fresh enough for data that changes every 30 minutes at most
Ids = tuple[int, ...] | None


@st.cache_resource
def settings() -> Settings:
    return load_settings(config_path(None))


@st.cache_resource
def engine(url: str, busy_timeout: float) -> Engine:
    created = make_engine(url, busy_timeout_seconds=busy_timeout)
    check_connection(created)
    return created


def sessions() -> sessionmaker[Session]:
    current = settings()
    return session_factory(
        engine(current.database_url, current.database.sqlite_busy_timeout_seconds)
    )


@st.cache_data(ttl=TTL)
def location_choices() -> list[queries.LocationChoice]:
    with sessions()() as session:
        return queries.select_location_choices(session)


@st.cache_data(ttl=TTL)
def newest_metric_day() -> date | None:
    with sessions()() as session:
        return queries.select_newest_metric_day(session)


@st.cache_data(ttl=TTL)
def first_metric_day(ids: Ids) -> date | None:
    with sessions()() as session:
        return queries.select_first_metric_day(session, ids)


@st.cache_data(ttl=TTL)
def kpis(ids: Ids, period: tuple[date, date], metrics_period: tuple[date, date]) -> queries.Kpis:
    with sessions()() as session:
        return queries.select_kpis(session, ids, Period(*period), Period(*metrics_period))


@st.cache_data(ttl=TTL)
def weekly_metrics(ids: Ids, start: date, end: date) -> list[tuple[date, str, int]]:
    with sessions()() as session:
        return queries.select_weekly_metrics(session, ids, Period(start, end))


@st.cache_data(ttl=TTL)
def monthly_reviews(ids: Ids, start: date, end: date) -> list[tuple[str, int, int]]:
    with sessions()() as session:
        return queries.select_monthly_reviews(session, ids, Period(start, end))


@st.cache_data(ttl=TTL)
def rating_history(ids: Ids, start: date, end: date) -> list[tuple[date, float]]:
    with sessions()() as session:
        return queries.select_rating_history(session, ids, Period(start, end))


@st.cache_data(ttl=TTL)
def location_rows(
    ids: Ids, period: tuple[date, date], metrics_period: tuple[date, date]
) -> list[queries.LocationRow]:
    with sessions()() as session:
        return queries.select_location_rows(session, ids, Period(*period), Period(*metrics_period))


@st.cache_data(ttl=TTL)
def unanswered_negative(ids: Ids) -> list[queries.AttentionReview]:
    with sessions()() as session:
        return queries.select_unanswered_negative(
            session, ids, negative_stars=settings().reviews.negative_stars
        )


@st.cache_data(ttl=TTL)
def daily_metrics(ids: Ids, start: date, end: date) -> list[tuple[date, str, int]]:
    with sessions()() as session:
        return queries.select_daily_metrics(session, ids, Period(start, end))


@st.cache_data(ttl=TTL)
def keywords(ids: Ids, start: date, end: date) -> list[queries.KeywordRow]:
    with sessions()() as session:
        return queries.select_keywords(session, ids, Period(start, end))


@st.cache_data(ttl=TTL)
def latest_runs() -> list[queries.LatestRun]:
    with sessions()() as session:
        return queries.select_latest_runs(session)


@st.cache_data(ttl=TTL)
def freshness() -> list[queries.DatasetFreshness]:
    with sessions()() as session:
        return queries.select_freshness(session)


@st.cache_data(ttl=TTL)
def scheduled_jobs() -> list[queries.ScheduledJob]:
    with sessions()() as session:
        return queries.select_scheduled_jobs(session)


@st.cache_data(ttl=TTL)
def recent_failures() -> list[queries.LatestRun]:
    """Latest runs that failed in the last 24 hours."""
    with sessions()() as session:
        return queries.select_recent_failures(session, utcnow() - timedelta(days=1))


@st.cache_data(ttl=TTL)
def reputation(ids: Ids, period: tuple[date, date]) -> queries.Reputation:
    with sessions()() as session:
        return queries.select_reputation(
            session, ids, Period(*period), settings().reviews.target_rating
        )


@st.cache_data(ttl=TTL)
def inbox(
    filters: queries.InboxFilter, limit: int, offset: int
) -> tuple[list[queries.InboxReview], int]:
    with sessions()() as session:
        return queries.select_inbox(
            session, filters, limit, offset, negative_stars=settings().reviews.negative_stars
        )


@st.cache_data(ttl=TTL)
def topic_summary(ids: Ids, period: tuple[date, date]) -> list[queries.TopicCount]:
    with sessions()() as session:
        return queries.select_topic_summary(session, ids, Period(*period))


@st.cache_data(ttl=TTL)
def topic_trend(ids: Ids, period: tuple[date, date]) -> list[queries.TopicMonth]:
    with sessions()() as session:
        return queries.select_topic_trend(session, ids, Period(*period))


@st.cache_data(ttl=TTL)
def review_sources() -> list[str]:
    with sessions()() as session:
        return queries.select_review_sources(session)


@st.cache_data(ttl=TTL)
def reply_log() -> list[dict[str, object]]:
    with sessions()() as session:
        return queries.reply_log_rows(session)


def reply_log_csv(rows: list[dict[str, object]]) -> str:
    """The whole log as CSV; cells a spreadsheet would run are neutralised."""
    return csv_text(queries.REPLY_LOG_COLUMNS, rows)


@st.cache_data(ttl=TTL)
def emails() -> list[queries.EmailRow]:
    with sessions()() as session:
        return queries.select_emails(session, settings().alerts.max_attempts)


@st.cache_data(ttl=TTL)
def digest_preview(ids: Ids) -> str:
    """Last week's digest as the recipients would see it (HTML)."""
    with sessions()() as session:
        chosen = queries.select_locations_by_id(session, ids)
        from seo_monitor.alerts import preview_digest

        return preview_digest(session, settings(), chosen).html


@st.cache_data(ttl=TTL)
def email(notification_id: int) -> ReadEmail | None:
    """One email of the outbox as its recipient reads it."""
    from seo_monitor.alerts import read_email
    from seo_monitor.review_requests.sending import read_ask

    with sessions()() as session:
        return read_ask(session, settings(), notification_id) or read_email(
            session, settings(), notification_id
        )


def last_month_final() -> bool:
    """Whether report.send_day has come: from then on last month's figures are final."""
    return utcnow().day >= settings().report.send_day


def month_label(month_key: str) -> str:
    return queries.Month.parse(month_key).label


def report_months(count: int = 13) -> list[str]:
    """The last `count` whole months, newest first, as YYYY-MM."""
    months = [queries.Month.last_complete(utcnow().date())]
    while len(months) < count:
        months.append(months[-1].previous())
    return [month.key for month in months]


@st.cache_data(ttl=TTL)
def scan_keywords(location_id: int) -> list[str]:
    with sessions()() as session:
        return queries.select_scan_keywords(session, location_id)


@st.cache_data(ttl=TTL)
def scans(location_id: int, keyword: str) -> list[queries.ScanView]:
    with sessions()() as session:
        return queries.select_scans(session, location_id, keyword, limit=52)


@st.cache_data(ttl=TTL)
def top_competitors(scan_id: int, location_id: int) -> list[tuple[str, float]]:
    with sessions()() as session:
        own = session.get_one(Location, location_id).place_id
        return queries.select_top_competitors(session, scan_id, own)


@st.cache_data(ttl=TTL)
def benchmark(ids: Ids) -> list[queries.Benchmark]:
    with sessions()() as session:
        return queries.select_benchmark(session, ids)


@st.cache_data(ttl=TTL)
def organic_queries(ids: Ids, start: date, end: date) -> list[queries.OrganicQuery]:
    with sessions()() as session:
        return queries.select_organic_queries(session, ids, Period(start, end))


@st.cache_data(ttl=TTL)
def benchmark_history(ids: Ids, start: date) -> list[tuple[date, str, float | None, int | None]]:
    with sessions()() as session:
        return queries.select_benchmark_history(session, ids, start)


@st.cache_data(ttl=TTL)
def audits(location_id: int) -> list[AuditRow]:
    with sessions()() as session:
        return queries.select_audits(session, location_id)


@st.cache_data(ttl=600)
def audit_site(url: str) -> dict[str, Any]:
    """Audit any site now (e.g. a competitor's); nothing is stored."""
    from seo_monitor.app.actions import audit_website

    return audit_website(url, settings()).as_dict()


# --- referrals --------------------------------------------------------------------------------
@st.cache_data(ttl=TTL)
def referral_count() -> int:
    with sessions()() as session:
        return queries.select_referral_count(session)


@st.cache_data(ttl=TTL)
def referrers_to_thank(month: date, location_id: int | None) -> int:
    """How many referrers referred in `month` (to the location; None: the practice): a letter
    each, counted, not yet written."""
    ids = (location_id,) if location_id else None
    with sessions()() as session:
        return len(queries.select_thank_you_counts(session, month, location_ids=ids))


def referral_rules() -> StatusRules:
    return StatusRules.from_settings(settings())


@st.cache_data(ttl=TTL)
def referral_report(ids: Ids, start: date, end: date, as_of: date) -> queries.ReferralReport:
    with sessions()() as session:
        return queries.select_referral_report(
            session, Period(start, end), as_of, referral_rules(), ids
        )


@st.cache_data(ttl=TTL)
def referrals_due(ids: Ids, as_of: date) -> list[queries.DueTouch]:
    with sessions()() as session:
        return queries.select_referrals_due(session, as_of, referral_rules(), ids)


@st.cache_data(ttl=TTL)
def referrer_choices() -> list[queries.ReferrerChoice]:
    with sessions()() as session:
        return queries.select_referrer_choices(session)


@st.cache_data(ttl=TTL)
def referral_touches() -> list[queries.TouchRow]:
    with sessions()() as session:
        return queries.select_touches(session, limit=50)


# --- review requests by email -----------------------------------------------------------------
@st.cache_data(ttl=TTL)
def ask_totals(ids: Ids, start: date, end: date) -> queries.AskTotals:
    with sessions()() as session:
        return queries.select_ask_totals(session, ids, Period(start, end))


@st.cache_data(ttl=TTL)
def ask_weeks(ids: Ids, start: date, end: date) -> list[queries.AskWeek]:
    with sessions()() as session:
        return queries.select_ask_weeks(session, ids, Period(start, end))


@st.cache_data(ttl=TTL)
def ask_effect(ids: Ids, today: date) -> queries.AskEffect:
    with sessions()() as session:
        return queries.select_ask_effect(session, ids, today)


@st.cache_data(ttl=TTL)
def visit_count() -> int:
    with sessions()() as session:
        return queries.select_visit_count(session)


@st.cache_data(ttl=TTL)
def asks_due(ids: Ids) -> tuple[int, dict[str, int], list[str]]:
    """How many patients the next run would ask, why other visits still wait, and the
    locations whose asks wait for a review link (a sentence each, with the fix)."""
    from seo_monitor.review_requests.sending import send_review_requests

    plan = send_review_requests(sessions(), settings(), dry_run=True, location_ids=ids)
    return plan.queued, dict(plan.waiting), plan.link_problems()


def suppressions() -> list[queries.SuppressionRow]:
    """The Unsubscribed list, newest first (not cached: the front desk's entry shows at once)."""
    with sessions()() as session:
        return queries.select_suppressions(session)


def suppressed_since(address: str) -> str | None:
    """When and why an address was suppressed; None when it gets asks."""
    key = patient_key(patient_secret(settings()), address.strip().lower())
    with sessions()() as session:
        found = queries.select_suppression(session, key)
        return f"{found.created_at:%b %d, %Y} ({found.reason})" if found else None


# --- the profile guard -------------------------------------------------------------------------
ProfileChangeRow = queries.ProfileChangeRow
GoogleUpdate = queries.GoogleUpdate
PendingEdit = queries.PendingEdit


@st.cache_data(ttl=TTL)
def profile_changes(ids: Ids, start: date, end: date) -> list[queries.ProfileChangeRow]:
    with sessions()() as session:
        return queries.select_profile_changes(session, ids, Period(start, end))


@st.cache_data(ttl=TTL)
def google_updates(ids: Ids) -> list[queries.GoogleUpdate]:
    with sessions()() as session:
        return queries.select_google_updates(session, ids)


@st.cache_data(ttl=TTL)
def pending_edits(ids: Ids) -> list[queries.PendingEdit]:
    with sessions()() as session:
        return queries.select_pending_edits(session, ids)


@st.cache_data(ttl=TTL)
def profiles_watched() -> int:
    """How many locations the guard has looked at (none before the first locations sync)."""
    with sessions()() as session:
        return queries.select_profiles_watched(session)


# --- listings ----------------------------------------------------------------------------------
ListingRow = queries.ListingRow


@st.cache_data(ttl=TTL)
def listings(ids: Ids) -> list[queries.ListingRow]:
    """Every listing with its last check (see actions.include_configured_listings)."""
    with sessions()() as session:
        return queries.select_listings(session, ids)


@st.cache_data(ttl=TTL)
def listing_ratings(ids: Ids) -> list[queries.ListingRating]:
    with sessions()() as session:
        return queries.select_listing_ratings(session, ids)
