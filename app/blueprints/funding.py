"""Program offices: the federal funding programs that can pay for AI-enabled cybersecurity."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from app.extensions import db_session
from app.services import catalog_queries

bp = Blueprint("funding", __name__, url_prefix="/funding")


@bp.get("/programs/")
def programs():
    return render_template(
        "funding/programs.html", programs=catalog_queries.funding_programs(db_session())
    )


@bp.get("/programs/<aln>")
def program(aln: str):
    program = catalog_queries.get_funding_program(db_session(), aln)
    if program is None:
        abort(404)
    return render_template("funding/program.html", p=program)
