"""`pathfinder`: the operator's command line (database, catalog, samples, accounts, server)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from flask import Flask
from sqlalchemy.orm import Session

from app import create_app, migrate
from app.config import ConfigError


class Context:
    """Builds the application once, on first use, so `--help` needs no database."""

    def __init__(self) -> None:
        self._app: Flask | None = None

    @property
    def app(self) -> Flask:
        if self._app is None:
            try:
                self._app = create_app()
            except ConfigError as exc:
                raise click.ClickException(str(exc)) from None
        return self._app

    @property
    def database_url(self) -> str:
        return str(self.app.config["DATABASE_URL"])

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work on a migrated database: committed on success, rolled back on error."""
        from app.db import session_scope
        from app.extensions import get_database

        revision = migrate.current(self.database_url)
        if revision not in migrate.heads(self.database_url):
            raise click.ClickException(
                "the database is not at the latest migration; run `pathfinder db upgrade` first"
            )
        with self.app.app_context(), session_scope(get_database(self.app).session_factory) as s:
            yield s


pass_ctx = click.make_pass_decorator(Context, ensure=True)


@click.group()
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Pathfinder: federal cyber hiring pathways and AI-cybersecurity funding, matched.

    Settings come from the environment (DATABASE_URL, SECRET_KEY, PATHFINDER_ENV, ...).
    """
    ctx.ensure_object(Context)


# --- database ---------------------------------------------------------------------------


@cli.group()
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


# --- catalog ----------------------------------------------------------------------------


@cli.group()
def catalog() -> None:
    """The reference catalog in data/: work roles, skills, pathways, funding programs."""


def _data_dir(ctx: Context, data_dir: Path | None) -> Path:
    return data_dir or Path(str(ctx.app.config["DATA_DIR"]))


@catalog.command("validate")
@click.option("--data-dir", type=click.Path(path_type=Path, file_okay=False), default=None)
@pass_ctx
def catalog_validate(ctx: Context, data_dir: Path | None) -> None:
    """Check the data files without touching the database."""
    from app.catalog.schema import CatalogError, load_catalog

    try:
        counts = load_catalog(_data_dir(ctx, data_dir)).counts()
    except CatalogError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo("Catalog is valid: " + ", ".join(f"{v} {k}" for k, v in counts.items()))


@catalog.command("load")
@click.option("--data-dir", type=click.Path(path_type=Path, file_okay=False), default=None)
@pass_ctx
def catalog_load(ctx: Context, data_dir: Path | None) -> None:
    """Load the data files, idempotently; a malformed file changes nothing."""
    from app.catalog.loader import load_catalog_into
    from app.catalog.schema import CatalogError

    try:
        with ctx.session() as session:
            report = load_catalog_into(session, _data_dir(ctx, data_dir))
    except CatalogError as exc:
        raise click.ClickException(f"catalog not loaded: {exc}") from None
    click.echo(
        "Catalog: " + ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in report.counts.items())
    )
    if report.changed:
        parts = [
            f"{label} {sum(counter.values())}"
            for label, counter in (
                ("created", report.created),
                ("updated", report.updated),
                ("deleted", report.deleted),
            )
        ]
        click.echo("Changes: " + ", ".join(parts))
    else:
        click.echo("No changes: the database already matches the data files.")


@catalog.command("export")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (the only format for now).")
@pass_ctx
def catalog_export(ctx: Context, as_json: bool) -> None:
    """Print the loaded catalog."""
    from app.catalog.export import export_catalog

    with ctx.session() as session:
        data = export_catalog(session)
    json.dump(data, sys.stdout, indent=2 if not as_json else None, ensure_ascii=False)
    sys.stdout.write("\n")


@catalog.command("import-nice")
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@pass_ctx
def catalog_import_nice(ctx: Context, file: Path) -> None:
    """Import the official NICE Framework Components workbook (.xlsx)."""
    from app.catalog.nice_import import NiceImportError, import_workbook

    try:
        with ctx.session() as session:
            report = import_workbook(session, file)
    except NiceImportError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"{report.version}: {report.work_roles} work roles, {report.statements} statements "
        f"({report.created_roles} roles created, {report.updated_roles} updated, "
        f"{report.new_statements} statements new, {report.changed_statements} changed)."
    )


# --- sample listings --------------------------------------------------------------------


@cli.group()
def samples() -> None:
    """Our own sample listings, for a first run without API keys."""


@samples.command("load")
@pass_ctx
def samples_load(ctx: Context) -> None:
    """Load every sample listing file in data/samples/ (none is an empty, valid state)."""
    from app.services.samples import load_samples

    with ctx.session() as session:
        loaded = load_samples(session, Path(str(ctx.app.config["DATA_DIR"])) / "samples")
    if not loaded:
        click.echo("No sample listing files found.")
    for name, summary in loaded.items():
        click.echo(f"{name}: {summary}")


# --- accounts ---------------------------------------------------------------------------


@cli.group()
def users() -> None:
    """Accounts for OPM staff, agency posters, program offices and admins."""


@users.command("create")
@click.option("--email", required=True)
@click.option("--name", "display_name", required=True)
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=click.Choice(["opm_staff", "agency_poster", "program_office", "admin"]),
)
@click.password_option()
@pass_ctx
def users_create(
    ctx: Context, email: str, display_name: str, roles: tuple[str, ...], password: str
) -> None:
    """Create an account (the password is hashed, never stored)."""
    from app.services.accounts import AccountError, create_user

    try:
        with ctx.session() as session:
            user = create_user(session, email, display_name, password, list(roles))
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Created {user.email} ({', '.join(roles)}).")


# --- server -----------------------------------------------------------------------------


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@pass_ctx
def serve(ctx: Context, host: str, port: int) -> None:
    """Serve the site with Flask's server (production: any WSGI server on app:create_app())."""
    ctx.app.run(host=host, port=port, debug=False)


def main() -> None:  # pragma: no cover - console entry point
    cli()
