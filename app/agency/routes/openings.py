"""Agency posters: posting an opening and editing it, with coding help for its work roles.

"Suggest work roles" and "Use these" re-render the form with the suggestions and save nothing;
`/agency/openings/suggest` gives the same panel to `coding_help.js` as the duties change.
"""

from __future__ import annotations

from datetime import date

from flask import flash, jsonify, redirect, render_template, request
from flask_login import current_user

from app.agency import editing, views
from app.agency.access import opening_or_404, poster_agency
from app.agency.blueprint import bp
from app.auth import role_required
from app.extensions import db_session
from app.models import AgencyOpening, Role
from app.services.agency import coding

__all__ = ["bp"]


@bp.route("/openings/new", methods=["GET", "POST"])
@role_required(Role.AGENCY_POSTER)
def new_opening():
    poster_agency()
    return _opening_page(None)


@bp.route("/openings/<int:opening_id>/edit", methods=["GET", "POST"])
@role_required(Role.AGENCY_POSTER)
def edit_opening(opening_id: int):
    return _opening_page(opening_or_404(opening_id))


def _opening_page(opening: AgencyOpening | None):
    session = db_session()
    form = editing.opening_form(session, opening)
    outcome = None
    if request.method == "POST":
        outcome = editing.submit(session, opening, form, current_user, date.today())
        if outcome.saved is not None and outcome.done is not None:
            saved = outcome.saved
            session.commit()
            flash(*views.done_message(outcome.done, saved.title, saved.version))
            return redirect(views.opening_url(saved))
    conflict = None
    if outcome is not None and outcome.conflict is not None:
        conflict = views.conflict_view(outcome, *editing.conflict_details(session, outcome))
    page = views.opening_form_view(opening, form, outcome, conflict)
    return render_template("agency/opening_form.html", **page), outcome.status if outcome else 200


@bp.post("/openings/suggest")
@role_required(Role.AGENCY_POSTER)
def suggest():
    poster_agency()
    data = request.get_json(silent=True) or {}
    texts = [str(data.get(k) or "")[:20_000] for k in ("title", "duties", "qualifications")]
    suggestion = coding.suggest_codes(db_session(), *texts)
    html = render_template("agency/_suggestions.html", s=views.suggestion_view(suggestion))
    return jsonify({**suggestion.as_json(), "html": html})
