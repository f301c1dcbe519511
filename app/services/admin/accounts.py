"""Account management for admins: the list of accounts, disabling, enabling, roles, and
revoking invitations. Every change is audited under the acting admin's e-mail.

Admins cannot disable themselves or take away their own admin role, so an admin is always
left to undo a mistake. Disabling ends every session of the account at once
(`app.services.accounts.end_sessions`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.models import AuditEntry, Invitation, Role, User, UserRole
from app.services.accounts import end_sessions
from app.services.admin.invitations import as_utc, is_pending


class AdminError(ValueError):
    """The change is refused; the message says why, for the page."""


class NotFound(LookupError):
    """No such account or invitation."""


@dataclass(frozen=True)
class AccountsOverview:
    accounts: list[User]
    invitations: list[Invitation]  # pending, newest first


def _audit(
    session: Session, actor: User, action: str, kind: str, entity_id: int, changes: dict
) -> None:
    session.add(
        AuditEntry(
            user_id=actor.id,
            actor=actor.email,
            action=action,
            entity_type=kind,
            entity_id=str(entity_id),
            changes=changes,
        )
    )


def overview(session: Session, now: datetime | None = None) -> AccountsOverview:
    """Every account by e-mail, and the invitations still waiting to be used."""
    accounts = list(
        session.scalars(select(User).options(selectinload(User.roles)).order_by(User.email))
    )
    now = as_utc(now)
    waiting = session.scalars(
        select(Invitation)
        .where(Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None))
        .where(Invitation.expires_at > now)
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
    )
    return AccountsOverview(accounts, list(waiting))


def get_account(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(user_id)
    return user


def set_account_active(session: Session, actor: User, user_id: int, active: bool) -> User:
    """Disable (ending every session) or enable an account; audited when it changes."""
    user = get_account(session, user_id)
    if user.id == actor.id and not active:
        raise AdminError("You cannot disable your own account.")
    if user.is_active != active:
        user.is_active = active
        end_sessions(user)
        action = "account.enable" if active else "account.disable"
        _audit(session, actor, action, "user", user.id, {"is_active": [not active, active]})
    return user


def change_roles(session: Session, actor: User, user_id: int, roles: list[str]) -> User:
    """Give the account exactly `roles`; audited when they change."""
    user = get_account(session, user_id)
    allowed = {r.value for r in Role}
    chosen = sorted(set(roles))
    if not chosen:
        raise AdminError("Choose at least one role. To stop an account signing in, disable it.")
    if any(r not in allowed for r in chosen):
        raise AdminError("Choose roles from the list.")
    if user.id == actor.id and Role.ADMIN.value not in chosen:
        raise AdminError("You cannot remove your own administrator role.")
    before = sorted(str(r.role) for r in user.roles)
    if before != chosen:
        kept = [r for r in user.roles if str(r.role) in chosen]
        held = {str(r.role) for r in kept}
        user.roles = [*kept, *(UserRole(role=Role(r)) for r in chosen if r not in held)]
        _audit(session, actor, "account.roles", "user", user.id, {"roles": [before, chosen]})
    return user


def revoke_invitation(
    session: Session, actor: User, invitation_id: int, now: datetime | None = None
) -> Invitation:
    """Make a pending invitation's link stop working; audited."""
    invitation = session.get(Invitation, invitation_id)
    if invitation is None:
        raise NotFound(invitation_id)
    if not is_pending(invitation, now):
        raise AdminError(f"The invitation for {invitation.email} can no longer be used anyway.")
    invitation.revoked_at = as_utc(now)
    _audit(
        session, actor, "invitation.revoke", "invitation", invitation.id,
        {"email": invitation.email},
    )  # fmt: skip
    return invitation
