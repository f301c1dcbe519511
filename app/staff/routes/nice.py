"""OPM staff: upload the NICE workbook, see what it would change, then confirm it."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from app.auth import role_required
from app.catalog import nice_diff
from app.catalog.nice_import import NiceImportError
from app.errors import render_error
from app.extensions import db_session
from app.models import PendingNiceImport, Role
from app.staff import views
from app.staff.blueprint import bp
from app.staff.forms import NICE_MAX_BYTES, ConfirmNiceImportForm, NiceUploadForm

__all__ = ["bp"]


@bp.route("/nice", methods=["GET", "POST"])
@role_required(Role.OPM_STAFF)
def nice_upload():
    form = NiceUploadForm()
    message = None
    if form.validate_on_submit():
        try:
            pending = nice_diff.stage_upload(db_session(), *form.upload(), user=current_user)
        except NiceImportError as exc:
            message = f"This workbook cannot be imported: {exc}"
        else:
            db_session().commit()
            return redirect(url_for("staff.nice_pending", pending_id=pending.id))
    status = 400 if (message or form.errors) else 200
    return render_template(
        "staff/nice_upload.html", **views.nice_upload_view(form, message)
    ), status


def _pending(pending_id: int) -> PendingNiceImport:
    pending = db_session().get(PendingNiceImport, pending_id)
    if pending is None:
        abort(404)
    return pending


def _pending_page(pending: PendingNiceImport, message: str | None = None, status: int = 200):
    diff = None if pending.applied_at else nice_diff.pending_diff(db_session(), pending)
    html = render_template(
        "staff/nice_pending.html", **views.nice_pending_view(pending, diff, message)
    )
    return html, status


@bp.get("/nice/<int:pending_id>")
@role_required(Role.OPM_STAFF)
def nice_pending(pending_id: int):
    return _pending_page(_pending(pending_id))


@bp.post("/nice/<int:pending_id>/confirm")
@role_required(Role.OPM_STAFF)
def nice_confirm(pending_id: int):
    pending = _pending(pending_id)
    if not ConfirmNiceImportForm().validate_on_submit():
        abort(400)
    session = db_session()
    try:
        report = nice_diff.apply_pending(session, pending.id, current_user)
    except nice_diff.AlreadyApplied as exc:
        session.rollback()
        return _pending_page(_pending(pending_id), str(exc), 409)
    session.commit()
    flash(views.nice_applied_message(report), "success")
    return redirect(url_for("staff.nice_pending", pending_id=pending.id))


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(error: RequestEntityTooLarge):
    # The app-wide CSRF check reads the body before the view's role check runs, so a visitor
    # who is not staff gets the plain error page, never the staff upload form.
    staff = current_user.is_authenticated and current_user.has_role(Role.OPM_STAFF)
    if request.endpoint != "staff.nice_upload" or not staff:
        return render_error(413)
    form = NiceUploadForm(formdata=None)
    form.workbook.errors = [
        f"This upload is too large, so we did not read it: the limit is "
        f"{NICE_MAX_BYTES // (1024 * 1024)} MB."
    ]
    return render_template("staff/nice_upload.html", **views.nice_upload_view(form)), 413
