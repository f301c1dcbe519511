"""Agency posters' openings: draft, publish as a job, edit, close or withdraw.

An opening moves draft -> published -> closed (by hand, or by `close_expired` at its close
date); a published opening can be withdrawn instead, and a draft deleted. Publishing writes the
opening's `JobListing` (source "agency", `source_id` the opening's id), which job seekers see
like any scraped job, with the work roles the poster chose as staff classifications (so the job
index, job browsing and role pages use them as given). Every save is a numbered version of the
whole opening and an `AuditEntry`; a save names the version it started from and is refused with
`OpeningConflict` when someone saved since. The caller commits.

A scraped USAJOBS posting with the same announcement number is the same opening: `link_twins`
points it at the agency's listing, whose coding is authoritative, so it is shown once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.catalog.schema import USAJOBS_HIRING_PATHS
from app.models import (
    AgencyOpening,
    AgencyOpeningVersion,
    AuditEntry,
    ClassificationSource,
    JobListing,
    JobRoleClassification,
    JobStatus,
    OpeningStatus,
    User,
    WorkRole,
    utcnow,
)
from scrapers.records import JobRecord
from vocabulary.text import is_ascii_digits

__all__ = [
    "EDITABLE_FIELDS",
    "SOURCE",
    "OpeningConflict",
    "OpeningError",
    "close",
    "close_expired",
    "create_draft",
    "delete_draft",
    "get_opening",
    "link_twins",
    "openings_for",
    "publish",
    "update_opening",
    "version_changes",
    "versions",
    "withdraw",
]

SOURCE = "agency"  # JobListing.source of published openings
SYSTEM = "system"  # the actor of automatic closing
EDITABLE_FIELDS: tuple[str, ...] = (
    "title", "announcement_number", "series", "pay_plan", "grade_low", "grade_high",
    "salary_min", "salary_max", "locations", "remote", "telework", "hiring_paths",
    "who_may_apply", "clearance", "open_date", "close_date", "duties", "qualifications",
    "apply_url", "work_roles", "opm_codes",
)  # fmt: skip
LIST_FIELDS = frozenset({"series", "locations", "hiring_paths", "work_roles", "opm_codes"})
INT_FIELDS = frozenset({"grade_low", "grade_high"})
FLOAT_FIELDS = frozenset({"salary_min", "salary_max"})
BOOL_FIELDS = frozenset({"remote", "telework"})
DATE_FIELDS = frozenset({"open_date", "close_date"})
# The most characters each string column holds; longer text is refused, never cut.
MAX_LENGTHS = {
    "title": 500, "announcement_number": 128, "pay_plan": 8, "clearance": 128, "apply_url": 500,
}  # fmt: skip
MAX_LIST_ITEM = 255
LABELS = {
    "grade_low": "lowest grade", "grade_high": "highest grade", "salary_min": "lowest salary",
    "salary_max": "highest salary", "open_date": "opening date", "close_date": "closing date",
}  # fmt: skip
_HTTPS_URL = re.compile(r"^https://[^\s/]+\S*$")
_SPLIT = re.compile(r"[\n;,]+")
_SPLIT_LINES = re.compile(r"[\n;]+")  # places hold commas: "Arlington, Virginia"
SCORES_FROM, SCORE_STEP, LOWEST_SCORE = 100.0, 10.0, 10.0
EDITABLE_STATUSES = (OpeningStatus.DRAFT, OpeningStatus.PUBLISHED)


class OpeningError(ValueError):
    """A change that cannot be made; `field` names the form field it is about."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message, self.field = message, field


class OpeningConflict(Exception):
    """Someone saved the opening after the version this change started from."""

    def __init__(self, current: AgencyOpening) -> None:
        super().__init__(f"opening {current.id} is at version {current.version} now")
        self.current = current


# -- reading ----------------------------------------------------------------------------------


def _order(opening: AgencyOpening) -> tuple[Any, ...]:
    """Drafts (newest first), then published (soonest closing), then the rest (newest first)."""
    changed = -(opening.updated_at or opening.created_at).timestamp()
    if opening.status is OpeningStatus.DRAFT:
        return (0, 0, changed, -opening.id)
    if opening.status is OpeningStatus.PUBLISHED:
        return (1, (opening.close_date or date.max).toordinal(), 0.0, opening.id)
    ended = opening.closed_at or opening.updated_at or opening.created_at
    return (2, 0, -ended.timestamp(), -opening.id)


def openings_for(session: Session, agency_id: int) -> list[AgencyOpening]:
    """Every opening of an agency, whatever its status (see `_order`)."""
    rows = session.scalars(select(AgencyOpening).where(AgencyOpening.agency_id == agency_id))
    return sorted(rows, key=_order)


def get_opening(session: Session, opening_id: int, user: User) -> AgencyOpening | None:
    """The opening, when it belongs to the user's agency; None otherwise (a 404, not a 403)."""
    if user.agency_id is None:
        return None
    opening = session.get(AgencyOpening, opening_id)
    if opening is None or opening.agency_id != user.agency_id:
        return None
    return opening


def versions(session: Session, opening: AgencyOpening) -> list[AgencyOpeningVersion]:
    """The opening's versions, newest first."""
    return list(
        session.scalars(
            select(AgencyOpeningVersion)
            .where(AgencyOpeningVersion.opening_id == opening.id)
            .order_by(AgencyOpeningVersion.number.desc())
        )
    )


def version_changes(
    older: Mapping[str, Any] | None, newer: Mapping[str, Any]
) -> list[tuple[str, Any, Any]]:
    """(field, before, after) for each field that differs, in the documents' field order."""
    older = older or {}
    names = list(newer) + [name for name in older if name not in newer]
    return [(n, older.get(n), newer.get(n)) for n in names if older.get(n) != newer.get(n)]


def document(opening: AgencyOpening) -> dict[str, Any]:
    """The opening as a version stores it: JSON-safe, dates as ISO strings."""
    values: dict[str, Any] = {}
    for name in EDITABLE_FIELDS:
        value = getattr(opening, name)
        if isinstance(value, date):
            value = value.isoformat()
        elif name in LIST_FIELDS:
            value = list(value or [])
        values[name] = value
    values["status"] = str(opening.status)
    return values


# -- cleaning input ---------------------------------------------------------------------------


def _text(value: Any) -> str | None:
    text = str(value).replace("\x00", "").strip() if value is not None else ""
    return text or None


def _list(name: str, value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = (_SPLIT_LINES if name == "locations" else _SPLIT).split(value)
    items = [t for t in (_text(v) for v in value) if t]
    if name == "hiring_paths":
        items = [item.lower() for item in items]
    elif name == "work_roles":
        items = [item.upper() for item in items]
    return list(dict.fromkeys(items))  # each once, first mention first


def _number(name: str, value: Any, kind: type) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise OpeningError(f"Enter the {LABELS[name]} as a number.", name)
    try:
        text = str(value).strip().replace(",", "").lstrip("$")
        number = float(text)
    except (TypeError, ValueError):
        raise OpeningError(f"Enter the {LABELS[name]} as a number.", name) from None
    if kind is int:
        if not number.is_integer() or abs(number) > 1000:  # a grade, well within the column
            raise OpeningError(f"Enter the {LABELS[name]} as a whole number from 1 to 15.", name)
        return int(number)
    if kind is float and not 0 <= number < 1e9:
        raise OpeningError(f"Enter the {LABELS[name]} in dollars a year.", name)
    return number


def _date(name: str, value: Any) -> date | None:
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, datetime):
        return value.date()
    text = str(value).strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise OpeningError(
            f"Enter the {LABELS[name]} as a date, such as 2027-03-31.", name
        ) from None


def _bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "y", "yes", "on"}
    return bool(value)


def clean(values: Mapping[str, Any]) -> dict[str, Any]:
    """The editable fields given in `values`, typed and tidied; other keys are ignored."""
    cleaned: dict[str, Any] = {}
    for name in EDITABLE_FIELDS:
        if name not in values:
            continue
        value = values[name]
        if name in LIST_FIELDS:
            cleaned[name] = _list(name, value)
            too_long = [item for item in cleaned[name] if len(item) > MAX_LIST_ITEM]
            if too_long:
                raise OpeningError(f"{too_long[0][:40]}... is too long.", name)
        elif name in INT_FIELDS:
            cleaned[name] = _number(name, value, int)
        elif name in FLOAT_FIELDS:
            cleaned[name] = _number(name, value, float)
        elif name in BOOL_FIELDS:
            cleaned[name] = _bool(value)
        elif name in DATE_FIELDS:
            cleaned[name] = _date(name, value)
        else:
            text = _text(value)
            if name == "pay_plan" and text:
                text = text.upper()
            limit = MAX_LENGTHS.get(name)
            if text and limit and len(text) > limit:
                raise OpeningError(f"Keep this to {limit} characters or fewer.", name)
            cleaned[name] = text
    return cleaned


def _check_draft(opening: AgencyOpening) -> None:
    if not opening.title:
        raise OpeningError("Enter the opening's title.", "title")


def check_publishable(session: Session, opening: AgencyOpening, today: date) -> None:
    """Everything a job seeker needs is there and sound; OpeningError for the first field not."""
    _check_position(opening)
    _check_dates_and_text(opening, today)
    _check_coding(session, opening)
    _check_announcement_unique(session, opening)


def _check_position(opening: AgencyOpening) -> None:
    _check_draft(opening)
    if not opening.announcement_number:
        raise OpeningError("Enter the announcement number.", "announcement_number")
    if not opening.series:
        raise OpeningError("Enter at least one job series, such as 2210.", "series")
    for code in opening.series:
        if len(code) != 4 or not is_ascii_digits(code):
            raise OpeningError(
                f"Enter each series as 4 digits, such as 2210 (not {code}).", "series"
            )
    if not opening.pay_plan:
        raise OpeningError("Enter the pay plan, such as GS.", "pay_plan")
    for name in ("grade_low", "grade_high"):
        grade = getattr(opening, name)
        if grade is None or not 1 <= grade <= 15:
            raise OpeningError(f"Enter the {LABELS[name]} as a number from 1 to 15.", name)
    if opening.grade_high < opening.grade_low:  # type: ignore[operator]
        raise OpeningError("The highest grade cannot be below the lowest.", "grade_high")
    for name in ("salary_min", "salary_max"):
        if getattr(opening, name) is None:
            raise OpeningError(f"Enter the {LABELS[name]} in dollars a year.", name)
    if opening.salary_max < opening.salary_min:  # type: ignore[operator]
        raise OpeningError("The highest salary cannot be below the lowest.", "salary_max")
    if not opening.locations and not opening.remote:
        raise OpeningError("Enter at least one location, or say the job is remote.", "locations")


def _check_dates_and_text(opening: AgencyOpening, today: date) -> None:
    if opening.open_date is None:
        raise OpeningError("Enter the date the opening opens.", "open_date")
    if opening.close_date is None:
        raise OpeningError("Enter the closing date.", "close_date")
    if opening.close_date <= opening.open_date:
        raise OpeningError("The closing date must be after the opening date.", "close_date")
    if opening.close_date < today:
        raise OpeningError("The closing date has passed.", "close_date")
    if not opening.duties:
        raise OpeningError("Describe the duties.", "duties")
    if not opening.qualifications:
        raise OpeningError("Describe the qualifications.", "qualifications")
    if not opening.apply_url or not _HTTPS_URL.match(opening.apply_url):
        raise OpeningError("Enter the address to apply at, starting https://.", "apply_url")


def _check_coding(session: Session, opening: AgencyOpening) -> None:
    if not opening.work_roles:
        raise OpeningError("Choose at least one work role.", "work_roles")
    known = set(session.scalars(select(WorkRole.id).where(WorkRole.id.in_(opening.work_roles))))
    unknown = [role for role in opening.work_roles if role not in known]
    if unknown:
        raise OpeningError(f"{unknown[0]} is not a work role in the catalog.", "work_roles")
    if not opening.opm_codes:
        raise OpeningError("Enter at least one OPM cyber code, such as 212.", "opm_codes")
    for code in opening.opm_codes:
        if len(code) != 3 or not is_ascii_digits(code):
            raise OpeningError(f"Enter each OPM code as 3 digits (not {code}).", "opm_codes")
    if not opening.hiring_paths:
        raise OpeningError("Choose who may apply: at least one hiring path.", "hiring_paths")
    unknown = sorted(set(opening.hiring_paths) - USAJOBS_HIRING_PATHS)
    if unknown:
        raise OpeningError(f"{unknown[0]} is not a USAJOBS hiring path.", "hiring_paths")


def _check_announcement_unique(session: Session, opening: AgencyOpening) -> None:
    """Two live openings of one agency with one announcement number would be one job twice."""
    number = normal_announcement(opening.announcement_number)
    other = session.scalar(
        select(AgencyOpening.id).where(
            AgencyOpening.agency_id == opening.agency_id,
            AgencyOpening.id != opening.id,
            AgencyOpening.status == OpeningStatus.PUBLISHED,
            func.upper(func.trim(AgencyOpening.announcement_number)) == number,
        )
    )
    if other is not None:
        raise OpeningError(
            "Another published opening of your agency has this announcement number.",
            "announcement_number",
        )


# -- recording --------------------------------------------------------------------------------


def _check_owner(opening: AgencyOpening, user: User) -> None:
    if user.agency_id is None or user.agency_id != opening.agency_id:
        raise OpeningError("This opening belongs to another agency.")


def _check_base(opening: AgencyOpening, base_version: int) -> None:
    if opening.version != base_version:
        raise OpeningConflict(opening)


def _record(
    session: Session,
    opening: AgencyOpening,
    action: str,
    before: dict[str, Any] | None,
    user: User | None,
    note: str | None = None,
) -> AgencyOpeningVersion:
    """A new version of the opening and its audit entry; a lost race is an OpeningConflict.

    Two saves from the same version both number theirs `version + 1`: the unique constraint
    on (opening, number) lets the first through and refuses the other, whose save is rolled
    back here and told who won.
    """
    actor, user_id = (user.email, user.id) if user is not None else (SYSTEM, None)
    after = document(opening)
    number = opening.version + 1 if before is not None else 1
    opening.version = number
    version = AgencyOpeningVersion(
        opening=opening, number=number, action=action, document=after, user_id=user_id, actor=actor
    )
    session.add(version)
    session.add(
        AuditEntry(
            user_id=user_id,
            actor=actor,
            action=f"agency.{action}",
            entity_type="agency_opening",
            entity_id=str(opening.id) if opening.id is not None else None,
            changes={
                "fields": {name: [old, new] for name, old, new in version_changes(before, after)},
                "version": number,
            },
            note=note,
        )
    )
    opening_id = opening.id  # read now: after a failed flush the object cannot be read
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        current = session.get(AgencyOpening, opening_id) if opening_id is not None else None
        if current is None:
            raise OpeningError("This opening could not be saved; try again.") from None
        raise OpeningConflict(current) from None
    return version


def create_draft(session: Session, user: User, values: Mapping[str, Any]) -> AgencyOpening:
    """A new draft of the user's agency: only its title is needed yet."""
    if user.agency_id is None:
        raise OpeningError("Your account is not linked to an agency; ask an administrator.")
    opening = AgencyOpening(agency_id=user.agency_id, created_by_id=user.id, title="")
    for name, value in clean(values).items():
        setattr(opening, name, value)
    _check_draft(opening)
    session.add(opening)
    session.flush()  # its id, for the audit entry
    _record(session, opening, "create", None, user)
    return opening


def update_opening(
    session: Session,
    opening: AgencyOpening,
    user: User,
    values: Mapping[str, Any],
    *,
    base_version: int,
    today: date | None = None,
) -> AgencyOpening:
    """Save the fields given in `values` (others stay); a published opening's job follows.

    A published opening must stay publishable (`today` judges its closing date).
    """
    _check_owner(opening, user)
    if opening.status not in EDITABLE_STATUSES:
        raise OpeningError(f"A {opening.status} opening cannot be edited.")
    _check_base(opening, base_version)
    cleaned = clean(values)
    before = document(opening)
    changed = {n: v for n, v in cleaned.items() if getattr(opening, n) != v}
    if not changed:
        raise OpeningError("Nothing changed: this is the opening as it is now.")
    for name, value in changed.items():
        setattr(opening, name, value)
    try:
        if opening.status is OpeningStatus.PUBLISHED:
            check_publishable(session, opening, today or date.today())
        else:
            _check_draft(opening)
    except OpeningError:
        for name in changed:  # leave the object as it was: the caller may render it
            setattr(opening, name, _from_document(name, before[name]))
        raise
    _record(session, opening, "edit", before, user)
    if opening.status is OpeningStatus.PUBLISHED:
        _write_listing(session, opening, user)
    return opening


def _from_document(name: str, value: Any) -> Any:
    return date.fromisoformat(value) if name in DATE_FIELDS and value else value


def publish(
    session: Session, opening: AgencyOpening, user: User, *, base_version: int, today: date
) -> AgencyOpening:
    """Check the draft in full, then write its job listing and make it published."""
    _check_owner(opening, user)
    if opening.status is not OpeningStatus.DRAFT:
        raise OpeningError(f"Only a draft can be published; this opening is {opening.status}.")
    _check_base(opening, base_version)
    check_publishable(session, opening, today)
    before = document(opening)
    opening.status = OpeningStatus.PUBLISHED
    opening.published_at = utcnow()
    _record(session, opening, "publish", before, user)
    _write_listing(session, opening, user)
    return opening


def _end(
    session: Session,
    opening: AgencyOpening,
    user: User | None,
    status: OpeningStatus,
    note: str | None = None,
) -> AgencyOpening:
    """A published opening closed or withdrawn, and its job with it."""
    if opening.status is not OpeningStatus.PUBLISHED:
        verb = "closed" if status is OpeningStatus.CLOSED else "withdrawn"
        raise OpeningError(f"Only a published opening can be {verb}; this one is {opening.status}.")
    before = document(opening)
    now = utcnow()
    opening.status, opening.closed_at = status, now
    _record(
        session,
        opening,
        "close" if status is OpeningStatus.CLOSED else "withdraw",
        before,
        user,
        note,
    )
    if opening.job is not None:
        opening.job.status, opening.job.closed_at = JobStatus.CLOSED, now
        session.flush()
    return opening


def close(
    session: Session, opening: AgencyOpening, user: User, *, base_version: int
) -> AgencyOpening:
    """Close a published opening by hand: its job leaves the listings."""
    _check_owner(opening, user)
    _check_base(opening, base_version)
    return _end(session, opening, user, OpeningStatus.CLOSED)


def withdraw(
    session: Session, opening: AgencyOpening, user: User, *, base_version: int
) -> AgencyOpening:
    """Take a published opening down before its closing date."""
    _check_owner(opening, user)
    _check_base(opening, base_version)
    return _end(session, opening, user, OpeningStatus.WITHDRAWN)


def delete_draft(session: Session, opening: AgencyOpening, user: User) -> None:
    """Delete a draft and its versions; the audit log keeps its title."""
    _check_owner(opening, user)
    if opening.status is not OpeningStatus.DRAFT:
        raise OpeningError("Only a draft can be deleted; close or withdraw a published opening.")
    session.add(
        AuditEntry(
            user_id=user.id,
            actor=user.email,
            action="agency.delete",
            entity_type="agency_opening",
            entity_id=str(opening.id),
            changes={"title": opening.title, "version": opening.version},
            note=opening.title,
        )
    )
    session.delete(opening)
    session.flush()


def close_expired(session: Session, today: date) -> int:
    """Published openings whose closing date has passed are closed, by "system".

    The scheduled run (`pathfinder purge`) may run on several machines at once: each locks the
    openings it closes and skips those another run has locked (PostgreSQL's `FOR UPDATE SKIP
    LOCKED`; SQLite's write transactions take turns), so no opening is closed twice and
    neither run fails on the other's new version.
    """
    expired = session.scalars(
        select(AgencyOpening)
        .where(AgencyOpening.status == OpeningStatus.PUBLISHED, AgencyOpening.close_date < today)
        .order_by(AgencyOpening.id)
        .with_for_update(skip_locked=True, of=AgencyOpening)
    ).all()
    for opening in expired:
        _end(session, opening, None, OpeningStatus.CLOSED, "The closing date passed.")
    return len(expired)


# -- the job listing --------------------------------------------------------------------------


def _record_of(opening: AgencyOpening) -> JobRecord:
    """The opening as a normalised job record: its content hash is the store's."""
    body = "\n\n".join(
        part
        for part in (
            opening.qualifications,
            f"Who may apply: {opening.who_may_apply}" if opening.who_may_apply else None,
        )
        if part
    )
    agency = opening.agency
    return JobRecord(
        source=SOURCE,
        source_id=str(opening.id),
        title=opening.title,
        organization=agency.name,
        department=agency.department,
        agency_code=agency.code,
        announcement_number=opening.announcement_number,
        series=tuple(opening.series),
        pay_plan=opening.pay_plan,
        grade_low=opening.grade_low,
        grade_high=opening.grade_high,
        salary_min=opening.salary_min,
        salary_max=opening.salary_max,
        salary_interval="Per Year",
        locations=tuple(opening.locations),
        remote=opening.remote,
        telework=opening.telework,
        clearance=opening.clearance,
        hiring_paths=tuple(opening.hiring_paths),
        open_date=opening.open_date,
        close_date=opening.close_date,
        url=opening.apply_url,
        summary=opening.duties,
        body=body or None,
    )


def _write_listing(session: Session, opening: AgencyOpening, user: User) -> JobListing:
    """Create or update the opening's job, coded with its work roles, then link its twins."""
    record = _record_of(opening)
    job = opening.job
    if job is None:
        job = session.scalar(
            select(JobListing).where(
                JobListing.source == SOURCE, JobListing.source_id == record.source_id
            )
        )
    now = utcnow()
    if job is None:
        job = JobListing(source=SOURCE, source_id=record.source_id, first_seen_at=now)
        session.add(job)
    values = record.to_dict()
    for name in ("source", "source_id", "status", "open_date", "close_date"):
        values.pop(name)
    for name, value in values.items():
        setattr(job, name, value)
    job.open_date, job.close_date = opening.open_date, opening.close_date
    job.status, job.closed_at, job.duplicate_of_id = JobStatus.OPEN, None, None
    job.is_sample, job.fingerprint, job.posted_by_id = False, None, user.id
    job.content_hash = job.classified_hash = record.content_hash()
    job.raw = {"opening_id": opening.id, "opm_codes": list(opening.opm_codes)}
    # The job index's version follows the latest sighting: an edit must rebuild it.
    job.last_seen_at = now
    opening.job = job
    session.flush()
    _set_roles(session, job, list(opening.work_roles), user)
    link_twins(session, [job.id])
    return job


def _set_roles(session: Session, job: JobListing, roles: list[str], user: User) -> None:
    """The poster's roles as staff classifications, primary first, scored 100, 90, 80..."""
    current = [(c.work_role_id, c.rank, c.source) for c in job.classifications]
    wanted = [(role, rank, ClassificationSource.STAFF) for rank, role in enumerate(roles, 1)]
    if current == wanted:
        return
    job.classifications = []
    session.flush()  # the old rows go first: a kept role is the same primary key
    job.classifications = [
        JobRoleClassification(
            work_role_id=role,
            score=max(SCORES_FROM - SCORE_STEP * (rank - 1), LOWEST_SCORE),
            rank=rank,
            source=ClassificationSource.STAFF,
            reviewed_by_id=user.id,
        )
        for role, rank, _ in wanted
    ]
    session.flush()


# -- twins ------------------------------------------------------------------------------------


def normal_announcement(number: str | None) -> str:
    """An announcement number as compared: no surrounding space, any case."""
    return (number or "").strip().upper()


def link_twins(session: Session, listing_ids: Iterable[int] | None = None) -> int:
    """Scraped jobs with an agency listing's announcement number point at that listing.

    `listing_ids` limits the work to those listings (agency or scraped ones) and their
    counterparts; None checks every listing. A scraped job pointing at an agency listing whose
    number it no longer shares is unlinked. Closed and withdrawn openings keep their twins:
    the agency took the job down. Returns how many links were made.
    """
    ids = None if listing_ids is None else set(listing_ids)
    agency_rows = session.execute(
        select(JobListing.id, JobListing.announcement_number).where(JobListing.source == SOURCE)
    ).all()
    if not agency_rows or ids == set():
        return 0
    twins: dict[str, int] = {}
    for job_id, announcement in sorted(agency_rows):  # the earliest listing of a number wins
        twins.setdefault(normal_announcement(announcement), job_id)
    twins.pop("", None)
    agency_ids = {job_id for job_id, _ in agency_rows}
    number = func.upper(func.trim(JobListing.announcement_number))
    if ids is None:
        wanted, linked = set(twins), agency_ids
        conditions = [JobListing.duplicate_of_id.in_(linked)]
    else:
        wanted = {n for n, job_id in twins.items() if job_id in ids}
        conditions = [JobListing.id.in_(ids), JobListing.duplicate_of_id.in_(ids)]
    if wanted:
        conditions.append(number.in_(wanted))
    made = 0
    # The store writes with bulk statements, which leave loaded rows as they were: reload.
    query = select(JobListing).where(JobListing.source != SOURCE, or_(*conditions))
    for job in session.scalars(query.execution_options(populate_existing=True)):
        twin = twins.get(normal_announcement(job.announcement_number))
        if twin is not None and job.duplicate_of_id != twin:
            job.duplicate_of_id = twin
            made += 1
        elif twin is None and job.duplicate_of_id in agency_ids:
            job.duplicate_of_id = None
    session.flush()
    return made
