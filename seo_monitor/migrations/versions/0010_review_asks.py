"""review requests by email: the visits and their asks, and suppressed addresses

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "review_asks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("patient_key", sa.String(length=64), nullable=False),
        sa.Column("email_key", sa.String(length=64), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("first_name", sa.String(length=100), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("visit_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=80), nullable=True),
        sa.Column("asked_at", WHEN, nullable=True),
        sa.Column("imported_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["locations.id"],
            name=op.f("fk_review_asks_location_id_locations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_asks")),
        sa.UniqueConstraint(
            "patient_key",
            "location_id",
            "visit_date",
            name=op.f("uq_review_asks_patient_key_location_id_visit_date"),
        ),
    )
    op.create_index("ix_review_asks_status_visit", "review_asks", ["status", "visit_date"])
    op.create_table(
        "suppressions",
        sa.Column("email_key", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("email_key", name=op.f("pk_suppressions")),
    )


def downgrade() -> None:
    # Forward only: restore the backup that `seo-monitor db upgrade` made instead.
    raise NotImplementedError("seo-monitor migrations are forward only")
