"""OPM staff change the catalog: save an entry, see its history, revert to a version.

Every save is checked against the rest of the catalog (`app.catalog.documents`), written as a
new version of each entry it changes (`app.catalog.versions`) with who, when and why, and
audited as "catalog.edit" or "catalog.revert", which changes the catalog version the matcher
follows (`app.services.matcher.catalog_version`). A save names the version it was based on:
when someone else saved the entry since, the save is refused with `EditConflict`, which
carries their version, and nothing of either change is lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.catalog import documents, versions
from app.catalog.documents import LABELS, Document, EntryError
from app.models import AuditEntry, CatalogVersion, User

__all__ = [
    "Change",
    "EditConflict",
    "Entry",
    "EntryError",
    "diff",
    "get_entry",
    "history",
    "revert",
    "save_entry",
]


@dataclass(frozen=True)
class Entry:
    """One catalog entry as it is now: its document and newest version number (0: none)."""

    kind: str
    id: str
    number: int
    document: Document

    @property
    def label(self) -> str:
        return LABELS[self.kind]


class EditConflict(Exception):
    """The entry was saved by someone else after the version this save started from."""

    def __init__(self, current: Entry, version: CatalogVersion | None) -> None:
        super().__init__(f"{current.kind} {current.id} changed since version {current.number}")
        self.current, self.version = current, version


@dataclass(frozen=True)
class Change:
    """One field of a document, before and after."""

    field: str
    before: Any
    after: Any


def diff(before: Document | None, after: Document | None) -> list[Change]:
    """The fields that differ, in the documents' field order."""
    before, after = before or {}, after or {}
    names = list(after) + [name for name in before if name not in after]
    return [Change(n, before.get(n), after.get(n)) for n in names if before.get(n) != after.get(n)]


def get_entry(session: Session, kind: str, ident: str) -> Entry | None:
    document = documents.document(session, kind, ident)
    if document is None:
        return None
    return Entry(kind, ident, versions.current_number(session, kind, ident), document)


def _require_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise EntryError("Say why you are making this change.", "reason")
    return reason


def _check_base(session: Session, kind: str, ident: str, base_number: int | None) -> None:
    current = get_entry(session, kind, ident)
    if current is None:
        if base_number:
            raise EntryError(f"This {LABELS[kind]} no longer exists.")
        return
    if base_number is None:
        raise EntryError(f"A {LABELS[kind]} with the id {ident!r} already exists.", "id")
    if current.number != base_number:
        raise EditConflict(current, versions.get_version(session, kind, ident, current.number))


def _expected_number(session: Session, kind: str, ident: str, base_number: int | None) -> int:
    """The number the entry's new version gets when no one saved it since `base_number`."""
    if base_number is None:  # a new entry (numbered on from a deleted one's versions)
        return versions.current_number(session, kind, ident) + 1
    return max(base_number, 1) + 1  # an entry never versioned gets its loaded state first


def _conflict(session: Session, kind: str, ident: str) -> EditConflict | EntryError:
    """After a lost race (the caller rolled back): who saved first."""
    current = get_entry(session, kind, ident)
    if current is None:
        return EntryError(f"This {LABELS[kind]} could not be saved; try again.")
    return EditConflict(current, versions.get_version(session, kind, ident, current.number))


def _commit_change(
    session: Session,
    kind: str,
    ident: str,
    document: Document,
    action: str,
    author: versions.Author,
    expected: int,
    reverted_to: int | None = None,
) -> Entry:
    """Apply `document`, version every entry it changed, audit it; the caller commits.

    `expected` is the number the entry's version gets if no one saved it since the version the
    save started from. The check against that version made before is repeated here, after the
    writes: under
    PostgreSQL's READ COMMITTED, a save that committed meanwhile is visible now, so the new
    version's number shows it; two saves at the very same moment collide on the version
    number's unique constraint (or a new entry's key) instead. Either way the later save is
    rolled back and told, and the earlier one stands.
    """
    before = documents.snapshot(session)
    try:
        documents.apply_document(session, kind, document)
        after = documents.snapshot(session)
        written = versions.record(session, before, after, action, author, reverted_to)
    except IntegrityError:
        session.rollback()
        raise _conflict(session, kind, ident) from None
    mine = [v for v in written if (v.entity_type, v.entity_id) == (kind, ident)]
    if mine and mine[0].number != expected:
        session.rollback()
        raise _conflict(session, kind, ident)
    changes = diff(before.get((kind, ident)), after.get((kind, ident)))
    session.add(
        AuditEntry(
            user_id=author.user_id,
            actor=author.actor,
            action=f"catalog.{action}",
            entity_type=kind,
            entity_id=ident,
            changes={
                "fields": {c.field: [c.before, c.after] for c in changes},
                "versions": [[v.entity_type, v.entity_id, v.number] for v in written],
                **({"reverted_to": reverted_to} if reverted_to is not None else {}),
            },
            note=author.reason,
        )
    )
    session.flush()
    entry = get_entry(session, kind, ident)
    assert entry is not None
    return entry


def save_entry(
    session: Session,
    kind: str,
    document: dict[str, Any],
    *,
    base_number: int | None,
    user: User,
    reason: str | None,
) -> Entry:
    """Save a new (`base_number` None) or edited entry; the caller commits.

    Raises EntryError (with the field at fault) for a document the catalog cannot take, and
    EditConflict when the entry has a newer version than `base_number`.
    """
    author = versions.Author(user.email, user.id, _require_reason(reason))
    normal = documents.validate_document(kind, document, documents.Context.of(session))
    ident = str(normal[documents.ID_FIELD[kind]])
    _check_base(session, kind, ident, base_number)
    current = get_entry(session, kind, ident)
    if current is not None and current.document == normal:
        raise EntryError("Nothing changed: this is the entry as it is now.")
    base = base_number if current is not None else None
    expected = _expected_number(session, kind, ident, base)
    return _commit_change(session, kind, ident, normal, "edit", author, expected)


def revert(
    session: Session,
    kind: str,
    ident: str,
    number: int,
    *,
    base_number: int,
    user: User,
    reason: str | None,
) -> Entry:
    """Make version `number` the entry's content again, as a new version; the caller commits."""
    author = versions.Author(user.email, user.id, _require_reason(reason))
    target = versions.get_version(session, kind, ident, number)
    if target is None or target.document is None:
        raise EntryError(f"Version {number} of this {LABELS[kind]} cannot be restored.")
    _check_base(session, kind, ident, base_number)
    normal = documents.validate_document(kind, target.document, documents.Context.of(session))
    current = get_entry(session, kind, ident)
    if current is not None and current.document == normal:
        raise EntryError(f"The {LABELS[kind]} is already as version {number} left it.")
    expected = _expected_number(session, kind, ident, base_number)
    return _commit_change(session, kind, ident, normal, "revert", author, expected, number)


@dataclass(frozen=True)
class HistoryRow:
    """One version with what it changed from the one before."""

    version: CatalogVersion
    changes: list[Change]


def history(session: Session, kind: str, ident: str) -> list[HistoryRow]:
    """Every version of the entry, newest first, each with its changes."""
    rows, previous = [], None
    for version in versions.history(session, kind, ident):
        rows.append(HistoryRow(version, diff(previous, version.document)))
        previous = version.document
    return rows[::-1]


EDITABLE = ("work_role", "skill", "pathway", "funding_program")
TITLE_FIELD = {"funding_program": "title"}  # the rest are named by "name"


@dataclass(frozen=True)
class Listed:
    """An entry in the catalog's index: its id, name and newest version (None: never changed)."""

    kind: str
    id: str
    name: str
    latest: CatalogVersion | None


def list_entries(session: Session, kind: str, text: str = "") -> list[Listed]:
    """The entries of one kind whose id or name contains `text` (any case), in id order."""
    needle = text.strip().casefold()
    newest = versions.latest(session)
    title = TITLE_FIELD.get(kind, "name")
    return [
        Listed(kind, ident, str(doc.get(title) or ident), newest.get((kind, ident)))
        for ident, doc in documents.documents(session, kind).items()
        if not needle or needle in ident.casefold() or needle in str(doc.get(title, "")).casefold()
    ]


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditEntry]
    page: int
    pages: int
    total: int


def audit_log(
    session: Session, action: str = "", actor: str = "", page: int = 1, per_page: int = 50
) -> AuditPage:
    """The audit log, newest first; `action` a prefix ("catalog.", "admin."), `actor` a part."""
    query = select(AuditEntry)
    if action:
        query = query.where(AuditEntry.action.startswith(action, autoescape=True))
    if actor:
        needle = actor.strip().lower()
        query = query.where(func.lower(AuditEntry.actor).contains(needle, autoescape=True))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    rows = session.scalars(
        query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return AuditPage(list(rows), page, pages, total)
