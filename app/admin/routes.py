"""Admins: the accounts list, invitations, disabling and enabling accounts, and roles.

Every change goes through `app.services.admin` and is audited there. Only admins reach these
pages (`role_required(Role.ADMIN)`): anyone else signed in gets 403, anonymous visitors are
sent to sign in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from app.admin import views
from app.admin.forms import ActionForm, InviteForm, RolesForm
from app.auth import role_required
from app.extensions import db_session
from app.links import mail_base_url
from app.models import Agency, Invitation, Role, User
from app.services.accounts import AccountError
from app.services.admin import accounts, invitations

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _me() -> User:
    return current_user._get_current_object()


def _hours() -> int:
    return int(current_app.config["INVITATION_HOURS"])


def _account(user_id: int) -> User:
    try:
        return accounts.get_account(db_session(), user_id)
    except accounts.NotFound:
        abort(404)


def _change(action: Callable[..., Any], message: Callable[[Any], str], *args: Any):
    """A button's change: CSRF checked, the service called, its refusal or success flashed."""
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        changed = action(db_session(), _me(), *args)
    except accounts.NotFound:
        abort(404)
    except accounts.AdminError as exc:
        flash(str(exc), "error")
    else:
        db_session().commit()
        flash(message(changed), "success")
    return redirect(url_for("admin.accounts_page"))


@bp.get("/")
@role_required(Role.ADMIN)
def accounts_page():
    overview = accounts.overview(db_session())
    agencies = views.agencies_by_id(db_session())
    return render_template("admin/accounts.html", **views.accounts_view(overview, _me(), agencies))


def _send_invitation(form: InviteForm) -> Invitation | None:
    """The form's invitation, sent; None when refused (the reason is put by its field)."""
    try:
        _, sent = invitations.invite(
            db_session(),
            _me(),
            form.email.data or "",
            form.roles.data or [],
            base_url=mail_base_url(current_app.config),
            hours=_hours(),
            agency_id=form.agency_id(),
        )
    except AccountError as exc:
        form.show_error(exc)
        return None
    return sent


@bp.route("/invite", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def invite():
    form = InviteForm(hours=_hours()).set_agencies(views.agency_options(db_session()))
    sent = _send_invitation(form) if form.validate_on_submit() else None
    if sent is not None:
        db_session().commit()
        agency = db_session().get(Agency, sent.agency_id) if sent.agency_id else None
        flash(views.invited_message(sent, agency), "success")
        return redirect(url_for("admin.accounts_page"))
    return render_template("admin/invite.html", form=form), 400 if form.errors else 200


@bp.route("/accounts/<int:user_id>/roles", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def roles(user_id: int):
    user = _account(user_id)
    form = RolesForm(data={"roles": views.held_roles(user)})
    if form.validate_on_submit():
        try:
            accounts.change_roles(db_session(), _me(), user_id, form.roles.data or [])
        except accounts.AdminError as exc:
            form.roles.errors.append(str(exc))
        else:
            db_session().commit()
            flash(views.roles_message(user), "success")
            return redirect(url_for("admin.accounts_page"))
    page = render_template("admin/roles.html", form=form, **views.roles_view(user, _me()))
    return page, 400 if form.errors else 200


@bp.post("/accounts/<int:user_id>/disable")
@role_required(Role.ADMIN)
def disable(user_id: int):
    """Ends every session of the account at once."""
    return _change(accounts.set_account_active, views.active_message, user_id, False)


@bp.post("/accounts/<int:user_id>/enable")
@role_required(Role.ADMIN)
def enable(user_id: int):
    return _change(accounts.set_account_active, views.active_message, user_id, True)


@bp.post("/invitations/<int:invitation_id>/revoke")
@role_required(Role.ADMIN)
def revoke_invitation(invitation_id: int):
    return _change(accounts.revoke_invitation, views.revoked_message, invitation_id)
