"""remember the content a job's roles were classified from

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 00:49:41.384209
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("job_listings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("classified_hash", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("job_listings", schema=None) as batch_op:
        batch_op.drop_column("classified_hash")
