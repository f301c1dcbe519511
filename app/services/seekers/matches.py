"""Job seekers' matches: a resume in, work roles, hiring paths and open jobs out.

`create_match` reads the upload (or pasted text), finds the skills and profile signals once,
ranks the work roles, checks every current hiring pathway against the person's facts
(their answers first, then what the resume plainly states; anything else stays unknown so the
page can ask for it) and stores the outcome in a `MatchRequest`. The link token is returned
once and only its SHA-256 is stored. Open jobs are ranked when the results are viewed, so
they are always today's (`match_jobs`).

Nothing here logs resume text, file names or answers.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import JobListing, MatchRequest
from app.services.ics import Deadline, calendar_bytes
from app.services.seekers.jobs import grade_label, location_label
from matching.catalog import PathwaySpec
from matching.documents import (
    Document,
    DocumentError,
    DocumentLimits,
    read_document,
    read_text,
)
from matching.eligibility import FACTS, evaluate
from matching.extract import SkillMention
from matching.jobs import JobIndex, SeekerFilters
from matching.roles import MATCH_THRESHOLD, RoleMatch, RoleMatcher
from matching.signals import Evidence, ProfileSignals, extract_signals

log = logging.getLogger(__name__)

RESULTS_FORMAT = 1
TOP_ROLES = 5
TOP_JOBS = 15
# Jobs fitting less than this (0-100) are noise on a results page, not suggestions.
MIN_JOB_SCORE = 5.0
# Roles scoring at least this (below MATCH_THRESHOLD) are a "partial" fit, the rest "distant".
PARTIAL_FIT = 30.0
MAX_SKILLS_SHOWN = 8
MAX_CERTIFICATIONS_SHOWN = 4
TOKEN_BYTES = 32
SORTS = ("fit", "deadline")

# Facts the upload form asks about, as "tell us ..." phrases.
ASKED_FACTS: dict[str, str] = {
    "student": "whether you are a student",
    "years_since_graduation": "when you finished your degree or program",
    "us_citizen": "whether you are a U.S. citizen",
    "veteran": "whether you are a veteran",
    "disability_rating": "your service-connected disability rating",
    "military_spouse": "whether you are a military spouse",
    "federal_employee": "whether you work for the federal government",
    "sfs_scholar": "whether you are a CyberCorps (SFS) scholar",
}
FACT_LABELS: dict[str, str] = {
    "student": "Student",
    "years_since_graduation": "Years since you finished your degree or program",
    "us_citizen": "U.S. citizen",
    "veteran": "Veteran",
    "disability_rating": "Disability rating",
    "military_spouse": "Military spouse",
    "federal_employee": "Current federal employee",
    "sfs_scholar": "CyberCorps (SFS) scholar",
    "preference_eligible": "Veterans' preference",
    "years_experience": "Years of experience",
}
CLEARANCE_LABELS: dict[str, str] = {
    "none": "No clearance",
    "public_trust": "Public Trust",
    "confidential": "Confidential",
    "secret": "Secret",
    "top_secret": "Top Secret",
    "q": "DOE Q",
    "ts_sci": "Top Secret/SCI",
}
MIME_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "txt": "text/plain",
}


# -- answers ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answers:
    """The optional questions as answered; None means not answered."""

    student: bool | None = None
    graduation: date | None = None  # first day of the month
    us_citizen: bool | None = None
    veteran: bool | None = None
    disability_rating: int | None = None  # 0-100 in tens
    military_spouse: bool | None = None
    federal: str | None = None  # current | former | no
    sfs_scholar: bool | None = None
    clearance: str | None = None  # none | public_trust | secret | top_secret | ts_sci
    locations: tuple[str, ...] = ()
    remote_only: bool = False

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["graduation"] = self.graduation.isoformat() if self.graduation else None
        data["locations"] = list(self.locations)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Answers:
        data = dict(data or {})
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        if known.get("graduation"):
            known["graduation"] = date.fromisoformat(known["graduation"])
        known["locations"] = tuple(known.get("locations") or ())
        return cls(**known)

    def facts(self, today: date) -> dict[str, Any]:
        """The eligibility facts these answers state (matching.eligibility.FACTS names)."""
        facts: dict[str, Any] = {}
        for name in ("student", "us_citizen", "veteran", "military_spouse", "sfs_scholar"):
            value = getattr(self, name)
            if value is not None:
                facts[name] = value
        if self.graduation is not None:
            months = (today.year * 12 + today.month) - (
                self.graduation.year * 12 + self.graduation.month
            )
            if months >= 0:
                facts["years_since_graduation"] = round(months / 12, 1)
            elif self.student is None:
                facts["student"] = True  # finishing later: enrolled now
        if self.disability_rating is not None:
            facts["disability_rating"] = self.disability_rating
            facts.setdefault("veteran", True)  # a service-connected rating means service
        if self.federal is not None:
            facts["federal_employee"] = self.federal == "current"
        return facts


# -- reading and analysing --------------------------------------------------------------------


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


def quote(text: str, start: int, end: int, radius: int = 60) -> dict[str, str]:
    """The words around text[start:end] on its line, for "we found it here" quotes."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    left = max(line_start, start - radius)
    right = min(line_end, end + radius)
    if left > line_start:  # start on a word boundary
        space = text.find(" ", left, start)
        left = space + 1 if space >= 0 else left
    if right < line_end:
        space = text.rfind(" ", end, right)
        right = space if space >= 0 else right
    return {
        "before": ("…" if left > line_start else "") + text[left:start],
        "match": text[start:end],
        "after": text[end:right] + ("…" if right < line_end else ""),
    }


def _join(words: Sequence[str]) -> str:
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def _role_summary(role: RoleMatch) -> str:
    """One or two plain sentences on why a role scored as it did."""
    found = len(role.matched)
    lead = _join([m["name"] for m in role.matched[:3]])
    skills = f"{found} skill{'s' if found != 1 else ''} this role uses"
    if role.is_match:
        text = f"A good fit: your resume shows {skills}, led by {lead}."
    elif found and role.score >= PARTIAL_FIT:
        text = f"A partial fit: your resume shows {skills}, such as {lead}."
    elif found:
        text = (
            f"A distant fit: your resume shows {skills}, such as {lead}, "
            "but little of its core work."
        )
    else:
        text = "A distant fit: your resume shows none of the skills this role relies on most."
    if role.missing:
        text += f" To grow into it, build up {_join([m['name'] for m in role.missing[:3]])}."
    return text


def _role_view(role: RoleMatch, text: str) -> dict[str, Any]:
    held = [c for c in role.certifications if c["held"]]
    helpful = [c for c in role.certifications if not c["held"]][:MAX_CERTIFICATIONS_SHOWN]
    return {
        "id": role.id,
        "name": role.name,
        "opm_code": role.opm_code,
        "score": role.score,
        "is_match": role.is_match,
        "summary": _role_summary(role),
        "matched": [
            {"name": m["name"], "quote": quote(text, m["start"], m["end"])}
            for m in role.matched[:MAX_SKILLS_SHOWN]
        ],
        "matched_more": max(0, len(role.matched) - MAX_SKILLS_SHOWN),
        "missing": [m["name"] for m in role.missing],
        "certifications_held": [
            {"acronym": c["acronym"], "name": c["name"], "proficiency": c["proficiency"]}
            for c in held
        ],
        "certifications": [
            {"acronym": c["acronym"], "name": c["name"], "proficiency": c["proficiency"]}
            for c in helpful
        ],
    }


def merged_facts(
    signals: ProfileSignals, answers: Answers, text: str, today: date
) -> dict[str, dict[str, Any]]:
    """name -> {value, source ("answer" | "resume"), quote}. Answers override the resume."""
    facts: dict[str, dict[str, Any]] = {}
    for name in FACTS:
        value = getattr(signals, name, None)
        evidence = value if isinstance(value, Evidence) else signals.evidence.get(name)
        if isinstance(value, Evidence):
            value = value.value
        if value is None:
            continue
        snippet = None
        if evidence is not None and 0 <= evidence.start < evidence.end <= len(text):
            snippet = quote(text, evidence.start, evidence.end, radius=40)
        facts[name] = {"value": value, "source": "resume", "quote": snippet}
    for name, value in answers.facts(today).items():
        facts[name] = {"value": value, "source": "answer", "quote": None}
    return facts


def _missing_notes(missing: Sequence[str]) -> tuple[list[str], list[str]]:
    """(things to tell us on the form, things to check on the official page)."""
    ask = [ASKED_FACTS[name] for name in missing if name in ASKED_FACTS]
    check = []
    for name in missing:
        if name in ASKED_FACTS:
            continue
        kind, description = FACTS[name]
        check.append(f"whether you are {description}" if kind == "bool" else f"your {description}")
    return ask, check


def evaluate_pathways(
    pathways: Sequence[PathwaySpec], facts: Mapping[str, Any]
) -> dict[str, list[dict[str, Any]]]:
    """Every pathway that is not ended, grouped: eligible, unknown (with what to tell us), not."""
    groups: dict[str, list[dict[str, Any]]] = {"eligible": [], "unknown": [], "not_eligible": []}
    for pathway in sorted(pathways, key=lambda p: p.name.casefold()):
        if pathway.status == "ended":
            continue
        outcome = evaluate(pathway.eligibility, facts)
        ask, check = _missing_notes(outcome.missing_facts)
        entry = {
            "id": pathway.id,
            "name": pathway.name,
            "status": pathway.status,
            "eligibility_text": pathway.eligibility_text,
            "official_page": pathway.official_page,
            "reasons": list(outcome.reasons),
            "ask": ask,
            "check": check,
        }
        key = {True: "eligible", False: "not_eligible", None: "unknown"}[outcome.outcome]
        groups[key].append(entry)
    return groups


def seeker_hiring_paths(facts: Mapping[str, Any], answers: Answers) -> list[str]:
    """The USAJOBS hiring paths ("who may apply") the person's known facts open to them.

    The public path is assumed unless the person says they are not a U.S. citizen; the
    others need a fact that is known to be true, so a job open only to, say, veterans is
    hidden until the person says they are one (the page says how many were hidden and why).
    """
    paths = set()
    if facts.get("us_citizen") is not False:
        paths.add("public")
    if facts.get("veteran"):
        paths.add("vet")
    if facts.get("military_spouse"):
        paths.add("mspouse")
    if facts.get("student"):
        paths.add("student")
    since = facts.get("years_since_graduation")
    if since is not None and (since <= 2 or (facts.get("veteran") and since <= 6)):
        paths.add("graduates")
    if facts.get("federal_employee"):
        paths.update({"fed-competitive", "fed-excepted", "fed-internal-search"})
    elif answers.federal == "former":
        paths.add("fed-competitive")  # former employees with status may be reinstated
    return sorted(paths)


def _fact_values(facts: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    return {name: fact["value"] for name, fact in facts.items()}


def eligibility(
    text: str,
    mentions: Sequence[SkillMention],
    answers: Answers,
    pathways: Sequence[PathwaySpec],
    today: date,
) -> dict[str, Any]:
    """Facts, pathway eligibility and hiring paths for a text and the person's answers."""
    signals = extract_signals(text, today, mentions)
    facts = merged_facts(signals, answers, text, today)
    values = _fact_values(facts)
    evidence = signals.evidence.get("clearance")
    return {
        "facts": facts,
        "pathways": evaluate_pathways(pathways, values),
        "hiring_paths": seeker_hiring_paths(values, answers),
        "signals": {
            "clearance": signals.clearance,
            "clearance_quote": (
                quote(text, evidence.start, evidence.end, radius=40) if evidence else None
            ),
            "years_experience": signals.years_experience,
            "education_level": signals.education_level,
        },
    }


def analyse(
    document: Document, answers: Answers, matcher: RoleMatcher, today: date
) -> dict[str, Any]:
    """Everything shown on the results page except the (live) jobs, as JSON-ready data."""
    text = document.text
    mentions = matcher.extract(text)
    ranked = matcher.rank(text, top_k=None, mentions=mentions)
    top = ranked[:TOP_ROLES]
    return {
        "format": RESULTS_FORMAT,
        "document": {
            "kind": document.kind,
            "pages": document.pages,
            "over_two_pages": document.over_two_pages,
            "characters": len(text),
            "little_text": len(text) < DocumentLimits().min_chars,
        },
        "roles": [_role_view(role, text) for role in top],
        "confident": any(role.is_match for role in top),
        "threshold": MATCH_THRESHOLD,
        "role_scores": {role.id: role.score for role in ranked},
        "mentions": [asdict(m) for m in mentions],
        **eligibility(text, mentions, answers, matcher.catalog.pathways, today),
    }


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
    try:
        document = read_upload(upload, limits or DocumentLimits())
    except DocumentError as exc:
        log.info("upload not read: %s", exc.code)
        raise
    results = analyse(document, answers, matcher, now.date())
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
        warnings=[
            *document.warnings,
            *(
                ["You gave us a file and pasted text too: we read the file."]
                if upload.data is not None and (upload.pasted or "").strip()
                else []
            ),
        ],
        answers=answers.to_dict(),
        results=results,
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


def stored_mentions(results: Mapping[str, Any]) -> list[SkillMention]:
    """The skill mentions saved with the results, as SkillMention objects again."""
    names = {f.name for f in fields(SkillMention)}
    return [
        SkillMention(**{k: v for k, v in m.items() if k in names})
        for m in results.get("mentions", [])
    ]


def update_answers(
    match: MatchRequest, answers: Answers, matcher: RoleMatcher, now: datetime | None = None
) -> None:
    """Re-check eligibility with new answers, on the stored text (no new upload needed)."""
    mentions = stored_mentions(match.results)
    today = _utc(now).date()
    results = dict(match.results)
    results.update(eligibility(match.text, mentions, answers, matcher.catalog.pathways, today))
    match.answers = answers.to_dict()
    match.results = results


# -- jobs -------------------------------------------------------------------------------------


@dataclass
class JobRow:
    """One matching open job as the results page shows it."""

    id: int
    title: str
    agency: str
    grade: str
    location: str
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
    rows: list[JobRow]
    hidden: list[str]  # plain sentences: how many jobs each filter hid
    total: int  # open jobs considered
    clearance_filter: bool


def held_clearance(match: MatchRequest) -> str | None:
    """The clearance the person holds: their answer, else what the resume states."""
    answers = Answers.from_dict(match.answers)
    return answers.clearance or match.results.get("signals", {}).get("clearance")


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
    if index is None:
        return JobResults([], [], 0, False)
    answers = Answers.from_dict(match.answers)
    clearance = held_clearance(match) if clearance_only else None
    filters = SeekerFilters(
        hiring_paths=match.results.get("hiring_paths"),
        clearance=clearance,
        locations=answers.locations,
        remote_only=answers.remote_only,
        today=today,
    )
    scores = match.results.get("role_scores", {})
    role_scores = np.array([scores.get(str(r), 0.0) for r in index.role_ids_], dtype=float)
    mentions = stored_mentions(match.results)
    result = index.rank(match.text, filters, top_k, role_scores=role_scores, mentions=mentions)
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
                agency=job.organization or job.department or "Agency not stated",
                grade=grade_label(job),
                location=location_label(job),
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
    if sort == "deadline":
        rows.sort(key=lambda r: (r.close_date or date.max, -r.score, r.id))
    hidden = [
        f"{count} job{'s' if count != 1 else ''} {_HIDDEN[reason]}."
        for reason, count in result.excluded.items()
        if count and reason in _HIDDEN
    ]
    return JobResults(rows, hidden, result.total, clearance is not None)


def deadlines_calendar(rows: Sequence[JobRow], now: datetime | None = None) -> bytes:
    """An iCalendar file with one all-day event per job closing date shown.

    UIDs are the site's job UIDs (as in the program offices' feeds), so a calendar program
    updates an event it already has instead of adding a second one.
    """
    deadlines = [
        Deadline(
            uid=f"job-{row.id}@pathfinder",
            title=f"{row.title} ({row.agency})",
            day=row.close_date,
            url=row.url,
            description=(
                f"Apply on USAJOBS before the closing date. Grade: {row.grade}. "
                f"Location: {row.location}."
                + (" This is a sample listing, not a real job." if row.is_sample else "")
            ),
        )
        for row in rows
        if row.close_date is not None
    ]
    return calendar_bytes(deadlines, "Job deadlines from Pathfinder", _utc(now))


def other_warnings(match: MatchRequest) -> list[str]:
    """Reading warnings not already shown as the page-limit or little-text alerts."""
    document = match.results.get("document", {})
    shown = []
    if document.get("over_two_pages"):
        shown.append("2 pages")
    if document.get("little_text"):
        shown.append("only a little text")
    return [w for w in match.warnings or [] if not any(s in w for s in shown)]


def expiry_label(moment: datetime) -> str:
    moment = _utc(moment)
    return f"{moment:%B} {moment.day}, {moment.year} at {moment:%H:%M} UTC"


def fact_display(name: str, value: Any) -> str:
    """A fact's value in words."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if name == "disability_rating":
        return f"{value:g}%"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
