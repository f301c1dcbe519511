"""initial schema: catalog, listings, accounts, operations

Revision ID: 0001
Revises:
Create Date: 2026-11-22 00:18:25.719962
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "agencies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("department", sa.String(length=255), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agencies")),
        sa.UniqueConstraint("code", name=op.f("uq_agencies_code")),
    )
    op.create_table(
        "funding_opportunities",
        sa.Column("number", sa.String(length=128), nullable=True),
        sa.Column("agency_code", sa.String(length=64), nullable=True),
        sa.Column("agency", sa.String(length=255), nullable=True),
        sa.Column("assistance_listings", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "forecasted",
                "posted",
                "closed",
                "archived",
                name="opportunity_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("open_date", sa.Date(), nullable=True),
        sa.Column("close_date", sa.Date(), nullable=True),
        sa.Column("close_date_note", sa.Text(), nullable=True),
        sa.Column("archive_date", sa.Date(), nullable=True),
        sa.Column("award_ceiling", sa.Float(), nullable=True),
        sa.Column("award_floor", sa.Float(), nullable=True),
        sa.Column("total_funding", sa.Float(), nullable=True),
        sa.Column("expected_awards", sa.Integer(), nullable=True),
        sa.Column("eligible_applicants", sa.JSON(), nullable=False),
        sa.Column("eligibility_note", sa.Text(), nullable=True),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("funding_instruments", sa.JSON(), nullable=False),
        sa.Column("cost_sharing", sa.Boolean(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("duplicate_of_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("source_id", sa.String(length=128), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=True),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("raw", sa.JSON(), nullable=True),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["duplicate_of_id"],
            ["funding_opportunities.id"],
            name=op.f("fk_funding_opportunities_duplicate_of_id_funding_opportunities"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_funding_opportunities")),
        sa.UniqueConstraint(
            "source", "source_id", name=op.f("uq_funding_opportunities_source_source_id")
        ),
    )
    with op.batch_alter_table("funding_opportunities", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_funding_opportunities_number"), ["number"], unique=False
        )
        batch_op.create_index(
            "ix_funding_opportunities_status_close_date", ["status", "close_date"], unique=False
        )

    op.create_table(
        "funding_programs",
        sa.Column("aln", sa.String(length=8), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("short_name", sa.String(length=64), nullable=True),
        sa.Column("agency", sa.String(length=255), nullable=False),
        sa.Column("sub_agency", sa.String(length=255), nullable=True),
        sa.Column("assistance_types", sa.JSON(), nullable=False),
        sa.Column("eligible_applicants", sa.JSON(), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("tier", sa.String(length=1), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("cyber_ai_use", sa.Text(), nullable=False),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.PrimaryKeyConstraint("aln", name=op.f("pk_funding_programs")),
    )
    op.create_table(
        "hiring_pathways",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("authority", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "active",
                "ended",
                "uncertain",
                name="pathway_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("status_note", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("eligibility", sa.JSON(), nullable=False),
        sa.Column("eligibility_text", sa.Text(), nullable=False),
        sa.Column("pay_plan", sa.String(length=8), nullable=True),
        sa.Column("grade_low", sa.Integer(), nullable=True),
        sa.Column("grade_high", sa.Integer(), nullable=True),
        sa.Column("pay_note", sa.Text(), nullable=False),
        sa.Column("term", sa.Text(), nullable=False),
        sa.Column("conversion", sa.Text(), nullable=False),
        sa.Column("usajobs_hiring_paths", sa.JSON(), nullable=False),
        sa.Column("series", sa.JSON(), nullable=False),
        sa.Column("official_page", sa.String(length=500), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hiring_pathways")),
    )
    op.create_table(
        "job_series",
        sa.Column("series", sa.String(length=4), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("pay_plan", sa.String(length=8), nullable=True),
        sa.Column("relevance", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("series", name=op.f("pk_job_series")),
    )
    op.create_table(
        "nice_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("work_roles", sa.Integer(), nullable=False),
        sa.Column("statements", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nice_imports")),
    )
    op.create_table(
        "scrape_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "running",
                "succeeded",
                "failed",
                name="run_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("new", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("closed", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scrape_runs")),
    )
    with op.batch_alter_table("scrape_runs", schema=None) as batch_op:
        batch_op.create_index(
            "ix_scrape_runs_source_started_at", ["source", "started_at"], unique=False
        )

    op.create_table(
        "skills",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "tool",
                "platform",
                "language",
                "technique",
                "domain",
                "framework",
                "certification",
                "clearance",
                name="skill_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_skills")),
    )
    op.create_table(
        "tks_statements",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "task",
                "knowledge",
                "skill",
                name="statement_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("catalog_version", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tks_statements")),
    )
    op.create_table(
        "work_role_categories",
        sa.Column("id", sa.String(length=4), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_role_categories")),
    )
    op.create_table(
        "certifications",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("acronym", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("vendor", sa.String(length=255), nullable=False),
        sa.Column("skill_id", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["skill_id"],
            ["skills.id"],
            name=op.f("fk_certifications_skill_id_skills"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certifications")),
    )
    op.create_table(
        "skill_aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("skill_id", sa.String(length=64), nullable=False),
        sa.Column("alias", sa.String(length=200), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "alias",
                "misspelling",
                name="alias_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("case_sensitive", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["skill_id"],
            ["skills.id"],
            name=op.f("fk_skill_aliases_skill_id_skills"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_skill_aliases")),
        sa.UniqueConstraint("skill_id", "alias", name=op.f("uq_skill_aliases_skill_id_alias")),
    )
    with op.batch_alter_table("skill_aliases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_skill_aliases_skill_id"), ["skill_id"], unique=False)

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("organization", sa.String(length=255), nullable=True),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agencies.id"],
            name=op.f("fk_users_agency_id_agencies"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    op.create_table(
        "work_roles",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("category_id", sa.String(length=4), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("official_description", sa.Text(), nullable=True),
        sa.Column("catalog_version", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["work_role_categories.id"],
            name=op.f("fk_work_roles_category_id_work_role_categories"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_roles")),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=320), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("entity_type", sa.String(length=64), nullable=False),
        sa.Column("entity_id", sa.String(length=128), nullable=True),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_audit_log_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_at"), ["at"], unique=False)
        batch_op.create_index("ix_audit_log_entity", ["entity_type", "entity_id"], unique=False)

    op.create_table(
        "certification_work_roles",
        sa.Column("certification_id", sa.String(length=64), nullable=False),
        sa.Column("work_role_id", sa.String(length=16), nullable=False),
        sa.Column("dcwf_code", sa.String(length=3), nullable=True),
        sa.Column(
            "proficiency",
            sa.Enum(
                "basic",
                "intermediate",
                "advanced",
                name="proficiency",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.ForeignKeyConstraint(
            ["certification_id"],
            ["certifications.id"],
            name=op.f("fk_certification_work_roles_certification_id_certifications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["work_role_id"],
            ["work_roles.id"],
            name=op.f("fk_certification_work_roles_work_role_id_work_roles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "certification_id", "work_role_id", name=op.f("pk_certification_work_roles")
        ),
    )
    with op.batch_alter_table("certification_work_roles", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_certification_work_roles_work_role_id"), ["work_role_id"], unique=False
        )

    op.create_table(
        "job_listings",
        sa.Column("announcement_number", sa.String(length=128), nullable=True),
        sa.Column("organization", sa.String(length=255), nullable=True),
        sa.Column("department", sa.String(length=255), nullable=True),
        sa.Column("agency_code", sa.String(length=32), nullable=True),
        sa.Column("series", sa.JSON(), nullable=False),
        sa.Column("pay_plan", sa.String(length=8), nullable=True),
        sa.Column("grade_low", sa.Integer(), nullable=True),
        sa.Column("grade_high", sa.Integer(), nullable=True),
        sa.Column("salary_min", sa.Float(), nullable=True),
        sa.Column("salary_max", sa.Float(), nullable=True),
        sa.Column("salary_interval", sa.String(length=32), nullable=True),
        sa.Column("locations", sa.JSON(), nullable=False),
        sa.Column("remote", sa.Boolean(), nullable=True),
        sa.Column("telework", sa.Boolean(), nullable=True),
        sa.Column("clearance", sa.String(length=128), nullable=True),
        sa.Column("hiring_paths", sa.JSON(), nullable=False),
        sa.Column("open_date", sa.Date(), nullable=True),
        sa.Column("close_date", sa.Date(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "closed",
                name="job_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("duplicate_of_id", sa.Integer(), nullable=True),
        sa.Column("posted_by_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("source_id", sa.String(length=128), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=True),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("raw", sa.JSON(), nullable=True),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["duplicate_of_id"],
            ["job_listings.id"],
            name=op.f("fk_job_listings_duplicate_of_id_job_listings"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["posted_by_id"],
            ["users.id"],
            name=op.f("fk_job_listings_posted_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_listings")),
        sa.UniqueConstraint("source", "source_id", name=op.f("uq_job_listings_source_source_id")),
    )
    with op.batch_alter_table("job_listings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_job_listings_agency_code"), ["agency_code"], unique=False
        )
        batch_op.create_index(
            "ix_job_listings_status_close_date", ["status", "close_date"], unique=False
        )

    op.create_table(
        "pathway_work_roles",
        sa.Column("pathway_id", sa.String(length=64), nullable=False),
        sa.Column("work_role_id", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["pathway_id"],
            ["hiring_pathways.id"],
            name=op.f("fk_pathway_work_roles_pathway_id_hiring_pathways"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["work_role_id"],
            ["work_roles.id"],
            name=op.f("fk_pathway_work_roles_work_role_id_work_roles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pathway_id", "work_role_id", name=op.f("pk_pathway_work_roles")),
    )
    op.create_table(
        "user_roles",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "opm_staff",
                "agency_poster",
                "program_office",
                "admin",
                name="user_role",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_roles_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "role", name=op.f("pk_user_roles")),
    )
    op.create_table(
        "work_role_opm_codes",
        sa.Column("work_role_id", sa.String(length=16), nullable=False),
        sa.Column("code", sa.String(length=3), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["work_role_id"],
            ["work_roles.id"],
            name=op.f("fk_work_role_opm_codes_work_role_id_work_roles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("work_role_id", "code", name=op.f("pk_work_role_opm_codes")),
    )
    with op.batch_alter_table("work_role_opm_codes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_work_role_opm_codes_code"), ["code"], unique=False)

    op.create_table(
        "work_role_skills",
        sa.Column("work_role_id", sa.String(length=16), nullable=False),
        sa.Column("skill_id", sa.String(length=64), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["skill_id"],
            ["skills.id"],
            name=op.f("fk_work_role_skills_skill_id_skills"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["work_role_id"],
            ["work_roles.id"],
            name=op.f("fk_work_role_skills_work_role_id_work_roles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("work_role_id", "skill_id", name=op.f("pk_work_role_skills")),
    )
    with op.batch_alter_table("work_role_skills", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_work_role_skills_skill_id"), ["skill_id"], unique=False
        )

    op.create_table(
        "work_role_statements",
        sa.Column("work_role_id", sa.String(length=16), nullable=False),
        sa.Column("statement_id", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["tks_statements.id"],
            name=op.f("fk_work_role_statements_statement_id_tks_statements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["work_role_id"],
            ["work_roles.id"],
            name=op.f("fk_work_role_statements_work_role_id_work_roles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "work_role_id", "statement_id", name=op.f("pk_work_role_statements")
        ),
    )
    op.create_table(
        "job_role_classifications",
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("work_role_id", sa.String(length=16), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column(
            "source",
            sa.Enum(
                "model",
                "staff",
                name="classification_source",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["job_listings.id"],
            name=op.f("fk_job_role_classifications_job_id_job_listings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"],
            ["users.id"],
            name=op.f("fk_job_role_classifications_reviewed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["work_role_id"],
            ["work_roles.id"],
            name=op.f("fk_job_role_classifications_work_role_id_work_roles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("job_id", "work_role_id", name=op.f("pk_job_role_classifications")),
    )
    with op.batch_alter_table("job_role_classifications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_job_role_classifications_work_role_id"), ["work_role_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("job_role_classifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_job_role_classifications_work_role_id"))

    op.drop_table("job_role_classifications")
    op.drop_table("work_role_statements")
    with op.batch_alter_table("work_role_skills", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_work_role_skills_skill_id"))

    op.drop_table("work_role_skills")
    with op.batch_alter_table("work_role_opm_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_work_role_opm_codes_code"))

    op.drop_table("work_role_opm_codes")
    op.drop_table("user_roles")
    op.drop_table("pathway_work_roles")
    with op.batch_alter_table("job_listings", schema=None) as batch_op:
        batch_op.drop_index("ix_job_listings_status_close_date")
        batch_op.drop_index(batch_op.f("ix_job_listings_agency_code"))

    op.drop_table("job_listings")
    with op.batch_alter_table("certification_work_roles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_certification_work_roles_work_role_id"))

    op.drop_table("certification_work_roles")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_entity")
        batch_op.drop_index(batch_op.f("ix_audit_log_at"))

    op.drop_table("audit_log")
    op.drop_table("work_roles")
    op.drop_table("users")
    with op.batch_alter_table("skill_aliases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_skill_aliases_skill_id"))

    op.drop_table("skill_aliases")
    op.drop_table("certifications")
    op.drop_table("work_role_categories")
    op.drop_table("tks_statements")
    op.drop_table("skills")
    with op.batch_alter_table("scrape_runs", schema=None) as batch_op:
        batch_op.drop_index("ix_scrape_runs_source_started_at")

    op.drop_table("scrape_runs")
    op.drop_table("nice_imports")
    op.drop_table("job_series")
    op.drop_table("hiring_pathways")
    op.drop_table("funding_programs")
    with op.batch_alter_table("funding_opportunities", schema=None) as batch_op:
        batch_op.drop_index("ix_funding_opportunities_status_close_date")
        batch_op.drop_index(batch_op.f("ix_funding_opportunities_number"))

    op.drop_table("funding_opportunities")
    op.drop_table("agencies")
