"""Sign in and out, changing a password, and registration for program offices.

Accounts are for staff, agencies, program offices and admins; program offices register
themselves, the other roles are invited by an admin (`app.admin`, `pathfinder users invite`)
and choose their password on the invitation page, or are created by an operator
(`pathfinder users create`). Rate
limits are in `app.rate_limits`; session versions, which make signing out end every
session of the account, in `app.auth`.
"""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from app.account.forms import (
    ConfirmForm,
    InvitationForm,
    LoginForm,
    PasswordChangeForm,
    RegisterForm,
    ResetPasswordForm,
    ResetRequestForm,
)
from app.account.views import workspace_endpoint
from app.errors import render_error
from app.extensions import db_session
from app.links import mail_base_url
from app.models import Role, TokenPurpose, User
from app.rate_limits import (
    count_failure,
    password_change_limit,
    registration_limit,
    reset_request_limit,
    seconds_until_retry,
    sign_in_limits,
    verify_resend_limit,
    wait_message,
)
from app.redirects import same_site_path
from app.services.account_tokens import (
    open_token,
    request_reset,
    reset_password,
    send_verification,
    verify_email,
)
from app.services.accounts import (
    AccountError,
    authenticate,
    change_password,
    end_sessions,
    register_office,
)
from app.services.admin.invitations import (
    LinkError,
    LinkState,
    accept,
    open_invitation,
    role_list,
)

bp = Blueprint("account", __name__, url_prefix="/account")

WRONG_CREDENTIALS = "The e-mail address or password is not correct."
REGISTERED = (
    "Your account is ready. Tell us about your organization to see matches. We sent a link "
    "to your e-mail address: open it to confirm the address and receive alerts."
)
VERIFIED = "Thank you: your e-mail address is confirmed. Alerts you set up are sent to it."
# Where an invited account starts, by the first of its roles in this order.
INVITED_HOMES = (
    ("admin", "admin.accounts_page"),
    ("opm_staff", "staff.dashboard"),
    ("agency_poster", "agency.dashboard"),
    ("program_office", "funding.profile"),
)


def _landing(user: User) -> str:
    """After sign-in: a safe `next`, else the account's workspace, else the home page."""
    target = same_site_path(request.args.get("next"))
    if target:
        return target
    endpoint = workspace_endpoint(user)
    return url_for(endpoint) if endpoint else url_for("public.home")


def _config_int(name: str) -> int:
    return int(current_app.config[name])


def _base_url() -> str:
    return mail_base_url(current_app.config)  # never the request's Host (app.links)


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
            return redirect(_landing(user))
        count_failure()
        form.password.errors.append(WRONG_CREDENTIALS)
    return render_template("account/login.html", form=form), 400 if form.errors else 200


PASSWORD_RESET = "Your password is changed. Sign in with it; other devices are signed out."


def _send_verification_link(user: User) -> None:
    db_session().flush()  # the new account's id, for its link
    send_verification(
        db_session(), user, base_url=_base_url(), hours=_config_int("VERIFY_LINK_HOURS")
    )


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
            _send_verification_link(user)
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


def _invitation_unusable(state: LinkState):
    """A used, expired, revoked or unknown link: a page that says which, never an error."""
    code = 404 if state is LinkState.UNKNOWN else 410
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
    except LinkError as exc:
        return _invitation_unusable(exc.state)
    except AccountError as exc:
        form.show_error(exc)
    roles = role_list(invited.roles)
    page = render_template("account/invitation.html", form=form, invitation=invited, roles=roles)
    return page, 400 if form.errors else 200


@bp.route("/reset", methods=["GET", "POST"])
@reset_request_limit
def reset_request():
    """ "Forgot your password?": the same answer whether or not the address has an account."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        request_reset(
            db_session(),
            form.email.data or "",
            base_url=_base_url(),
            hours=_config_int("RESET_LINK_HOURS"),
        )
        db_session().commit()
        hours = _config_int("RESET_LINK_HOURS")
        return render_template("account/reset_sent.html", email=form.email.data, hours=hours)
    page = render_template("account/reset_request.html", form=form)
    return page, 400 if form.errors else 200


def _link_unusable(state: LinkState, purpose: str):
    """A used, expired or unknown link: a page that says which, never an error."""
    code = 404 if state is LinkState.UNKNOWN else 410
    return render_template("account/link_unusable.html", state=str(state), purpose=purpose), code


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password_page(token: str):
    """A new password through a reset link; every session of the account ends."""
    try:
        _row, user = open_token(db_session(), token, TokenPurpose.RESET)
        form = ResetPasswordForm(owner=(user.email, user.display_name))
        if form.validate_on_submit():
            reset_password(db_session(), token, form.password.data or "")
            db_session().commit()
            logout_user()
            flash(PASSWORD_RESET, "success")
            return redirect(url_for("account.login"))
    except LinkError as exc:
        return _link_unusable(exc.state, "reset")
    except AccountError as exc:
        form.show_error(exc)
    page = render_template("account/reset_password.html", form=form)
    return page, 400 if form.errors else 200


@bp.route("/verify/<token>", methods=["GET", "POST"])
def verify(token: str):
    """Confirming an address: the link opens a page with a button (mail scanners that fetch
    links do not confirm anything)."""
    form = ConfirmForm()
    try:
        _row, user = open_token(db_session(), token, TokenPurpose.VERIFY)
        if form.validate_on_submit():
            verify_email(db_session(), token)
            db_session().commit()
            flash(VERIFIED, "success")
            return redirect(
                url_for(_start_page() if current_user.is_authenticated else "account.login")
            )
    except LinkError as exc:
        return _link_unusable(exc.state, "verify")
    page = render_template("account/verify.html", form=form, email=user.email)
    return page, 400 if form.errors else 200


@bp.post("/verify/resend")
@login_required
@verify_resend_limit
def resend_verification():
    """A new verification link for the signed-in account; the earlier one stops working."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_error(400)
    user = current_user._get_current_object()
    if send_verification(
        db_session(), user, base_url=_base_url(), hours=_config_int("VERIFY_LINK_HOURS")
    ):
        db_session().commit()
        flash(f"We sent a new link to {user.email}. The earlier link no longer works.", "info")
    else:
        flash("Your e-mail address is already confirmed.", "info")
    return redirect(same_site_path(request.form.get("next")) or url_for(_start_page()))


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
    elif request.endpoint == "account.reset_request":
        form = ResetRequestForm()
        form.email.errors = [wait_message(wait, "password reset requests from your network")]
        page = render_template("account/reset_request.html", form=form)
    elif request.endpoint == "account.password":
        form = PasswordChangeForm(owner=(current_user.email, current_user.display_name))
        form.current.errors = [wait_message(wait, "wrong current passwords")]
        page = render_template("account/password.html", form=form)
    else:
        page, _ = render_error(429)
    return page, 429, {"Retry-After": str(wait)}
