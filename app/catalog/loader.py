"""Load the validated catalog into the database: an idempotent sync keyed by natural IDs.

The data files are the source of truth for what they describe; a second load of the same
files changes nothing (no row is rewritten, no audit entry is written). Fields owned by the
NICE importer (official descriptions, TKS statements) are never touched here.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.catalog import documents, versions
from app.catalog.apply import (
    apply_certification,
    apply_pathway,
    apply_role,
    apply_skill,
    assign,
    certification_values,
    pathway_values,
    program_values,
    role_values,
    skill_values,
)
from app.catalog.documents import MODELS, file_part
from app.catalog.schema import Catalog, load_catalog
from app.catalog.yaml_export import comparable
from app.models import (
    AuditEntry,
    Certification,
    FundingProgram,
    HiringPathway,
    JobSeries,
    Skill,
    WorkRole,
    WorkRoleCategory,
)

T = TypeVar("T")


@dataclass
class LoadReport:
    """What a load found and changed, per kind of record."""

    counts: dict[str, int]
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    deleted: Counter[str] = field(default_factory=Counter)
    # Staff edits that differ from the files: kept (the default) or replaced (--force).
    kept: list[tuple[str, str]] = field(default_factory=list)
    replaced: list[tuple[str, str]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)


def _sync(
    session: Session,
    report: LoadReport,
    kind: str,
    existing: Iterable[T],
    key: Callable[[T], str],
    incoming: dict[str, dict[str, Any]],
    make: Callable[[str], T],
    apply: Callable[[T, dict[str, Any]], bool],
) -> dict[str, T]:
    """Create, update and delete rows of one kind so they equal `incoming`."""
    by_key = {key(row): row for row in existing}
    for ident, values in incoming.items():
        row = by_key.get(ident)
        if row is None:
            row = make(ident)
            apply(row, values)
            session.add(row)
            by_key[ident] = row
            report.created[kind] += 1
        elif apply(row, values):
            report.updated[kind] += 1
    for ident in set(by_key) - set(incoming):
        session.delete(by_key.pop(ident))
        report.deleted[kind] += 1
    return by_key


def sync_catalog(session: Session, catalog: Catalog, actor: str = "cli") -> LoadReport:
    """Make the database's catalog equal `catalog`; the caller commits."""
    report = LoadReport(counts=catalog.counts())

    _sync(
        session, report, "categories",
        session.scalars(select(WorkRoleCategory)), lambda c: c.id,
        {c.id: {"name": c.name, "description": c.description} for c in catalog.categories},
        lambda ident: WorkRoleCategory(id=ident), assign,
    )  # fmt: skip
    session.flush()
    _sync(
        session, report, "work_roles",
        session.scalars(select(WorkRole).options(selectinload(WorkRole.opm_codes))),
        lambda r: r.id,
        {r.id: role_values(r, catalog.version) for r in catalog.work_roles},
        lambda ident: WorkRole(id=ident), apply_role,
    )  # fmt: skip
    session.flush()
    _sync(
        session, report, "skills",
        session.scalars(
            select(Skill).options(selectinload(Skill.aliases), selectinload(Skill.work_roles))
        ),
        lambda s: s.id,
        {s.id: skill_values(s) for s in catalog.skills},
        lambda ident: Skill(id=ident), apply_skill,
    )  # fmt: skip
    session.flush()
    skill_ids = {s.id for s in catalog.skills}
    _sync(
        session, report, "certifications",
        session.scalars(select(Certification).options(selectinload(Certification.work_roles))),
        lambda c: c.id,
        {c.id: certification_values(c, skill_ids) for c in catalog.certifications},
        lambda ident: Certification(id=ident), apply_certification,
    )  # fmt: skip
    _sync(
        session, report, "job_series",
        session.scalars(select(JobSeries)), lambda s: s.series,
        {
            s.series: {
                "title": s.title, "pay_plan": s.pay_plan, "relevance": s.relevance,
                "note": s.note,
            }
            for s in catalog.job_series
        },
        lambda ident: JobSeries(series=ident), assign,
    )  # fmt: skip
    all_roles = {r.id: r for r in session.scalars(select(WorkRole))}
    _sync(
        session, report, "pathways",
        session.scalars(select(HiringPathway).options(selectinload(HiringPathway.work_roles))),
        lambda p: p.id,
        {p.id: pathway_values(p) for p in catalog.pathways},
        lambda ident: HiringPathway(id=ident),
        lambda row, values: apply_pathway(row, values, all_roles),
    )  # fmt: skip
    _sync(
        session, report, "funding_programs",
        session.scalars(select(FundingProgram)), lambda p: p.aln,
        {p.aln: program_values(p) for p in catalog.funding_programs},
        lambda ident: FundingProgram(aln=ident), assign,
    )  # fmt: skip

    session.flush()
    if report.changed:
        session.add(
            AuditEntry(
                actor=actor,
                action="catalog.load",
                entity_type="catalog",
                entity_id=catalog.version,
                changes={
                    "created": dict(report.created),
                    "updated": dict(report.updated),
                    "deleted": dict(report.deleted),
                },
            )
        )
    return report


def load_catalog_into(
    session: Session, data_dir: Path, actor: str = "cli", *, force: bool = False
) -> LoadReport:
    """Validate every file first, then sync: a malformed file leaves the database untouched.

    An entry whose newest version is a staff edit and differs from the files is kept as
    staff left it (listed in `kept`) unless `force`, which replaces it (`replaced`). Every
    entry the load changes gets a new version ("load").
    """
    catalog = load_catalog(data_dir)
    before = documents.snapshot(session)
    files = file_documents(catalog)
    differing = sorted(
        key
        for key in versions.staff_edited(session)
        if key in before
        and comparable(key[0], before[key]) != comparable(key[0], files.get(key) or {})
    )
    if differing and not force:
        catalog = keeping(catalog, {key: before[key] for key in differing})
    report = sync_catalog(session, catalog, actor=actor)
    if force:
        report.replaced = differing
    else:
        report.kept = differing
    reason = "catalog load --force" if force else "catalog load"
    versions.record(
        session, before, documents.snapshot(session), "load", versions.Author(actor, None, reason)
    )
    return report


def file_documents(catalog: Catalog) -> dict[tuple[str, str], dict[str, Any]]:
    """The curated entries of a validated catalog as documents, by (kind, id)."""
    kinds = {
        "work_role": catalog.work_roles,
        "skill": catalog.skills,
        "certification": catalog.certifications,
        "pathway": catalog.pathways,
        "funding_program": catalog.funding_programs,
    }
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for kind, models in kinds.items():
        key = "aln" if kind == "funding_program" else "id"
        for model in models:
            out[(kind, str(getattr(model, key)))] = model.model_dump(mode="json")
    return out


def keeping(catalog: Catalog, entries: dict[tuple[str, str], dict[str, Any]]) -> Catalog:
    """The catalog with these entries as the database has them instead of as the files do."""
    fields = {
        "work_role": "work_roles",
        "skill": "skills",
        "certification": "certifications",
        "pathway": "pathways",
        "funding_program": "funding_programs",
    }
    changes: dict[str, Any] = {}
    for kind, name in fields.items():
        key = "aln" if kind == "funding_program" else "id"
        mine = {i: d for (k, i), d in entries.items() if k == kind}
        if not mine:
            continue
        models = list(getattr(catalog, name))
        replaced = [
            MODELS[kind].model_validate(file_part(kind, mine[str(getattr(m, key))]))
            if str(getattr(m, key)) in mine
            else m
            for m in models
        ]
        present = {str(getattr(m, key)) for m in models}
        replaced += [
            MODELS[kind].model_validate(file_part(kind, doc))
            for ident, doc in mine.items()
            if ident not in present
        ]
        changes[name] = replaced
    return dataclasses.replace(catalog, **changes)
