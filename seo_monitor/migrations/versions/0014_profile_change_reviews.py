"""profile change reviews: who marked a profile change as looked at, and when

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("profile_changes") as batch:
        batch.add_column(sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("reviewed_by", sa.String(length=100), nullable=True))


def downgrade() -> None:
    # Forward only: restore the backup that `seo-monitor db upgrade` made instead.
    raise NotImplementedError("seo-monitor migrations are forward only")
