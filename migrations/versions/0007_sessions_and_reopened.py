"""sessions end everywhere (a per-user session version); runs count reopened jobs;
sign-in failures move to the rate limiter (Flask-Limiter), so login_attempts goes

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 19:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("session_version", sa.Integer(), server_default=sa.text("1"), nullable=False)
        )
    with op.batch_alter_table("scrape_runs") as batch:
        batch.add_column(
            sa.Column("reopened", sa.Integer(), server_default=sa.text("0"), nullable=False)
        )
    with op.batch_alter_table("login_attempts") as batch:
        batch.drop_index("ix_login_attempts_key_at")
    op.drop_table("login_attempts")


def downgrade() -> None:
    op.create_table(
        "login_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=400), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_attempts")),
    )
    with op.batch_alter_table("login_attempts") as batch:
        batch.create_index("ix_login_attempts_key_at", ["key", "at"], unique=False)
    with op.batch_alter_table("scrape_runs") as batch:
        batch.drop_column("reopened")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("session_version")
