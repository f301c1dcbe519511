"""`pathfinder`: the operator's command line (database, catalog, samples, accounts, server).

This module only assembles the group; each command lives in the module named for it, and
`app.cli.context` holds what they share (command modules never import this package's root).
"""

from __future__ import annotations

import click

from app.cli.agency import agency
from app.cli.alerts import alerts
from app.cli.api_keys import api_keys
from app.cli.catalog import catalog
from app.cli.classifications import classifications
from app.cli.context import Context
from app.cli.db import db
from app.cli.listings import ingest, listings, scrape
from app.cli.match import match, skills
from app.cli.purge import purge
from app.cli.samples import samples
from app.cli.serve import serve
from app.cli.users import users


@click.group()
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Pathfinder: federal cyber hiring pathways and AI-cybersecurity funding, matched.

    Settings come from the environment (DATABASE_URL, SECRET_KEY, PATHFINDER_ENV, ...).
    """
    ctx.ensure_object(Context)


for _command in (
    db,
    catalog,
    samples,
    scrape,
    ingest,
    listings,
    skills,
    match,
    users,
    serve,
    purge,
    alerts,
    classifications,
    agency,
    api_keys,
):
    cli.add_command(_command)


def main() -> None:  # pragma: no cover - console entry point
    cli()
