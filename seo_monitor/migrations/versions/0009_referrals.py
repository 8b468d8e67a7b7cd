"""referral sources: referrers, their names, referrals and touches

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "referrers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("name_set_by_hand", sa.Boolean(), nullable=False),
        sa.Column("npi", sa.String(length=10), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("kind_set_by_hand", sa.Boolean(), nullable=False),
        sa.Column("generic", sa.Boolean(), nullable=False),
        sa.Column("nppes", JSON, nullable=True),
        sa.Column("merged_into", sa.Integer(), nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["merged_into"], ["referrers.id"], name=op.f("fk_referrers_merged_into_referrers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referrers")),
        sa.UniqueConstraint("npi", name=op.f("uq_referrers_npi")),
    )
    op.create_table(
        "referrer_names",
        sa.Column("name_key", sa.String(length=300), nullable=False),
        sa.Column("referrer_id", sa.Integer(), nullable=False),
        sa.Column("typo", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["referrer_id"],
            ["referrers.id"],
            name=op.f("fk_referrer_names_referrer_id_referrers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("name_key", name=op.f("pk_referrer_names")),
    )
    op.create_table(
        "referrals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("case_id", sa.String(length=100), nullable=False),
        sa.Column("referrer_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=True),
        sa.Column("referral_date", sa.Date(), nullable=False),
        sa.Column("first_visit_date", sa.Date(), nullable=True),
        sa.Column("patient_key", sa.String(length=64), nullable=True),
        sa.Column("imported_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["locations.id"],
            name=op.f("fk_referrals_location_id_locations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["referrer_id"], ["referrers.id"], name=op.f("fk_referrals_referrer_id_referrers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referrals")),
        sa.UniqueConstraint("source", "case_id", name=op.f("uq_referrals_source_case_id")),
    )
    op.create_index("ix_referrals_date", "referrals", ["referral_date"])
    op.create_index("ix_referrals_referrer_date", "referrals", ["referrer_id", "referral_date"])
    op.create_table(
        "referral_touches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referrer_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("actor", sa.String(length=100), nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["referrer_id"],
            ["referrers.id"],
            name=op.f("fk_referral_touches_referrer_id_referrers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral_touches")),
    )


def downgrade() -> None:
    # Forward only: restore the backup that `seo-monitor db upgrade` made instead.
    raise NotImplementedError("seo-monitor migrations are forward only")
