"""Load the validated catalog into the database: an idempotent sync keyed by natural IDs.

The data files are the source of truth for what they describe; a second load of the same
files changes nothing (no row is rewritten, no audit entry is written). Fields owned by the
NICE importer (official descriptions, TKS statements) are never touched here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.catalog.schema import Catalog, load_catalog
from app.models import (
    AliasKind,
    AuditEntry,
    Certification,
    CertificationWorkRole,
    FundingProgram,
    HiringPathway,
    JobSeries,
    Skill,
    SkillAlias,
    WorkRole,
    WorkRoleCategory,
    WorkRoleOpmCode,
    WorkRoleSkill,
)

T = TypeVar("T")


@dataclass
class LoadReport:
    """What a load found and changed, per kind of record."""

    counts: dict[str, int]
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    deleted: Counter[str] = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)


def assign(obj: Any, values: dict[str, Any]) -> bool:
    """Set only the attributes that differ, so unchanged rows are not rewritten."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


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

    categories = _sync(
        session, report, "categories",
        session.scalars(select(WorkRoleCategory)), lambda c: c.id,
        {c.id: {"name": c.name, "description": c.description} for c in catalog.categories},
        lambda ident: WorkRoleCategory(id=ident), assign,
    )  # fmt: skip
    session.flush()

    def apply_role(role: WorkRole, values: dict[str, Any]) -> bool:
        codes = values.pop("opm_codes")
        changed = assign(role, values)
        if role.opm_code_list != codes:
            role.opm_codes = [WorkRoleOpmCode(code=c, position=i) for i, c in enumerate(codes)]
            changed = True
        return changed

    roles = _sync(
        session, report, "work_roles",
        session.scalars(select(WorkRole).options(selectinload(WorkRole.opm_codes))),
        lambda r: r.id,
        {
            r.id: {
                "name": r.name, "category_id": r.category, "description": r.description,
                "catalog_version": catalog.version, "opm_codes": list(r.opm_codes),
            }
            for r in catalog.work_roles
        },
        lambda ident: WorkRole(id=ident), apply_role,
    )  # fmt: skip
    del categories, roles
    session.flush()

    def apply_skill(skill: Skill, values: dict[str, Any]) -> bool:
        aliases: set[tuple[str, AliasKind, bool]] = values.pop("aliases")
        weights: dict[str, float] = values.pop("roles")
        changed = assign(skill, values)
        current = {(a.alias, a.kind, a.case_sensitive) for a in skill.aliases}
        if current != aliases:
            keep = [a for a in skill.aliases if (a.alias, a.kind, a.case_sensitive) in aliases]
            new = aliases - current
            skill.aliases = keep + [
                SkillAlias(alias=a, kind=k, case_sensitive=cs) for a, k, cs in sorted(new)
            ]
            changed = True
        current_weights = {link.work_role_id: link.weight for link in skill.work_roles}
        if current_weights != weights:
            kept = [link for link in skill.work_roles if link.work_role_id in weights]
            for link in kept:
                link.weight = weights[link.work_role_id]
            added = [
                WorkRoleSkill(work_role_id=r, weight=w)
                for r, w in sorted(weights.items())
                if r not in current_weights
            ]
            skill.work_roles = kept + added
            changed = True
        return changed

    _sync(
        session, report, "skills",
        session.scalars(
            select(Skill).options(selectinload(Skill.aliases), selectinload(Skill.work_roles))
        ),
        lambda s: s.id,
        {
            s.id: {
                "name": s.name, "kind": s.kind,
                "aliases": {(a, AliasKind.ALIAS, False) for a in s.aliases}
                | {(a, AliasKind.MISSPELLING, False) for a in s.misspellings}
                | {(a, AliasKind.ALIAS, True) for a in s.case_sensitive_aliases},
                "roles": dict(s.roles),
            }
            for s in catalog.skills
        },
        lambda ident: Skill(id=ident), apply_skill,
    )  # fmt: skip
    session.flush()
    skill_ids = {s.id for s in catalog.skills}

    def apply_cert(cert: Certification, values: dict[str, Any]) -> bool:
        links: dict[str, tuple[str | None, str | None]] = values.pop("links")
        changed = assign(cert, values)
        current = {w.work_role_id: (w.dcwf_code, w.proficiency) for w in cert.work_roles}
        if current != links:
            cert.work_roles = [
                CertificationWorkRole(work_role_id=r, dcwf_code=d, proficiency=p)
                for r, (d, p) in sorted(links.items())
            ]
            changed = True
        return changed

    _sync(
        session, report, "certifications",
        session.scalars(select(Certification).options(selectinload(Certification.work_roles))),
        lambda c: c.id,
        {
            c.id: {
                "acronym": c.acronym, "name": c.name, "vendor": c.vendor,
                "skill_id": c.id if c.id in skill_ids else None,
                "links": {w.role: (w.dcwf_code, w.proficiency) for w in c.work_roles},
            }
            for c in catalog.certifications
        },
        lambda ident: Certification(id=ident), apply_cert,
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

    def apply_pathway(pathway: HiringPathway, values: dict[str, Any]) -> bool:
        role_ids: list[str] = values.pop("work_roles")
        changed = assign(pathway, values)
        if [r.id for r in pathway.work_roles] != sorted(role_ids):
            pathway.work_roles = [all_roles[r] for r in sorted(role_ids)]
            changed = True
        return changed

    _sync(
        session, report, "pathways",
        session.scalars(select(HiringPathway).options(selectinload(HiringPathway.work_roles))),
        lambda p: p.id,
        {p.id: p.model_dump(exclude={"id"}) for p in catalog.pathways},
        lambda ident: HiringPathway(id=ident), apply_pathway,
    )  # fmt: skip

    _sync(
        session, report, "funding_programs",
        session.scalars(select(FundingProgram)), lambda p: p.aln,
        {p.aln: p.model_dump(exclude={"aln"}) for p in catalog.funding_programs},
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


def load_catalog_into(session: Session, data_dir: Path, actor: str = "cli") -> LoadReport:
    """Validate every file first, then sync: a malformed file leaves the database untouched."""
    return sync_catalog(session, load_catalog(data_dir), actor=actor)
