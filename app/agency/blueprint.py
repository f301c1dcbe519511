"""The agency posters' blueprint; its routes live in `app.agency.routes`, one module a workflow."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("agency", __name__, url_prefix="/agency")
