"""Agency posters: an opening's page (fields, history, candidate pool) and what it can become.

Publish (a draft), Close and Withdraw (published), Delete (a draft, after a confirmation
page) each post the version the page showed, so a change someone made meanwhile is not
overridden unseen (409).
"""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.agency import editing, views
from app.agency.access import opening_or_404
from app.agency.blueprint import bp
from app.agency.forms import OpeningActionForm
from app.auth import role_required
from app.extensions import db_session
from app.models import AgencyOpening, OpeningStatus, Role
from app.models.base import utcnow
from app.services.agency import openings, pool

__all__ = ["bp"]


def _page(opening: AgencyOpening, outcome: editing.Outcome | None = None) -> str:
    session = db_session()
    history = views.version_rows(openings.versions(session, opening), openings.version_changes)
    counts = pool.candidate_pool(session, opening, utcnow())
    conflict = None
    if outcome is not None and outcome.conflict is not None:
        conflict = views.conflict_view(outcome, *editing.conflict_details(session, outcome))
    message = outcome.message if outcome else None
    return render_template(
        "agency/opening.html", **views.opening_view(opening, history, counts, message, conflict)
    )


@bp.get("/openings/<int:opening_id>")
@role_required(Role.AGENCY_POSTER)
def opening(opening_id: int):
    return _page(opening_or_404(opening_id))


def _act(opening_id: int, action: str):
    session, found = db_session(), opening_or_404(opening_id)
    title, form = found.title, OpeningActionForm()
    outcome = editing.act(session, found, action, form, current_user, date.today())
    if outcome.done is None:
        return _page(opening_or_404(opening_id), outcome), outcome.status
    session.commit()
    flash(*views.done_message(action, title))
    if outcome.saved is None:
        return redirect(url_for("agency.dashboard"))
    return redirect(views.opening_url(outcome.saved))


@bp.post("/openings/<int:opening_id>/publish")
@role_required(Role.AGENCY_POSTER)
def publish_opening(opening_id: int):
    return _act(opening_id, "publish")


@bp.post("/openings/<int:opening_id>/close")
@role_required(Role.AGENCY_POSTER)
def close_opening(opening_id: int):
    return _act(opening_id, "close")


@bp.post("/openings/<int:opening_id>/withdraw")
@role_required(Role.AGENCY_POSTER)
def withdraw_opening(opening_id: int):
    return _act(opening_id, "withdraw")


@bp.route("/openings/<int:opening_id>/delete", methods=["GET", "POST"])
@role_required(Role.AGENCY_POSTER)
def delete_opening(opening_id: int):
    found = opening_or_404(opening_id)
    if found.status != OpeningStatus.DRAFT:
        abort(404)  # only a draft can be deleted; the others are kept with their history
    if request.method == "POST":
        return _act(opening_id, "delete")
    return render_template("agency/delete.html", **views.delete_view(found))
