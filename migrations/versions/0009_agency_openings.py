"""agency openings: drafts, published and closed openings, their versions; invitations' agency

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 23:12:47.423103
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "agency_openings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "published",
                "closed",
                "withdrawn",
                name="opening_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("announcement_number", sa.String(length=128), nullable=True),
        sa.Column("series", sa.JSON(), nullable=False),
        sa.Column("pay_plan", sa.String(length=8), nullable=True),
        sa.Column("grade_low", sa.Integer(), nullable=True),
        sa.Column("grade_high", sa.Integer(), nullable=True),
        sa.Column("salary_min", sa.Float(), nullable=True),
        sa.Column("salary_max", sa.Float(), nullable=True),
        sa.Column("locations", sa.JSON(), nullable=False),
        sa.Column("remote", sa.Boolean(), nullable=False),
        sa.Column("telework", sa.Boolean(), nullable=False),
        sa.Column("hiring_paths", sa.JSON(), nullable=False),
        sa.Column("who_may_apply", sa.Text(), nullable=True),
        sa.Column("clearance", sa.String(length=128), nullable=True),
        sa.Column("open_date", sa.Date(), nullable=True),
        sa.Column("close_date", sa.Date(), nullable=True),
        sa.Column("duties", sa.Text(), nullable=True),
        sa.Column("qualifications", sa.Text(), nullable=True),
        sa.Column("apply_url", sa.String(length=500), nullable=True),
        sa.Column("work_roles", sa.JSON(), nullable=False),
        sa.Column("opm_codes", sa.JSON(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_agency_openings_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_agency_openings_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["job_listings.id"],
            name=op.f("fk_agency_openings_job_id_job_listings"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency_openings")),
        sa.UniqueConstraint("job_id", name=op.f("uq_agency_openings_job_id")),
    )
    with op.batch_alter_table("agency_openings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agency_openings_agency_id"), ["agency_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_agency_openings_announcement_number"),
            ["announcement_number"],
            unique=False,
        )

    op.create_table(
        "agency_opening_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("opening_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=320), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["opening_id"],
            ["agency_openings.id"],
            name=op.f("fk_agency_opening_versions_opening_id_agency_openings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_agency_opening_versions_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency_opening_versions")),
        sa.UniqueConstraint(
            "opening_id", "number", name=op.f("uq_agency_opening_versions_opening_id_number")
        ),
    )
    with op.batch_alter_table("agency_opening_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agency_opening_versions_opening_id"), ["opening_id"], unique=False
        )

    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("agency_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_invitations_agency_id_agencies"),
            "agencies",
            ["agency_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:

    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_invitations_agency_id_agencies"), type_="foreignkey"
        )
        batch_op.drop_column("agency_id")

    with op.batch_alter_table("agency_opening_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agency_opening_versions_opening_id"))

    op.drop_table("agency_opening_versions")
    with op.batch_alter_table("agency_openings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agency_openings_announcement_number"))
        batch_op.drop_index(batch_op.f("ix_agency_openings_agency_id"))

    op.drop_table("agency_openings")
