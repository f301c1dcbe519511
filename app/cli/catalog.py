"""`pathfinder catalog`: validate, load, export the reference catalog; import the NICE workbook."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from app.cli.context import Context, pass_ctx


@click.group()
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
