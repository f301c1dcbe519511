"""Invitations: an admin sends a one-time link, the invitee sets a password and has an account.

The link's token is returned once, put in the e-mail (queued in the outbox) and never stored:
only its SHA-256 is. A link works until it expires (`INVITATION_HOURS`), is used, is revoked
by an admin, or is replaced by a newer invitation to the same address. Accepting claims the
invitation with an UPDATE that only succeeds while it is still open, so a link used twice at
the same moment makes one account. Every invitation and revocation is audited.
"""

from __future__ import annotations

import enum
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.models import Agency, AuditEntry, Invitation, OutboxMessage, Role, User, utcnow
from app.services.accounts import AccountError, create_user, normalise_email, password_problem

TOKEN_BYTES = 32
TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{43}$")  # secrets.token_urlsafe(32)
# Program offices register themselves; the other roles are invited.
INVITABLE_ROLES = (Role.OPM_STAFF, Role.AGENCY_POSTER, Role.ADMIN)
INVITATION_PATH = "/account/invitation/{token}"
ROLE_NAMES = {
    Role.OPM_STAFF: "OPM staff",
    Role.AGENCY_POSTER: "agency job poster",
    Role.PROGRAM_OFFICE: "program office",
    Role.ADMIN: "administrator",
}


class LinkState(enum.StrEnum):
    """Whether a one-time link (an invitation here, a reset or verification link in
    `app.services.account_tokens`) can still be used; only invitations are revoked."""

    OPEN = "open"
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"
    REVOKED = "revoked"


class LinkError(ValueError):
    """The one-time link cannot be used; `state` says why (unknown, used, expired, revoked)."""

    def __init__(self, state: LinkState) -> None:
        super().__init__(f"the link is {state}")
        self.state = state


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def as_utc(moment: datetime | None) -> datetime:
    moment = moment or datetime.now(UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def is_pending(invitation: Invitation, now: datetime | None = None) -> bool:
    return state_of(invitation, now) is LinkState.OPEN


def state_of(invitation: Invitation | None, now: datetime | None = None) -> LinkState:
    if invitation is None:
        return LinkState.UNKNOWN
    if invitation.accepted_at is not None:
        return LinkState.USED
    if invitation.revoked_at is not None:
        return LinkState.REVOKED
    if as_utc(invitation.expires_at) <= as_utc(now):
        return LinkState.EXPIRED
    return LinkState.OPEN


def invitation_link(base_url: str, token: str) -> str:
    return base_url.rstrip("/") + INVITATION_PATH.format(token=token)


def _roles(roles: list[str]) -> list[str]:
    allowed = {r.value for r in INVITABLE_ROLES}
    chosen = sorted(set(roles))
    if not chosen:
        raise AccountError("Choose at least one role.", "roles")
    if any(r not in allowed for r in chosen):
        raise AccountError("Choose roles from the list.", "roles")
    return chosen


NO_AGENCY = "Choose the agency this poster posts openings for."


def _agency(session: Session, roles: list[str], agency_id: int | None) -> Agency | None:
    """The invitation's agency: required for an agency poster, and one that exists."""
    agency = session.get(Agency, agency_id) if agency_id is not None else None
    if agency_id is not None and agency is None:
        raise AccountError("Choose an agency from the list.", "agency")
    if agency is None and Role.AGENCY_POSTER.value in roles:
        raise AccountError(NO_AGENCY, "agency")
    return agency


@dataclass(frozen=True)
class InvitationMail:
    subject: str
    body: str


def role_list(roles: list[str]) -> str:
    """The roles in words: "OPM staff and agency job poster"."""
    return " and ".join(ROLE_NAMES.get(Role(r), r) for r in roles if r in {x.value for x in Role})


def render_invitation(
    invitation: Invitation, inviter: User | None, link: str, agency: Agency | None = None
) -> InvitationMail:
    roles = role_list(invitation.roles) + (f" for {agency.name}" if agency else "")
    expires = as_utc(invitation.expires_at)
    who = f"{inviter.display_name} ({inviter.email})" if inviter else "A Pathfinder administrator"
    lines = [
        "Hello,",
        "",
        f"{who} invited you to Pathfinder as {roles}.",
        "",
        "Open this link to choose your password and create your account:",
        link,
        "",
        f"The link works once, until {expires:%B} {expires.day}, {expires.year} "
        f"{expires:%H:%M} UTC.",
        "If you did not expect this invitation, you can ignore this message.",
    ]
    return InvitationMail("Your invitation to Pathfinder", "\n".join(lines) + "\n")


def invite(
    session: Session,
    inviter: User | None,
    email: str,
    roles: list[str],
    *,
    base_url: str,
    hours: int,
    now: datetime | None = None,
    agency_id: int | None = None,
) -> tuple[str, Invitation]:
    """Invite `email` with `roles`; returns (the link token, the invitation). Audited.

    `inviter` is the admin (None from the command line, audited as "cli"). An agency poster
    is invited for an agency (`agency_id`), which their account gets on accepting; AccountError
    with field "agency" when it is missing or unknown.

    Raises AccountError (field "email" or "roles") for an invalid address, an address that
    already has an account, or roles that cannot be invited. An earlier pending invitation
    to the same address is revoked: only the newest link works.
    """
    now = as_utc(now)
    email = normalise_email(email)
    chosen = _roles(roles)
    agency = _agency(session, chosen, agency_id)
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise AccountError(f"An account for {email} already exists.", "email")
    replaced = [
        earlier
        for earlier in session.scalars(select(Invitation).where(Invitation.email == email))
        if is_pending(earlier, now)
    ]
    for earlier in replaced:
        earlier.revoked_at = now
    token = secrets.token_urlsafe(TOKEN_BYTES)
    invitation = Invitation(
        email=email,
        roles=chosen,
        token_hash=hash_token(token),
        invited_by_id=inviter.id if inviter else None,
        created_at=now,
        expires_at=now + timedelta(hours=hours),
        agency_id=agency.id if agency else None,
    )
    session.add(invitation)
    session.flush()
    mail = render_invitation(invitation, inviter, invitation_link(base_url, token), agency)
    session.add(
        OutboxMessage(
            to_address=email,
            subject=mail.subject,
            body=mail.body,
            dedupe_key=f"invitation:{invitation.id}",
            created_at=now,
        )
    )
    session.add(
        AuditEntry(
            user_id=inviter.id if inviter else None,
            actor=inviter.email if inviter else "cli",
            action="account.invite",
            entity_type="invitation",
            entity_id=str(invitation.id),
            changes={
                "email": email,
                "roles": chosen,
                "agency": agency.code if agency else None,
                "expires_at": invitation.expires_at.isoformat(),
                "replaces": [e.id for e in replaced],
            },
        )
    )
    return token, invitation


def find_invitation(
    session: Session, token: str, now: datetime | None = None
) -> tuple[LinkState, Invitation | None]:
    """The invitation a link names and whether it can still be used."""
    if not TOKEN_SHAPE.match(token or ""):
        return LinkState.UNKNOWN, None
    invitation = session.scalar(
        select(Invitation).where(Invitation.token_hash == hash_token(token))
    )
    return state_of(invitation, now), invitation


def open_invitation(session: Session, token: str, now: datetime | None = None) -> Invitation:
    """The invitation for a link that still works; raises LinkError otherwise."""
    state, invitation = find_invitation(session, token, now)
    if state is not LinkState.OPEN or invitation is None:
        raise LinkError(state)
    return invitation


def accept(
    session: Session, token: str, display_name: str, password: str, now: datetime | None = None
) -> User:
    """Create the invited account with the invited roles; the link stops working.

    Raises LinkError when the link no longer works and AccountError ("password" or
    "display_name") when the password or name is refused; either way nothing is written.
    """
    now = as_utc(now)
    invitation = open_invitation(session, token, now)
    if not display_name.strip():
        raise AccountError("Enter your name.", "display_name")
    problem = password_problem(password, email=invitation.email, name=display_name)
    if problem:
        raise AccountError(problem, "password")
    if session.scalar(select(User.id).where(User.email == invitation.email)) is not None:
        raise LinkError(LinkState.USED)  # an account was made another way since
    claimed = session.execute(
        update(Invitation)
        .where(
            Invitation.id == invitation.id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > now,
        )
        .values(accepted_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise LinkError(LinkState.USED)  # used at the same moment elsewhere
    user = create_user(
        session, invitation.email, display_name, password, list(invitation.roles),
        actor=invitation.email,
    )  # fmt: skip
    user.agency_id = invitation.agency_id  # an agency poster posts for the agency invited for
    session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id)
        .values(user_id=user.id)
        .execution_options(synchronize_session=False)
    )
    session.refresh(invitation)
    session.add(
        AuditEntry(
            user_id=user.id,
            actor=user.email,
            action="invitation.accept",
            entity_type="invitation",
            entity_id=str(invitation.id),
            changes={
                "user_id": user.id,
                "roles": list(invitation.roles),
                "agency_id": invitation.agency_id,
            },
        )
    )
    user.last_login_at = utcnow()
    return user
