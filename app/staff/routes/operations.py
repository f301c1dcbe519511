"""OPM staff: scrape operations, the runs of each source and re-runs queued for the CLI."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from app.auth import role_required
from app.extensions import db_session
from app.models import Role
from app.services.staff import operations
from app.staff import views
from app.staff.blueprint import bp
from app.staff.forms import QueueScrapeForm

__all__ = ["bp"]


@bp.get("/operations")
@role_required(Role.OPM_STAFF)
def operations_page():
    statuses = operations.source_statuses(db_session())
    return render_template("staff/operations.html", **views.operations_view(statuses))


@bp.post("/operations/<source>/queue")
@role_required(Role.OPM_STAFF)
def queue_scrape(source: str):
    if not QueueScrapeForm().validate_on_submit():
        abort(400)
    session = db_session()
    try:
        request, created = operations.queue_scrape(session, source, current_user)
    except operations.QueueError:
        abort(404)
    session.commit()
    flash(*views.queued_message(request, created))
    return redirect(url_for("staff.operations_page"))
