"""Job seekers' data lifecycle: `pathfinder purge`."""

from __future__ import annotations

import click


@click.command()
def purge() -> None:
    """Delete job seekers' uploads, extracted text and results past their retention period."""
    raise click.ClickException("not implemented yet")
