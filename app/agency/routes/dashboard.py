"""Agency posters: their agency's openings, grouped by status."""

from __future__ import annotations

from flask import render_template

from app.agency import views
from app.agency.access import poster_agency
from app.agency.blueprint import bp
from app.auth import role_required
from app.extensions import db_session
from app.models import Role
from app.services.agency import openings

__all__ = ["bp"]


@bp.get("/")
@role_required(Role.AGENCY_POSTER)
def dashboard():
    agency = poster_agency()
    items = openings.openings_for(db_session(), agency.id)
    return render_template("agency/dashboard.html", **views.dashboard_view(agency.name, items))
