"""Matching a resume: work roles, hiring pathways and open jobs, as the results page shows."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_smorest.error_handler import ErrorSchema

from app.api import match as api_match
from app.api.blueprint import bp
from app.extensions import db_session
from app.rate_limits import api_match_limit
from app.services.seekers import matches as seeker_match
from matching.documents import DocumentError

ERRORS = {
    400: "The document could not be read (damaged, protected, a scan without text, empty); "
    "or the body is not valid JSON.",
    413: "The file is over the limit (5 MB by default), or the body far over it.",
    415: "Not JSON or a form, or a file of a type we do not read.",
    422: "A field is not valid or unknown: errors names it, by location (json, form, files).",
    429: "Too many matches from this address (API_MATCH_LIMIT, 20 per minute by default).",
    503: "Matching is not available yet (no catalog loaded).",
}


def _document_errors(view: Any) -> Any:
    for code, description in ERRORS.items():
        view = bp.alt_response(code, schema=ErrorSchema, description=description)(view)
    return view


@bp.post("/match")
@api_match_limit
@bp.doc(requestBody=api_match.MATCH_REQUEST_BODY)
@bp.response(200, api_match.MatchResultSchema)
@_document_errors
def match() -> Any:
    """Match a resume: ranked work roles, hiring pathways and open jobs that fit.

    Send JSON with the resume's text, or a form with its file (PDF, Word .docx or plain
    text). Nothing is kept unless `store` is true: then the results also get a private
    page on the site, as when the upload form is used, for MATCH_RETENTION_HOURS.
    """
    sent = api_match.read_submission()
    session = db_session()
    try:
        outcome = seeker_match.match_resume(
            session, sent.upload, sent.answers, api_match.matcher(session), store=sent.store,
            keep_file=sent.keep_file, limits=api_match.document_limits(),
            retention_hours=int(current_app.config["MATCH_RETENTION_HOURS"]),
        )  # fmt: skip
    except DocumentError as exc:
        session.rollback()
        api_match.refuse_document(exc, sent.upload)
    session.commit()
    return api_match.match_document(outcome), 200, api_match.PRIVATE_HEADERS
