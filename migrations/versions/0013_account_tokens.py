"""account tokens: password reset and e-mail verification links; users.email_verified_at

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 21:20:00.000000

Reset and verification links are one-time tokens of which only the SHA-256 is stored, like
invitations. Accounts that exist already were invited or created by an operator, so they
count as verified from the moment of this migration.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "account_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "purpose",
            sa.Enum(
                "reset",
                "verify",
                name="account_token_purpose",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_account_tokens_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_account_tokens_token_hash")),
    )
    with op.batch_alter_table("account_tokens") as batch:
        batch.create_index(batch.f("ix_account_tokens_user_id"), ["user_id"], unique=False)
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("email_verified_at", sa.DateTime(timezone=True), nullable=True))
    users = sa.table("users", sa.column("email_verified_at", sa.DateTime(timezone=True)))
    op.execute(users.update().values(email_verified_at=sa.func.current_timestamp()))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("email_verified_at")
    with op.batch_alter_table("account_tokens") as batch:
        batch.drop_index(batch.f("ix_account_tokens_user_id"))
    op.drop_table("account_tokens")
