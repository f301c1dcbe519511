"""listing fingerprints for cross-source duplicates

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 00:26:54.806217
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("funding_opportunities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fingerprint", sa.String(length=64), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_funding_opportunities_fingerprint"), ["fingerprint"], unique=False
        )

    with op.batch_alter_table("job_listings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fingerprint", sa.String(length=64), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_job_listings_fingerprint"), ["fingerprint"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("job_listings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_job_listings_fingerprint"))
        batch_op.drop_column("fingerprint")

    with op.batch_alter_table("funding_opportunities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_funding_opportunities_fingerprint"))
        batch_op.drop_column("fingerprint")
