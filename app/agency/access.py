"""Which openings a signed-in poster may see: their own agency's, and no other.

A poster whose account names no agency gets a page saying so (403), not an error; an opening
of another agency is not found (404), so its existence is not revealed.
"""

from __future__ import annotations

from flask import abort, make_response, render_template
from flask_login import current_user

from app.extensions import db_session
from app.models import Agency, AgencyOpening
from app.services.agency import openings


def poster_agency() -> Agency:
    """The signed-in poster's agency, or the "no agency" page."""
    agency = db_session().get(Agency, current_user.agency_id) if current_user.agency_id else None
    if agency is None:
        abort(make_response(render_template("agency/no_agency.html"), 403))
    return agency


def opening_or_404(opening_id: int) -> AgencyOpening:
    poster_agency()
    opening = openings.get_opening(db_session(), opening_id, current_user)
    if opening is None:
        abort(404)
    return opening
