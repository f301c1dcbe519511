"""What the staff pages show"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import url_for

from app.catalog.nice_diff import DiffSection, NiceDiff
from app.models import PendingNiceImport, ScrapeRequest, ScrapeRun
from app.services.staff.operations import SourceStatus
from app.staff.forms import ConfirmNiceImportForm, NiceUploadForm, QueueScrapeForm

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
        finished = when(run.finished_at, seconds=True)
    else:
        finished = "Not yet" if status == "running" else "Unknown"
    kind = run.kind + (f" ({run.params['file']})" if (run.params or {}).get("file") else "")
    return RunRow(
        started=when(run.started_at),
        finished=finished,
        kind=kind,
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
