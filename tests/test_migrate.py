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


def test_the_api_keys_migration_goes_down_and_up_again(scratch_database_url):
    migrate.upgrade(scratch_database_url, "0010")
    engine = make_engine(scratch_database_url)
    try:
        columns = {c["name"] for c in inspect(engine).get_columns("api_keys")}
        assert {"key_hash", "prefix", "rate_limit", "revoked_at", "last_used_at"} <= columns
        assert any(
            u["column_names"] == ["key_hash"]
            for u in inspect(engine).get_unique_constraints("api_keys")
        )
        migrate.downgrade(scratch_database_url, "0009")
        assert "api_keys" not in inspect(engine).get_table_names()
        assert "agency_openings" in inspect(engine).get_table_names()  # only its table went
        migrate.upgrade(scratch_database_url, "0010")
        assert "api_keys" in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_the_account_tokens_migration_goes_down_and_up_again(scratch_database_url):
    migrate.upgrade(scratch_database_url, "0013")
    engine = make_engine(scratch_database_url)
    try:
        assert "account_tokens" in inspect(engine).get_table_names()
        assert "email_verified_at" in {c["name"] for c in inspect(engine).get_columns("users")}
        migrate.downgrade(scratch_database_url, "0012")
        assert "account_tokens" not in inspect(engine).get_table_names()
        assert "email_verified_at" not in {c["name"] for c in inspect(engine).get_columns("users")}
        migrate.upgrade(scratch_database_url, "0013")
        assert "account_tokens" in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_models_and_migrations_agree(engine):
    """Autogenerate finds nothing to do: every model change has its migration."""
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
