"""Program offices' alerts: `pathfinder alerts send` (cron) and `pathfinder alerts deliver`."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import click

from app.cli.context import Context, pass_ctx
from app.links import mail_base_url


def _now(today: datetime | None) -> datetime:
    if today is None:
        return datetime.now(UTC)
    return today.replace(hour=12, tzinfo=UTC)  # noon UTC of that day


@click.group()
def alerts() -> None:
    """Saved-search digests and deadline reminders for program offices."""


@alerts.command("send")
@click.option(
    "--deliver/--queue-only",
    default=True,
    show_default=True,
    help="Also deliver the outbox after queueing (SMTP when SMTP_HOST is set, else the log).",
)
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Run as of this day (tests, catching up).",
)
@pass_ctx
def alerts_send(ctx: Context, deliver: bool, today: datetime | None) -> None:
    """Queue one digest per account: new and changed results of saved searches that are due,
    and saved opportunities closing in 14 and 3 days. Run it from cron, e.g. hourly or daily.
    """
    from app.services.funding.alerts import queue_digests

    now = _now(today)
    with ctx.session() as session:
        report = queue_digests(session, now, mail_base_url(ctx.app.config))
    click.echo(report.summary())
    if deliver:
        _deliver(ctx, now)


@alerts.command("deliver")
@click.option("--limit", default=200, show_default=True, type=click.IntRange(1, 10_000))
@pass_ctx
def alerts_deliver(ctx: Context, limit: int) -> None:
    """Send the outbox: unsent messages whose turn has come, retrying failed ones with backoff.

    SMTP settings come from the environment (SMTP_HOST, SMTP_PORT, SMTP_USERNAME,
    SMTP_PASSWORD, SMTP_FROM, SMTP_STARTTLS); with no SMTP_HOST, messages go to the log.
    """
    _deliver(ctx, datetime.now(UTC), limit)


def _deliver(ctx: Context, now: datetime, limit: int = 200) -> None:
    from app.services.outbox import deliver, mailer_from_config, sender_address

    config = ctx.app.config
    outbox_log = logging.getLogger("app.services.outbox")
    if not config.get("SMTP_HOST") and not outbox_log.handlers:
        # The log is the delivery channel here: make sure it is seen on the terminal.
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        outbox_log.addHandler(handler)
        outbox_log.setLevel(logging.INFO)
    with ctx.session() as session:
        report = deliver(
            session, mailer_from_config(config), now, sender_address(config), limit=limit
        )
    click.echo(f"Outbox: {report.summary()}.")
    if not config.get("SMTP_HOST"):
        click.echo("No SMTP_HOST set: messages were written to the log, not e-mailed.")
