"""OPM staff: the state of the catalog and the audit trail of every change to it."""

from __future__ import annotations

from flask import render_template, request

from app.auth import role_required
from app.extensions import db_session
from app.models import Role
from app.services import catalog_queries
from app.staff import views
from app.staff.blueprint import bp


@bp.get("/")
@role_required(Role.OPM_STAFF)
def dashboard():
    overview = catalog_queries.catalog_overview(db_session())
    return render_template("staff/dashboard.html", **views.dashboard_view(overview))


@bp.get("/classifications")
@role_required(Role.OPM_STAFF)
def classifications():
    page = max(1, request.args.get("page", 1, type=int) or 1)
    return render_template(
        "staff/classifications.html",
        data=catalog_queries.job_classifications(db_session(), page=page),
    )
