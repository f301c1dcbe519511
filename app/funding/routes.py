"""Program offices: find, rank and track funding for AI-enabled cybersecurity.

Public: the search (/funding/), opportunity pages with a one-off calendar file, the funding
programs, and the personal calendar feed behind its secret URL (/feeds/<token>.ics).
Program office accounts: profile, ranked matches, saved searches and opportunities, alerts
and the feed's settings. Routes stay thin: the work is in app/services (one call per page in
app/services/funding/pages.py), what the pages show in app/funding/views.py.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.blueprints import BlueprintSetupState
from flask_login import current_user
from werkzeug.wrappers import Response as Redirect

from app.auth import role_required
from app.extensions import db_session
from app.funding import views
from app.funding.forms import (
    ActionForm,
    OpportunityAlertsForm,
    ProfileForm,
    SaveSearchForm,
    SearchForm,
    SearchSettingsForm,
)
from app.links import request_base_url
from app.models import Role, utcnow
from app.redirects import same_site_path
from app.request_guard import query_id
from app.services import catalog_queries
from app.services.fitted_cache import cache_dir
from app.services.funding import feed, pages, saved
from app.services.funding import matches as funding_matches
from app.services.funding import search as fs

bp = Blueprint("funding", __name__, url_prefix="/funding")
OFFICE = Role.PROGRAM_OFFICE


def _today() -> date:
    return date.today()


def _cache_dir() -> Path:
    return cache_dir()


def _base_url() -> str:
    return request_base_url()


def _is_office() -> bool:
    return bool(current_user.is_authenticated and current_user.has_role(OFFICE))


def _office_id() -> int | None:
    """The signed-in program office's user id; None for everyone else."""
    return int(current_user.id) if _is_office() else None


def _back(default: str) -> str:
    """The same-site page a small form came from (its `next` field), else `default`."""
    return same_site_path(request.form.get("next")) or default


def _require_valid_action() -> None:
    """CSRF for the small POST buttons (also enforced app-wide by CSRFProtect)."""
    if not ActionForm().validate_on_submit():
        abort(400)


def _flash_to(message: str, category: str, target: str) -> Redirect:
    """Flash `message`, then redirect to `target`."""
    flash(message, category)
    return redirect(target)


# -- public: search, opportunities, programs ------------------------------------------------


@bp.get("/")
def search():
    today = _today()
    form = SearchForm(request.args)
    form.validate()
    found = pages.search_page(
        db_session(),
        form.search_query(request.args),
        today,
        user_id=_office_id(),
        saved_id=query_id("saved"),
        page=request.args.get("page", 1, type=int),
    )
    return render_template("funding/search.html", **views.search_view(found, form, today).context())


@bp.get("/opportunities/<int:opportunity_id>")
def opportunity(opportunity_id: int):
    today = _today()
    found = pages.opportunity_page(
        db_session(), opportunity_id, today, _cache_dir(), user_id=_office_id()
    )
    if found is None:
        abort(404)
    if found.moved:
        return redirect(url_for("funding.opportunity", opportunity_id=found.opportunity.id), 301)
    view = views.opportunity_view(found, today)
    return render_template("funding/opportunity.html", **view.context())


@bp.get("/opportunities/<int:opportunity_id>.ics")
def opportunity_ics(opportunity_id: int):
    row = fs.canonical(db_session(), opportunity_id)
    if row is None:
        abort(404)
    body = feed.opportunity_calendar(row, _base_url(), utcnow())
    if body is None:
        abort(404)  # rolling or unknown deadline: nothing to put in a calendar
    return Response(
        body,
        mimetype="text/calendar",
        headers={
            "Content-Disposition": f'attachment; filename="funding-{row.id}.ics"',
            "Cache-Control": "no-store",
        },
    )


@bp.get("/programs/")
def programs():
    return render_template(
        "funding/programs.html", programs=catalog_queries.funding_programs(db_session())
    )


@bp.get("/programs/<aln>")
def program(aln: str):
    session = db_session()
    program = catalog_queries.get_funding_program(session, aln)
    if program is None:
        abort(404)
    today = _today()
    current, forecast = fs.program_opportunities(session, aln, today)
    return render_template(
        "funding/program.html", p=program, current=current, forecast=forecast, today=today
    )


# -- program office: profile and matches ----------------------------------------------------


@bp.route("/profile", methods=["GET", "POST"])
@role_required(OFFICE)
def profile():
    session = db_session()
    existing = funding_matches.get_profile(session, current_user.id)
    form = ProfileForm(data=funding_matches.profile_form_data(existing))
    form.set_roles(funding_matches.work_role_choices(session))
    if form.validate_on_submit():
        funding_matches.save_profile(session, current_user.id, form.profile_data())
        session.commit()
        flash("Your profile is saved. These are your matches.", "success")
        return redirect(url_for("funding.matches"))
    return render_template(
        "funding/profile.html", form=form, existing=existing
    ), 400 if form.errors else 200


@bp.get("/matches")
@role_required(OFFICE)
def matches():
    today = _today()
    found = pages.matches_page(db_session(), current_user.id, today, _cache_dir())
    if found is None:
        return _flash_to(
            "Tell us about your organization first: matches are based on your profile.",
            "info",
            url_for("funding.profile"),
        )
    return render_template("funding/matches.html", **views.matches_view(found, today).context())


# -- program office: saved searches ---------------------------------------------------------


@bp.get("/searches")
@role_required(OFFICE)
def searches():
    found = pages.saved_searches(db_session(), current_user.id)
    return render_template("funding/searches.html", **views.searches_view(found).context())


@bp.post("/searches")
@role_required(OFFICE)
def save_search():
    form = SaveSearchForm()
    if not form.validate_on_submit():
        message = "The search could not be saved: " + views.first_error(form)
        return _flash_to(message, "info", url_for("funding.search"))
    query = form.search_query()
    try:
        row = saved.save_search(db_session(), current_user.id, query, _today(), **form.settings())
    except saved.SavedError as exc:
        return _flash_to(str(exc), "info", url_for("funding.search", **query.to_params()))
    db_session().commit()
    return _flash_to(views.search_saved_message(row), "success", url_for("funding.searches"))


def _owned_search(search_id: int):
    found = saved.get_search(db_session(), current_user.id, search_id)
    if found is None:
        abort(404)
    return found


@bp.post("/searches/<int:search_id>/settings")
@role_required(OFFICE)
def search_settings(search_id: int):
    search_row = _owned_search(search_id)
    form = SearchSettingsForm(prefix=f"s{search_id}")
    if not form.validate_on_submit():
        message = "Those settings were not saved: " + views.first_error(form)
        return _flash_to(message, "info", url_for("funding.searches"))
    saved.change_settings(db_session(), search_row, _today(), **form.settings())
    db_session().commit()
    message = views.settings_saved_message(search_row)
    return _flash_to(message, "success", url_for("funding.searches"))


@bp.post("/searches/<int:search_id>/delete")
@role_required(OFFICE)
def delete_search(search_id: int):
    _require_valid_action()
    session = db_session()
    search_row = _owned_search(search_id)
    name = search_row.name
    saved.delete_search(session, search_row)
    session.commit()
    flash(f"Deleted the saved search “{name}”.", "success")
    return redirect(url_for("funding.searches"))


@bp.post("/searches/<int:search_id>/hide/<int:opportunity_id>")
@role_required(OFFICE)
def hide_opportunity(search_id: int, opportunity_id: int):
    """ "Not interested": hide one opportunity from one saved search and its alerts."""
    _require_valid_action()
    session = db_session()
    search_row = _owned_search(search_id)
    try:
        saved.exclude(session, search_row, opportunity_id)
    except saved.SavedError:
        abort(404)
    session.commit()
    flash(f"Hidden from “{search_row.name}”. You can show it again from Saved searches.", "info")
    return redirect(_back(url_for("funding.search", saved=search_id)))


@bp.post("/searches/<int:search_id>/unhide/<int:opportunity_id>")
@role_required(OFFICE)
def unhide_opportunity(search_id: int, opportunity_id: int):
    _require_valid_action()
    session = db_session()
    search_row = _owned_search(search_id)
    saved.include(session, search_row, opportunity_id)
    session.commit()
    flash(f"Shown again in “{search_row.name}”.", "success")
    return redirect(_back(url_for("funding.searches")))


# -- program office: saved opportunities ----------------------------------------------------


@bp.get("/saved")
@role_required(OFFICE)
def saved_list():
    found = saved.saved_opportunities(db_session(), current_user.id)
    return render_template("funding/saved.html", **views.saved_list_view(found, _today()).context())


@bp.post("/opportunities/<int:opportunity_id>/save")
@role_required(OFFICE)
def save_opportunity(opportunity_id: int):
    _require_valid_action()
    session = db_session()
    try:
        saved.save_opportunity(session, current_user.id, opportunity_id)
    except saved.SavedError:
        abort(404)
    session.commit()
    flash("Saved. We will remind you 14 and 3 days before it closes.", "success")
    return redirect(_back(url_for("funding.opportunity", opportunity_id=opportunity_id)))


@bp.post("/opportunities/<int:opportunity_id>/unsave")
@role_required(OFFICE)
def unsave_opportunity(opportunity_id: int):
    _require_valid_action()
    session = db_session()
    saved.unsave_opportunity(session, current_user.id, opportunity_id)
    session.commit()
    flash("Removed from your saved opportunities.", "success")
    return redirect(_back(url_for("funding.saved_list")))


@bp.post("/saved/<int:opportunity_id>/alerts")
@role_required(OFFICE)
def opportunity_alerts(opportunity_id: int):
    session = db_session()
    form = OpportunityAlertsForm(prefix=f"o{opportunity_id}")
    if not form.validate_on_submit():
        abort(400)
    found = saved.set_opportunity_alerts(
        session, current_user.id, opportunity_id, bool(form.alerts_enabled.data)
    )
    if found is None:
        abort(404)
    session.commit()
    return _flash_to(
        views.reminders_message(found), "success", _back(url_for("funding.saved_list"))
    )


# -- program office: the calendar feed ------------------------------------------------------


@bp.get("/feed")
@role_required(OFFICE)
def feed_settings():
    return render_template(
        "funding/feed.html", **views.feed_view(current_user.feed_token).context()
    )


@bp.post("/feed")
@role_required(OFFICE)
def create_feed():
    _require_valid_action()
    replacing = bool(current_user.feed_token)
    feed.new_feed_token(current_user)
    db_session().commit()
    message = views.feed_created_message(replacing)
    return _flash_to(message, "success", url_for("funding.feed_settings"))


@bp.post("/feed/revoke")
@role_required(OFFICE)
def revoke_feed():
    _require_valid_action()
    feed.revoke_feed_token(current_user)
    db_session().commit()
    flash("Calendar address turned off. Calendars using it will stop updating.", "success")
    return redirect(url_for("funding.feed_settings"))


def feed_ics(token: str):
    """The personal feed: no sign-in, the secret in the URL is the key; 404 when revoked."""
    session = db_session()
    user = feed.user_for_token(session, token)
    if user is None:
        abort(404)
    return Response(
        feed.personal_feed(session, user, _base_url(), utcnow()),
        mimetype="text/calendar",
        headers={"Cache-Control": "private, no-store", "X-Robots-Tag": "noindex"},
    )


@bp.record_once
def _register_feed_route(state: BlueprintSetupState) -> None:
    app: Flask = state.app
    app.add_url_rule("/feeds/<token>.ics", endpoint="feed_ics", view_func=feed_ics)
