"""What the agency pages show: labels, rows and each page's template arguments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import url_for

from app.agency.editing import Outcome
from app.agency.forms import OpeningActionForm, OpeningForm
from app.models import AgencyOpening, AgencyOpeningVersion, OpeningStatus
from app.services.agency.coding import CodingSuggestion
from matching.jobs import HIRING_PATH_NAMES

STATUS_LABELS = {
    OpeningStatus.DRAFT: "Draft",
    OpeningStatus.PUBLISHED: "Published",
    OpeningStatus.CLOSED: "Closed",
    OpeningStatus.WITHDRAWN: "Withdrawn",
}
STATUS_HEADINGS = {
    OpeningStatus.DRAFT: "Drafts",
    OpeningStatus.PUBLISHED: "Published: open to applicants",
    OpeningStatus.CLOSED: "Closed",
    OpeningStatus.WITHDRAWN: "Withdrawn",
}
VERSION_ACTIONS = {
    "create": "Created as a draft",
    "edit": "Edited",
    "publish": "Published",
    "close": "Closed",
    "withdraw": "Withdrawn",
}
CONFIDENCE_LABELS = {
    "high": "High confidence",
    "medium": "Medium confidence",
    "low": "Low confidence",
    "none": "No confident match",
}
FIELD_LABELS = {
    "title": "Job title",
    "announcement_number": "Announcement number",
    "series": "Occupational series",
    "pay_plan": "Pay plan",
    "grade_low": "Lowest grade",
    "grade_high": "Highest grade",
    "salary_min": "Lowest salary",
    "salary_max": "Highest salary",
    "locations": "Locations",
    "remote": "Remote",
    "telework": "Telework",
    "hiring_paths": "Hiring paths",
    "who_may_apply": "Who may apply",
    "clearance": "Security clearance",
    "open_date": "Open date",
    "close_date": "Close date",
    "duties": "Duties",
    "qualifications": "Qualifications",
    "apply_url": "How to apply",
    "work_roles": "Work roles",
    "opm_codes": "OPM cyber codes",
    "status": "Status",
}
DONE_MESSAGES = {
    "save": "Saved “{title}” as version {version}.",
    "publish": "Published “{title}”: job seekers can find it now.",
    "close": "Closed “{title}”: it no longer takes applications.",
    "withdraw": "Withdrew “{title}”: job seekers no longer see it.",
    "delete": "Deleted the draft “{title}”.",
}


def when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else ""


def day(value: date | None) -> str:
    return value.strftime("%B %-d, %Y") if value else "Not set"


def hiring_path_label(code: str) -> str:
    name = HIRING_PATH_NAMES.get(code, code)
    return name[:1].upper() + name[1:]


def shown(name: str, value: Any) -> str:
    """A field's value as one readable line."""
    if value is None or value == "" or value == []:
        return "(empty)"
    if name == "status":
        return STATUS_LABELS.get(value, str(value).capitalize())
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if name == "hiring_paths" and isinstance(value, list):
        return "; ".join(hiring_path_label(str(c)) for c in value)
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, float):
        return f"${value:,.0f}"
    return str(value)


def opening_url(opening: AgencyOpening) -> str:
    return url_for("agency.opening", opening_id=opening.id)


def status_label(status: Any) -> str:
    return STATUS_LABELS.get(status, str(status).capitalize())


def done_message(action: str, title: str, version: int | None = None) -> tuple[str, str]:
    return DONE_MESSAGES[action].format(title=title, version=version), "success"


# -- the dashboard ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OpeningRow:
    title: str
    announcement: str
    closes: str
    updated: str
    url: str
    edit_url: str | None


def opening_row(opening: AgencyOpening) -> OpeningRow:
    editable = opening.status in (OpeningStatus.DRAFT, OpeningStatus.PUBLISHED)
    return OpeningRow(
        title=opening.title,
        announcement=opening.announcement_number or "",
        closes=day(opening.close_date),
        updated=when(opening.updated_at),
        url=url_for("agency.opening", opening_id=opening.id),
        edit_url=url_for("agency.edit_opening", opening_id=opening.id) if editable else None,
    )


def dashboard_view(agency_name: str, items: list[AgencyOpening]) -> dict[str, Any]:
    groups = [
        (STATUS_HEADINGS[status], [opening_row(o) for o in items if o.status == status])
        for status in STATUS_HEADINGS
    ]
    return {
        "agency_name": agency_name,
        "groups": [(heading, rows) for heading, rows in groups if rows],
        "count": len(items),
        "new_url": url_for("agency.new_opening"),
    }


# -- coding suggestions ------------------------------------------------------------------------


@dataclass(frozen=True)
class SuggestionRow:
    id: str
    name: str
    score: str
    opm_code: str
    evidence: list[str]
    is_match: bool


def suggestion_view(suggestion: CodingSuggestion | None) -> dict[str, Any] | None:
    """The coding help panel's arguments (None: nothing asked yet)."""
    if suggestion is None:
        return None
    confidence = suggestion.confidence if suggestion.confident else "none"
    return {
        "read_text": suggestion.read_text,
        "confident": suggestion.confident,
        "confidence": CONFIDENCE_LABELS[confidence],
        "rows": [
            SuggestionRow(
                id=r.id,
                name=r.name,
                score=f"{r.score:.0f}",
                opm_code=r.opm_code or "None assigned",
                evidence=[e.name for e in r.evidence],
                is_match=r.is_match,
            )
            for r in suggestion.roles
        ],
        "opm_codes": ", ".join(suggestion.opm_codes),
    }


# -- the form --------------------------------------------------------------------------------


def conflict_view(outcome: Outcome, versions: list[AgencyOpeningVersion], changes: list) -> dict:
    """Who saved the opening while the poster was editing it, and what they changed."""
    assert outcome.conflict is not None
    latest = versions[0] if versions else None
    return {
        "number": outcome.conflict.current.version,
        "by": latest.actor if latest else "someone else",
        "at": when(latest.at) if latest else "",
        "action": VERSION_ACTIONS.get(latest.action, latest.action) if latest else "",
        "changes": [
            {"field": FIELD_LABELS.get(f, f), "before": shown(f, b), "after": shown(f, a)}
            for f, b, a in changes
        ],
    }


def opening_form_view(
    opening: AgencyOpening | None,
    form: OpeningForm,
    outcome: Outcome | None,
    conflict: dict[str, Any] | None = None,
) -> dict[str, Any]:
    outcome = outcome or Outcome()
    is_draft = opening is None or opening.status == OpeningStatus.DRAFT
    return {
        "opening": opening,
        "is_new": opening is None,
        "name": opening.title if opening else "Post an opening",
        "status": status_label(opening.status) if opening else "",
        "form": form,
        "save_label": "Save draft" if is_draft else "Save changes",
        "can_publish": opening is not None and opening.status == OpeningStatus.DRAFT,
        "suggestions": suggestion_view(outcome.suggestion),
        "conflict": conflict,
        "message": outcome.message,
        "dashboard_url": url_for("agency.dashboard"),
        "opening_url": url_for("agency.opening", opening_id=opening.id) if opening else None,
        "suggest_url": url_for("agency.suggest"),
    }


# -- an opening's page -----------------------------------------------------------------------


@dataclass(frozen=True)
class VersionRow:
    number: int
    action: str
    by: str
    at: str
    changes: list[dict[str, str]]


def version_rows(history: list[AgencyOpeningVersion], diff: Any) -> list[VersionRow]:
    """Newest first, each with what it changed from the one before (`diff(older, newer)`)."""
    rows = []
    for i, version in enumerate(history):
        older = history[i + 1] if i + 1 < len(history) else None
        changes = diff(older.document, version.document) if older is not None else []
        rows.append(
            VersionRow(
                number=version.number,
                action=VERSION_ACTIONS.get(version.action, version.action.capitalize()),
                by=version.actor,
                at=when(version.at),
                changes=[
                    {"field": FIELD_LABELS.get(f, f), "before": shown(f, b), "after": shown(f, a)}
                    for f, b, a in changes
                ],
            )
        )
    return rows


def pool_view(pool: Any) -> dict[str, Any] | None:
    """The anonymous candidate pool: counts, "fewer than 5" where hidden."""
    if pool is None:
        return None

    def count(n: int | None) -> str:
        return "Fewer than 5" if n is None else f"{n:,}"

    return {
        "total": count(pool.total),
        "roles": [(name, count(n)) for _, name, n in pool.by_role],
        "paths": [(hiring_path_label(code), count(n)) for code, n in pool.hiring_paths],
        "window": _hours(pool.window_hours),
    }


def _hours(hours: float | int) -> str:
    hours = int(hours)
    if hours % 24 == 0 and hours >= 24:
        days = hours // 24
        return f"{days} day{'s' if days != 1 else ''}"
    return f"{hours} hour{'s' if hours != 1 else ''}"


def opening_view(
    opening: AgencyOpening,
    history: list[VersionRow],
    pool: Any,
    message: str | None = None,
    conflict: dict[str, Any] | None = None,
) -> dict[str, Any]:
    status = opening.status
    ident = opening.id
    fields = [
        (FIELD_LABELS[name], shown(name, getattr(opening, name)))
        for name in FIELD_LABELS
        if name not in ("title", "open_date", "close_date", "status")
    ]
    return {
        "opening": opening,
        "status": status_label(status),
        "dates": (day(opening.open_date), day(opening.close_date)),
        "fields": fields,
        "versions": history,
        "pool": pool_view(pool),
        "form": OpeningActionForm(base_version=str(opening.version)),
        "message": message,
        "conflict": conflict,
        "job_url": url_for("seekers.job", job_id=opening.job_id) if opening.job_id else None,
        "edit_url": url_for("agency.edit_opening", opening_id=ident)
        if status in (OpeningStatus.DRAFT, OpeningStatus.PUBLISHED)
        else None,
        "actions": [
            (label, url_for(f"agency.{action}_opening", opening_id=ident), css)
            for action, label, css in _ACTIONS[status]
        ],
        "delete_url": url_for("agency.delete_opening", opening_id=ident)
        if status == OpeningStatus.DRAFT
        else None,
        "dashboard_url": url_for("agency.dashboard"),
    }


_ACTIONS: dict[OpeningStatus, list[tuple[str, str, str]]] = {
    OpeningStatus.DRAFT: [("publish", "Publish", "usa-button")],
    OpeningStatus.PUBLISHED: [
        ("close", "Close it to applicants", "usa-button usa-button--outline"),
        ("withdraw", "Withdraw it", "usa-button usa-button--secondary"),
    ],
    OpeningStatus.CLOSED: [],
    OpeningStatus.WITHDRAWN: [],
}


def delete_view(opening: AgencyOpening) -> dict[str, Any]:
    return {
        "opening": opening,
        "form": OpeningActionForm(base_version=str(opening.version)),
        "opening_url": url_for("agency.opening", opening_id=opening.id),
        "delete_url": url_for("agency.delete_opening", opening_id=opening.id),
        "dashboard_url": url_for("agency.dashboard"),
    }
