"""for large groups: topic counts per location and month; covering indexes for the daily
metric sums and for the newest run of each collector

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The month as the dashboard groups it (seo_monitor.db.month_of).
MONTH = {
    "postgresql": "to_char(timezone('UTC', reviews.created_at), 'YYYY-MM')",
    "sqlite": "substr(reviews.created_at, 1, 7)",
}


def upgrade() -> None:
    op.create_table(
        "review_topic_months",
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("topic", sa.String(length=32), nullable=False),
        sa.Column("reviews", sa.Integer(), nullable=False),
        sa.Column("negative_reviews", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["locations.id"],
            name=op.f("fk_review_topic_months_location_id_locations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "location_id", "month", "topic", name=op.f("pk_review_topic_months")
        ),
    )
    month = MONTH[op.get_bind().dialect.name]
    op.execute(
        "INSERT INTO review_topic_months (location_id, month, topic, reviews, negative_reviews) "
        f"SELECT reviews.location_id, {month}, review_topics.topic, count(*), "
        "count(CASE WHEN review_topics.negative THEN 1 END) "
        "FROM review_topics JOIN reviews ON reviews.id = review_topics.review_id "
        "WHERE reviews.deleted_at IS NULL "
        f"GROUP BY reviews.location_id, {month}, review_topics.topic"
    )
    op.create_index(
        "ix_daily_metrics_day_cover",
        "daily_metrics",
        ["day", "location_id", "metric", "value"],
        unique=False,
    )
    op.drop_index("ix_daily_metrics_day", table_name="daily_metrics")
    op.create_index(
        "ix_collector_runs_latest",
        "collector_runs",
        ["collector", "location_id", "id"],
        unique=False,
    )


def downgrade() -> None:
    # Forward only: restore the backup that `seo-monitor db upgrade` made instead.
    raise NotImplementedError("seo-monitor migrations are forward only")
