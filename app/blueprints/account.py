"""Sign in and out (accounts are for staff, agencies, program offices and admins)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Email, Length

from app.extensions import db_session
from app.services.accounts import authenticate

bp = Blueprint("account", __name__, url_prefix="/account")


class LoginForm(FlaskForm):
    email = EmailField("E-mail address", validators=[DataRequired(), Email(), Length(max=320)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never redirect a signed-in user to another host."""
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("public.home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        session = db_session()
        user = authenticate(session, form.email.data or "", form.password.data or "")
        if user is None:
            form.password.errors.append("The e-mail address or password is not correct.")
        else:
            session.commit()
            login_user(user)
            flash(f"Signed in as {user.email}.", "success")
            return redirect(_safe_next(request.args.get("next")))
    return render_template("account/login.html", form=form), 200 if not form.errors else 400


@bp.post("/logout")
def logout():
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("public.home"))
