"""Catalog reads: NICE work roles and federal hiring pathways."""

from __future__ import annotations

from typing import Any

from app.api import schemas
from app.api.blueprint import bp, found_or_404
from app.extensions import db_session
from app.services import catalog_queries


@bp.get("/work-roles")
@bp.response(200, schemas.WorkRoleListSchema)
def work_roles() -> dict[str, Any]:
    """Every NICE work role with its category and OPM codes."""
    return schemas.role_list(catalog_queries.categories_with_roles(db_session()))


@bp.get("/work-roles/<role_id>")
@bp.response(200, schemas.WorkRoleDetailSchema)
@bp.alt_response(404, response="NOT_FOUND")
def work_role(role_id: str) -> dict[str, Any]:
    """A work role with its weighted skills, certifications and hiring pathways."""
    detail = catalog_queries.role_detail(db_session(), role_id.upper())
    return schemas.role_document(found_or_404(detail))


@bp.get("/pathways")
@bp.response(200, schemas.PathwayListSchema)
def pathways() -> dict[str, Any]:
    """Every hiring pathway (ended ones included, with their status)."""
    return schemas.pathway_list(catalog_queries.all_pathways(db_session()))


@bp.get("/pathways/<pathway_id>")
@bp.response(200, schemas.PathwayDetailSchema)
@bp.alt_response(404, response="NOT_FOUND")
def pathway(pathway_id: str) -> Any:
    """A hiring pathway: who qualifies, grades, term, conversion and its work roles."""
    return found_or_404(catalog_queries.get_pathway(db_session(), pathway_id))
