"""Where an account's work is: the workspace each role lands on after signing in."""

from __future__ import annotations

from app.models import User

# The workspace of staff, agency posters and admins, by the first of their roles in this order.
WORKSPACES = (
    ("admin", "admin.accounts_page"),
    ("opm_staff", "staff.dashboard"),
    ("agency_poster", "agency.dashboard"),
)


def workspace_endpoint(user: User | None) -> str | None:
    """The endpoint of the account's workspace; None for program offices and the signed-out."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    held = {str(r.role) for r in user.roles}
    for role, endpoint in WORKSPACES:
        if role in held:
            return endpoint
    return None
