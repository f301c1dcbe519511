"""Sign in and out, and registration for program offices.

Accounts are for staff, agencies, program offices and admins; program offices register
themselves, the other roles are created by an operator (`pathfinder users create`).
"""

from __future__ import annotations

import math

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from app.extensions import db_session
from app.forms.account import LoginForm, RegisterForm
from app.models import Role, utcnow
from app.redirects import same_site_path
from app.services import login_throttle
from app.services.accounts import AccountError, authenticate, create_user, normalise_email

bp = Blueprint("account", __name__, url_prefix="/account")


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never redirect a signed-in user to another host."""
    return same_site_path(target) or url_for("public.home")


def _throttle() -> login_throttle.Throttle:
    return login_throttle.Throttle(
        max_failures=int(current_app.config["LOGIN_MAX_FAILURES"]),
        window_seconds=int(current_app.config["LOGIN_WINDOW_SECONDS"]),
    )


def _wait_message(seconds: int, what: str = "failed sign-in attempts") -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return (
        f"Too many {what}. For your security, please wait "
        f"{minutes} minute{'s' if minutes != 1 else ''} and try again."
    )


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    status = 200
    locked_message = None
    if form.validate_on_submit():
        session = db_session()
        now = utcnow()
        throttle = _throttle()
        keys = login_throttle.keys_for(form.email.data or "", request.remote_addr)
        wait = login_throttle.retry_after(session, keys, throttle, now)
        if wait:
            locked_message, status = _wait_message(wait), 429
        else:
            user = authenticate(session, form.email.data or "", form.password.data or "")
            if user is None:
                login_throttle.record_failure(session, keys, throttle, now)
                session.commit()
                form.password.errors.append("The e-mail address or password is not correct.")
            else:
                login_throttle.clear_failures(session, keys)
                session.commit()
                login_user(user)
                flash(f"Signed in as {user.email}.", "success")
                return redirect(_safe_next(request.args.get("next")))
    if form.errors and status == 200:
        status = 400
    return render_template("account/login.html", form=form, locked_message=locked_message), status


@bp.route("/register", methods=["GET", "POST"])
def register():
    """A program office account; signed in straight away, then asked for its profile."""
    if current_user.is_authenticated:
        office = current_user.has_role(Role.PROGRAM_OFFICE)
        return redirect(url_for("funding.profile" if office else "public.home"))
    form = RegisterForm()
    if form.validate_on_submit():
        session = db_session()
        # Registration attempts per client address share the sign-in limit, so the form
        # cannot be used to test many addresses for existing accounts.
        throttle, now = _throttle(), utcnow()
        keys = [f"register-ip:{(request.remote_addr or 'unknown')[:64]}"]
        wait = login_throttle.retry_after(session, keys, throttle, now)
        if wait:
            form.email.errors = [
                *form.email.errors,
                _wait_message(wait, "registration attempts from your network"),
            ]
            session.commit()
            return render_template("account/register.html", form=form), 429
        login_throttle.record_failure(session, keys, throttle, now)
        session.commit()
        try:
            email = normalise_email(form.email.data or "")
            user = create_user(
                session,
                email,
                form.display_name.data or "",
                form.password.data or "",
                [Role.PROGRAM_OFFICE.value],
                actor="self-registration",
            )
        except AccountError as exc:
            field = form.password if "password" in str(exc) else form.email
            message = str(exc)
            if "already exists" in message:
                message = "An account with this e-mail address already exists. Sign in instead."
            elif field is form.email:
                message = "Enter an e-mail address like name@example.gov."
            field.errors = [*field.errors, message]
        else:
            user.organization = (form.organization.data or "").strip() or None
            session.commit()
            login_user(user)
            flash(
                "Your account is ready. Tell us about your organization to see matches.", "success"
            )
            return redirect(url_for("funding.profile"))
    return render_template("account/register.html", form=form), 200 if not form.errors else 400


@bp.post("/logout")
def logout():
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("public.home"))
