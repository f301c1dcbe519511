"""What the staff pages show"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import url_for

from app.catalog.documents import LABELS
from app.catalog.nice_diff import DiffSection, NiceDiff
from app.models import (
    ApiKey,
    AuditEntry,
    JobListing,
    PendingNiceImport,
    ScrapeRequest,
    ScrapeRun,
    User,
)
from app.services.staff.curation import TITLE_FIELD, AuditPage, Change, Entry, HistoryRow, Listed
from app.services.staff.operations import SourceStatus
from app.services.staff.reviews import ReviewQueue, ReviewSubject
from app.staff.catalog_forms import NEW_ID_FIELD, EntryForm, RevertForm
from app.staff.editing import Outcome
from app.staff.forms import (
    ConfirmNiceImportForm,
    NiceUploadForm,
    QueueFilterForm,
    QueueScrapeForm,
    ReviewForm,
    RevokeApiKeyForm,
)
from vocabulary.text import is_ascii_digits

# -- the workspace ------------------------------------------------------------------------

# How an operator imports the NICE workbook, as the README's operator commands write it.
NICE_IMPORT_COMMAND = "pathfinder catalog import-nice FILE.xlsx"
NICE_STATEMENTS = "NICE statements"


@dataclass(frozen=True)
class CountRow:
    """One line of the catalog's counts; `missing` when there are none and staff add them."""

    label: str
    count: int
    missing: bool = False


def dashboard_view(overview: dict[str, Any]) -> dict[str, Any]:
    """The staff workspace: the catalog's counts (the NICE statements, when none were imported,
    say how to import them rather than "0"), the last import, runs and audit entries."""
    counts = [
        CountRow(label, n, missing=label == NICE_STATEMENTS and not n)
        for label, n in overview["counts"].items()
    ]
    return {"overview": overview, "counts": counts, "nice_command": NICE_IMPORT_COMMAND}


# -- operations ---------------------------------------------------------------------------

RUN_OUTCOMES = {"succeeded": "Succeeded", "failed": "Failed", "running": "Running"}


def when(moment: datetime | None, seconds: bool = False) -> str:
    """A stored time as staff read it, in UTC."""
    if moment is None:
        return ""
    return moment.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


@dataclass(frozen=True)
class RunRow:
    """One run of a source, as a row of its table."""

    started: str
    finished: str
    kind: str
    file: str  # the file an ingest read ("" for a scrape); long names wrap anywhere
    outcome: str
    counts: dict[str, int]
    error: str
    warnings: list[str]


@dataclass(frozen=True)
class SourceRow:
    """One registered source: its recent runs, its last success, and its re-run button."""

    name: str
    runs: list[RunRow]
    last_success: str
    queued_at: str  # empty when no re-run is waiting
    queue_url: str


RUN_COUNTS = ("new", "updated", "unchanged", "closed", "reopened", "failed")


def run_row(run: ScrapeRun) -> RunRow:
    status = str(run.status)
    if run.finished_at:
        # The time alone when the run ended the day it started: the column stays narrow.
        same_day = run.finished_at.date() == run.started_at.date()
        finished = run.finished_at.strftime("%H:%M:%S") if same_day else when(run.finished_at, True)
    else:
        finished = "Not yet" if status == "running" else "Unknown"
    return RunRow(
        started=when(run.started_at),
        finished=finished,
        kind=run.kind,
        file=str((run.params or {}).get("file") or ""),
        outcome=RUN_OUTCOMES.get(status, status),
        counts={name.capitalize(): getattr(run, name) for name in RUN_COUNTS},
        error=run.error or "",
        warnings=list(run.warnings or []),
    )


def source_row(status: SourceStatus) -> SourceRow:
    success = status.last_success
    return SourceRow(
        name=status.name,
        runs=[run_row(run) for run in status.runs],
        last_success=when(success.started_at) if success else "",
        queued_at=when(status.pending.requested_at) if status.pending else "",
        queue_url=url_for("staff.queue_scrape", source=status.name),
    )


def operations_view(statuses: list[SourceStatus]) -> dict[str, Any]:
    """The operations page's template arguments."""
    return {
        "sources": [source_row(s) for s in statuses],
        "form": QueueScrapeForm(),
        "count_labels": [name.capitalize() for name in RUN_COUNTS],
    }


def queued_message(request: ScrapeRequest, created: bool) -> tuple[str, str]:
    """The flash message (and its category) after a press of a source's re-run button."""
    if created:
        return (
            f"A re-run of {request.source} is queued; the next “pathfinder scrape queued” runs it.",
            "success",
        )
    return (
        f"A re-run of {request.source} was already queued at {when(request.requested_at)} UTC; "
        "it was not queued twice.",
        "info",
    )


# -- NICE workbook imports ----------------------------------------------------------------


def nice_upload_view(form: NiceUploadForm, message: str | None = None) -> dict[str, Any]:
    return {"form": form, "message": message}


def nice_pending_view(
    pending: PendingNiceImport, diff: NiceDiff | None, message: str | None = None
) -> dict[str, Any]:
    """The diff page: the sections with changes first, and Confirm while it is not applied."""
    sections: list[DiffSection] = diff.sections() if diff else []
    return {
        "pending": pending,
        "uploaded_at": when(pending.uploaded_at),
        "applied_at": when(pending.applied_at),
        "diff": diff,
        "sections": sections,
        "form": ConfirmNiceImportForm(),
        "message": message,
        "confirm_url": url_for("staff.nice_confirm", pending_id=pending.id),
    }


def nice_applied_message(report: Any) -> str:
    return (
        f"Applied {report.version}: {report.created_roles} work roles created, "
        f"{report.updated_roles} updated, {report.new_statements} statements new, "
        f"{report.changed_statements} changed."
    )


# -- classification reviews ---------------------------------------------------------------

REVIEW_ACTIONS = {"accept": "Accepted", "override": "Overridden"}


def confidence_label(confidence: float | None) -> str:
    return "Not classified yet" if confidence is None else f"{confidence:.0f}"


def queue_filters(args: Any) -> tuple[str, int]:
    """The status (unreviewed, reviewed, all) and page the queue's query string asks for.

    Anything unrecognised is the first page of the jobs not reviewed yet, never an error.
    """
    form = QueueFilterForm(args)
    status = form.status.data if form.validate() and form.status.data else "unreviewed"
    raw = str(args.get("page") or "")
    page = int(raw) if is_ascii_digits(raw) and len(raw) < 7 else 1
    return status, max(1, page)


def queue_view(queue: ReviewQueue) -> dict[str, Any]:
    """The queue page's template arguments (`staff.classifications` passes `data` alone)."""
    return {"data": queue}


def review_form(roles: list[tuple[str, str]], subject: ReviewSubject) -> ReviewForm:
    """The decision form, its role choices set; an override starts from the current roles."""
    form = ReviewForm()
    form.set_roles(roles)
    if not form.is_submitted():
        current = [c.work_role_id for c in subject.job.classifications]
        for name, role_id in zip(("role_1", "role_2", "role_3"), current, strict=False):
            form[name].data = role_id
    return form


def review_view(
    subject: ReviewSubject, form: ReviewForm, roles: list[tuple[str, str]]
) -> dict[str, Any]:
    """The review page's template arguments (`roles` as `reviews.role_choices`)."""
    names = dict(roles)
    return {
        "subject": subject,
        "job": subject.job,
        "form": form,
        "history": [
            {
                "when": when(r.at),
                "action": REVIEW_ACTIONS.get(r.action, r.action),
                "roles": [names.get(role_id, role_id) for role_id in r.work_roles or []],
                "opm_code": r.opm_code or "",
                "reason": r.reason or "",
                "by": subject.reviewers.get(r.user_id or 0, "A former account"),
            }
            for r in subject.reviews
        ],
        "confidence": confidence_label(subject.confidence),
    }


def saved_message(job: JobListing, action: str) -> tuple[str, str]:
    """The flash message after a decision is saved."""
    done = "accepted" if action == "accept" else "overridden"
    return (
        f"The classification of “{job.title}” is {done}. Job browsing, role links and job "
        "matches use its staff-set roles from now on.",
        "success",
    )


# -- the catalog: index, edit, history, audit ---------------------------------------------

# URL segment -> kind, and what staff call each kind.
KIND_SLUGS = {
    "work-roles": "work_role",
    "skills": "skill",
    "pathways": "pathway",
    "funding-programs": "funding_program",
}
SLUG_OF = {kind: slug for slug, kind in KIND_SLUGS.items()}
KIND_TITLES = {
    "work_role": "Work roles",
    "skill": "Skills",
    "pathway": "Hiring pathways",
    "funding_program": "Funding programs",
}
VERSION_ACTIONS = {
    "load": "Loaded from the reviewed files",
    "edit": "Edited",
    "revert": "Reverted",
    "delete": "Deleted",
}
FIELD_LABELS = {
    "aln": "Assistance listing",
    "opm_codes": "OPM cyber codes",
    "usajobs_hiring_paths": "USAJOBS hiring paths",
    "cyber_ai_use": "AI-enabled cybersecurity use",
    "case_sensitive_aliases": "Case-sensitive aliases",
    "eligibility": "Eligibility rule",
    "eligibility_text": "Who qualifies",
    "grade_low": "Lowest grade",
    "grade_high": "Highest grade",
}


def kind_of(slug: str) -> str | None:
    """The catalog kind a URL segment names (None: not an editable kind)."""
    return KIND_SLUGS.get(slug)


def field_label(name: str) -> str:
    return FIELD_LABELS.get(name, name.replace("_", " ").capitalize())


def shown(value: Any) -> str:
    """A document value as one readable line: lists joined, mappings as "key: value"."""
    if value is None or value == "" or value == [] or value == {}:
        return "(empty)"
    if isinstance(value, dict):
        if all(isinstance(v, int | float) for v in value.values()):
            return "; ".join(f"{k}: {v:g}" for k, v in value.items())
        return ", ".join(f"{k}: {shown(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "; ".join(shown(v) if isinstance(v, dict) else str(v) for v in value)
    return str(value)


@dataclass(frozen=True)
class ChangeRow:
    field: str
    before: str
    after: str


def change_rows(changes: list[Change]) -> list[ChangeRow]:
    return [ChangeRow(field_label(c.field), shown(c.before), shown(c.after)) for c in changes]


@dataclass(frozen=True)
class EntryRow:
    """One entry in a kind's list."""

    id: str
    name: str
    edit_url: str
    history_url: str
    changed: str  # "Edited by a@b.gov, 2026-12-05 10:00", or "" when never changed by staff


def entry_row(item: Listed) -> EntryRow:
    slug = SLUG_OF[item.kind]
    latest = item.latest
    changed = ""
    if latest is not None and latest.action in ("edit", "revert"):
        changed = f"{VERSION_ACTIONS[latest.action]} by {latest.actor}, {when(latest.at)} UTC"
    return EntryRow(
        id=item.id,
        name=item.name,
        edit_url=url_for("staff.edit_entry", slug=slug, ident=item.id),
        history_url=url_for("staff.entry_history", slug=slug, ident=item.id),
        changed=changed,
    )


def catalog_index_view(counts: dict[str, int]) -> dict[str, Any]:
    return {
        "kinds": [
            (KIND_TITLES[kind], url_for("staff.catalog_list", slug=SLUG_OF[kind]), counts[kind])
            for kind in KIND_TITLES
        ],
    }


def catalog_list_view(kind: str, items: list[Listed], text: str) -> dict[str, Any]:
    return {
        "kind": kind,
        "title": KIND_TITLES[kind],
        "label": LABELS[kind],
        "rows": [entry_row(item) for item in items],
        "text": text,
        "list_url": url_for("staff.catalog_list", slug=SLUG_OF[kind]),
        "new_url": url_for("staff.new_entry", slug=SLUG_OF[kind]) if kind in NEW_ID_FIELD else None,
    }


def entry_form_view(
    kind: str, entry: Entry | None, form: EntryForm, outcome: Outcome | None
) -> dict[str, Any]:
    """The edit (or new entry) page's template arguments."""
    outcome = outcome or Outcome()
    conflict = outcome.conflict
    theirs = None
    if conflict is not None:
        version = conflict.version
        theirs = {
            "number": conflict.current.number,
            "by": version.actor if version else "someone else",
            "at": when(version.at) if version else "",
            "reason": (version.reason or "") if version else "",
            "changes": change_rows(outcome.mine),
        }
    slug = SLUG_OF[kind]
    return {
        "kind": kind,
        "label": LABELS[kind],
        "title": KIND_TITLES[kind],
        "entry": entry,
        "name": _entry_name(kind, entry),
        "form": form,
        "is_new": entry is None,
        "preview": outcome.preview,
        "conflict": theirs,
        "message": outcome.message,
        "list_url": url_for("staff.catalog_list", slug=slug),
        "history_url": url_for("staff.entry_history", slug=slug, ident=entry.id) if entry else None,
        "alias_check_url": url_for("staff.alias_check") if kind == "skill" else None,
    }


def _entry_name(kind: str, entry: Entry | None) -> str:
    if entry is None:
        return f"New {LABELS[kind]}"
    return str(entry.document.get(TITLE_FIELD.get(kind, "name")) or entry.id)


def history_url(entry: Entry) -> str:
    return url_for("staff.entry_history", slug=SLUG_OF[entry.kind], ident=entry.id)


def saved_entry_message(entry: Entry) -> tuple[str, str]:
    return (
        f"Saved {entry.label} {entry.id} as version {entry.number}. Matches use it as soon as "
        "the matcher has refitted in the background, within seconds (about 2 s of fitting); "
        "until then they use the previous version.",
        "success",
    )


@dataclass(frozen=True)
class VersionRow:
    number: int
    action: str
    by: str
    at: str
    reason: str
    changes: list[ChangeRow]
    restorable: bool  # not the current version, nor a deletion


def history_view(
    entry: Entry, rows: list[HistoryRow], form: RevertForm, outcome: Outcome | None = None
) -> dict[str, Any]:
    slug = SLUG_OF[entry.kind]
    shown_rows = []
    for row in rows:
        v = row.version
        action = VERSION_ACTIONS.get(v.action, v.action)
        if v.action == "revert" and v.reverted_to:
            action += f" to version {v.reverted_to}"
        restorable = v.number != entry.number and v.document is not None
        changes = change_rows(row.changes)
        shown_rows.append(
            VersionRow(v.number, action, v.actor, when(v.at), v.reason or "", changes, restorable)
        )
    form.number.choices = [
        (r.number, f"Version {r.number}: {r.action}, {r.at} UTC")
        for r in shown_rows
        if r.restorable
    ]
    form.base_number.data = str(entry.number)
    outcome = outcome or Outcome()
    conflict = (
        "Someone saved this entry meanwhile: look again and retry." if outcome.conflict else None
    )
    return {
        "entry": entry,
        "name": _entry_name(entry.kind, entry),
        "title": KIND_TITLES[entry.kind],
        "versions": shown_rows,
        "form": form,
        "message": outcome.message or conflict,
        "list_url": url_for("staff.catalog_list", slug=slug),
        "edit_url": url_for("staff.edit_entry", slug=slug, ident=entry.id),
        "revert_url": url_for("staff.revert_entry", slug=slug, ident=entry.id),
    }


def reverted_message(entry: Entry, number: int) -> tuple[str, str]:
    return (
        f"Reverted {entry.label} {entry.id} to version {number}, saved as version {entry.number}.",
        "success",
    )


def audit_filters(args: Any) -> tuple[str, str, int]:
    """(action prefix, actor text, page) from the audit page's query string; never an error."""
    action = str(args.get("action") or "").strip()[:64]
    actor = str(args.get("actor") or "").strip()[:320]
    raw = str(args.get("page") or "")
    page = int(raw) if is_ascii_digits(raw) and len(raw) < 7 else 1
    return action, actor, max(1, page)


AUDIT_ACTIONS = (
    ("", "Every action"),
    ("catalog.", "Catalog changes"),
    ("classification.", "Classification reviews"),
    ("admin.", "Accounts (admin)"),
    ("scrape.", "Scrapes"),
    ("api_key.", "API keys"),
)


@dataclass(frozen=True)
class DetailLine:
    """One line of an audit entry's details, in one of three shapes (`shape`):

    - "change": a value changed, `before` → `after`;
    - "items": a list or mapping changed, what was `added`, `removed` and `changed` in it;
    - "fact": what was recorded, `after` alone (who was invited, which key was revoked).
    """

    field: str
    shape: str
    before: str = ""
    after: str = ""
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()


# Top-level keys recorded as an [old, new] pair by these actions (elsewhere a two-item list,
# such as an invitation's two roles, is just a list).
PAIR_ACTIONS = {
    "account.enable": ("is_active",),
    "account.disable": ("is_active",),
    "account.roles": ("roles",),
    "user.enable": ("is_active",),
    "user.disable": ("is_active",),
}
AUDIT_LABELS = {
    "is_active": "Account active",
    "versions": "Versions written",
    "reverted_to": "Reverted to version",
    "work_roles": "Work roles",
    "opm_code": "OPM cyber code",
}
DETAIL_VALUE_MAX = 300  # characters of one value (a description), then "…"
DETAIL_ITEMS_MAX = 20  # items of one list, then "and N more"


def _audit_label(name: str) -> str:
    return AUDIT_LABELS.get(name) or field_label(name)


def _short(value: Any) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    text = shown(value)
    return text if len(text) <= DETAIL_VALUE_MAX else text[: DETAIL_VALUE_MAX - 1] + "…"


def _capped(items: list[str]) -> tuple[str, ...]:
    if len(items) <= DETAIL_ITEMS_MAX:
        return tuple(items)
    return (*items[:DETAIL_ITEMS_MAX], f"and {len(items) - DETAIL_ITEMS_MAX} more")


def change_line(name: str, before: Any, after: Any) -> DetailLine:
    """One changed field: lists and mappings as what was added and removed, else old → new."""
    label = _audit_label(name)
    empty = (None, "", [], {})
    if (
        isinstance(before, list | type(None))
        and isinstance(after, list | type(None))
        and (before or after)
    ):
        old, new = [_short(v) for v in before or []], [_short(v) for v in after or []]
        return DetailLine(
            label, "items",
            added=_capped([v for v in new if v not in old]),
            removed=_capped([v for v in old if v not in new]),
        )  # fmt: skip
    if (
        isinstance(before, dict | type(None))
        and isinstance(after, dict | type(None))
        and (before or after)
    ):
        old_map, new_map = before or {}, after or {}
        return DetailLine(
            label, "items",
            added=_capped([f"{k}: {_short(v)}" for k, v in new_map.items() if k not in old_map]),
            removed=_capped([f"{k}: {_short(v)}" for k, v in old_map.items() if k not in new_map]),
            changed=_capped([
                f"{k}: {_short(old_map[k])} → {_short(v)}"
                for k, v in new_map.items() if k in old_map and old_map[k] != v
            ]),
        )  # fmt: skip
    return DetailLine(
        label,
        "change",
        before="(empty)" if before in empty else _short(before),
        after="(empty)" if after in empty else _short(after),
    )


def _fact(name: str, value: Any) -> DetailLine:
    if name == "versions" and isinstance(value, list):
        value = [" ".join(str(part) for part in v) if isinstance(v, list) else v for v in value]
    return DetailLine(_audit_label(name), "fact", after=_short(value))


def audit_details(action: str, changes: dict[str, Any] | None) -> list[DetailLine]:
    """An audit entry's recorded changes as lines people read, never raw JSON.

    Edits record {"fields": {name: [old, new]}}, classification reviews {"before": {...},
    "after": {...}}, account changes [old, new] pairs (`PAIR_ACTIONS`); anything else is a
    fact of the entry, shown as "name: value".
    """
    changes = dict(changes or {})
    lines: list[DetailLine] = []
    fields = changes.pop("fields", None)
    if isinstance(fields, dict):
        lines += [
            change_line(name, pair[0], pair[1])
            for name, pair in fields.items()
            if isinstance(pair, list) and len(pair) == 2
        ]
    before, after = changes.get("before"), changes.get("after")
    if isinstance(before, dict) and isinstance(after, dict):
        del changes["before"], changes["after"]
        names = list(after) + [n for n in before if n not in after]
        lines += [
            change_line(n, before.get(n), after.get(n))
            for n in names
            if before.get(n) != after.get(n)
        ]
    pairs = PAIR_ACTIONS.get(action, ())
    for name, value in changes.items():
        if name in pairs and isinstance(value, list) and len(value) == 2:
            lines.append(change_line(name, value[0], value[1]))
        else:
            lines.append(_fact(name, value))
    return lines


@dataclass(frozen=True)
class AuditRow:
    at: str
    actor: str
    action: str
    entity: str
    note: str
    details: list[DetailLine]
    link: str | None  # the entry's history, for catalog changes


def audit_row(entry: AuditEntry) -> AuditRow:
    link = None
    if entry.action.startswith("catalog.") and entry.entity_type in SLUG_OF and entry.entity_id:
        link = url_for(
            "staff.entry_history", slug=SLUG_OF[entry.entity_type], ident=entry.entity_id
        )
    return AuditRow(
        at=when(entry.at, seconds=True),
        actor=entry.actor,
        action=entry.action,
        entity=f"{entry.entity_type} {entry.entity_id or ''}".strip(),
        note=entry.note or "",
        details=audit_details(entry.action, entry.changes),
        link=link,
    )


def audit_view(page: AuditPage, action: str, actor: str) -> dict[str, Any]:
    def page_url(number: int) -> str:
        args = {k: v for k, v in (("action", action), ("actor", actor)) if v}
        return url_for("staff.audit", page=number, **args)

    return {
        "rows": [audit_row(e) for e in page.entries],
        "page": page,
        "action": action,
        "actor": actor,
        "actions": AUDIT_ACTIONS,
        "previous_url": page_url(page.page - 1) if page.page > 1 else None,
        "next_url": page_url(page.page + 1) if page.page < page.pages else None,
    }


# -- API keys -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ApiKeyRow:
    """One key, as staff see it: never the key itself, only its prefix."""

    name: str
    contact_email: str
    prefix: str
    rate_limit: str
    created: str
    created_by: str
    last_used: str
    status: str
    revoked: str  # when and by whom; empty while the key works
    revoke_url: str  # empty once revoked


def _who(user: User | None) -> str:
    return user.email if user is not None else "command line"


def api_key_row(key: ApiKey) -> ApiKeyRow:
    active = key.revoked_at is None
    return ApiKeyRow(
        name=key.name,
        contact_email=key.contact_email,
        prefix=key.prefix,
        rate_limit=key.rate_limit,
        created=when(key.created_at),
        created_by=_who(key.created_by),
        last_used=when(key.last_used_at) or "Never",
        status="Active" if active else "Revoked",
        revoked="" if active else f"{when(key.revoked_at)} by {_who(key.revoked_by)}",
        revoke_url=url_for("staff.confirm_revoke_api_key", key_id=key.id) if active else "",
    )


def api_keys_view(keys: list[ApiKey], read_limit: str) -> dict[str, Any]:
    """The list page's template arguments: every key, in use first, and the anonymous limit."""
    return {"keys": [api_key_row(k) for k in keys], "read_limit": read_limit}


def api_key_issued_view(key: ApiKey, plaintext: str) -> dict[str, Any]:
    """The page that shows a new key, the only time it is ever shown."""
    return {"key": api_key_row(key), "plaintext": plaintext}


def confirm_revoke_view(key: ApiKey) -> dict[str, Any]:
    return {
        "key": api_key_row(key),
        "form": RevokeApiKeyForm(),
        "action": url_for("staff.revoke_api_key", key_id=key.id),
    }


def revoked_message(key: ApiKey, changed: bool) -> tuple[str, str]:
    """The flash message (and its category) after a revoke."""
    if changed:
        return (
            f"The key for {key.name} ({key.prefix}…) is revoked: requests with it are refused.",
            "success",
        )
    return f"The key for {key.name} ({key.prefix}…) was already revoked.", "info"
