"""OPM staff: the state of the catalog and the audit trail of every change to it."""

from __future__ import annotations

from flask import Blueprint, render_template

from app.auth import role_required
from app.extensions import db_session
from app.models import Role
from app.services import catalog_queries

bp = Blueprint("staff", __name__, url_prefix="/staff")


@bp.get("/")
@role_required(Role.OPM_STAFF)
def dashboard():
    return render_template(
        "staff/dashboard.html", overview=catalog_queries.catalog_overview(db_session())
    )
