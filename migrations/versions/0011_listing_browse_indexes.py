"""listing browse indexes: /jobs/ in its order, listings' stamps, trigram keyword search

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 12:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BROWSED = "status = 'open' AND duplicate_of_id IS NULL"
KEYWORD_COLUMNS = ("title", "description", "number", "agency")


def upgrade() -> None:
    op.create_index(
        "ix_job_listings_browse",
        "job_listings",
        ["close_date", "title", "id"],
        sqlite_where=sa.text(BROWSED),
        postgresql_where=sa.text(BROWSED),
    )
    for table in ("job_listings", "funding_opportunities"):
        for column in ("last_seen_at", "closed_at"):
            op.create_index(f"ix_{table}_{column}", table, [column])
    if op.get_bind().dialect.name != "postgresql":
        return
    # Trigram indexes serve `lower(column) LIKE '%word%'`, funding keyword search, from an
    # index; pg_trgm ships with PostgreSQL and is a trusted extension (PostgreSQL 13+). It
    # belongs to the database, not to this schema: installed in public unless it already is
    # somewhere, and its operator class named with the schema it is in, so a schema of our
    # own (a test's, a tenant's) neither holds it nor needs it on its search path.
    schema = _trigram_schema()
    if schema is None:
        op.execute("CREATE EXTENSION pg_trgm SCHEMA public")
        schema = "public"
    for column in KEYWORD_COLUMNS:
        op.create_index(
            f"ix_funding_opportunities_{column}_trgm",
            "funding_opportunities",
            [sa.text(f'lower({column}) "{schema}".gin_trgm_ops')],
            postgresql_using="gin",
        )


def _trigram_schema() -> str | None:
    return op.get_bind().scalar(
        sa.text(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace"
            " WHERE e.extname = 'pg_trgm'"
        )
    )


def downgrade() -> None:
    for table in ("job_listings", "funding_opportunities"):
        for column in ("last_seen_at", "closed_at"):
            op.drop_index(f"ix_{table}_{column}", table_name=table)
    if op.get_bind().dialect.name == "postgresql":
        for column in KEYWORD_COLUMNS:
            op.drop_index(
                f"ix_funding_opportunities_{column}_trgm", table_name="funding_opportunities"
            )
    op.drop_index("ix_job_listings_browse", table_name="job_listings")
