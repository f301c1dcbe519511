"""Job seekers' data lifecycle: `pathfinder purge`."""

from __future__ import annotations

from datetime import date

import click

from app.cli.context import Context, pass_ctx


@click.command()
@pass_ctx
def purge(ctx: Context) -> None:
    """Delete job seekers' uploads, extracted text and results past their retention period.

    Run it from cron (hourly is plenty); the site also purges when it starts. Being the
    scheduled job, it also closes agencies' openings past their closing date, deletes NICE
    workbooks staff uploaded more than a week ago and compacts the listings' change log
    (`app.services.table_changes`).
    """
    from app.catalog.nice_diff import PENDING_DAYS, purge_uploads
    from app.cli.agency import closed_summary
    from app.services import table_changes
    from app.services.agency.openings import close_expired
    from app.services.seekers.purge import purge_expired

    with ctx.session() as session:
        count = purge_expired(session, retention_hours=ctx.app.config["MATCH_RETENTION_HOURS"])
    with ctx.session() as session:
        closed = close_expired(session, date.today())
    with ctx.session() as session:
        workbooks = purge_uploads(session)
    with ctx.session() as session:
        compacted = table_changes.compact(session)
    hours = ctx.app.config["MATCH_RETENTION_HOURS"]
    click.echo(
        f"Deleted {count} job-seeker match{'es' if count != 1 else ''} "
        f"older than their retention period ({hours} hours)."
    )
    click.echo(closed_summary(closed))
    click.echo(
        f"Deleted {workbooks} uploaded NICE workbook{'s' if workbooks != 1 else ''} "
        f"older than {PENDING_DAYS} days."
    )
    click.echo(f"Compacted the listings' change log ({compacted} older entries deleted).")
