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
@click.option("--force", is_flag=True, help="Replace staff edits that differ from the files.")
@pass_ctx
def catalog_load(ctx: Context, data_dir: Path | None, force: bool) -> None:
    """Load the data files, idempotently; a malformed file changes nothing.

    Entries OPM staff edited are kept as they left them when the files differ (the command
    names them); --force replaces them with the files' version.
    """
    from app.catalog.loader import load_catalog_into
    from app.catalog.schema import CatalogError

    try:
        with ctx.session() as session:
            report = load_catalog_into(session, _data_dir(ctx, data_dir), force=force)
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
    _say_staff_edits(report.kept, report.replaced)


def _say_staff_edits(kept: list[tuple[str, str]], replaced: list[tuple[str, str]]) -> None:
    def names(keys: list[tuple[str, str]]) -> str:
        return ", ".join(f"{kind.replace('_', ' ')} {ident}" for kind, ident in keys)

    if kept:
        click.echo(
            f"Kept {len(kept)} staff edit{'s' if len(kept) != 1 else ''} that differ from the "
            f"files: {names(kept)}. Export them with `pathfinder catalog export --yaml DIR` to "
            "review and commit them, or load with --force to replace them."
        )
    if replaced:
        click.echo(f"Replaced {len(replaced)} staff edit(s) with the files: {names(replaced)}.")


@catalog.command("export")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary of the catalog.")
@click.option(
    "--yaml",
    "yaml_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Write the catalog as data/ files into this folder (data/ itself to update it).",
)
@pass_ctx
def catalog_export(ctx: Context, as_json: bool, yaml_dir: Path | None) -> None:
    """Print the loaded catalog, or write it in data/'s format (--yaml DIR)."""
    if yaml_dir is not None:
        from app.catalog.yaml_export import export_yaml

        template = _data_dir(ctx, None)
        with ctx.session() as session:
            written = export_yaml(session, yaml_dir, template)
        for path in written:
            click.echo(f"wrote {path}")
        click.echo(f"Exported the catalog as {len(written)} files in the format of {template}.")
        return
    from app.catalog.export import export_catalog

    with ctx.session() as session:
        data = export_catalog(session)
    json.dump(data, sys.stdout, indent=2 if not as_json else None, ensure_ascii=False)
    sys.stdout.write("\n")


@catalog.command("import-nice")
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Apply without asking (the diff is still printed).")
@click.option("--dry-run", is_flag=True, help="Only print what would change.")
@pass_ctx
def catalog_import_nice(ctx: Context, file: Path, yes: bool, dry_run: bool) -> None:
    """Import the official NICE Framework Components workbook (.xlsx), diff first."""
    from app.catalog.nice_diff import diff_workbook
    from app.catalog.nice_import import NiceImportError, import_workbook, parse_workbook

    try:
        parsed = parse_workbook(file)
        with ctx.session() as session:
            diff = diff_workbook(session, parsed)
    except NiceImportError as exc:
        raise click.ClickException(str(exc)) from None
    for line in diff.summary_lines():
        click.echo(line)
    if not diff.changes_anything:
        click.echo(f"No changes: the database already matches {file.name}.")
        return
    if dry_run:
        click.echo("Dry run: nothing was applied.")
        return
    if not yes:
        click.confirm(f"Apply {file.name} to the database?", abort=True)
    try:
        with ctx.session() as session:
            report = import_workbook(session, file)
    except NiceImportError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"Applied {report.version}: {report.work_roles} work roles, {report.statements} "
        f"statements ({report.created_roles} roles created, {report.updated_roles} updated, "
        f"{report.new_statements} statements new, {report.changed_statements} changed)."
    )
