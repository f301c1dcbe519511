"""Job seekers' data lifecycle: `pathfinder purge`."""

from __future__ import annotations

import click


@click.command()
def purge() -> None:
    """Delete job seekers' uploads, extracted text and results past their retention period.

    Run it from cron (hourly is plenty); the site also purges when it starts.
    """
    from app.cli import Context
    from app.services.seekers.purge import purge_expired

    ctx = click.get_current_context().ensure_object(Context)
    with ctx.session() as session:
        count = purge_expired(session, retention_hours=ctx.app.config["MATCH_RETENTION_HOURS"])
    hours = ctx.app.config["MATCH_RETENTION_HOURS"]
    click.echo(
        f"Deleted {count} job-seeker match{'es' if count != 1 else ''} "
        f"older than their retention period ({hours} hours)."
    )
