"""`pathfinder db`: the database schema (Alembic migrations)."""

from __future__ import annotations

import click

from app import migrate
from app.cli.context import Context, pass_ctx


@click.group()
def db() -> None:
    """Database schema (Alembic migrations)."""


@db.command("upgrade")
@click.argument("revision", default="head")
@pass_ctx
def db_upgrade(ctx: Context, revision: str) -> None:
    """Bring the database to REVISION (default: the latest)."""
    migrate.upgrade(ctx.database_url, revision)
    click.echo(f"Database at revision {migrate.current(ctx.database_url)}.")


@db.command("downgrade")
@click.argument("revision")
@pass_ctx
def db_downgrade(ctx: Context, revision: str) -> None:
    """Step the database back to REVISION ('base' empties it)."""
    migrate.downgrade(ctx.database_url, revision)
    click.echo(f"Database at revision {migrate.current(ctx.database_url) or 'base'}.")


@db.command("current")
@pass_ctx
def db_current(ctx: Context) -> None:
    """Print the database's current revision."""
    click.echo(migrate.current(ctx.database_url) or "base (empty)")
