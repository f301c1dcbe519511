"""Sign-in sessions (Flask-Login) and the role check every staff, agency and program route uses.

A session cookie names the account and its session version (`User.get_id`). Every request
loads the account and compares: signing out, changing the password or being disabled raises
the version in the database, so every earlier cookie of that account stops working at once,
on every instance, with no session store to share.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import LoginManager, current_user

from app.models import Role, User
from vocabulary.text import is_ascii_digits

login_manager = LoginManager()
login_manager.login_view = "account.login"
login_manager.login_message = "Please sign in to continue."
login_manager.login_message_category = "info"

F = TypeVar("F", bound=Callable[..., Any])


@login_manager.user_loader
def _load_user(session_id: str) -> User | None:
    from app.extensions import db_session

    user_id, _, version = session_id.partition(":")
    if not (is_ascii_digits(user_id) and is_ascii_digits(version)):
        return None  # malformed, or a cookie from before session versions
    user = db_session().get(User, int(user_id))
    if user is None or not user.is_active or user.session_version != int(version):
        return None
    return user


def role_required(*roles: Role) -> Callable[[F], F]:
    """Signed-in users holding one of `roles` (admins hold all); others get 401/403."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator
