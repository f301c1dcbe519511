"""`pathfinder samples load`: our own sample listings, for a first run without API keys."""

from __future__ import annotations

from pathlib import Path

import click

from app.cli.context import Context, pass_ctx
from app.cli.role_model import classify_new_jobs


@click.group()
def samples() -> None:
    """Our own sample listings, for a first run without API keys."""


@samples.command("load")
@pass_ctx
def samples_load(ctx: Context) -> None:
    """Load every sample listing file in data/samples/, flagged as samples."""
    from app.services.ingest.samples import load_samples

    with ctx.session():
        pass  # checks the database is migrated
    results = load_samples(ctx.session_factory, Path(str(ctx.app.config["DATA_DIR"])) / "samples")
    if not results:
        click.echo("No sample listing files found.")
    failed = False
    for name, result in results.items():
        click.echo(f"{name}: {result.summary()}")
        failed = failed or result.error is not None
    if results:
        classify_new_jobs(ctx)
    if failed:
        raise SystemExit(1)
