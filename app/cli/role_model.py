"""The fitted work-role model, as the commands get it: to rank documents, to classify jobs.

A command is no request, so every fitted model it asks for (this one, the job index, the
funding ranker) is the current version, loaded or fitted before it goes on: only requests
are served the previous model while a new one is fitted (`app.services.fitted_cache`).
"""

from __future__ import annotations

from typing import Any

import click

from app.cli.context import Context


def role_matcher_for(ctx: Context) -> Any:
    """The fitted role matcher; a usage error when there is no catalog to fit it on."""
    from app.services.matcher import role_matcher

    with ctx.session() as session:
        try:
            return role_matcher(session)
        except LookupError as exc:
            raise click.ClickException(str(exc)) from None


def classify_new_jobs(ctx: Context) -> None:
    """Classify new or changed open jobs into work roles (stored, shown to staff)."""
    from app.services.matcher import classify_jobs, role_matcher

    with ctx.session() as session:
        try:
            matcher = role_matcher(session)
        except LookupError:
            click.echo("Jobs not classified yet: load the catalog first.")
            return
        report = classify_jobs(session, matcher)
    if report.classified or report.skipped_staff:
        click.echo(
            f"Classified {report.classified} jobs into work roles"
            + (
                f" ({report.skipped_staff} kept their staff override)"
                if report.skipped_staff
                else ""
            )
            + "."
        )
