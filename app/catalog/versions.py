"""Versions of catalog entries: every change to an entry's document is a new numbered version.

`record` compares two snapshots of the catalog (`app.catalog.documents.snapshot`) and writes
a version for every entry whose document changed, so a change reaching several entries (a
role's skill weights are also its skills' roles) is versioned on each. An entry changed
before versions were kept gets its earlier document as version 1 first, so its history
always starts from what it was.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.catalog.documents import Document, Key
from app.models import CatalogVersion

STAFF_ACTIONS = frozenset({"edit", "revert"})
BEFORE_VERSIONS = "As it was before versions were kept."


def latest(session: Session) -> dict[Key, CatalogVersion]:
    """The newest version of every entry that has one."""
    newest = (
        select(
            CatalogVersion.entity_type,
            CatalogVersion.entity_id,
            func.max(CatalogVersion.number).label("number"),
        )
        .group_by(CatalogVersion.entity_type, CatalogVersion.entity_id)
        .subquery()
    )
    rows = session.scalars(
        select(CatalogVersion).join(
            newest,
            (CatalogVersion.entity_type == newest.c.entity_type)
            & (CatalogVersion.entity_id == newest.c.entity_id)
            & (CatalogVersion.number == newest.c.number),
        )
    )
    return {(v.entity_type, v.entity_id): v for v in rows}


def current_number(session: Session, kind: str, ident: str) -> int:
    """The entry's newest version number; 0 when it has none."""
    number = session.scalar(
        select(func.max(CatalogVersion.number)).where(
            CatalogVersion.entity_type == kind, CatalogVersion.entity_id == ident
        )
    )
    return int(number or 0)


def history(session: Session, kind: str, ident: str) -> list[CatalogVersion]:
    """Every version of one entry, oldest first."""
    return list(
        session.scalars(
            select(CatalogVersion)
            .where(CatalogVersion.entity_type == kind, CatalogVersion.entity_id == ident)
            .order_by(CatalogVersion.number)
        )
    )


def get_version(session: Session, kind: str, ident: str, number: int) -> CatalogVersion | None:
    return session.scalar(
        select(CatalogVersion).where(
            CatalogVersion.entity_type == kind,
            CatalogVersion.entity_id == ident,
            CatalogVersion.number == number,
        )
    )


def staff_edited(session: Session) -> set[Key]:
    """Entries whose newest version is a person's edit or revert (not a load of the files)."""
    return {key for key, v in latest(session).items() if v.action in STAFF_ACTIONS}


@dataclass(frozen=True)
class Author:
    """Who makes a change and why."""

    actor: str  # e-mail, "cli" or "system"
    user_id: int | None = None
    reason: str | None = None


def record(
    session: Session,
    before: Mapping[Key, Document],
    after: Mapping[Key, Document],
    action: str,
    author: Author,
    reverted_to: int | None = None,
) -> list[CatalogVersion]:
    """A new version for every entry whose document differs between the two snapshots."""
    changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    if not changed:
        return []
    newest = latest(session)
    written = []
    for key in changed:
        number = newest[key].number if key in newest else 0
        if number == 0 and before.get(key) is not None:
            session.add(
                _version(key, 1, "load", before[key], Author("system", None, BEFORE_VERSIONS))
            )
            number = 1
        document = after.get(key)
        version = _version(
            key, number + 1, action if document is not None else "delete", document, author
        )
        version.reverted_to = reverted_to
        session.add(version)
        written.append(version)
    session.flush()
    return written


def _version(key: Key, number: int, action: str, document: Any, author: Author) -> CatalogVersion:
    return CatalogVersion(
        entity_type=key[0],
        entity_id=key[1],
        number=number,
        action=action,
        document=document,
        reason=author.reason,
        actor=author.actor,
        user_id=author.user_id,
    )
