"""The data model (docs/architecture.md): natural unique keys, UTC-aware times, real DATE days."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from seo_monitor.times import utcnow

# Stable constraint names so that Alembic batch migrations on SQLite can refer to them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC and always returns them aware (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; seo-monitor stores UTC-aware times only")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


JSONData = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime,
        date: Date,
        dict[str, Any]: JSONData,
        list[Any]: JSONData,
    }


class Account(Base):
    __tablename__ = "accounts"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)  # accounts/{id}
    account_name: Mapped[str | None] = mapped_column(String(500))
    type: Mapped[str | None] = mapped_column(String(40))
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Location(Base):
    __tablename__ = "locations"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    name: Mapped[str] = mapped_column(String(200), unique=True)  # locations/{id}
    store_code: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(500))
    address_lines: Mapped[list[Any]] = mapped_column(default=list)
    locality: Mapped[str | None] = mapped_column(String(200))
    region: Mapped[str | None] = mapped_column(String(200))
    postal_code: Mapped[str | None] = mapped_column(String(40))
    country: Mapped[str | None] = mapped_column(String(8))
    phone: Mapped[str | None] = mapped_column(String(64))
    website: Mapped[str | None] = mapped_column(Text)
    place_id: Mapped[str | None] = mapped_column(String(300))
    maps_uri: Mapped[str | None] = mapped_column(Text)
    new_review_uri: Mapped[str | None] = mapped_column(Text)
    latitude: Mapped[float | None] = mapped_column(Float)  # the profile's pin, when set
    longitude: Mapped[float | None] = mapped_column(Float)
    # A service-area business shows no storefront address (serviceArea.businessType).
    service_area: Mapped[bool] = mapped_column(Boolean, default=False)
    # Where Google Places puts the place, for a profile without a pin. Google's terms allow
    # keeping these for 30 days: read again before then, and cleared when older.
    places_latitude: Mapped[float | None] = mapped_column(Float)
    places_longitude: Mapped[float | None] = mapped_column(Float)
    places_located_at: Mapped[datetime | None]
    primary_category: Mapped[str | None] = mapped_column(String(300))
    time_zone: Mapped[str | None] = mapped_column(String(64))
    open_status: Mapped[str | None] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # When the reviews collector last read the whole list (to find deletions and reply changes).
    reviews_full_sync_at: Mapped[datetime | None]
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class RatingSnapshot(Base):
    """Google's own average rating and review count for a location, once per day."""

    __tablename__ = "rating_snapshots"
    __table_args__ = (UniqueConstraint("location_id", "day"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id", ondelete="CASCADE"))
    day: Mapped[date]
    average_rating: Mapped[float | None] = mapped_column(Float)
    total_review_count: Mapped[int | None] = mapped_column(Integer)


GOOGLE_SOURCE = "google"  # Review.source of the reviews read from Google; imports name theirs


class Review(Base):
    __tablename__ = "reviews"
    __table_args__ = (
        UniqueConstraint("location_id", "source", "external_id"),
        # The dashboard's counts read these partial indexes only, never the review texts.
        Index(
            "ix_reviews_live_by_location",
            "location_id",
            "created_at",
            "rating",
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
        Index(
            "ix_reviews_live_by_time",
            "created_at",
            "rating",
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
        Index(
            "ix_reviews_unanswered",
            "location_id",
            "created_at",
            "rating",
            sqlite_where=text("deleted_at IS NULL AND reply_text IS NULL"),
            postgresql_where=text("deleted_at IS NULL AND reply_text IS NULL"),
        ),
        # The response rate and the median time to reply read only this index.
        Index(
            "ix_reviews_answered",
            "created_at",
            "location_id",
            "reply_updated_at",
            sqlite_where=text("deleted_at IS NULL AND reply_text IS NOT NULL"),
            postgresql_where=text("deleted_at IS NULL AND reply_text IS NOT NULL"),
        ),
        # The sites reviews were imported from: a handful of rows, usually none, read without
        # scanning every Google review.
        Index(
            "ix_reviews_imported_source",
            "source",
            sqlite_where=text(f"source <> '{GOOGLE_SOURCE}'"),
            postgresql_where=text(f"source <> '{GOOGLE_SOURCE}'"),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(40), default=GOOGLE_SOURCE)
    external_id: Mapped[str] = mapped_column(String(500))
    resource_name: Mapped[str | None] = mapped_column(Text)  # accounts/a/locations/l/reviews/r
    rating: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str | None] = mapped_column(Text)  # what the patient wrote (or its translation)
    original_text: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(16))
    author_name: Mapped[str | None] = mapped_column(String(500))
    author_is_anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    reply_text: Mapped[str | None] = mapped_column(Text)
    reply_updated_at: Mapped[datetime | None]
    reply_state: Mapped[str | None] = mapped_column(String(40))
    reply_policy_violation: Mapped[str | None] = mapped_column(String(80))
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    deleted_at: Mapped[datetime | None]  # gone upstream: kept and marked, never dropped


class StoredReviewScore(Base):
    """The scorer's verdict on a review's text and stars; one row per review.

    `scorer_version` names the model and the thresholds, `text_hash` the stars and text that
    were scored: a review is scored again only when one of them changes. Whether a review still
    needs a reply is not stored here: that follows the review's reply, at query time.
    """

    __tablename__ = "review_scores"
    __table_args__ = (Index("ix_review_scores_priority", "priority", "review_id"),)
    review_id: Mapped[int] = mapped_column(
        ForeignKey("reviews.id", ondelete="CASCADE"), primary_key=True
    )
    scorer_version: Mapped[str] = mapped_column(String(40))
    text_hash: Mapped[str] = mapped_column(String(64))
    compound: Mapped[float] = mapped_column(Float)
    negative_probability: Mapped[float] = mapped_column(Float)
    polarity: Mapped[str] = mapped_column(String(16))
    priority: Mapped[int] = mapped_column(Integer)
    flagged: Mapped[bool] = mapped_column(Boolean)  # good stars, complaining text
    concern: Mapped[str | None] = mapped_column(String(16))  # clinical, operational
    reasons: Mapped[list[Any]] = mapped_column(default=list)
    scored_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReviewTopic(Base):
    """What a review talks about, with the sentiment of the sentences that mention it."""

    __tablename__ = "review_topics"
    __table_args__ = (
        Index("ix_review_topics_topic", "topic", "negative"),
        # The topic counts and trend read a period's reviews, then their topics from this
        # index alone (1.8 s → 1.1 s for a year of 500 locations on SQLite).
        Index("ix_review_topics_review_cover", "review_id", "topic", "negative"),
    )
    review_id: Mapped[int] = mapped_column(
        ForeignKey("reviews.id", ondelete="CASCADE"), primary_key=True
    )
    topic: Mapped[str] = mapped_column(String(32), primary_key=True)
    sentiment: Mapped[float] = mapped_column(Float)
    negative: Mapped[bool] = mapped_column(Boolean)
    mentions: Mapped[int] = mapped_column(Integer)


class ReviewTopicDay(Base):
    """Per day, location and topic: how many live reviews talk about it, how many of them
    negatively. Rebuilt with the monthly counts (seo_monitor.sentiment.store): a topic summary
    reads whole months from review_topic_months and the days around them from here, one range
    of the table (no rowid on SQLite) instead of looking up each review's topics."""

    __tablename__ = "review_topic_days"
    __table_args__ = (
        # The rebuild deletes a location's days: without it, a scan of every location's.
        Index("ix_review_topic_days_location", "location_id", "day"),
        {"sqlite_with_rowid": False},
    )
    day: Mapped[date] = mapped_column(primary_key=True)  # of the review (UTC)
    location_id: Mapped[int] = mapped_column(
        ForeignKey("locations.id", ondelete="CASCADE"), primary_key=True
    )
    topic: Mapped[str] = mapped_column(String(32), primary_key=True)
    reviews: Mapped[int] = mapped_column(Integer)
    negative_reviews: Mapped[int] = mapped_column(Integer)


class ReviewStarMonth(Base):
    """Per location, month and star rating: how many live reviews. Rebuilt with the topic
    counts (seo_monitor.sentiment.store), so a rating "as of" a day reads a few rows per
    location and month, plus that last month's reviews, instead of every review."""

    __tablename__ = "review_star_months"
    location_id: Mapped[int] = mapped_column(
        ForeignKey("locations.id", ondelete="CASCADE"), primary_key=True
    )
    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # YYYY-MM of the review (UTC)
    rating: Mapped[int] = mapped_column(Integer, primary_key=True)  # 1–5 (no row without stars)
    reviews: Mapped[int] = mapped_column(Integer)


class ReviewTopicMonth(Base):
    """Per location, month and topic: how many live reviews talk about it, how many of them
    negatively. Rebuilt for a location whenever its reviews are scored
    (seo_monitor.sentiment.store), so the year-long topic trend reads a few rows per location
    instead of every review."""

    __tablename__ = "review_topic_months"
    location_id: Mapped[int] = mapped_column(
        ForeignKey("locations.id", ondelete="CASCADE"), primary_key=True
    )
    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # YYYY-MM of the review (UTC)
    topic: Mapped[str] = mapped_column(String(32), primary_key=True)
    reviews: Mapped[int] = mapped_column(Integer)
    negative_reviews: Mapped[int] = mapped_column(Integer)


class ReplyLog(Base):
    """Every reply posted, edited or deleted from the product. Never deleted."""

    __tablename__ = "reply_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"))
    action: Mapped[str] = mapped_column(String(16))  # post, edit, delete
    text: Mapped[str | None] = mapped_column(Text)
    findings: Mapped[list[Any]] = mapped_column(default=list)
    override_reason: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    api_status: Mapped[str] = mapped_column(String(40), default="pending")
    api_error: Mapped[str | None] = mapped_column(Text)
    reply_state: Mapped[str | None] = mapped_column(String(40))
    policy_violation: Mapped[str | None] = mapped_column(String(80))


class DailyMetric(Base):
    __tablename__ = "daily_metrics"
    __table_args__ = (
        UniqueConstraint("location_id", "metric", "day"),
        # Dashboard periods cut across all locations by day, and sum from this index alone:
        # one location's days sit together in the table, a day's rows are scattered.
        Index("ix_daily_metrics_day_cover", "day", "location_id", "metric", "value"),
    )
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id", ondelete="CASCADE"))
    metric: Mapped[str] = mapped_column(String(64))
    day: Mapped[date]
    value: Mapped[int] = mapped_column(BigInteger)
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)


class DailyMetricGroups(Base):
    """Per location and day, each metric group's total (the four view metrics added up as
    `views`; profile_metrics.GROUP_METRICS): what the overview, the digest and the monthly report
    total and chart, one row per location and day instead of nine. Rebuilt from daily_metrics
    for the days each metrics sync wrote (collectors.metrics); NULL where Google reported none
    of the group's metrics that day. Clustered by day (no rowid on SQLite): a period of every
    location is one range of the table."""

    __tablename__ = "daily_metric_groups"
    __table_args__ = ({"sqlite_with_rowid": False},)
    day: Mapped[date] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(
        ForeignKey("locations.id", ondelete="CASCADE"), primary_key=True
    )
    views: Mapped[int | None] = mapped_column(BigInteger)
    calls: Mapped[int | None] = mapped_column(BigInteger)
    directions: Mapped[int | None] = mapped_column(BigInteger)
    website_clicks: Mapped[int | None] = mapped_column(BigInteger)
    bookings: Mapped[int | None] = mapped_column(BigInteger)
    messages: Mapped[int | None] = mapped_column(BigInteger)


class SearchKeyword(Base):
    """Monthly search keywords; small counts only arrive as "fewer than `threshold`"."""

    __tablename__ = "search_keywords"
    __table_args__ = (UniqueConstraint("location_id", "month", "keyword"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id", ondelete="CASCADE"))
    month: Mapped[date]  # first day of the month
    keyword: Mapped[str] = mapped_column(String(500))
    value: Mapped[int | None] = mapped_column(BigInteger)
    threshold: Mapped[int | None] = mapped_column(BigInteger)
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)


class RankScan(Base):
    __tablename__ = "rank_scans"
    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id", ondelete="CASCADE"))
    keyword: Mapped[str] = mapped_column(String(500))
    provider: Mapped[str] = mapped_column(String(40))
    grid_size: Mapped[int] = mapped_column(Integer)
    spacing_km: Mapped[float] = mapped_column(Float)
    # None on a scan skipped before its centre was known (over budget: no call was made).
    center_lat: Mapped[float | None] = mapped_column(Float)
    center_lng: Mapped[float | None] = mapped_column(Float)
    center_source: Mapped[str | None] = mapped_column(String(20))  # profile, places, search, config
    pages: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(16), default="running")
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    api_calls: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)


class RankPoint(Base):
    __tablename__ = "rank_points"
    __table_args__ = (UniqueConstraint("scan_id", "row", "col"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    scan_id: Mapped[int] = mapped_column(ForeignKey("rank_scans.id", ondelete="CASCADE"))
    row: Mapped[int] = mapped_column(Integer)
    col: Mapped[int] = mapped_column(Integer)
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    state: Mapped[str] = mapped_column(String(16))  # found, not_found, error
    rank: Mapped[int | None] = mapped_column(Integer)
    top_results: Mapped[list[Any]] = mapped_column(default=list)  # place ids in order
    error: Mapped[str | None] = mapped_column(Text)


class OrganicPosition(Base):
    __tablename__ = "organic_positions"
    __table_args__ = (UniqueConstraint("site", "query", "page", "day"),)
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id", ondelete="SET NULL"))
    site: Mapped[str] = mapped_column(String(500))
    query: Mapped[str] = mapped_column(String(500))
    page: Mapped[str] = mapped_column(String(1000))
    day: Mapped[date]
    clicks: Mapped[int] = mapped_column(Integer)
    impressions: Mapped[int] = mapped_column(Integer)
    ctr: Mapped[float] = mapped_column(Float)
    position: Mapped[float] = mapped_column(Float)


class Competitor(Base):
    __tablename__ = "competitors"
    id: Mapped[int] = mapped_column(primary_key=True)
    place_id: Mapped[str] = mapped_column(String(300), unique=True)
    name: Mapped[str | None] = mapped_column(String(500))
    primary_type: Mapped[str | None] = mapped_column(String(200))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    details_fetched_at: Mapped[datetime | None]


class CompetitorSnapshot(Base):
    __tablename__ = "competitor_snapshots"
    __table_args__ = (UniqueConstraint("competitor_id", "day"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    competitor_id: Mapped[int] = mapped_column(ForeignKey("competitors.id", ondelete="CASCADE"))
    day: Mapped[date]
    rating: Mapped[float | None] = mapped_column(Float)
    review_count: Mapped[int | None] = mapped_column(Integer)


class SiteAudit(Base):
    __tablename__ = "site_audits"
    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id", ondelete="SET NULL"))
    url: Mapped[str] = mapped_column(Text)
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(16))
    score: Mapped[int | None] = mapped_column(Integer)
    findings: Mapped[list[Any]] = mapped_column(default=list)


class CollectorRun(Base):
    """One run of one collector (for one location): the record the health page shows."""

    __tablename__ = "collector_runs"
    __table_args__ = (
        Index("ix_collector_runs_collector_started", "collector", "started_at"),
        # The newest run per collector and location, read from the index alone (0.6 → 0.1 s
        # over a million runs on SQLite).
        Index("ix_collector_runs_latest", "collector", "location_id", "id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    collector: Mapped[str] = mapped_column(String(40))
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id", ondelete="SET NULL"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16), default="running")  # ok, partial, failed
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    api_calls: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    hint: Mapped[str | None] = mapped_column(Text)


class Notification(Base):
    """The email outbox: a unique dedupe key stops duplicates; claim before sending."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_due", "sent_at", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(300), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    recipient: Mapped[str] = mapped_column(String(320))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(64))  # the sender that holds it
    sent_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)


class ReviewRequest(Base):
    """What was printed or sent to ask for reviews: the record that shows no gating."""

    __tablename__ = "review_requests"
    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))  # qr_png, qr_svg, poster, table_tent, cards
    size: Mapped[str | None] = mapped_column(String(20))
    placement: Mapped[str | None] = mapped_column(String(200))
    link: Mapped[str] = mapped_column(Text)
    wording: Mapped[str] = mapped_column(Text)
    languages: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class User(Base):
    """A dashboard login. Passwords are stored only as salted scrypt hashes."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]


class SchedulerJob(Base):
    """Last and next run of each scheduled job, for the health page."""

    __tablename__ = "scheduler_jobs"
    job_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_run_at: Mapped[datetime | None]
    last_status: Mapped[str | None] = mapped_column(String(16))
    last_error: Mapped[str | None] = mapped_column(Text)
    next_run_at: Mapped[datetime | None]


class SchedulerLease(Base):
    """Who may run jobs: one scheduler at a time (SQLite; PostgreSQL uses an advisory lock)."""

    __tablename__ = "scheduler_lease"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime]


class Referrer(Base):
    """Who sends the practice patients: a physician, a chiropractor, a gym, a school… A valid NPI
    identifies one; otherwise its normalised name does (referrer_names). Merged into another,
    it keeps its row (merged_into) so that later imports of its names find the one it joined."""

    __tablename__ = "referrers"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))  # as shown; a person may rename it
    name_set_by_hand: Mapped[bool] = mapped_column(Boolean, default=False)
    npi: Mapped[str | None] = mapped_column(String(10), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="other")
    kind_set_by_hand: Mapped[bool] = mapped_column(Boolean, default=False)
    # A source, not a relationship: self-referrals, online, unknown (no one to thank).
    generic: Mapped[bool] = mapped_column(Boolean, default=False)
    nppes: Mapped[dict[str, Any] | None]  # the NPI registry: name, specialty, practice address
    merged_into: Mapped[int | None] = mapped_column(ForeignKey("referrers.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReferrerName(Base):
    """Every spelling of a referrer seen in an export, normalised, and whose it is."""

    __tablename__ = "referrer_names"
    name_key: Mapped[str] = mapped_column(String(300), primary_key=True)
    referrer_id: Mapped[int] = mapped_column(ForeignKey("referrers.id", ondelete="CASCADE"))
    # Matched as a typo of another name: never itself a name typos are matched against, or
    # "Jon" would bring in "Joan".
    typo: Mapped[bool] = mapped_column(Boolean, default=False)


class Referral(Base):
    """One referral (a case) from a practice-management export. No patient names, birth dates,
    diagnoses or contact details: the patient is a keyed hash, enough to count and de-duplicate."""

    __tablename__ = "referrals"
    __table_args__ = (
        UniqueConstraint("source", "case_id"),
        Index("ix_referrals_referrer_date", "referrer_id", "referral_date"),
        Index("ix_referrals_date", "referral_date"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(40), default="emr")  # the exporting system
    case_id: Mapped[str] = mapped_column(String(100))
    referrer_id: Mapped[int] = mapped_column(ForeignKey("referrers.id"))
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id", ondelete="SET NULL"))
    referral_date: Mapped[date]
    first_visit_date: Mapped[date | None]
    patient_key: Mapped[str | None] = mapped_column(String(64))  # HMAC-SHA256, hex
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReferralTouch(Base):
    """What the practice did for a referrer: a thank-you, a progress update, a visit…"""

    __tablename__ = "referral_touches"
    id: Mapped[int] = mapped_column(primary_key=True)
    referrer_id: Mapped[int] = mapped_column(ForeignKey("referrers.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    day: Mapped[date]
    note: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReviewAsk(Base):
    """A visit from a visit list, and the review request it led to (or why not). The address
    and first name are kept only until the ask is sent or skipped; after that the row holds
    keyed hashes of patient and address, the dates and the outcome."""

    __tablename__ = "review_asks"
    __table_args__ = (
        UniqueConstraint("patient_key", "location_id", "visit_date"),
        Index("ix_review_asks_status_visit", "status", "visit_date"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id", ondelete="CASCADE"))
    patient_key: Mapped[str] = mapped_column(String(64))
    email_key: Mapped[str | None] = mapped_column(String(64))
    email: Mapped[str | None] = mapped_column(String(320))  # until asked or skipped
    first_name: Mapped[str | None] = mapped_column(String(100))  # likewise
    language: Mapped[str] = mapped_column(String(8), default="en")
    visit_date: Mapped[date]
    # waiting, queued, sent, skipped, bounced, failed
    status: Mapped[str] = mapped_column(String(16), default="waiting")
    reason: Mapped[str | None] = mapped_column(String(80))  # why skipped
    asked_at: Mapped[datetime | None]
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Suppression(Base):
    """An address that gets no more asks: unsubscribed, bounced, or answered STOP."""

    __tablename__ = "suppressions"
    email_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    reason: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str | None] = mapped_column(String(100))


class ProfileState(Base):
    """What the profile guard last saw of a location: its watched fields, the values Google
    shows instead (getGoogleUpdated's diff), and the owner's edits not yet published."""

    __tablename__ = "profile_states"
    location_id: Mapped[int] = mapped_column(
        ForeignKey("locations.id", ondelete="CASCADE"), primary_key=True
    )
    fields: Mapped[dict[str, Any]]
    google: Mapped[dict[str, Any]]  # field -> Google's value, where it differs
    # [field, what Maps and Search show until it is published] for each edit in flight (a
    # field name alone in states kept before the value was)
    pending: Mapped[list[Any]]
    checked_at: Mapped[datetime]


class ProfileChange(Base):
    """A watched field that changed on the profile (`source` "profile"), or a value Google
    shows instead of the owner's (`source` "google"), with before and after and when seen."""

    __tablename__ = "profile_changes"
    __table_args__ = (Index("ix_profile_changes_location_seen", "location_id", "seen_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id", ondelete="CASCADE"))
    field: Mapped[str] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(16))
    before: Mapped[Any | None] = mapped_column(JSONData)
    after: Mapped[Any | None] = mapped_column(JSONData)
    seen_at: Mapped[datetime]
    # Who marked it as looked at (made by us, corrected or accepted), and when: the digest
    # lists only changes no one has.
    reviewed_at: Mapped[datetime | None]
    reviewed_by: Mapped[str | None] = mapped_column(String(100))


class Listing(Base):
    """A location's listing on another site (a directory, a review site, a map): its address,
    from config.toml or added on the Listings page."""

    __tablename__ = "listings"
    __table_args__ = (UniqueConstraint("location_id", "url"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(String(2000))
    site: Mapped[str] = mapped_column(String(100))  # "Healthgrades", or the host
    added_by: Mapped[str] = mapped_column(String(100))  # "config.toml" or a user
    added_at: Mapped[datetime] = mapped_column(default=utcnow)


class ListingCheck(Base):
    """One weekly look at a listing: consistent, mismatch, unreadable, blocked or unreachable;
    what it showed (name, address, phone), which fields differ from Google, its rating."""

    __tablename__ = "listing_checks"
    __table_args__ = (Index("ix_listing_checks_listing_checked", "listing_id", "checked_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id", ondelete="CASCADE"))
    checked_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16))
    shown: Mapped[dict[str, Any]]  # field -> what the listing says
    mismatches: Mapped[list[Any]]  # [{"field", "listing", "google"}]
    rating: Mapped[float | None] = mapped_column(Float)
    review_count: Mapped[int | None]
    problem: Mapped[str | None] = mapped_column(Text)  # why unreachable or blocked
