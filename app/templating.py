"""Jinja filters: code lists turned into words people read."""

from __future__ import annotations

from flask import Flask

from scrapers.codes import APPLICANT_TYPES, FUNDING_CATEGORIES


def applicant_label(code: str) -> str:
    return APPLICANT_TYPES.get(code, f"Code {code}")


def category_label(code: str) -> str:
    return FUNDING_CATEGORIES.get(code, f"Code {code}")


def register_template_filters(app: Flask) -> None:
    app.add_template_filter(applicant_label, "applicant_label")
    app.add_template_filter(category_label, "category_label")

    @app.context_processor
    def _helpers() -> dict[str, object]:
        # Navigation lists only the pages this build has.
        return {"has_endpoint": lambda name: name in app.view_functions}
