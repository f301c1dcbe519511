"""The home page, which sends each user group to its work, and the health check."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import text

from app.extensions import db_session

bp = Blueprint("public", __name__)


@bp.get("/")
def home():
    return render_template("public/home.html")


@bp.get("/healthz")
def healthz():
    """For the load balancer: the app answers and its database does too."""
    db_session().execute(text("SELECT 1"))
    return {"status": "ok"}
