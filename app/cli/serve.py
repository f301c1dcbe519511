"""`pathfinder serve`: the site on Flask's own server."""

from __future__ import annotations

import click

from app.cli.context import Context, pass_ctx
from app.links import served_base_url


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@pass_ctx
def serve(ctx: Context, host: str, port: int) -> None:
    """Serve the site with Flask's server (production: any WSGI server on app:create_app())."""
    # E-mail links (and calendar links outside a request) name the address served, unless
    # PUBLIC_BASE_URL says otherwise (app.links).
    ctx.app.config["SERVED_BASE_URL"] = served_base_url(host, port)
    ctx.app.run(host=host, port=port, debug=False)
