"""Catalog entries written to their rows: one function per kind, shared by the loader and by
staff edits (`app.catalog.documents.apply_document`), so both store an entry the same way.

Each `*_values` turns a validated entry into the values its row holds; each `apply_*` sets
only what differs and says whether anything did, so an unchanged row is never rewritten.
"""

from __future__ import annotations

from typing import Any

from app.catalog.schema import CertificationIn, FundingProgramIn, PathwayIn, SkillIn, WorkRoleIn
from app.models import (
    AliasKind,
    Certification,
    CertificationWorkRole,
    HiringPathway,
    Skill,
    SkillAlias,
    WorkRole,
    WorkRoleOpmCode,
    WorkRoleSkill,
)


def assign(obj: Any, values: dict[str, Any]) -> bool:
    """Set only the attributes that differ, so unchanged rows are not rewritten."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def role_values(role: WorkRoleIn, version: str) -> dict[str, Any]:
    return {
        "name": role.name, "category_id": role.category, "description": role.description,
        "catalog_version": version, "opm_codes": list(role.opm_codes),
    }  # fmt: skip


def apply_role(role: WorkRole, values: dict[str, Any]) -> bool:
    values = dict(values)
    codes = values.pop("opm_codes")
    changed = assign(role, values)
    if role.opm_code_list != codes:
        role.opm_codes = [WorkRoleOpmCode(code=c, position=i) for i, c in enumerate(codes)]
        changed = True
    return changed


def skill_values(skill: SkillIn) -> dict[str, Any]:
    return {
        "name": skill.name,
        "kind": skill.kind,
        "aliases": {(a, AliasKind.ALIAS, False) for a in skill.aliases}
        | {(a, AliasKind.MISSPELLING, False) for a in skill.misspellings}
        | {(a, AliasKind.ALIAS, True) for a in skill.case_sensitive_aliases},
        "roles": dict(skill.roles),
    }


def apply_skill(skill: Skill, values: dict[str, Any]) -> bool:
    values = dict(values)
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


def certification_values(cert: CertificationIn, skill_ids: set[str]) -> dict[str, Any]:
    return {
        "acronym": cert.acronym, "name": cert.name, "vendor": cert.vendor,
        "skill_id": cert.id if cert.id in skill_ids else None,
        "links": {w.role: (w.dcwf_code, w.proficiency) for w in cert.work_roles},
    }  # fmt: skip


def apply_certification(cert: Certification, values: dict[str, Any]) -> bool:
    values = dict(values)
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


def pathway_values(pathway: PathwayIn) -> dict[str, Any]:
    return pathway.model_dump(exclude={"id"})


def apply_pathway(
    pathway: HiringPathway, values: dict[str, Any], roles: dict[str, WorkRole]
) -> bool:
    values = dict(values)
    role_ids: list[str] = values.pop("work_roles")
    changed = assign(pathway, values)
    if [r.id for r in pathway.work_roles] != sorted(role_ids):
        pathway.work_roles = [roles[r] for r in sorted(role_ids)]
        changed = True
    return changed


def program_values(program: FundingProgramIn) -> dict[str, Any]:
    return program.model_dump(exclude={"aln"})
