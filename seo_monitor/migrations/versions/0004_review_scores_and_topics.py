"""review scores keyed by review, and review topics

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28

Nothing wrote review_scores before the scorer existed, so the table is recreated rather than
altered column by column (its primary key changes).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.drop_table("review_scores")
    op.create_table(
        "review_scores",
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("scorer_version", sa.String(length=40), nullable=False),
        sa.Column("text_hash", sa.String(length=64), nullable=False),
        sa.Column("compound", sa.Float(), nullable=False),
        sa.Column("negative_probability", sa.Float(), nullable=False),
        sa.Column("polarity", sa.String(length=16), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("flagged", sa.Boolean(), nullable=False),
        sa.Column("concern", sa.String(length=16), nullable=True),
        sa.Column("reasons", JSON, nullable=False),
        sa.Column("scored_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["reviews.id"],
            name=op.f("fk_review_scores_review_id_reviews"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("review_id", name=op.f("pk_review_scores")),
    )
    op.create_index("ix_review_scores_priority", "review_scores", ["priority", "review_id"])
    op.create_table(
        "review_topics",
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=32), nullable=False),
        sa.Column("sentiment", sa.Float(), nullable=False),
        sa.Column("negative", sa.Boolean(), nullable=False),
        sa.Column("mentions", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["reviews.id"],
            name=op.f("fk_review_topics_review_id_reviews"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("review_id", "topic", name=op.f("pk_review_topics")),
    )
    op.create_index("ix_review_topics_topic", "review_topics", ["topic", "negative"])


def downgrade() -> None:
    # Forward only: restore the backup that `seo-monitor db upgrade` made instead.
    raise NotImplementedError("seo-monitor migrations are forward only")
