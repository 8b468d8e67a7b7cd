"""dashboard users and indexes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("password_hash", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    with op.batch_alter_table("daily_metrics", schema=None) as batch_op:
        batch_op.create_index("ix_daily_metrics_day", ["day"], unique=False)

    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reviews_location_created"))
        batch_op.create_index(
            "ix_reviews_live_by_location",
            ["location_id", "created_at", "rating"],
            unique=False,
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )
        batch_op.create_index(
            "ix_reviews_live_by_time",
            ["created_at", "rating"],
            unique=False,
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )
        batch_op.create_index(
            "ix_reviews_unanswered",
            ["location_id", "created_at", "rating"],
            unique=False,
            sqlite_where=sa.text("deleted_at IS NULL AND reply_text IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL AND reply_text IS NULL"),
        )


def downgrade() -> None:
    # Forward only: restore the backup that `seo-monitor db upgrade` made instead.
    raise NotImplementedError("seo-monitor migrations are forward only")
