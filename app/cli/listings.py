"""`pathfinder scrape`, `ingest`, `listings`: gather listings, store saved payloads, print them."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from app.cli.context import Context, pass_ctx, stop_on_terminate
from app.cli.role_model import classify_new_jobs
from scrapers.files import KINDS
from scrapers.sources import REGISTRY

if TYPE_CHECKING:
    from app.services.ingest.store import RunResult


@click.command()
@click.argument("source", type=click.Choice([*REGISTRY, "all", "queued"]))
@click.option("--base-url", help="Point the source at another host (tests, mirrors).")
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Only what was posted since this date (default: since the last successful run).",
)
@pass_ctx
def scrape(ctx: Context, source: str, base_url: str | None, since: Any) -> None:
    """Gather listings from SOURCE (or all), politely and incrementally.

    `queued` runs the re-runs staff queued on the operations page, oldest first; any other
    run also takes the queued requests of the sources it runs.
    """
    from app.services.ingest.scrape import SOURCES, ScrapeSettings, scrape_source
    from app.services.staff import operations

    with ctx.session():
        pass  # checks the database is migrated
    settings = ScrapeSettings.from_config(ctx.app.config)

    def run_one(name: str) -> RunResult:
        with _progress(f"{name}") as tick, stop_on_terminate():
            result = scrape_source(
                ctx.session_factory,
                name,
                settings,
                base_url=base_url,
                since=since.date() if since else None,
                on_record=lambda _record: tick(),
            )
        click.echo(result.summary())
        for warning in result.warnings:
            click.echo(f"  warning: {warning}")
        return result

    if source == "queued":
        done = operations.run_queued(ctx.session_factory, run_one).runs
    else:
        sources = SOURCES if source == "all" else (source,)
        done = [operations.run_with_requests(ctx.session_factory, n, run_one) for n in sources]
    _queue_summary(source, done)
    if any(run.source == "usajobs" for run in done):
        classify_new_jobs(ctx)
    if any(run.result is None or run.result.error is not None for run in done):
        raise SystemExit(1)


def _queue_summary(source: str, done: list[Any]) -> None:
    """What happened to the queued requests: which runs took them, which wait."""
    if source == "queued" and not done:
        click.echo("No queued scrapes.")
        return
    for run in done:
        if not run.request_ids:
            continue
        count = len(run.request_ids)
        what = f"{count} queued request{'s' if count != 1 else ''} of {run.source}"
        if run.released:
            click.echo(f"  {what} left queued: the run did not start")
        else:
            click.echo(f"  {what} done by run {run.result.run_id}")
    if source == "queued":
        ran = sum(1 for run in done if not run.released)
        waiting = sum(1 for run in done if run.released)
        failed = sum(1 for run in done if not run.released and run.result.error)
        click.echo(
            f"Queued scrapes: {ran} run{'s' if ran != 1 else ''}, {failed} failed, "
            f"{waiting} left queued."
        )


@click.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--source",
    "kind",
    type=click.Choice(KINDS),
    help="The payload kind (detected from the content when omitted).",
)
@pass_ctx
def ingest(ctx: Context, file: Path, kind: str | None) -> None:
    """Store every record of a saved payload; a file it cannot read stores nothing."""
    from app.services.ingest.scrape import ingest_file

    with ctx.session():
        pass  # checks the database is migrated
    if not file.exists():
        raise click.ClickException(f"{file} does not exist")
    with stop_on_terminate():
        result = ingest_file(ctx.session_factory, file, kind)
    if result.error:
        message = result.error if file.name in result.error else f"{file.name}: {result.error}"
        raise click.ClickException(message)
    click.echo(f"{file.name}: {result.summary()}")
    for warning in result.warnings:
        click.echo(f"  warning: {warning}")
    counts = result.counts
    if result.source == "usajobs" and (counts.new or counts.updated or counts.reopened):
        classify_new_jobs(ctx)


@click.command()
@click.option("--kind", type=click.Choice(["jobs", "funding"]), required=True)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list (the default).")
@click.option("--all", "include_duplicates", is_flag=True, help="Include linked duplicates.")
@pass_ctx
def listings(ctx: Context, kind: str, as_json: bool, include_duplicates: bool) -> None:
    """Print stored listings as normalised records."""
    from app.services.listings import all_listings

    with ctx.session() as session:
        data = all_listings(session, kind, include_duplicates)
    json.dump(data, sys.stdout, ensure_ascii=False, indent=None if as_json else 1)
    sys.stdout.write("\n")


@contextmanager
def _progress(label: str) -> Iterator[Any]:
    """A progress counter on a terminal; silent when output is piped."""
    if not sys.stderr.isatty():
        yield lambda: None
        return
    count = 0

    def tick() -> None:
        nonlocal count
        count += 1
        if count % 25 == 0:
            click.echo(f"\r{label}: {count} records", nl=False, err=True)

    yield tick
    click.echo(f"\r{label}: {count} records", err=True)
