"""Migrations: one head, reversible, and in step with the models, on SQLite and PostgreSQL."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from app import migrate
from app.db import make_engine
from app.models import Base


def test_there_is_a_single_alembic_head():
    assert len(migrate.heads()) == 1


def test_upgrade_downgrade_upgrade(scratch_database_url):
    migrate.upgrade(scratch_database_url)
    head = migrate.heads()[0]
    assert migrate.current(scratch_database_url) == head
    engine = make_engine(scratch_database_url)
    try:
        assert "work_roles" in inspect(engine).get_table_names()
        migrate.downgrade(scratch_database_url, "base")
        assert migrate.current(scratch_database_url) is None
        assert "work_roles" not in inspect(engine).get_table_names()
        migrate.upgrade(scratch_database_url)
        assert migrate.current(scratch_database_url) == head
    finally:
        engine.dispose()


def test_models_and_migrations_agree(engine):
    """Autogenerate finds nothing to do: every model change has its migration."""
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
