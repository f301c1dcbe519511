"""Agencies' openings: `pathfinder agency close-expired` (also run by `pathfinder purge`)."""

from __future__ import annotations

from datetime import date

import click

from app.cli.context import Context, pass_ctx


@click.group()
def agency() -> None:
    """Openings agencies post in Pathfinder."""


def closed_summary(count: int) -> str:
    return f"Closed {count} agency opening{'s' if count != 1 else ''} past their closing date."


@agency.command("close-expired")
@click.option(
    "--today",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="The day closing dates are judged against (default: today).",
)
@pass_ctx
def close_expired(ctx: Context, today: object) -> None:
    """Close published openings whose closing date has passed, and their jobs."""
    from app.services.agency.openings import close_expired as close_openings

    day = today.date() if hasattr(today, "date") else date.today()
    with ctx.session() as session:
        count = close_openings(session, day)
    click.echo(closed_summary(count))
