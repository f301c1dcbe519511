"""Agency posters: the openings their agency has posted through Pathfinder."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import select

from app.auth import role_required
from app.extensions import db_session
from app.models import JobListing, Role

bp = Blueprint("agency", __name__, url_prefix="/agency")


@bp.get("/")
@role_required(Role.AGENCY_POSTER)
def dashboard():
    postings = db_session().scalars(
        select(JobListing)
        .where(JobListing.posted_by_id == current_user.id)
        .order_by(JobListing.close_date)
    )
    return render_template("agency/dashboard.html", postings=list(postings))
