"""Cached access to settings, the database and the read model. Returns plain data only."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

import pypdfium2
import streamlit as st
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from collectors import replies
from collectors.jobs import make_client
from collectors.replies import PracticeDetails, ReplyOutcome
from collectors.website import audit_site as audit_site_now
from qr.requests import Made, build_code, build_poster, record
from seo_monitor import alerts, queries
from seo_monitor.alerts.content import build_digest, digest_week
from seo_monitor.alerts.render import digest_html
from seo_monitor.config import config_path, load_settings
from seo_monitor.db import check_connection, make_engine, session_factory
from seo_monitor.errors import CollectorError, UserError
from seo_monitor.models import Location, utcnow
from seo_monitor.queries import Period, rankings
from seo_monitor.queries.audits import AuditRow, select_audits
from seo_monitor.queries.common import in_locations
from seo_monitor.settings import Settings

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
def unscored_count(ids: Ids) -> int:
    with sessions()() as session:
        return queries.select_unscored_count(session, ids)


@st.cache_data(ttl=TTL)
def review_sources() -> list[str]:
    with sessions()() as session:
        return queries.select_review_sources(session)


def practice() -> PracticeDetails:
    replies = settings().replies
    office = (replies.office_phone,) if replies.office_phone else ()
    return PracticeDetails(tuple(replies.staff_names), office)


def post_reply(review_id: int, text: str, actor: str, override: str | None) -> ReplyOutcome:
    """Post through Google (never cached); the inbox and the log are read afresh afterwards."""
    try:
        client = make_client(settings())
    except CollectorError as exc:
        raise UserError(f"{exc}. {exc.hint or ''}".strip()) from None
    outcome = replies.post_reply(sessions(), client, review_id, text, actor, practice(), override)
    st.cache_data.clear()
    return outcome


@st.cache_data(ttl=TTL)
def reply_log() -> list[dict[str, object]]:
    with sessions()() as session:
        return replies.reply_log_rows(session)


@st.cache_data(ttl=TTL)
def emails() -> list[queries.EmailRow]:
    with sessions()() as session:
        return queries.select_emails(session, settings().alerts.max_attempts)


@st.cache_data(ttl=TTL)
def digest_preview(ids: Ids) -> str:
    """Last week's digest as the recipients would see it (HTML)."""
    current = settings()
    with sessions()() as session:
        chosen = session.scalars(select(Location).where(in_locations(Location.id, ids))).all()
        week = digest_week(utcnow(), current.scheduler.timezone)
        digest = build_digest(session, current, sorted(chosen, key=lambda loc: loc.title), week)
    return digest_html(current.alerts, digest)


def send_test_email(address: str) -> str | None:
    """None when the test email went out, else why not; UserError for a bad address."""
    problem = alerts.send_test_email(sessions(), settings(), address)
    st.cache_data.clear()
    return problem


@st.cache_data(ttl=TTL)
def review_request(location_id: int, kind: str, size: str, languages: tuple[str, ...]) -> Made:
    """A code (kind "code", size png or svg) or poster, made but not yet recorded."""
    current = settings()
    with sessions()() as session:
        location = session.get_one(Location, location_id)
        if kind == "poster":
            return build_poster(current, location, size, list(languages))
        return build_code(current, location, size)


def record_download(location_id: int, made: Made, placement: str) -> None:
    """A download is a print: it goes into review_requests."""
    with sessions().begin() as session:
        record(session, location_id, made, placement)


@st.cache_data(ttl=TTL)
def poster_preview(location_id: int, size: str, languages: tuple[str, ...]) -> bytes:
    """The poster's first page as a PNG (nothing recorded: it is only a preview)."""
    pdf = review_request(location_id, "poster", size, languages).data
    page = pypdfium2.PdfDocument(pdf)[0]
    buffer = io.BytesIO()
    page.render(scale=1.2).to_pil().save(buffer, format="PNG")
    return buffer.getvalue()


@st.cache_data(ttl=TTL)
def scan_keywords(location_id: int) -> list[str]:
    with sessions()() as session:
        return rankings.select_scan_keywords(session, location_id)


@st.cache_data(ttl=TTL)
def scans(location_id: int, keyword: str) -> list[rankings.ScanView]:
    with sessions()() as session:
        return rankings.select_scans(session, location_id, keyword, limit=52)


@st.cache_data(ttl=TTL)
def top_competitors(scan_id: int, location_id: int) -> list[tuple[str, float]]:
    with sessions()() as session:
        own = session.get_one(Location, location_id).place_id
        return rankings.select_top_competitors(session, scan_id, own)


@st.cache_data(ttl=TTL)
def benchmark(ids: Ids) -> list[rankings.Benchmark]:
    with sessions()() as session:
        return rankings.select_benchmark(session, ids)


@st.cache_data(ttl=TTL)
def organic_queries(ids: Ids, start: date, end: date) -> list[rankings.OrganicQuery]:
    with sessions()() as session:
        return rankings.select_organic_queries(session, ids, Period(start, end))


@st.cache_data(ttl=TTL)
def benchmark_history(ids: Ids, start: date) -> list[tuple[date, str, float | None, int | None]]:
    with sessions()() as session:
        return rankings.select_benchmark_history(session, ids, start)


@st.cache_data(ttl=TTL)
def audits(location_id: int) -> list[AuditRow]:
    with sessions()() as session:
        return select_audits(session, location_id)


@st.cache_data(ttl=600)
def audit_site(url: str) -> dict[str, Any]:
    """Audit any site now (e.g. a competitor's); nothing is stored."""
    return audit_site_now(url, settings()).as_dict()
