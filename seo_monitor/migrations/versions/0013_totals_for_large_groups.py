"""for large groups: reviews per location, month and stars; topic counts per day; profile
metric groups per location and day; indexes of answered reviews and imported sources

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The month as the dashboard groups it (seo_monitor.db.month_of).
MONTH = {
    "postgresql": "to_char(timezone('UTC', reviews.created_at), 'YYYY-MM')",
    "sqlite": "substr(reviews.created_at, 1, 7)",
}
# profile_metrics.GROUP_METRICS as it is at this revision.
GROUP_METRICS = {
    "views": (
        "BUSINESS_IMPRESSIONS_DESKTOP_MAPS",
        "BUSINESS_IMPRESSIONS_DESKTOP_SEARCH",
        "BUSINESS_IMPRESSIONS_MOBILE_MAPS",
        "BUSINESS_IMPRESSIONS_MOBILE_SEARCH",
    ),
    "calls": ("CALL_CLICKS",),
    "directions": ("BUSINESS_DIRECTION_REQUESTS",),
    "website_clicks": ("WEBSITE_CLICKS",),
    "bookings": ("BUSINESS_BOOKINGS",),
    "messages": ("MESSAGING_CLICKS",),
}
# The day as the scorer counts it (seo_monitor.db.day_of).
DAY = {
    "postgresql": "CAST(timezone('UTC', reviews.created_at) AS DATE)",
    "sqlite": "substr(reviews.created_at, 1, 10)",
}
ANSWERED = sa.text("deleted_at IS NULL AND reply_text IS NOT NULL")
IMPORTED = sa.text("source <> 'google'")


def upgrade() -> None:
    op.create_table(
        "review_star_months",
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("reviews", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["locations.id"],
            name=op.f("fk_review_star_months_location_id_locations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "location_id", "month", "rating", name=op.f("pk_review_star_months")
        ),
    )
    month = MONTH[op.get_bind().dialect.name]
    op.execute(
        "INSERT INTO review_star_months (location_id, month, rating, reviews) "
        f"SELECT location_id, {month}, rating, count(*) FROM reviews "
        "WHERE deleted_at IS NULL AND rating IS NOT NULL "
        f"GROUP BY location_id, {month}, rating"
    )
    op.create_table(
        "review_topic_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=32), nullable=False),
        sa.Column("reviews", sa.Integer(), nullable=False),
        sa.Column("negative_reviews", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["locations.id"],
            name=op.f("fk_review_topic_days_location_id_locations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("day", "location_id", "topic", name=op.f("pk_review_topic_days")),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_review_topic_days_location", "review_topic_days", ["location_id", "day"])
    day = DAY[op.get_bind().dialect.name]
    op.execute(
        "INSERT INTO review_topic_days (day, location_id, topic, reviews, negative_reviews) "
        f"SELECT {day}, reviews.location_id, review_topics.topic, count(*), "
        "count(CASE WHEN review_topics.negative THEN 1 END) "
        "FROM review_topics JOIN reviews ON reviews.id = review_topics.review_id "
        "WHERE reviews.deleted_at IS NULL "
        f"GROUP BY {day}, reviews.location_id, review_topics.topic"
    )
    op.create_table(
        "daily_metric_groups",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        *(sa.Column(group, sa.BigInteger(), nullable=True) for group in GROUP_METRICS),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["locations.id"],
            name=op.f("fk_daily_metric_groups_location_id_locations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("day", "location_id", name=op.f("pk_daily_metric_groups")),
        sqlite_with_rowid=False,
    )
    sums = ", ".join(
        "sum(CASE WHEN metric IN ({}) THEN value END)".format(
            ", ".join(f"'{metric}'" for metric in metrics)
        )
        for metrics in GROUP_METRICS.values()
    )
    op.execute(
        f"INSERT INTO daily_metric_groups (day, location_id, {', '.join(GROUP_METRICS)}) "
        f"SELECT day, location_id, {sums} FROM daily_metrics GROUP BY day, location_id"
    )
    op.create_index(
        "ix_reviews_answered",
        "reviews",
        ["created_at", "location_id", "reply_updated_at"],
        sqlite_where=ANSWERED,
        postgresql_where=ANSWERED,
    )
    op.create_index(
        "ix_reviews_imported_source",
        "reviews",
        ["source"],
        sqlite_where=IMPORTED,
        postgresql_where=IMPORTED,
    )


def downgrade() -> None:
    # Forward only: restore the backup that `seo-monitor db upgrade` made instead.
    raise NotImplementedError("seo-monitor migrations are forward only")
