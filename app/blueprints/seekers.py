"""Job seekers: the NICE work roles, what each needs, and the hiring pathways that lead there."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from app.extensions import db_session
from app.services import catalog_queries

bp = Blueprint("seekers", __name__, url_prefix="/pathways")


@bp.get("/")
def roles():
    categories = catalog_queries.categories_with_roles(db_session())
    role_count = sum(len(c.work_roles) for c in categories)
    return render_template("seekers/roles.html", categories=categories, role_count=role_count)


@bp.get("/roles/<role_id>")
def role(role_id: str):
    detail = catalog_queries.role_detail(db_session(), role_id.upper())
    if detail is None:
        abort(404)
    return render_template("seekers/role.html", d=detail)


@bp.get("/hiring-paths/")
def hiring_paths():
    return render_template(
        "seekers/hiring_paths.html", pathways=catalog_queries.all_pathways(db_session())
    )


@bp.get("/hiring-paths/<pathway_id>")
def hiring_path(pathway_id: str):
    pathway = catalog_queries.get_pathway(db_session(), pathway_id)
    if pathway is None:
        abort(404)
    return render_template("seekers/hiring_path.html", p=pathway)
