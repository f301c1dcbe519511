"""`pathfinder samples`: our own sample listings (`load`), and synthetic ones for scale tests."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from app.cli.context import Context, pass_ctx, stop_on_terminate
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


@samples.command("synthetic")
@click.option("--jobs", "jobs", type=click.IntRange(0, 1_000_000), default=0, show_default=True)
@click.option("--funding", type=click.IntRange(0, 1_000_000), default=0, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same records.")
@click.option("--remove", is_flag=True, help="Delete every synthetic listing instead.")
@click.option("--no-classify", is_flag=True, help="Leave the new jobs unclassified.")
@pass_ctx
def samples_synthetic(
    ctx: Context, jobs: int, funding: int, seed: int, remove: bool, no_classify: bool
) -> None:
    """Store N realistic synthetic jobs and funding opportunities, for scale tests.

    They are built from the sample listings and the catalog, flagged as samples (source
    "synthetic"), and stored through the normal ingest path; the same seed on the same day
    stores nothing new. `--remove` deletes them all again.
    """
    from app.services.ingest import synthetic

    with ctx.session() as session:
        if remove:
            removed_jobs, removed_funding = synthetic.remove_synthetic(session)
            click.echo(
                f"Removed {removed_jobs:,} synthetic jobs and "
                f"{removed_funding:,} synthetic funding opportunities."
            )
            return
    if not jobs and not funding:
        raise click.UsageError("give --jobs N and/or --funding N (or --remove)")
    data_dir = Path(str(ctx.app.config["DATA_DIR"]))
    with (
        click.progressbar(
            length=jobs + funding, label="Storing synthetic listings", file=sys.stderr
        ) as bar,
        stop_on_terminate(),
    ):
        results = synthetic.load_synthetic(
            ctx.session_factory,
            data_dir,
            jobs=jobs,
            funding=funding,
            seed=seed,
            on_record=lambda _record: bar.update(1),
        )
    failed = False
    for kind, result in results.items():
        click.echo(f"synthetic {kind}: {result.counts.summary()}")
        if result.error:
            click.echo(f"  FAILED: {result.error}")
            failed = True
    with ctx.session() as session:
        stored_jobs, stored_funding = synthetic.count_synthetic(session)
    click.echo(
        f"Stored: {stored_jobs:,} synthetic jobs, {stored_funding:,} synthetic opportunities."
    )
    if jobs and not no_classify and not failed:
        classify_new_jobs(ctx)
    if failed:
        raise SystemExit(1)
