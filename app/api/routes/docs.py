"""The API's documentation page: a server-drawn page in the site's layout, no scripts."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, url_for

from app.api import docs
from app.api.blueprint import PREFIX

bp = Blueprint("api_docs", __name__)


@bp.get(f"{PREFIX}/docs")
def page() -> str:
    """Each endpoint, its parameters and responses, and a link to openapi.json."""
    document = docs.api_document()
    return render_template(
        "api/docs.html",
        info=document["info"],
        endpoints=docs.endpoints(document),
        spec_url=url_for("api-docs.openapi_json"),
        read_limit=current_app.config["API_READ_LIMIT"],
        match_limit=current_app.config["API_MATCH_LIMIT"],
    )
