"""Jinja filters: code lists turned into words people read."""

from __future__ import annotations

from flask import Flask, url_for
from flask_login import current_user

from app.account.views import workspace_endpoint
from app.funding import views as funding_views
from vocabulary.codes import APPLICANT_TYPES, FUNDING_CATEGORIES


def applicant_label(code: str) -> str:
    return APPLICANT_TYPES.get(code, f"Code {code}")


def category_label(code: str) -> str:
    return FUNDING_CATEGORIES.get(code, f"Code {code}")


def register_template_filters(app: Flask) -> None:
    """Every app-wide Jinja filter; the funding labels are implemented in app/funding/views."""
    app.add_template_filter(applicant_label, "applicant_label")
    app.add_template_filter(category_label, "category_label")
    app.add_template_filter(funding_views.eligibility_labels, "eligibility_labels")
    app.add_template_filter(funding_views.source_label, "source_label")
    app.add_template_filter(funding_views.instrument_label, "instrument_label")
    app.add_template_filter(funding_views.status_label, "status_label")
    app.add_template_filter(funding_views.sort_description, "sort_description")

    @app.context_processor
    def _helpers() -> dict[str, object]:
        # Navigation lists only the pages this build has.
        return {
            "has_endpoint": lambda name: name in app.view_functions,
            "workspace_url": _workspace_url,
        }

    def _workspace_url() -> str | None:
        """The signed-in account's workspace (staff, agency posters, admins), else None."""
        endpoint = workspace_endpoint(current_user)
        return url_for(endpoint) if endpoint and endpoint in app.view_functions else None
