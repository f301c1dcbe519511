"""Job seekers' matches: storing a resume's analysis and ranking today's open jobs for it.

`create_match` reads the upload (or pasted text), has `matching.analysis.analyse_resume`
compose the analysis and stores `analysis.to_dict()` in a `MatchRequest`; `analysis_of`
reads it back as a `ResumeAnalysis`. The link token is returned once and only its SHA-256
is stored. Open jobs are ranked when the results are viewed, so they are always today's
(`match_jobs`); `app.seekers.views.deadlines_calendar` turns those shown into an iCalendar file.
`match_resume` does it all in one call, storing nothing unless asked (the public API's match).

Nothing here logs resume text, file names or answers.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import JobListing, MatchRequest
from app.services.seekers.job_index import job_index
from matching.analysis import Answers, ResumeAnalysis, analyse_resume, assess_eligibility
from matching.documents import (
    Document,
    DocumentError,
    DocumentLimits,
    read_document,
    read_text,
)
from matching.jobs import JOB_FIT_THRESHOLD, JobIndex, SeekerFilters
from matching.roles import RoleMatcher

log = logging.getLogger(__name__)

TOP_JOBS = 15
# Jobs fitting less than this (0-100) are noise on a results page, not suggestions. Those from
# here up to matching.jobs.JOB_FIT_THRESHOLD are "other open jobs", at most OTHER_JOBS of them.
MIN_JOB_SCORE = 5.0
OTHER_JOBS = 5
TOKEN_BYTES = 32
SORTS = ("fit", "deadline")
MIME_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "txt": "text/plain",
}


@dataclass(frozen=True)
class Upload:
    """What the person sent: a file (bytes and the names the browser gave) or pasted text."""

    data: bytes | None = None
    filename: str | None = None
    content_type: str | None = None
    pasted: str | None = None


def stored_filename(name: str | None, limit: int = 255) -> str | None:
    """The browser's name for a file as we keep it: no control characters, the last 255.

    PostgreSQL refuses a NUL, and a line break would break the download's header; the end
    of a long name is kept because it holds the extension.
    """
    cleaned = "".join(ch for ch in name or "" if ch >= " " and ch != "\x7f").strip()
    return cleaned[-limit:] or None


def read_upload(upload: Upload, limits: DocumentLimits) -> Document:
    """The upload as text; raises matching.documents.DocumentError with a plain message."""
    if upload.data is not None:
        return read_document(upload.data, upload.filename, upload.content_type, limits)
    return read_text(upload.pasted or "", limits)


def analyse_upload(
    upload: Upload, answers: Answers, matcher: RoleMatcher, limits: DocumentLimits, today: date
) -> tuple[Document, ResumeAnalysis]:
    """Read an upload and analyse it; raises DocumentError (logged by its code only)."""
    try:
        document = read_upload(upload, limits)
    except DocumentError as exc:
        log.info("upload not read: %s", exc.code)
        raise
    return document, analyse_resume(document, answers, matcher, today)


def reading_warnings(document: Document, upload: Upload) -> list[str]:
    """What the person should know about how their upload was read."""
    both = upload.data is not None and (upload.pasted or "").strip()
    return [
        *document.warnings,
        *(["You gave us a file and pasted text too: we read the file."] if both else []),
    ]


# -- storing ----------------------------------------------------------------------------------


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _utc(moment: datetime | None) -> datetime:
    moment = moment or datetime.now(UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def create_match(
    session: Session,
    upload: Upload,
    answers: Answers,
    matcher: RoleMatcher,
    *,
    keep_file: bool = False,
    retention_hours: int = 72,
    limits: DocumentLimits | None = None,
    now: datetime | None = None,
) -> tuple[str, MatchRequest]:
    """Read, analyse and store an upload; returns (the link token, the stored request).

    A file not kept leaves nothing of itself but its kind ("pdf"): no bytes, type or name,
    since a name often is the person's own. Raises DocumentError (nothing is stored) when the
    file cannot be read.
    """
    now = _utc(now)
    document, analysis = analyse_upload(
        upload, answers, matcher, limits or DocumentLimits(), now.date()
    )
    token = secrets.token_urlsafe(TOKEN_BYTES)
    keep = keep_file and upload.data is not None
    match = MatchRequest(
        token_hash=hash_token(token),
        created_at=now,
        expires_at=now + timedelta(hours=retention_hours),
        source_kind=document.kind if upload.data is not None else "pasted",
        filename=stored_filename(upload.filename) if keep else None,
        pages=document.pages,
        text=document.text,
        warnings=reading_warnings(document, upload),
        answers=answers.to_dict(),
        results=analysis.to_dict(),
        file_data=upload.data if keep else None,
        file_type=MIME_TYPES.get(document.kind, "application/octet-stream") if keep else None,
    )
    session.add(match)
    session.flush()
    log.info(
        "match %d stored: %s, %d characters, file %s",
        match.id,
        match.source_kind,
        len(document.text),
        "kept" if keep else "not kept",
    )
    return token, match


_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{20,100}$")


def get_match(session: Session, token: str, now: datetime | None = None) -> MatchRequest | None:
    """The live match for a link token; None when unknown, deleted or expired."""
    if not _TOKEN_SHAPE.match(token or ""):
        return None
    match = session.scalar(select(MatchRequest).where(MatchRequest.token_hash == hash_token(token)))
    if match is None or _utc(match.expires_at) <= _utc(now):
        return None
    return match


def delete_match(session: Session, token: str, now: datetime | None = None) -> bool:
    """Delete the upload, its text and its results at once; False when there was nothing."""
    match = get_match(session, token, now)
    if match is None:
        return False
    session.delete(match)
    session.flush()
    log.info("match deleted by its owner")
    return True


def analysis_of(match: MatchRequest) -> ResumeAnalysis:
    """The stored results of a match as a typed analysis."""
    return ResumeAnalysis.from_dict(match.results or {})


def update_answers(
    match: MatchRequest, answers: Answers, matcher: RoleMatcher, now: datetime | None = None
) -> None:
    """Re-check eligibility with new answers, on the stored text (no new upload needed)."""
    analysis = analysis_of(match)
    today = _utc(now).date()
    matched = {role.id: role.name for role in analysis.roles if role.is_match}
    eligibility = assess_eligibility(
        match.text, analysis.mentions, answers, matcher.catalog.pathways, today, matched
    )
    match.answers = answers.to_dict()
    match.results = analysis.with_eligibility(eligibility).to_dict()


# -- jobs -------------------------------------------------------------------------------------


@dataclass
class JobRow:
    """One matching open job as the results page shows it."""

    id: int
    title: str
    job: JobListing  # the listing itself, for the page's agency, grade and place labels
    close_date: date | None
    days_left: int | None
    url: str | None
    is_sample: bool
    score: float
    roles: list[dict[str, Any]] = field(default_factory=list)
    matched_skills: list[str] = field(default_factory=list)
    missing_skills: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)


@dataclass
class JobResults:
    rows: list[JobRow]  # jobs that fit: scoring at least JOB_FIT_THRESHOLD
    hidden: list[str]  # plain sentences: how many jobs each filter hid
    total: int  # open jobs considered
    clearance_filter: bool
    others: list[JobRow] = field(default_factory=list)  # lower scores, at most OTHER_JOBS
    fit_threshold: float = JOB_FIT_THRESHOLD


def held_clearance(match: MatchRequest) -> str | None:
    """The clearance the person holds: their answer, else what the resume states."""
    return clearance_held(Answers.from_dict(match.answers), analysis_of(match))


def clearance_held(answers: Answers, analysis: ResumeAnalysis) -> str | None:
    return answers.clearance or analysis.signals.clearance


_HIDDEN = {
    "hiring_path": "open only to groups you have not told us you belong to",
    "clearance": "need a higher clearance than you hold",
    "location": "are not in the places you chose",
    "remote": "are not remote",
    "grade": "are outside your grades",
}


def match_jobs(
    session: Session,
    match: MatchRequest,
    index: JobIndex | None,
    *,
    today: date,
    sort: str = "fit",
    clearance_only: bool = False,
    top_k: int = TOP_JOBS,
) -> JobResults:
    """Today's best open jobs for a stored match, with agency, grade, place and deadline."""
    return rank_jobs(
        session,
        match.text,
        analysis_of(match),
        Answers.from_dict(match.answers),
        index,
        today=today,
        sort=sort,
        clearance_only=clearance_only,
        top_k=top_k,
    )


def rank_jobs(
    session: Session,
    text: str,
    analysis: ResumeAnalysis,
    answers: Answers,
    index: JobIndex | None,
    *,
    today: date,
    sort: str = "fit",
    clearance_only: bool = False,
    top_k: int = TOP_JOBS,
) -> JobResults:
    """Today's best open jobs for a resume's text, analysis and answers, stored or not."""
    if index is None:
        return JobResults([], [], 0, False)
    clearance = clearance_held(answers, analysis) if clearance_only else None
    filters = SeekerFilters(
        hiring_paths=analysis.hiring_paths,
        clearance=clearance,
        locations=answers.locations,
        remote_only=answers.remote_only,
        today=today,
    )
    scores = analysis.role_scores
    role_scores = np.array([scores.get(str(r), 0.0) for r in index.role_ids_], dtype=float)
    result = index.rank(text, filters, top_k, role_scores=role_scores, mentions=analysis.mentions)
    listings = {
        job.id: job
        for job in session.scalars(
            select(JobListing).where(JobListing.id.in_([int(m.id) for m in result.matches]))
        )
    }
    rows = []
    for found in result.matches:
        if found.score < MIN_JOB_SCORE:
            continue
        job = listings.get(int(found.id))
        if job is None:  # deleted since the index was fitted
            continue
        rows.append(
            JobRow(
                id=job.id,
                title=found.title,
                job=job,
                close_date=found.close_date,
                days_left=found.days_left,
                url=found.url,
                is_sample=job.is_sample,
                score=found.score,
                roles=found.roles,
                matched_skills=found.matched_skills,
                missing_skills=found.missing_skills,
                reasons=found.reasons,
            )
        )
    others = [r for r in rows if r.score < JOB_FIT_THRESHOLD][:OTHER_JOBS]
    rows = [r for r in rows if r.score >= JOB_FIT_THRESHOLD]
    if sort == "deadline":
        for group in (rows, others):
            group.sort(key=lambda r: (r.close_date or date.max, -r.score, r.id))
    hidden = [
        f"{count} job{'s' if count != 1 else ''} {_HIDDEN[reason]}."
        for reason, count in result.excluded.items()
        if count and reason in _HIDDEN
    ]
    return JobResults(rows, hidden, result.total, clearance is not None, others)


# -- one call: analyse, optionally store, rank jobs -------------------------------------------


@dataclass
class MatchOutcome:
    """A resume's results as the results page would show them, stored or not."""

    analysis: ResumeAnalysis
    answers: Answers
    warnings: list[str]
    jobs: JobResults
    held_clearance: str | None
    token: str | None = None  # the results link's token, when stored
    expires_at: datetime | None = None


def match_resume(
    session: Session,
    upload: Upload,
    answers: Answers,
    matcher: RoleMatcher,
    *,
    store: bool = False,
    keep_file: bool = False,
    retention_hours: int = 72,
    limits: DocumentLimits | None = None,
    now: datetime | None = None,
    today: date | None = None,
) -> MatchOutcome:
    """Analyse an upload and rank today's open jobs for it (the results page, in one call).

    Nothing is written unless `store`: then the same `MatchRequest` as the upload form's is
    created (`create_match`) and its token returned. Jobs are ranked for `today` (the local
    date, as on the results page). Raises DocumentError when the upload cannot be read.
    """
    now = _utc(now)
    limits = limits or DocumentLimits()
    token, expires = None, None
    if store:
        token, match = create_match(
            session, upload, answers, matcher, keep_file=keep_file,
            retention_hours=retention_hours, limits=limits, now=now,
        )  # fmt: skip
        text, analysis, warnings = match.text, analysis_of(match), list(match.warnings or [])
        expires = match.expires_at
    else:
        document, analysis = analyse_upload(upload, answers, matcher, limits, now.date())
        text, warnings = document.text, reading_warnings(document, upload)
    index = job_index(session, matcher)
    jobs = rank_jobs(session, text, analysis, answers, index, today=today or date.today())
    return MatchOutcome(
        analysis, answers, warnings, jobs, clearance_held(answers, analysis), token, expires
    )
