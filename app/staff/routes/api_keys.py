"""OPM staff: keys for partners of the public API, issued (shown once) and revoked.

A new key is drawn on the answer to the form's POST, never redirected to or flashed: a
flash would carry it in the session cookie, which is signed, not encrypted.
"""

from __future__ import annotations

from flask import abort, current_app, flash, make_response, redirect, render_template, url_for
from flask_login import current_user

from app.auth import role_required
from app.extensions import db_session
from app.models import ApiKey, Role
from app.services import api_keys
from app.staff import views
from app.staff.blueprint import bp
from app.staff.forms import ApiKeyForm, RevokeApiKeyForm

__all__ = ["bp"]


def _issue(form: ApiKeyForm) -> tuple[ApiKey, str] | None:
    """The form's key and its plaintext; None when refused (the reason is put by its field)."""
    try:
        return api_keys.issue(
            db_session(),
            form.name.data or "",
            form.contact_email.data or "",
            form.rate_limit.data or "",
            by=current_user._get_current_object(),
        )
    except api_keys.ApiKeyError as exc:
        form.show_error(exc)
        return None


def _key(key_id: int) -> ApiKey:
    try:
        return api_keys.get_key(db_session(), key_id)
    except api_keys.NotFound:
        abort(404)


@bp.get("/api-keys")
@role_required(Role.OPM_STAFF)
def api_keys_page():
    keys = api_keys.list_keys(db_session())
    read_limit = str(current_app.config["API_READ_LIMIT"])
    return render_template("staff/api_keys.html", **views.api_keys_view(keys, read_limit))


@bp.route("/api-keys/new", methods=["GET", "POST"])
@role_required(Role.OPM_STAFF)
def new_api_key():
    form = ApiKeyForm()
    issued = _issue(form) if form.validate_on_submit() else None
    if issued is None:
        return render_template("staff/api_key_form.html", form=form), 400 if form.errors else 200
    db_session().commit()
    page = render_template("staff/api_key_issued.html", **views.api_key_issued_view(*issued))
    response = make_response(page, 201)
    response.headers["Cache-Control"] = "no-store"  # the key must not outlive this page
    return response


@bp.get("/api-keys/<int:key_id>/revoke")
@role_required(Role.OPM_STAFF)
def confirm_revoke_api_key(key_id: int):
    return render_template("staff/api_key_revoke.html", **views.confirm_revoke_view(_key(key_id)))


@bp.post("/api-keys/<int:key_id>/revoke")
@role_required(Role.OPM_STAFF)
def revoke_api_key(key_id: int):
    if not RevokeApiKeyForm().validate_on_submit():
        abort(400)
    try:
        key, changed = api_keys.revoke(db_session(), key_id, current_user._get_current_object())
    except api_keys.NotFound:
        abort(404)
    db_session().commit()
    flash(*views.revoked_message(key, changed))
    return redirect(url_for("staff.api_keys_page"))
