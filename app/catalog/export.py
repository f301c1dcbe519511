"""Export the loaded catalog as plain data (`pathfinder catalog export --json`).

Also the catalog queries the matcher reads its catalog through, so the two never drift.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.models import (
    Certification,
    FundingProgram,
    HiringPathway,
    JobSeries,
    Skill,
    SkillAlias,
    TksStatement,
    WorkRole,
    WorkRoleSkill,
)


def work_roles(session: Session) -> Sequence[WorkRole]:
    """Every work role in id order, with its codes, statements, skills and category loaded.

    Shared with the matcher (`app.services.matcher.catalog_spec`), so both read one shape.
    """
    return session.scalars(
        select(WorkRole)
        .options(
            selectinload(WorkRole.opm_codes),
            selectinload(WorkRole.statements),
            selectinload(WorkRole.skills).selectinload(WorkRoleSkill.skill),
            selectinload(WorkRole.category),
        )
        .order_by(WorkRole.id)
    ).all()


def hiring_pathways(session: Session) -> Sequence[HiringPathway]:
    """Every hiring pathway in id order, with its work roles loaded."""
    return session.scalars(
        select(HiringPathway)
        .options(selectinload(HiringPathway.work_roles))
        .order_by(HiringPathway.id)
    ).all()


def export_catalog(session: Session) -> dict[str, Any]:
    """The loaded catalog as plain data: roles, pathways, funding programs and counts."""
    roles = work_roles(session)
    pathways = hiring_pathways(session)
    programs = session.scalars(select(FundingProgram).order_by(FundingProgram.aln)).all()

    def count(model: Any) -> int:
        return session.scalar(select(func.count()).select_from(model)) or 0

    return {
        "work_roles": [
            {
                "id": r.id,
                "name": r.name,
                "category": r.category_id,
                "category_name": r.category.name,
                "opm_codes": r.opm_code_list,
                "catalog_version": r.catalog_version,
                "tks_statements": len(r.statements),
                "skills": [
                    {"id": link.skill_id, "name": link.skill.name, "weight": link.weight}
                    for link in sorted(r.skills, key=lambda link: (-link.weight, link.skill_id))
                ],
            }
            for r in roles
        ],
        "pathways": [
            {
                "id": p.id,
                "name": p.name,
                "kind": p.kind,
                "status": str(p.status),
                "authority": p.authority,
                "eligibility": p.eligibility,
                "eligibility_text": p.eligibility_text,
                "pay_plan": p.pay_plan,
                "grade_low": p.grade_low,
                "grade_high": p.grade_high,
                "usajobs_hiring_paths": p.usajobs_hiring_paths,
                "work_roles": [r.id for r in p.work_roles],
                "official_page": p.official_page,
            }
            for p in pathways
        ],
        "funding_programs": [
            {
                "aln": p.aln,
                "title": p.title,
                "short_name": p.short_name,
                "agency": p.agency,
                "eligible_applicants": p.eligible_applicants,
                "categories": p.categories,
                "tier": p.tier,
                "url": p.url,
            }
            for p in programs
        ],
        "counts": {
            "work_roles": len(roles),
            "tks_statements": count(TksStatement),
            "skills": count(Skill),
            "aliases": count(SkillAlias),
            "certifications": count(Certification),
            "pathways": len(pathways),
            "funding_programs": len(programs),
            "job_series": count(JobSeries),
        },
    }
