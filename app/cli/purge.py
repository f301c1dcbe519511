"""Job seekers' data lifecycle: `pathfinder purge`."""

from __future__ import annotations

import click

from app.cli.context import Context, pass_ctx


@click.command()
@pass_ctx
def purge(ctx: Context) -> None:
    """Delete job seekers' uploads, extracted text and results past their retention period.

    Run it from cron (hourly is plenty); the site also purges when it starts.
    """
    from app.services.seekers.purge import purge_expired

    with ctx.session() as session:
        count = purge_expired(session, retention_hours=ctx.app.config["MATCH_RETENTION_HOURS"])
    hours = ctx.app.config["MATCH_RETENTION_HOURS"]
    click.echo(
        f"Deleted {count} job-seeker match{'es' if count != 1 else ''} "
        f"older than their retention period ({hours} hours)."
    )
