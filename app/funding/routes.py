"""Program offices: find, rank and track funding for AI-enabled cybersecurity.

Public: the search (/funding/), opportunity pages with a one-off calendar file, the funding
programs, and the personal calendar feed behind its secret URL (/feeds/<token>.ics).
Program office accounts: profile, ranked matches, saved searches and opportunities, alerts
and the feed's settings. Routes stay thin: the work is in app/services.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlencode

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.blueprints import BlueprintSetupState
from flask_login import current_user

from app.auth import role_required
from app.extensions import db_session
from app.funding.forms import (
    ActionForm,
    OpportunityAlertsForm,
    ProfileForm,
    SaveSearchForm,
    SearchForm,
    SearchSettingsForm,
)
from app.models import Role, utcnow
from app.redirects import same_site_path
from app.request_guard import query_id
from app.services import catalog_queries
from app.services.funding import feed, saved
from app.services.funding import links as funding_links
from app.services.funding import matches as funding_matches
from app.services.funding import search as fs

bp = Blueprint("funding", __name__, url_prefix="/funding")
OFFICE = Role.PROGRAM_OFFICE


def _today() -> date:
    return date.today()


def _cache_dir() -> Path:
    return Path(str(current_app.config["MODEL_CACHE_DIR"]))


def _base_url() -> str:
    return str(current_app.config["PUBLIC_BASE_URL"])


def _is_office() -> bool:
    return bool(current_user.is_authenticated and current_user.has_role(OFFICE))


def _back(default: str) -> str:
    """The same-site page a small form came from (its `next` field), else `default`."""
    return same_site_path(request.form.get("next")) or default


def _require_valid_action() -> None:
    """CSRF for the small POST buttons (also enforced app-wide by CSRFProtect)."""
    if not ActionForm().validate_on_submit():
        abort(400)


@bp.app_template_filter("eligibility_labels")
def _eligibility_labels(codes: list[str]) -> list[str]:
    return fs.eligibility_labels(codes)


@bp.app_template_filter("source_label")
def _source_label(source: str) -> str:
    return fs.source_label(source)


@bp.app_template_filter("instrument_label")
def _instrument_label(code: str) -> str:
    return fs.FUNDING_INSTRUMENTS.get(code, code)


# -- public: search, opportunities, programs ------------------------------------------------


@bp.get("/")
def search():
    session = db_session()
    today = _today()
    form = SearchForm(request.args)
    form.validate()
    options = fs.filter_options(session, today)
    form.set_options(options.agencies, options.listings, options.categories)

    saved_search = None
    exclude: set[int] = set()
    saved_id = query_id("saved")
    if saved_id and _is_office():
        saved_search = saved.get_search(session, current_user.id, saved_id)
    if saved_search is not None:
        query = saved.search_query(saved_search)
        exclude = saved.excluded_ids(saved_search)
        form = SearchForm(data=_form_data(query))
        form.set_options(options.agencies, options.listings, options.categories)
    else:
        query = fs.SearchQuery.from_params(request.args)
        if form.errors:  # malformed amounts are ignored, and explained next to the field
            query = fs.SearchQuery.from_params(
                {k: v for k, v in query.to_params().items() if k not in form.errors}
            )
    results = fs.search(
        session, query, today, page=request.args.get("page", 1, type=int), exclude_ids=exclude
    )
    params = query.to_params()
    save_form = SaveSearchForm(query=urlencode(params, doseq=True), name=query.describe())
    return render_template(
        "funding/search.html",
        form=form,
        query=query,
        results=results,
        today=today,
        saved_search=saved_search,
        save_form=save_form,
        saved_ids=saved.saved_opportunity_ids(session, current_user.id) if _is_office() else set(),
        page_url=lambda page: url_for(
            "funding.search",
            **({"saved": saved_search.id} if saved_search else params),
            page=page,
        ),
        is_office=_is_office(),
    )


def _form_data(query: fs.SearchQuery) -> dict[str, object]:
    data = query.to_params()
    if query.closing_within:
        data["closing_within"] = str(query.closing_within)
    return data


@bp.get("/opportunities/<int:opportunity_id>")
def opportunity(opportunity_id: int):
    session = db_session()
    row = fs.canonical(session, opportunity_id)
    if row is None:
        abort(404)
    if row.id != opportunity_id:
        return redirect(url_for("funding.opportunity", opportunity_id=row.id), 301)
    today = _today()
    saved_row = (
        saved.get_saved_opportunity(session, current_user.id, row.id) if _is_office() else None
    )
    try:
        roles = funding_links.roles_for_opportunity(session, row, _cache_dir(), today)
    except LookupError:  # no catalog loaded
        roles = []
    return render_template(
        "funding/opportunity.html",
        o=row,
        today=today,
        duplicates=fs.duplicates_of(session, [row.id]).get(row.id, []),
        programs=fs.programs_for(session, row.assistance_listings or []),
        roles=roles,
        saved_row=saved_row,
        alerts_form=OpportunityAlertsForm(
            prefix=f"o{row.id}", alerts_enabled=saved_row.alerts_enabled if saved_row else True
        ),
        is_office=_is_office(),
    )


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
    session = db_session()
    profile_row = funding_matches.get_profile(session, current_user.id)
    if profile_row is None:
        flash("Tell us about your organization first: matches are based on your profile.", "info")
        return redirect(url_for("funding.profile"))
    today = _today()
    view = funding_matches.matches_for(session, profile_row, today)
    try:
        roles = funding_links.roles_for_opportunities(
            session, view.opportunities.values(), _cache_dir(), today
        )
    except LookupError:
        roles = {}
    return render_template(
        "funding/matches.html",
        view=view,
        profile=profile_row,
        roles=roles,
        today=today,
        saved_ids=saved.saved_opportunity_ids(session, current_user.id),
    )


# -- program office: saved searches ---------------------------------------------------------


@bp.get("/searches")
@role_required(OFFICE)
def searches():
    session = db_session()
    items = saved.user_searches(session, current_user.id)
    return render_template(
        "funding/searches.html",
        items=[
            (
                s,
                SearchSettingsForm(
                    prefix=f"s{s.id}",
                    name=s.name,
                    alerts_enabled=s.alerts_enabled,
                    frequency=s.frequency,
                ),
                saved.hidden_opportunities(session, s),
            )
            for s in items
        ],
        search_url=lambda s: url_for("funding.search", saved=s.id),
    )


@bp.post("/searches")
@role_required(OFFICE)
def save_search():
    session = db_session()
    form = SaveSearchForm()
    if not form.validate_on_submit():
        flash("The search could not be saved: " + _first_error(form), "info")
        return redirect(url_for("funding.search"))
    query = fs.SearchQuery.from_params(parse_qs(form.query.data or ""))
    try:
        search_row = saved.save_search(
            session,
            current_user.id,
            query,
            _today(),
            name=form.name.data or "",
            frequency=form.frequency.data or "daily",
        )
    except saved.SavedError as exc:
        flash(str(exc), "info")
        return redirect(url_for("funding.search", **query.to_params()))
    session.commit()
    flash(f"Saved “{search_row.name}”. We will e-mail you when something new appears.", "success")
    return redirect(url_for("funding.searches"))


def _first_error(form: object) -> str:
    for errors in getattr(form, "errors", {}).values():
        if errors:
            return str(errors[0])
    return "please try again."


def _owned_search(search_id: int):
    found = saved.get_search(db_session(), current_user.id, search_id)
    if found is None:
        abort(404)
    return found


@bp.post("/searches/<int:search_id>/settings")
@role_required(OFFICE)
def search_settings(search_id: int):
    session = db_session()
    search_row = _owned_search(search_id)
    form = SearchSettingsForm(prefix=f"s{search_id}")
    if not form.validate_on_submit():
        flash("Those settings were not saved: " + _first_error(form), "info")
        return redirect(url_for("funding.searches"))
    turning_on = form.alerts_enabled.data and not search_row.alerts_enabled
    saved.update_search(
        search_row,
        alerts_enabled=bool(form.alerts_enabled.data),
        frequency=form.frequency.data or "daily",
        name=form.name.data,
    )
    if turning_on:  # alerts start from what the search finds now, not from long ago
        search_row.snapshot = saved.snapshot_for(
            session, saved.search_query(search_row), _today(), saved.excluded_ids(search_row)
        )
    session.commit()
    state = f"{search_row.frequency} alerts on" if search_row.alerts_enabled else "alerts off"
    flash(f"Saved the settings of “{search_row.name}” ({state}).", "success")
    return redirect(url_for("funding.searches"))


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
    session = db_session()
    items = saved.saved_opportunities(session, current_user.id)
    return render_template(
        "funding/saved.html",
        items=[
            (
                item,
                OpportunityAlertsForm(
                    prefix=f"o{item.opportunity.id}", alerts_enabled=item.saved.alerts_enabled
                ),
            )
            for item in items
        ],
        today=_today(),
    )


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
    flash(
        "Deadline reminders on." if found.alerts_enabled else "Deadline reminders off.", "success"
    )
    return redirect(_back(url_for("funding.saved_list")))


# -- program office: the calendar feed ------------------------------------------------------


@bp.get("/feed")
@role_required(OFFICE)
def feed_settings():
    token = current_user.feed_token
    return render_template(
        "funding/feed.html",
        feed_url=url_for("feed_ics", token=token, _external=True) if token else None,
        download_url=url_for("feed_ics", token=token) if token else None,
    )


@bp.post("/feed")
@role_required(OFFICE)
def create_feed():
    _require_valid_action()
    replacing = bool(current_user.feed_token)
    feed.new_feed_token(current_user)
    db_session().commit()
    flash(
        "New calendar address created; the old one no longer works."
        if replacing
        else "Your calendar address is ready. Add it to your calendar program.",
        "success",
    )
    return redirect(url_for("funding.feed_settings"))


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
