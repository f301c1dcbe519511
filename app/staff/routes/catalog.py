"""OPM staff: the catalog's entries listed, edited, created, their history, and reverts.

Every save is a new version with who, when and why (`app.services.staff.curation`), and the
matcher follows it from the next request (`app.services.fitted_cache`).
"""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request
from flask_login import current_user

from app.auth import role_required
from app.extensions import db_session
from app.models import Role
from app.services.staff import aliases, curation
from app.staff import editing, views
from app.staff.blueprint import bp
from app.staff.catalog_forms import NEW_ID_FIELD, RevertForm

__all__ = ["bp"]


def _kind(slug: str) -> str:
    kind = views.kind_of(slug)
    if kind is None:
        abort(404)
    return kind


def _entry(kind: str, ident: str) -> curation.Entry:
    entry = curation.get_entry(db_session(), kind, ident)
    if entry is None:
        abort(404)
    return entry


@bp.get("/catalog/")
@role_required(Role.OPM_STAFF)
def catalog_index():
    counts = {k: len(curation.list_entries(db_session(), k)) for k in curation.EDITABLE}
    return render_template("staff/catalog_index.html", **views.catalog_index_view(counts))


@bp.get("/catalog/<slug>/")
@role_required(Role.OPM_STAFF)
def catalog_list(slug: str):
    kind = _kind(slug)
    text = str(request.args.get("q") or "")[:200]
    items = curation.list_entries(db_session(), kind, text)
    return render_template("staff/catalog_list.html", **views.catalog_list_view(kind, items, text))


@bp.route("/catalog/<slug>/new", methods=["GET", "POST"])
@role_required(Role.OPM_STAFF)
def new_entry(slug: str):
    kind = _kind(slug)
    if kind not in NEW_ID_FIELD:
        abort(404)
    return _entry_page(kind, None)


@bp.route("/catalog/<slug>/<ident>/edit", methods=["GET", "POST"])
@role_required(Role.OPM_STAFF)
def edit_entry(slug: str, ident: str):
    kind = _kind(slug)
    return _entry_page(kind, _entry(kind, ident))


def _entry_page(kind: str, entry: curation.Entry | None):
    session = db_session()
    form = editing.entry_form(session, kind, entry)
    outcome = None
    if request.method == "POST":
        outcome = editing.submit(session, kind, entry, form, current_user)
        if outcome.saved is not None:
            session.commit()
            flash(*views.saved_entry_message(outcome.saved))
            return redirect(views.history_url(outcome.saved))
    page = views.entry_form_view(kind, entry, form, outcome)
    return render_template("staff/entry_form.html", **page), outcome.status if outcome else 200


@bp.get("/catalog/<slug>/<ident>/history")
@role_required(Role.OPM_STAFF)
def entry_history(slug: str, ident: str):
    entry = _entry(_kind(slug), ident)
    rows = curation.history(db_session(), entry.kind, entry.id)
    return render_template("staff/history.html", **views.history_view(entry, rows, RevertForm()))


@bp.post("/catalog/<slug>/<ident>/revert")
@role_required(Role.OPM_STAFF)
def revert_entry(slug: str, ident: str):
    session, entry, form = db_session(), _entry(_kind(slug), ident), RevertForm()
    outcome = editing.revert_entry(session, entry, form, current_user)
    if outcome.saved is not None:
        session.commit()
        flash(*views.reverted_message(outcome.saved, form.number.data))
        return redirect(views.history_url(outcome.saved))
    rows = curation.history(session, entry.kind, entry.id)
    page = views.history_view(_entry(entry.kind, entry.id), rows, form, outcome)
    return render_template("staff/history.html", **page), outcome.status


@bp.get("/catalog/skills/alias-check")
@role_required(Role.OPM_STAFF)
def alias_check():
    skill = (request.args.get("skill") or "").strip() or None
    wanted, cased = request.args.getlist("alias"), request.args.getlist("cased")
    return jsonify(aliases.check_aliases(db_session(), skill, wanted, cased).as_json())


@bp.get("/audit")
@role_required(Role.OPM_STAFF)
def audit():
    action, actor, page = views.audit_filters(request.args)
    entries = curation.audit_log(db_session(), action, actor, page)
    return render_template("staff/audit.html", **views.audit_view(entries, action, actor))
