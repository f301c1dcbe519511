"""Sign in and out, changing a password, and registration for program offices.

Accounts are for staff, agencies, program offices and admins; program offices register
themselves, the other roles are invited by an admin (`app.admin`, `pathfinder users invite`)
and choose their password on the invitation page, or are created by an operator
(`pathfinder users create`). Rate
limits are in `app.rate_limits`; session versions, which make signing out end every
session of the account, in `app.auth`.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from app.account.forms import InvitationForm, LoginForm, PasswordChangeForm, RegisterForm
from app.errors import render_error
from app.extensions import db_session
from app.models import Role, User
from app.rate_limits import (
    count_failure,
    password_change_limit,
    registration_limit,
    seconds_until_retry,
    sign_in_limits,
    wait_message,
)
from app.redirects import same_site_path
from app.services.accounts import (
    AccountError,
    authenticate,
    change_password,
    end_sessions,
    register_office,
)
from app.services.admin.invitations import (
    InvitationError,
    InvitationState,
    accept,
    open_invitation,
    role_list,
)

bp = Blueprint("account", __name__, url_prefix="/account")

WRONG_CREDENTIALS = "The e-mail address or password is not correct."
REGISTERED = "Your account is ready. Tell us about your organization to see matches."
# Where an invited account starts, by the first of its roles in this order.
INVITED_HOMES = (
    ("admin", "admin.accounts_page"),
    ("opm_staff", "staff.dashboard"),
    ("agency_poster", "agency.dashboard"),
    ("program_office", "funding.profile"),
)


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never redirect a signed-in user to another host."""
    return same_site_path(target) or url_for("public.home")


def _start_page() -> str:
    """Where a signed-in user who opens the registration page goes instead."""
    return "funding.profile" if current_user.has_role(Role.PROGRAM_OFFICE) else "public.home"


@bp.route("/login", methods=["GET", "POST"])
@sign_in_limits
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(db_session(), form.email.data or "", form.password.data or "")
        if user is not None:
            db_session().commit()
            login_user(user)
            flash(f"Signed in as {user.email}.", "success")
            return redirect(_safe_next(request.args.get("next")))
        count_failure()
        form.password.errors.append(WRONG_CREDENTIALS)
    return render_template("account/login.html", form=form), 400 if form.errors else 200


@bp.route("/register", methods=["GET", "POST"])
@registration_limit
def register():
    """A program office account; signed in straight away, then asked for its profile."""
    if current_user.is_authenticated:
        return redirect(url_for(_start_page()))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = register_office(db_session(), **form.account_fields())
        except AccountError as exc:
            form.show_error(exc)
        else:
            db_session().commit()
            login_user(user)
            flash(REGISTERED, "success")
            return redirect(url_for("funding.profile"))
    return render_template("account/register.html", form=form), 400 if form.errors else 200


@bp.route("/password", methods=["GET", "POST"])
@login_required
@password_change_limit
def password():
    """A new password; every other session of the account ends, this one goes on."""
    form = PasswordChangeForm(owner=(current_user.email, current_user.display_name))
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            change_password(db_session(), user, form.current.data or "", form.password.data or "")
        except AccountError as exc:
            form.show_error(exc)
            if form.current.errors:
                count_failure()
        else:
            db_session().commit()
            login_user(user)  # this browser's cookie carries the new session version
            flash("Your password is changed. Other devices are signed out.", "success")
            return redirect(url_for("public.home"))
    return render_template("account/password.html", form=form), 400 if form.errors else 200


@bp.post("/logout")
def logout():
    """Ends every session of the account, on every device and instance, not only this one."""
    if current_user.is_authenticated:
        end_sessions(current_user._get_current_object())
        db_session().commit()
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("public.home"))


def _invitation_unusable(state: InvitationState):
    """A used, expired, revoked or unknown link: a page that says which, never an error."""
    code = 404 if state is InvitationState.UNKNOWN else 410
    return render_template("account/invitation_unusable.html", state=str(state)), code


def _home_for(user: User) -> str:
    """Where a newly invited account starts: its own workspace."""
    held = {str(r.role) for r in user.roles}
    for role, endpoint in INVITED_HOMES:
        if role in held:
            return url_for(endpoint)
    return url_for("public.home")


def _welcome(user: User):
    """The invited account is made: signed in and sent to its workspace."""
    db_session().commit()
    login_user(user)
    flash(f"Welcome, {user.display_name}. Your account is ready.", "success")
    return redirect(_home_for(user))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def invitation(token: str):
    """An invited OPM staff member or agency poster chooses a password; signed in after."""
    try:
        invited = open_invitation(db_session(), token)
        form = InvitationForm(owner=(invited.email, ""))
        if form.validate_on_submit():
            return _welcome(accept(db_session(), token, **form.account_fields()))
    except InvitationError as exc:
        return _invitation_unusable(exc.state)
    except AccountError as exc:
        form.show_error(exc)
    roles = role_list(invited.roles)
    page = render_template("account/invitation.html", form=form, invitation=invited, roles=roles)
    return page, 400 if form.errors else 200


@bp.errorhandler(429)
def _too_many(_error):
    """A refused attempt gets its form back, with how long to wait, and Retry-After."""
    wait = seconds_until_retry()
    if request.endpoint == "account.login":
        page = render_template(
            "account/login.html", form=LoginForm(), locked_message=wait_message(wait)
        )
    elif request.endpoint == "account.register":
        form = RegisterForm()
        form.email.errors = [wait_message(wait, "registration attempts from your network")]
        page = render_template("account/register.html", form=form)
    elif request.endpoint == "account.password":
        form = PasswordChangeForm(owner=(current_user.email, current_user.display_name))
        form.current.errors = [wait_message(wait, "wrong current passwords")]
        page = render_template("account/password.html", form=form)
    else:
        page, _ = render_error(429)
    return page, 429, {"Retry-After": str(wait)}
