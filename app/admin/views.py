"""What the admin pages show: account and invitation rows, and the messages after a change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import url_for
from sqlalchemy.orm import Session

from app.admin.forms import ROLE_LABELS
from app.models import Agency, Invitation, User
from app.services.admin.accounts import AccountsOverview
from app.services.admin.agencies import agency_choices


def when(moment: datetime | None) -> str:
    """A stored time as admins read it, in UTC."""
    return moment.strftime("%Y-%m-%d %H:%M") if moment else ""


def role_names(roles: list[str]) -> str:
    return ", ".join(ROLE_LABELS.get(r, r) for r in sorted(roles)) or "No roles"


def agency_label(agency: Agency | None) -> str:
    return f"{agency.name} ({agency.code})" if agency else ""


def agencies_by_id(session: Session) -> dict[int, Agency]:
    return {a.id: a for a in agency_choices(session)}


def agency_options(session: Session) -> list[tuple[int, str]]:
    """The invite form's agencies, as (id, label)."""
    return [(a.id, agency_label(a)) for a in agency_choices(session)]


def held_roles(user: User) -> list[str]:
    return sorted(str(r.role) for r in user.roles)


@dataclass(frozen=True)
class AccountRow:
    id: int
    email: str
    name: str
    roles: str
    agency: str  # "" when the account posts for no agency
    status: str  # "Active" | "Disabled"
    last_sign_in: str
    is_self: bool
    roles_url: str
    toggle_url: str
    toggle_label: str  # "Disable" | "Enable"


@dataclass(frozen=True)
class InvitationRow:
    id: int
    email: str
    roles: str
    agency: str
    sent: str
    expires: str
    revoke_url: str


def account_row(user: User, me: User, agencies: dict[int, Agency] | None = None) -> AccountRow:
    action = "disable" if user.is_active else "enable"
    return AccountRow(
        id=user.id,
        email=user.email,
        name=user.display_name,
        roles=role_names(held_roles(user)),
        agency=agency_label((agencies or {}).get(user.agency_id or 0)),
        status="Active" if user.is_active else "Disabled",
        last_sign_in=when(user.last_login_at) or "Never",
        is_self=user.id == me.id,
        roles_url=url_for("admin.roles", user_id=user.id),
        toggle_url=url_for(f"admin.{action}", user_id=user.id),
        toggle_label=action.capitalize(),
    )


def invitation_row(invitation: Invitation, agencies: dict[int, Agency]) -> InvitationRow:
    return InvitationRow(
        id=invitation.id,
        email=invitation.email,
        roles=role_names(list(invitation.roles)),
        agency=agency_label(agencies.get(invitation.agency_id or 0)),
        sent=when(invitation.created_at),
        expires=when(invitation.expires_at),
        revoke_url=url_for("admin.revoke_invitation", invitation_id=invitation.id),
    )


def accounts_view(
    overview: AccountsOverview, me: User, agencies: dict[int, Agency]
) -> dict[str, Any]:
    return {
        "accounts": [account_row(u, me, agencies) for u in overview.accounts],
        "invitations": [invitation_row(i, agencies) for i in overview.invitations],
    }


def roles_view(user: User, me: User) -> dict[str, Any]:
    return {"account": account_row(user, me)}


def invited_message(invitation: Invitation, agency: Agency | None = None) -> str:
    roles = role_names(list(invitation.roles)) + (f" for {agency.name}" if agency else "")
    return (
        f"Invitation sent to {invitation.email} as {roles}. "
        f"The link works until {when(invitation.expires_at)} UTC."
    )


def active_message(user: User) -> str:
    if user.is_active:
        return f"{user.email} is enabled and can sign in again."
    return f"{user.email} is disabled: it cannot sign in, and its sessions have ended."


def roles_message(user: User) -> str:
    return f"{user.email} now has these roles: {role_names(held_roles(user))}."


def revoked_message(invitation: Invitation) -> str:
    return f"The invitation for {invitation.email} is revoked: its link no longer works."
