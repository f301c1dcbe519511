"""`pathfinder users`: accounts for OPM staff, agency posters, program offices and admins."""

from __future__ import annotations

import click

from app.cli.context import Context, pass_ctx
from app.links import mail_base_url


@click.group()
def users() -> None:
    """Accounts for OPM staff, agency posters, program offices and admins."""


@users.command("create")
@click.option("--email", required=True)
@click.option("--name", "display_name", required=True)
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=click.Choice(["opm_staff", "agency_poster", "program_office", "admin"]),
)
@click.password_option()
@pass_ctx
def users_create(
    ctx: Context, email: str, display_name: str, roles: tuple[str, ...], password: str
) -> None:
    """Create an account (the password is hashed, never stored)."""
    from app.services.accounts import AccountError, create_user

    try:
        with ctx.session() as session:
            user = create_user(session, email, display_name, password, list(roles))
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Created {user.email} ({', '.join(roles)}).")


@users.command("disable")
@click.option("--email", required=True)
@pass_ctx
def users_disable(ctx: Context, email: str) -> None:
    """Disable an account: it cannot sign in, and its sessions end on every instance."""
    _set_active(ctx, email, active=False)


@users.command("enable")
@click.option("--email", required=True)
@pass_ctx
def users_enable(ctx: Context, email: str) -> None:
    """Let a disabled account sign in again (with its existing password)."""
    _set_active(ctx, email, active=True)


def _set_active(ctx: Context, email: str, *, active: bool) -> None:
    from app.services.accounts import AccountError, set_active

    try:
        with ctx.session() as session:
            user = set_active(session, email, active)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{'Enabled' if active else 'Disabled'} {user.email}.")


@users.command("invite")
@click.argument("email")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=click.Choice(["opm_staff", "agency_poster", "admin"]),
)
@click.option(
    "--agency",
    "agency_code",
    default=None,
    help="The agency code (as USAJOBS's, e.g. HSCS) an agency poster posts for; required "
    "with --role agency_poster.",
)
@pass_ctx
def users_invite(ctx: Context, email: str, roles: tuple[str, ...], agency_code: str | None) -> None:
    """E-mail a one-time link (via the outbox) with which EMAIL sets a password. Audited."""
    from app.services.accounts import AccountError
    from app.services.admin.agencies import agency_by_code
    from app.services.admin.invitations import invitation_link, invite

    config = ctx.app.config
    try:
        with ctx.session() as session:
            agency = agency_by_code(session, agency_code) if agency_code else None
            if agency_code and agency is None:
                raise click.ClickException(
                    f"No agency has the code {agency_code}: load listings first "
                    "(pathfinder samples load, or a USAJOBS scrape)."
                )
            token, invitation = invite(
                session,
                None,
                email,
                list(roles),
                base_url=mail_base_url(config),
                hours=int(config["INVITATION_HOURS"]),
                agency_id=agency.id if agency else None,
            )
            expires = invitation.expires_at
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    posting = f" for {agency_code.upper()}" if agency_code else ""
    click.echo(f"Invited {invitation.email} ({', '.join(sorted(set(roles)))}){posting}.")
    click.echo(
        f"The link is queued in the outbox and works once, until {expires:%Y-%m-%d %H:%M} UTC:"
    )
    click.echo(invitation_link(mail_base_url(config), token))
