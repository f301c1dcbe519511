"""Read-side queries over the catalog for the pathways pages and the staff overview."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.models import (
    AuditEntry,
    Certification,
    CertificationWorkRole,
    FundingProgram,
    HiringPathway,
    NiceImport,
    PathwayStatus,
    ScrapeRun,
    Skill,
    TksStatement,
    WorkRole,
    WorkRoleCategory,
    WorkRoleSkill,
)

WEIGHT_BANDS = (("Core", 0.9), ("Common", 0.5), ("Helpful", 0.0))
PROFICIENCY_ORDER = {"advanced": 0, "intermediate": 1, "basic": 2, None: 3}


@dataclass(frozen=True)
class SkillBand:
    label: str
    skills: list[Skill]


@dataclass(frozen=True)
class RoleDetail:
    role: WorkRole
    skill_bands: list[SkillBand]
    certifications: list[CertificationWorkRole]
    targeted_pathways: list[HiringPathway]
    general_pathways: list[HiringPathway]
    statements_by_kind: dict[str, list[TksStatement]]


def categories_with_roles(session: Session) -> list[WorkRoleCategory]:
    return list(
        session.scalars(
            select(WorkRoleCategory)
            .options(selectinload(WorkRoleCategory.work_roles).selectinload(WorkRole.opm_codes))
            .order_by(WorkRoleCategory.id)
        )
    )


def role_detail(session: Session, role_id: str) -> RoleDetail | None:
    role = session.scalar(
        select(WorkRole)
        .where(WorkRole.id == role_id)
        .options(
            selectinload(WorkRole.opm_codes),
            selectinload(WorkRole.category),
            selectinload(WorkRole.statements),
            selectinload(WorkRole.skills).selectinload(WorkRoleSkill.skill),
        )
    )
    if role is None:
        return None
    links = sorted(role.skills, key=lambda link: (-link.weight, link.skill.name.casefold()))
    bands: list[SkillBand] = []
    remaining = links
    for label, floor in WEIGHT_BANDS:
        band = [link.skill for link in remaining if link.weight >= floor]
        remaining = [link for link in remaining if link.weight < floor]
        if band:
            bands.append(SkillBand(label, band))

    certifications = sorted(
        session.scalars(
            select(CertificationWorkRole)
            .where(CertificationWorkRole.work_role_id == role_id)
            .options(selectinload(CertificationWorkRole.certification))
        ),
        key=lambda c: (PROFICIENCY_ORDER.get(c.proficiency), c.certification.acronym.casefold()),
    )
    pathways = session.scalars(
        select(HiringPathway)
        .where(HiringPathway.status != PathwayStatus.ENDED)
        .options(selectinload(HiringPathway.work_roles))
        .order_by(HiringPathway.name)
    ).all()
    targeted = [p for p in pathways if any(r.id == role_id for r in p.work_roles)]
    general = [p for p in pathways if not p.work_roles]
    statements: dict[str, list[TksStatement]] = {}
    for statement in role.statements:
        statements.setdefault(str(statement.kind), []).append(statement)
    return RoleDetail(role, bands, certifications, targeted, general, statements)


def all_pathways(session: Session) -> list[HiringPathway]:
    return list(
        session.scalars(
            select(HiringPathway)
            .options(selectinload(HiringPathway.work_roles))
            .order_by(HiringPathway.status, HiringPathway.name)
        )
    )


def get_pathway(session: Session, pathway_id: str) -> HiringPathway | None:
    return session.scalar(
        select(HiringPathway)
        .where(HiringPathway.id == pathway_id)
        .options(selectinload(HiringPathway.work_roles))
    )


def funding_programs(session: Session) -> list[FundingProgram]:
    return list(
        session.scalars(select(FundingProgram).order_by(FundingProgram.tier, FundingProgram.aln))
    )


def get_funding_program(session: Session, aln: str) -> FundingProgram | None:
    return session.get(FundingProgram, aln)


def catalog_overview(session: Session) -> dict[str, object]:
    def count(model: type) -> int:
        return session.scalar(select(func.count()).select_from(model)) or 0

    return {
        "counts": {
            "Work roles": count(WorkRole),
            "Skills": count(Skill),
            "Certifications": count(Certification),
            "Hiring pathways": count(HiringPathway),
            "Funding programs": count(FundingProgram),
            "NICE statements": count(TksStatement),
        },
        "last_import": session.scalar(select(NiceImport).order_by(NiceImport.id.desc()).limit(1)),
        "audit": session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(50)).all(),
        "runs": session.scalars(select(ScrapeRun).order_by(ScrapeRun.id.desc()).limit(30)).all(),
    }


if TYPE_CHECKING:  # the review queue is a staff service
    from app.services.staff.reviews import ReviewQueue


def job_classifications(session: Session, page: int = 1, per_page: int = 20) -> ReviewQueue:
    """Open jobs not reviewed yet, lowest classification confidence first: staff's review queue.

    See `app.services.staff.reviews.review_queue` (which also filters by review status).
    """
    from app.services.staff.reviews import review_queue

    return review_queue(session, "unreviewed", page=page, per_page=per_page)
