"""What the job seekers' pages show: labels in plain words and the results page's view.

Templates get these explicitly (`labels=JOB_LABELS`, `page=ResultsView(...)`); nothing here
queries the database or knows about Flask.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, ClassVar

from app.models import JobListing, JobStatus, MatchRequest, SkillKind
from app.services.catalog_queries import RoleDetail
from app.services.ics import Deadline, calendar_bytes
from app.services.seekers.jobs import CLEARANCE_CHOICES, CLOSING_WITHIN, GRADES
from app.services.seekers.matches import JobRow
from matching.analysis import ResumeAnalysis
from matching.jobs import HIRING_PATH_NAMES, JOB_CLEARANCE_LEVELS

FACT_LABELS: dict[str, str] = {
    "student": "Student",
    "years_since_graduation": "Years since you finished your degree or program",
    "years_until_graduation": "When you expect to finish your degree or program",
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


# -- job labels -------------------------------------------------------------------------------


def hiring_path_label(code: str) -> str:
    """A USAJOBS hiring path code in words ("Veterans")."""
    name = HIRING_PATH_NAMES.get(code.lower(), code)
    return name[:1].upper() + name[1:]


def hiring_path_options() -> list[tuple[str, str]]:
    return [(code, hiring_path_label(code)) for code in HIRING_PATH_NAMES]


def grade_label(job: JobListing) -> str:
    plan = job.pay_plan or "GS"
    low, high = job.grade_low or 0, job.grade_high or 0
    if low and high and low != high:
        return f"{plan}-{low} to {plan}-{high}"
    if low or high:
        return f"{plan}-{low or high}"
    return f"{plan}, set per position" if job.pay_plan else "Not stated"


def agency_label(job: JobListing) -> str:
    return job.organization or job.department or "Agency not stated"


def location_label(job: JobListing, limit: int = 2) -> str:
    places = list(job.locations or ())
    if not places:
        return "Remote" if job.remote else "Not stated"
    text = "; ".join(places[:limit])
    if len(places) > limit:
        text += f" and {len(places) - limit} more"
    return text


def clearance_label(text: str | None) -> str:
    """A job's clearance in words ("Not required" when none)."""
    if not text or JOB_CLEARANCE_LEVELS.get(" ".join(text.lower().split())) == 0:
        return "Not required"
    return text


def days_left_label(close_date: date | None, today: date) -> str:
    if close_date is None:
        return "No closing date"
    days = (close_date - today).days
    if days < 0:
        return "Closed"
    if days == 0:
        return "Closes today"
    return f"{days} day{'s' if days != 1 else ''} left"


def date_label(day: date | None) -> str:
    return f"{day:%B} {day.day}, {day.year}" if day else "Not stated"


class JobLabels:
    """The job labels as one object for templates (`labels.grade_label(job)`)."""

    agency_label = staticmethod(agency_label)
    grade_label = staticmethod(grade_label)
    location_label = staticmethod(location_label)
    clearance_label = staticmethod(clearance_label)
    days_left_label = staticmethod(days_left_label)
    date_label = staticmethod(date_label)
    hiring_path_label = staticmethod(hiring_path_label)


JOB_LABELS = JobLabels()


# -- resume results ---------------------------------------------------------------------------


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def expiry_label(moment: datetime) -> str:
    moment = _utc(moment)
    return f"{moment:%B} {moment.day}, {moment.year} at {moment:%H:%M} UTC"


def fact_display(name: str, value: Any, note: str | None = None) -> str:
    """A fact's value in words (its note, when it has one: "05/2027", "Yes: 10-point ...")."""
    if note:
        return note
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if name == "disability_rating":
        return f"{value:g}%"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def other_warnings(match: MatchRequest) -> list[str]:
    """Reading warnings not already shown as the page-limit or little-text alerts."""
    document = ResumeAnalysis.from_dict(match.results or {}).document
    shown = []
    if document.over_two_pages:
        shown.append("2 pages")
    if document.little_text:
        shown.append("only a little text")
    return [w for w in match.warnings or [] if not any(s in w for s in shown)]


@dataclass
class ResultsView:
    """Everything the results page shows for one match."""

    token: str
    match: MatchRequest
    analysis: ResumeAnalysis
    jobs: Any  # app.services.seekers.matches.JobResults
    sort: str
    clearance_only: bool
    held_clearance: str | None
    questions: Any  # app.seekers.forms.QuestionsForm
    delete_form: Any  # app.seekers.forms.DeleteForm
    today: date
    now: datetime

    labels: ClassVar[JobLabels] = JOB_LABELS
    date_label = staticmethod(date_label)
    days_left_label = staticmethod(days_left_label)

    @property
    def expires_label(self) -> str:
        return expiry_label(self.match.expires_at)

    @property
    def hours_left(self) -> int:
        seconds = (_utc(self.match.expires_at) - _utc(self.now)).total_seconds()
        return max(0, round(seconds / 3600))

    @property
    def other_warnings(self) -> list[str]:
        return other_warnings(self.match)

    @property
    def held_clearance_label(self) -> str | None:
        held = self.held_clearance
        return CLEARANCE_LABELS.get(held, held) if held else held

    @staticmethod
    def fact_label(name: str) -> str:
        return FACT_LABELS.get(name, name)

    @staticmethod
    def fact_value(name: str, value: Any, note: str | None = None) -> str:
        return fact_display(name, value, note)

    @property
    def ranked_roles(self) -> list[Any]:
        """The work roles to show as a ranking: none when every role tied, since their order
        is then only catalog order (issue 17: never present it as a ranking)."""
        return [] if self.analysis.tied else list(self.analysis.roles)

    @property
    def eligible_count(self) -> int:
        """Hiring paths counted as the person's: eligible ones, and open-to-the-public ones
        only when a work role they cover reached the match threshold."""
        pathways = self.analysis.pathways
        return len(pathways.eligible) + len(pathways.counted_open)


def deadlines_calendar(rows: Sequence[JobRow], now: datetime | None = None) -> bytes:
    """An iCalendar file with one all-day event per job closing date shown.

    UIDs are the site's job UIDs (as in the program offices' feeds), so a calendar program
    updates an event it already has instead of adding a second one.
    """
    deadlines = [
        Deadline(
            uid=f"job-{row.id}@pathfinder",
            title=f"{row.title} ({agency_label(row.job)})",
            day=row.close_date,
            url=row.url,
            description=(
                f"Apply on USAJOBS before the closing date. Grade: {grade_label(row.job)}. "
                f"Location: {location_label(row.job)}."
                + (" This is a sample listing, not a real job." if row.is_sample else "")
            ),
        )
        for row in rows
        if row.close_date is not None
    ]
    return calendar_bytes(
        deadlines, "Job deadlines from Pathfinder", _utc(now or datetime.now(UTC))
    )


# -- browsing jobs ----------------------------------------------------------------------------


def is_closed(job: JobListing, today: date) -> bool:
    """A job page says "closed" when the job is, or its closing date has passed."""
    return job.status == JobStatus.CLOSED or (job.close_date is not None and job.close_date < today)


@dataclass(frozen=True)
class BrowseChoices:
    """The choices of the /jobs/ filter form."""

    path_options: list[tuple[str, str]]
    clearance_options: list[tuple[str, str]]
    grades: tuple[int, ...]
    closing_options: tuple[int, ...]


BROWSE_CHOICES = BrowseChoices(
    path_options=hiring_path_options(),
    clearance_options=[(k, v[0]) for k, v in CLEARANCE_CHOICES.items()],
    grades=GRADES,
    closing_options=CLOSING_WITHIN,
)


# -- a work role's page ----------------------------------------------------------------------

# "Public Key Infrastructure (PKI)": a name, then an acronym in brackets (two capitals or more,
# no spaces), which the lexicon sometimes also has as a skill of the bare name.
_ACRONYM_SUFFIX = re.compile(r"^(?P<base>.+?)\s*\((?P<acronym>[^\s()]{2,12})\)$")


def _base_name(name: str) -> str | None:
    """The name without its bracketed acronym (None: it has none)."""
    found = _ACRONYM_SUFFIX.match(name.strip())
    if found is None or sum(c.isupper() for c in found["acronym"]) < 2:
        return None
    return found["base"].casefold()


@dataclass(frozen=True)
class SkillBandView:
    """One weight band of a role's skills ("Core", "Common", "Helpful"), names heaviest first."""

    label: str
    names: list[str]


@dataclass(frozen=True)
class RoleSkills:
    """What a role's page lists as skills and, apart from them, as certifications."""

    bands: list[SkillBandView]
    # Certifications the lexicon links to the role that its qualifying table does not list.
    other_certifications: list[str] = field(default_factory=list)


def role_skills(detail: RoleDetail) -> RoleSkills:
    """A role's skills as its page shows them: certifications apart from the skills, and a
    name that is another's plus its acronym ("Public Key Infrastructure" and "Public Key
    Infrastructure (PKI)") as one entry, the acronym kept, in the heavier one's band.

    The API (`/api/v1/work-roles/<id>`) keeps every skill with its id and kind.
    """
    qualifying = {link.certification.id for link in detail.certifications}
    qualifying |= {link.certification.name.casefold() for link in detail.certifications}
    skills = [
        s for band in detail.skill_bands for s in band.skills if s.kind != SkillKind.CERTIFICATION
    ]
    bare = {s.name.casefold() for s in skills}
    # Each bare name with an acronym'd twin among the role's skills -> the twin's name.
    fuller = {
        base: s.name for s in skills if (base := _base_name(s.name)) is not None and base in bare
    }
    seen: set[str] = set()
    bands: list[SkillBandView] = []
    others: list[str] = []
    for band in detail.skill_bands:
        names: list[str] = []
        for skill in band.skills:
            if skill.kind == SkillKind.CERTIFICATION:
                if skill.id not in qualifying and skill.name.casefold() not in qualifying:
                    others.append(skill.name)
                continue
            base = _base_name(skill.name)
            key = base if base is not None and base in fuller else skill.name.casefold()
            name = fuller.get(key, skill.name)
            if key in seen:
                continue  # its twin is listed already, in this band or a heavier one
            seen.add(key)
            names.append(name)
        if names:
            bands.append(SkillBandView(band.label, names))
    return RoleSkills(bands, others)
