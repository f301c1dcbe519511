"""OPM staff: classifications (routes to come)."""

from __future__ import annotations

from app.staff.blueprint import bp

__all__ = ["bp"]
