"""`pathfinder api-keys`: keys for partners of the public API, for operators.

    pathfinder api-keys issue "State of Ohio workforce board" --contact data@ohio.example.gov
    pathfinder api-keys list
    pathfinder api-keys revoke 3

The same as the staff pages (/staff/api-keys), audited as "cli". `issue` prints the key
once, alone on the last line of standard output; only its SHA-256 is stored.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING

import click

from app.cli.context import Context, pass_ctx

if TYPE_CHECKING:
    from app.models import ApiKey


@click.group("api-keys")
def api_keys() -> None:
    """Keys for partners of the public API, each with its own rate limit."""


@api_keys.command("issue")
@click.argument("name")
@click.option("--contact", required=True, help="The partner contact's e-mail address.")
@click.option(
    "--limit",
    "rate_limit",
    default="600 per minute",
    show_default=True,
    help="The key's rate limit, in Flask-Limiter notation (e.g. '1000 per hour').",
)
@pass_ctx
def issue(ctx: Context, name: str, contact: str, rate_limit: str) -> None:
    """Issue a key for NAME (who it is for); it is printed once and never again."""
    from app.services import api_keys as service

    try:
        with ctx.session() as session:
            key, plaintext = service.issue(session, name, contact, rate_limit)
            summary = f"Issued key {key.id} for {key.name} ({key.prefix}…), {key.rate_limit}."
    except service.ApiKeyError as exc:
        raise click.ClickException(f"{exc.field}: {exc}") from None
    click.echo(summary)
    click.echo("Copy the key now; it cannot be shown again:", err=True)
    click.echo(plaintext)


@api_keys.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per key.")
@pass_ctx
def list_keys(ctx: Context, as_json: bool) -> None:
    """Every key: id, who it is for, prefix, limit, created, last used, status."""
    from app.services import api_keys as service

    with ctx.session() as session:
        rows = [_row(key) for key in service.list_keys(session)]
    if as_json:
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
        return
    if not rows:
        click.echo("No keys have been issued.")
    for row in rows:
        click.echo(
            f"{row['id']:>4}  {row['status']:<7}  {row['prefix']}…  {row['rate_limit']:<16}  "
            f"created {row['created_at'][:16]}  last used {(row['last_used_at'] or 'never')[:16]}"
            f"  {row['name']} <{row['contact_email']}>"
        )


def _row(key: ApiKey) -> dict[str, object]:
    def moment(value: datetime | None) -> str | None:
        return value.isoformat(timespec="seconds") if value else None

    return {
        "id": key.id,
        "name": key.name,
        "contact_email": key.contact_email,
        "prefix": key.prefix,
        "rate_limit": key.rate_limit,
        "created_at": moment(key.created_at),
        "last_used_at": moment(key.last_used_at),
        "revoked_at": moment(key.revoked_at),
        "status": "active" if key.revoked_at is None else "revoked",
    }


@api_keys.command("revoke")
@click.argument("key_id", type=int)
@pass_ctx
def revoke(ctx: Context, key_id: int) -> None:
    """Revoke key KEY_ID (from `list`) at once: requests with it are refused (401)."""
    from app.services import api_keys as service

    try:
        with ctx.session() as session:
            key, changed = service.revoke(session, key_id)
            label = f"{key.name} ({key.prefix}…)"
    except service.NotFound:
        raise click.ClickException(
            f"There is no key {key_id}: see `pathfinder api-keys list`."
        ) from None
    if changed:
        click.echo(f"Revoked key {key_id} for {label}.")
    else:
        click.echo(f"Key {key_id} for {label} was already revoked.")
