"""What importing a NICE workbook would change, shown before it is applied.

`diff_workbook` compares a parsed workbook (`app.catalog.nice_import.parse_workbook`) with the
database: work roles added, named differently or missing, statements added, missing or
reworded, and the roles whose statement lists change. The CLI (`pathfinder catalog
import-nice`) and the staff upload page both show it, then apply with the importer.

An upload waits as a `PendingNiceImport` until staff confirm its diff (`stage_upload`,
`pending_diff`, `apply_pending`); a pending import applies once. Uploads are kept
`PENDING_DAYS` days, then `purge_uploads` (run by `pathfinder purge`) deletes them, applied or
not: a workbook holds nothing the catalog does not, and an old diff is stale anyway.

What the importer does with each: new roles and statements are created, reworded statements
and changed statement lists are updated; a role keeps its reviewed name, and nothing in the
database is deleted (roles and statements missing from the workbook stay).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, selectinload

from app.catalog.nice_import import (
    ImportReport,
    ParsedWorkbook,
    import_workbook_data,
    parse_workbook_data,
)
from app.models import PendingNiceImport, TksStatement, User, WorkRole, utcnow

# How many entries of each kind the summaries list before "and N more".
FIRST_LINES = 5
PENDING_DAYS = 7  # how long an uploaded workbook is kept for staff to confirm


@dataclass(frozen=True)
class DiffSection:
    """One kind of change: a title, what applying does about it, and one line per entry."""

    key: str
    title: str
    note: str
    entries: list[str]

    @property
    def count(self) -> int:
        return len(self.entries)

    def first(self, limit: int = FIRST_LINES) -> list[str]:
        return self.entries[:limit]

    def more(self, limit: int = FIRST_LINES) -> int:
        return max(0, self.count - limit)


@dataclass
class NiceDiff:
    version: str
    work_roles: int
    statements: int
    roles_added: list[tuple[str, str]] = field(default_factory=list)  # (id, name)
    roles_renamed: list[tuple[str, str, str]] = field(default_factory=list)  # (id, ours, theirs)
    roles_removed: list[tuple[str, str]] = field(default_factory=list)
    statements_added: list[tuple[str, str]] = field(default_factory=list)  # (id, text)
    statements_removed: list[tuple[str, str]] = field(default_factory=list)
    statements_changed: list[tuple[str, str, str]] = field(default_factory=list)  # (id, old, new)
    roles_relinked: list[tuple[str, int, int]] = field(default_factory=list)  # (id, +n, -n)
    roles_described: list[tuple[str, str]] = field(default_factory=list)  # (id, new description)
    # Roles and statements otherwise unchanged that would be stamped with the workbook's version.
    restamped: int = 0

    @property
    def changes_anything(self) -> bool:
        """Whether applying would write: new roles or statements, rewordings, new links."""
        return any(
            (
                self.roles_added,
                self.statements_added,
                self.statements_changed,
                self.roles_relinked,
                self.roles_described,
                self.restamped,
            )
        )

    def sections(self) -> list[DiffSection]:
        return [
            DiffSection(
                "roles_added",
                "Work roles added",
                "Created from the workbook's name and description.",
                [f"{i} {name}" for i, name in self.roles_added],
            ),
            DiffSection(
                "roles_renamed",
                "Work roles renamed",
                "Named differently in the workbook; the catalog keeps its reviewed name.",
                [f"{i}: “{a}” is “{b}” in the workbook" for i, a, b in self.roles_renamed],
            ),
            DiffSection(
                "roles_removed",
                "Work roles removed",
                "In the database but not in the workbook; the import keeps them.",
                [f"{i} {name}" for i, name in self.roles_removed],
            ),
            DiffSection(
                "statements_added",
                "Statements added",
                "Created.",
                [f"{i}: {_short(text)}" for i, text in self.statements_added],
            ),
            DiffSection(
                "statements_removed",
                "Statements removed",
                "In the database but not in the workbook; the import keeps them.",
                [f"{i}: {_short(text)}" for i, text in self.statements_removed],
            ),
            DiffSection(
                "statements_changed",
                "Statements changed",
                "Reworded to the workbook's text.",
                [
                    f"{i}: “{_short(a)}” becomes “{_short(b)}”"
                    for i, a, b in self.statements_changed
                ],
            ),
            DiffSection(
                "roles_relinked",
                "Work roles whose statements change",
                "Linked to exactly the statements the workbook lists for them.",
                [f"{i}: {plus} added, {minus} removed" for i, plus, minus in self.roles_relinked],
            ),
            DiffSection(
                "roles_described",
                "Official descriptions updated",
                "Stored as the official NICE description next to the reviewed one.",
                [f"{i}: {_short(text)}" for i, text in self.roles_described],
            ),
        ]

    def summary_lines(self, limit: int = FIRST_LINES) -> list[str]:
        """The diff as plain text: a heading, then each kind's count and first entries."""
        lines = [
            f"{self.version}: {self.work_roles} work roles, {self.statements} statements "
            "in the workbook."
        ]
        for section in self.sections():
            lines.append(f"{section.title}: {section.count}")
            if section.count:
                lines.append(f"  ({section.note})")
            lines.extend(f"  {entry}" for entry in section.first(limit))
            if section.more(limit):
                lines.append(f"  ... and {section.more(limit)} more")
        if self.restamped:
            lines.append(f"Otherwise unchanged, stamped {self.version}: {self.restamped}")
        return lines


def _short(text: str, limit: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def diff_workbook(session: Session, parsed: ParsedWorkbook) -> NiceDiff:
    """What importing `parsed` would change in the database; reads only."""
    diff = NiceDiff(parsed.version, len(parsed.roles), len(parsed.statements))
    stored = {s.id: s for s in session.scalars(select(TksStatement).order_by(TksStatement.id))}
    for ident in sorted(parsed.statements):
        text, statement = parsed.statements[ident], stored.get(ident)
        if statement is None:
            diff.statements_added.append((ident, text))
        elif statement.text != text:
            diff.statements_changed.append((ident, statement.text, text))
        elif statement.catalog_version != parsed.version:
            diff.restamped += 1
    diff.statements_removed = [(i, s.text) for i, s in stored.items() if i not in parsed.statements]

    roles = {
        r.id: r
        for r in session.scalars(
            select(WorkRole).options(selectinload(WorkRole.statements)).order_by(WorkRole.id)
        )
    }
    theirs = {role.id: role for role in parsed.roles}
    for role_id in sorted(theirs):
        parsed_role = theirs[role_id]
        role = roles.get(role_id)
        wanted = set(parsed_role.statement_ids)
        if role is None:
            diff.roles_added.append((role_id, parsed_role.name))
            if wanted:
                diff.roles_relinked.append((role_id, len(wanted), 0))
            continue
        if role.official_description != parsed_role.description:
            diff.roles_described.append((role_id, parsed_role.description))
        elif role.catalog_version != parsed.version:
            diff.restamped += 1
        if role.name != parsed_role.name:
            diff.roles_renamed.append((role_id, role.name, parsed_role.name))
        linked = {s.id for s in role.statements}
        if linked != wanted:
            diff.roles_relinked.append((role_id, len(wanted - linked), len(linked - wanted)))
    diff.roles_removed = [(i, r.name) for i, r in roles.items() if i not in theirs]
    return diff


# -- uploads waiting for confirmation ------------------------------------------------------


class AlreadyApplied(ValueError):
    """The pending import was applied before (by another confirm, perhaps another tab)."""

    def __init__(self, pending: PendingNiceImport, applied_at: datetime | None) -> None:
        when = f" on {applied_at:%Y-%m-%d at %H:%M} UTC" if applied_at else ""
        super().__init__(
            f"{pending.filename} was already applied{when}; it was not applied again. "
            "Upload the workbook again to see its differences with the catalog as it is now."
        )


def stage_upload(session: Session, filename: str, data: bytes, user: User) -> PendingNiceImport:
    """Keep an uploaded workbook for confirmation; NiceImportError when it cannot be read."""
    parse_workbook_data(filename, data)  # refuse now what could never apply
    pending = PendingNiceImport(
        filename=filename,
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        uploaded_by_id=user.id,
    )
    session.add(pending)
    session.flush()
    return pending


def purge_uploads(session: Session, now: datetime | None = None) -> int:
    """Delete uploaded workbooks older than `PENDING_DAYS`; returns how many were deleted."""
    cutoff = (now or utcnow()) - timedelta(days=PENDING_DAYS)
    result = session.execute(
        delete(PendingNiceImport)
        .where(PendingNiceImport.uploaded_at < cutoff)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0  # type: ignore[attr-defined]


def pending_diff(session: Session, pending: PendingNiceImport) -> NiceDiff:
    """The diff of a pending upload against the database as it is now."""
    return diff_workbook(session, parse_workbook_data(pending.filename, pending.data))


def apply_pending(session: Session, pending_id: int, user: User) -> ImportReport:
    """Apply a pending upload with the importer, once; AlreadyApplied on a second confirm.

    The row is marked applied by an UPDATE that only succeeds while it is not, in the same
    transaction as the import, so two confirms never both apply. The caller commits.
    """
    pending = session.get(PendingNiceImport, pending_id)
    if pending is None:
        raise LookupError(pending_id)
    marked = session.execute(
        update(PendingNiceImport)
        .where(PendingNiceImport.id == pending_id, PendingNiceImport.applied_at.is_(None))
        .values(applied_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if marked.rowcount != 1:  # type: ignore[attr-defined]
        session.refresh(pending)
        raise AlreadyApplied(pending, pending.applied_at)
    report = import_workbook_data(
        session, pending.filename, pending.data, actor=user.email, user_id=user.id
    )
    session.refresh(pending)
    return report
