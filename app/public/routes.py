"""The home page, which sends each user group to its work, the health check and the favicon."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, send_from_directory
from sqlalchemy import text

from app.extensions import db_session

bp = Blueprint("public", __name__)

FAVICON_MAX_AGE = 7 * 24 * 3600  # a week: browsers ask for it on every site they open


@bp.get("/")
def home():
    return render_template("public/home.html")


@bp.get("/healthz")
def healthz():
    """For the load balancer: the app answers and its database does too."""
    db_session().execute(text("SELECT 1"))
    return {"status": "ok"}


@bp.get("/favicon.ico")
def favicon():
    """The icon browsers ask for at the root (pages link the SVG one too)."""
    folder = current_app.static_folder
    assert folder is not None
    return send_from_directory(
        folder, "img/favicon.ico", mimetype="image/x-icon", max_age=FAVICON_MAX_AGE
    )
