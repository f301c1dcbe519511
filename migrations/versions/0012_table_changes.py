"""table changes: the database records each write to a listings table, for cheap cache stamps

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 16:10:00.000000

Caches of what the listings give (filter choices, the fitted job index and funding ranker,
counts) used to stamp a table with aggregates over all its rows, which grew with the table
(0.6 s for 50,000 funding opportunities). Triggers now add a row to `table_changes` for every
write, and a stamp is an index lookup there (`app.services.table_changes`).

- PostgreSQL: one row per statement that changed something other than the table's
  bookkeeping columns (when a listing was last seen, whether its roles were classified),
  found by comparing the statement's transition tables; statements that change nothing
  record nothing.
- SQLite (the small first-run database): one row per row written, bookkeeping included.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Table -> columns whose change alone is bookkeeping, not a change of what caches show.
WATCHED = {
    "job_listings": ("last_seen_at", "classified_hash"),
    "funding_opportunities": ("last_seen_at",),
    "job_role_classifications": ("updated_at",),
}

# Transition tables let the function see what the statement wrote (one event per trigger).
REFERENCING = {
    "INSERT": "NEW TABLE AS new_rows",
    "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "DELETE": "OLD TABLE AS old_rows",
}

RECORD_CHANGE = """
CREATE FUNCTION record_table_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ignored text[] := TG_ARGV;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF NOT EXISTS (
            SELECT to_jsonb(n) - ignored FROM new_rows n
            EXCEPT ALL
            SELECT to_jsonb(o) - ignored FROM old_rows o
        ) THEN
            RETURN NULL;
        END IF;
    ELSIF TG_OP = 'INSERT' THEN
        IF NOT EXISTS (SELECT 1 FROM new_rows) THEN
            RETURN NULL;
        END IF;
    ELSIF NOT EXISTS (SELECT 1 FROM old_rows) THEN
        RETURN NULL;
    END IF;
    INSERT INTO table_changes (table_name, changed_at) VALUES (TG_TABLE_NAME, now());
    RETURN NULL;
END
$$
"""


def upgrade() -> None:
    op.create_table(
        "table_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column(
            "changed_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_table_changes")),
    )
    op.create_index(
        "ix_table_changes_table_name_id", "table_changes", ["table_name", "id"], unique=False
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(RECORD_CHANGE)
        for table, ignored in WATCHED.items():
            arguments = ", ".join(f"'{column}'" for column in ignored)
            for event, referencing in REFERENCING.items():
                op.execute(
                    f"CREATE TRIGGER {table}_{event.lower()}_recorded AFTER {event} ON {table}"
                    f" REFERENCING {referencing}"
                    f" FOR EACH STATEMENT EXECUTE FUNCTION record_table_change({arguments})"
                )
    else:
        for table in WATCHED:
            for event in REFERENCING:
                op.execute(
                    f"CREATE TRIGGER {table}_{event.lower()}_recorded AFTER {event} ON {table}"
                    f" BEGIN INSERT INTO table_changes (table_name) VALUES ('{table}'); END"
                )
    # The first stamp of each table: caches fitted before this migration are not reused.
    for table in WATCHED:
        op.execute(f"INSERT INTO table_changes (table_name) VALUES ('{table}')")


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table in WATCHED:
        for event in REFERENCING:
            on_table = f" ON {table}" if postgresql else ""
            op.execute(f"DROP TRIGGER IF EXISTS {table}_{event.lower()}_recorded{on_table}")
    if postgresql:
        op.execute("DROP FUNCTION IF EXISTS record_table_change()")
    op.drop_index("ix_table_changes_table_name_id", table_name="table_changes")
    op.drop_table("table_changes")
