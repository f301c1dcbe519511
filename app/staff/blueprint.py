"""The OPM staff blueprint; its routes live in `app.staff.routes`, one module per workflow."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/staff")
