"""where a scan's centre comes from: the profile's pin, Google Places or config

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("locations") as batch:
        batch.add_column(
            sa.Column("service_area", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("places_latitude", sa.Float(), nullable=True))
        batch.add_column(sa.Column("places_longitude", sa.Float(), nullable=True))
        batch.add_column(sa.Column("places_located_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("rank_scans") as batch:
        batch.add_column(sa.Column("center_source", sa.String(length=20), nullable=True))
        batch.alter_column("center_lat", existing_type=sa.Float(), nullable=True)
        batch.alter_column("center_lng", existing_type=sa.Float(), nullable=True)


def downgrade() -> None:
    # Forward only: restore the backup that `seo-monitor db upgrade` made instead.
    raise NotImplementedError("seo-monitor migrations are forward only")
