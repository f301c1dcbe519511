"""Job seekers: work roles and hiring paths, resume matching, and open jobs. No account needed."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from sqlalchemy.orm import Session
from werkzeug.exceptions import RequestEntityTooLarge

from app.errors import render_error
from app.extensions import db_session
from app.models import MatchRequest
from app.seekers import views
from app.seekers.forms import DeleteForm, MatchForm, QuestionsForm, human_size
from app.services import catalog_queries
from app.services.fitted_cache import cache_dir
from app.services.funding import links as funding_links
from app.services.matcher import role_matcher
from app.services.seekers import intake
from app.services.seekers import jobs as job_browse
from app.services.seekers import matches as seeker_match
from app.services.seekers.job_index import job_index
from matching.analysis import Answers
from matching.documents import DocumentError, DocumentLimits
from matching.roles import RoleMatcher

bp = Blueprint("seekers", __name__)

# The upload form parses bodies up to this many times the file limit, so an oversized file
# gets its message on the form with the answers kept; anything larger is refused unread.
UPLOAD_BODY_FACTOR = intake.UPLOAD_BODY_FACTOR
# The link is the key: never cached or indexed. It never reaches another site in a Referer
# either, because the whole site sends Referrer-Policy: same-origin (`app.extensions`).
PRIVATE_HEADERS = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}


# -- work roles and hiring paths ------------------------------------------------------------


@bp.get("/pathways/")
def roles():
    categories = catalog_queries.categories_with_roles(db_session())
    role_count = sum(len(c.work_roles) for c in categories)
    return render_template("seekers/roles.html", categories=categories, role_count=role_count)


@bp.get("/pathways/roles/<role_id>")
def role(role_id: str):
    session = db_session()
    detail = catalog_queries.role_detail(session, role_id.upper())
    if detail is None:
        abort(404)
    funding = funding_links.funding_for_role(
        session, detail.role.id, cache_dir(), date.today(), limit=6
    )
    return render_template(
        "seekers/role.html", d=detail, skills=views.role_skills(detail), funding=funding
    )


@bp.get("/pathways/hiring-paths/")
def hiring_paths():
    return render_template(
        "seekers/hiring_paths.html", pathways=catalog_queries.all_pathways(db_session())
    )


@bp.get("/pathways/hiring-paths/<pathway_id>")
def hiring_path(pathway_id: str):
    pathway = catalog_queries.get_pathway(db_session(), pathway_id)
    if pathway is None:
        abort(404)
    return render_template("seekers/hiring_path.html", p=pathway)


# -- matching a resume ----------------------------------------------------------------------


def _file_limit() -> int:
    return int(current_app.config["MAX_CONTENT_LENGTH"])


def _matcher() -> RoleMatcher:
    try:
        return role_matcher(db_session())
    except LookupError:
        abort(503)


def _private(response: Response) -> Response:
    response.headers.update(PRIVATE_HEADERS)
    return response


@bp.url_value_preprocessor
def _upload_limits(endpoint: str | None, values: dict | None) -> None:
    # Runs before any before_request hook (CSRF reads the form), so the larger body limit
    # for the upload form is in place before the body is parsed.
    if endpoint == "seekers.match" and request.method == "POST":
        request.max_content_length = _file_limit() * UPLOAD_BODY_FACTOR
        request.max_form_memory_size = 2 * 1024 * 1024  # pasted text


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(error: RequestEntityTooLarge):
    if request.endpoint != "seekers.match":
        return render_error(413)
    form = MatchForm(formdata=None, max_file_bytes=_file_limit())
    form.resume.errors = [
        intake.body_far_too_large(_file_limit()).removesuffix(".")
        + ", and answer the questions again."
    ]
    return _match_page(form, 413)


def _match_page(form: MatchForm, status: int = 200):
    html = render_template(
        "seekers/match.html",
        form=form,
        limit=human_size(_file_limit()),
        retention_hours=current_app.config["MATCH_RETENTION_HOURS"],
    )
    return html, status


def _store_match(session: Session, form: MatchForm, upload: seeker_match.Upload) -> str:
    """Create the match for a valid form; returns its link token."""
    token, _ = seeker_match.create_match(
        session,
        upload,
        form.answers(),
        _matcher(),
        keep_file=bool(form.keep_file.data),
        retention_hours=int(current_app.config["MATCH_RETENTION_HOURS"]),
        limits=DocumentLimits(max_bytes=_file_limit()),
    )
    return token


@bp.route("/match", methods=["GET", "POST"])
def match():
    form = MatchForm(max_file_bytes=_file_limit())
    if not form.validate_on_submit():
        return _match_page(form, 400 if form.is_submitted() else 200)
    upload = form.upload()
    session = db_session()
    try:
        token = _store_match(session, form, upload)
    except DocumentError as exc:
        session.rollback()
        form.not_read(upload, exc.message)
        return _match_page(form, 400)
    session.commit()
    return redirect(url_for("seekers.results", token=token), code=303)


def _live_match(token: str) -> MatchRequest:
    found = seeker_match.get_match(db_session(), token)
    if found is None:
        abort(404)
    return found


def _jobs(found: MatchRequest, sort: str, clearance_only: bool) -> seeker_match.JobResults:
    session = db_session()
    return seeker_match.match_jobs(
        session,
        found,
        job_index(session, _matcher()),
        today=date.today(),
        sort=sort,
        clearance_only=clearance_only,
    )


def _job_options() -> tuple[str, bool]:
    """(sort, only jobs the held clearance covers) from the query string."""
    sort = request.args.get("sort", "fit")
    return (sort if sort in seeker_match.SORTS else "fit"), request.args.get("clearance") == "mine"


def _results_page(token: str, found: MatchRequest, questions: QuestionsForm, status: int = 200):
    sort, clearance_only = _job_options()
    page = views.ResultsView(
        token=token,
        match=found,
        analysis=seeker_match.analysis_of(found),
        jobs=_jobs(found, sort, clearance_only),
        sort=sort,
        clearance_only=clearance_only,
        held_clearance=seeker_match.held_clearance(found),
        questions=questions,
        delete_form=DeleteForm(),
        today=date.today(),
        now=datetime.now(UTC),
    )
    return _private(Response(render_template("seekers/results.html", page=page), status))


@bp.get("/match/results/<token>")
def results(token: str):
    found = _live_match(token)
    questions = QuestionsForm(formdata=None)
    questions.fill_from(Answers.from_dict(found.answers))
    return _results_page(token, found, questions)


@bp.post("/match/results/<token>/answers")
def change_answers(token: str):
    found = _live_match(token)
    questions = QuestionsForm()
    if not questions.validate():
        return _results_page(token, found, questions, 400)
    seeker_match.update_answers(found, questions.answers(), _matcher())
    db_session().commit()
    flash("We checked your hiring paths and jobs again with your new answers.", "success")
    return redirect(url_for("seekers.results", token=token, _anchor="hiring-paths"), code=303)


@bp.get("/match/results/<token>/deadlines.ics")
def deadlines(token: str):
    found = _live_match(token)
    jobs = _jobs(found, "deadline", _job_options()[1])
    body = views.deadlines_calendar(jobs.rows)
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'attachment; filename="job-deadlines.ics"'
    return _private(response)


@bp.get("/match/results/<token>/file")
def uploaded_file(token: str):
    found = _live_match(token)
    if found.file_data is None:
        abort(404)
    response = send_file(
        io.BytesIO(found.file_data),
        mimetype=found.file_type or "application/octet-stream",
        as_attachment=True,
        download_name=found.filename or "resume",
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return _private(response)


@bp.post("/match/results/<token>/delete")
def delete(token: str):
    if not DeleteForm().validate_on_submit():
        abort(400)
    session = db_session()
    if not seeker_match.delete_match(session, token):
        abort(404)
    session.commit()
    flash("We deleted your resume text, your answers and your results.", "success")
    return redirect(url_for("seekers.match"), code=303)


# -- open jobs ------------------------------------------------------------------------------


@bp.get("/jobs/")
def jobs():
    today = date.today()
    filters = job_browse.JobFilters.from_args(request.args)
    session = db_session()
    return render_template(
        "seekers/jobs.html",
        page=job_browse.browse_jobs(session, filters, today),
        filters=filters,
        today=today,
        series_options=job_browse.series_options(session, today),
        choices=views.BROWSE_CHOICES,
        labels=views.JOB_LABELS,
    )


@bp.get("/jobs/closing-soon")
def closing_soon():
    today = date.today()
    days = request.args.get("days", type=int)
    days = days if days in job_browse.CLOSING_WITHIN else job_browse.CLOSING_SOON_DAYS
    return render_template(
        "seekers/closing_soon.html",
        jobs=job_browse.closing_soon(db_session(), today, days),
        days=days,
        today=today,
        day_options=job_browse.CLOSING_WITHIN,
        labels=views.JOB_LABELS,
    )


@bp.get("/jobs/<int:job_id>")
def job(job_id: int):
    session = db_session()
    found = job_browse.get_job(session, job_id)
    if found is None:
        abort(404)
    today = date.today()
    return render_template(
        "seekers/job.html",
        job=found,
        staff_code=job_browse.staff_opm_code(session, found),
        today=today,
        closed=views.is_closed(found, today),
        series=job_browse.series_labels(session, list(found.series or ())),
        paths=[views.hiring_path_label(code) for code in found.hiring_paths or ()],
        labels=views.JOB_LABELS,
    )
