"""Program offices' alerts: `pathfinder alerts send` and the outbox sender."""

from __future__ import annotations

import click


@click.group()
def alerts() -> None:
    """Saved-search digests and deadline reminders for program offices."""
