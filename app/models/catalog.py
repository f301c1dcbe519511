"""The reference catalog: NICE work roles, skills, certifications, pathways, funding programs."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Column,
    Enum,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, utcnow


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    """A portable enum: VARCHAR plus a CHECK constraint, storing the values."""
    return Enum(
        cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class SkillKind(enum.StrEnum):
    TOOL = "tool"
    PLATFORM = "platform"
    LANGUAGE = "language"
    TECHNIQUE = "technique"
    DOMAIN = "domain"
    FRAMEWORK = "framework"
    CERTIFICATION = "certification"
    CLEARANCE = "clearance"


class AliasKind(enum.StrEnum):
    ALIAS = "alias"
    MISSPELLING = "misspelling"


class StatementKind(enum.StrEnum):
    TASK = "task"
    KNOWLEDGE = "knowledge"
    SKILL = "skill"


class Proficiency(enum.StrEnum):
    BASIC = "basic"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"


class PathwayStatus(enum.StrEnum):
    ACTIVE = "active"
    ENDED = "ended"
    UNCERTAIN = "uncertain"


class WorkRoleCategory(Base):
    __tablename__ = "work_role_categories"

    id: Mapped[str] = mapped_column(String(4), primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    description: Mapped[str] = mapped_column(Text, default="")

    work_roles: Mapped[list[WorkRole]] = relationship(
        back_populates="category", order_by="WorkRole.id"
    )


work_role_statements = Table(
    "work_role_statements",
    Base.metadata,
    Column("work_role_id", ForeignKey("work_roles.id", ondelete="CASCADE"), primary_key=True),
    Column("statement_id", ForeignKey("tks_statements.id", ondelete="CASCADE"), primary_key=True),
)


class WorkRole(Base):
    __tablename__ = "work_roles"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)  # e.g. PD-WRL-001
    name: Mapped[str] = mapped_column(String(200))
    category_id: Mapped[str] = mapped_column(ForeignKey("work_role_categories.id"))
    description: Mapped[str] = mapped_column(Text)
    # The official NICE description, present once the framework workbook has been imported.
    official_description: Mapped[str | None] = mapped_column(Text)
    catalog_version: Mapped[str] = mapped_column(String(32))

    category: Mapped[WorkRoleCategory] = relationship(back_populates="work_roles")
    opm_codes: Mapped[list[WorkRoleOpmCode]] = relationship(
        cascade="all, delete-orphan", order_by="WorkRoleOpmCode.position"
    )
    statements: Mapped[list[TksStatement]] = relationship(
        secondary=work_role_statements, order_by="TksStatement.id"
    )
    skills: Mapped[list[WorkRoleSkill]] = relationship(
        back_populates="work_role", cascade="all, delete-orphan"
    )

    @property
    def opm_code_list(self) -> list[str]:
        return [c.code for c in self.opm_codes]


class WorkRoleOpmCode(Base):
    """OPM cyber code(s) of a work role, most critical first (631/632 share DD-WRL-004)."""

    __tablename__ = "work_role_opm_codes"

    work_role_id: Mapped[str] = mapped_column(
        ForeignKey("work_roles.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(3), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class TksStatement(Base):
    """A NICE task, knowledge or skill statement (T0001, K0001, S0001)."""

    __tablename__ = "tks_statements"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    kind: Mapped[StatementKind] = mapped_column(_enum(StatementKind, "statement_kind"))
    text: Mapped[str] = mapped_column(Text)
    catalog_version: Mapped[str] = mapped_column(String(32))


class NiceImport(Base):
    """One import of the official NICE Framework Components workbook."""

    __tablename__ = "nice_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(32))
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    work_roles: Mapped[int] = mapped_column(Integer)
    statements: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)


class Skill(Base):
    __tablename__ = "skills"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[SkillKind] = mapped_column(_enum(SkillKind, "skill_kind"))

    aliases: Mapped[list[SkillAlias]] = relationship(
        back_populates="skill", cascade="all, delete-orphan", order_by="SkillAlias.alias"
    )
    work_roles: Mapped[list[WorkRoleSkill]] = relationship(
        back_populates="skill", cascade="all, delete-orphan"
    )


class SkillAlias(Base):
    __tablename__ = "skill_aliases"
    __table_args__ = (UniqueConstraint("skill_id", "alias"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    skill_id: Mapped[str] = mapped_column(ForeignKey("skills.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(200))
    kind: Mapped[AliasKind] = mapped_column(_enum(AliasKind, "alias_kind"))
    case_sensitive: Mapped[bool] = mapped_column(default=False)

    skill: Mapped[Skill] = relationship(back_populates="aliases")


class WorkRoleSkill(Base):
    """How much a work role relies on a skill: 1.0 core, 0.6 common, 0.3 helpful."""

    __tablename__ = "work_role_skills"

    work_role_id: Mapped[str] = mapped_column(
        ForeignKey("work_roles.id", ondelete="CASCADE"), primary_key=True
    )
    skill_id: Mapped[str] = mapped_column(
        ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    weight: Mapped[float] = mapped_column(Float)

    work_role: Mapped[WorkRole] = relationship(back_populates="skills")
    skill: Mapped[Skill] = relationship(back_populates="work_roles")


class Certification(Base):
    __tablename__ = "certifications"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    acronym: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(255))
    vendor: Mapped[str] = mapped_column(String(255))
    # The lexicon skill of the same id, through which a resume mentioning it is recognised.
    skill_id: Mapped[str | None] = mapped_column(ForeignKey("skills.id", ondelete="SET NULL"))

    work_roles: Mapped[list[CertificationWorkRole]] = relationship(
        back_populates="certification", cascade="all, delete-orphan"
    )


class CertificationWorkRole(Base):
    __tablename__ = "certification_work_roles"

    certification_id: Mapped[str] = mapped_column(
        ForeignKey("certifications.id", ondelete="CASCADE"), primary_key=True
    )
    work_role_id: Mapped[str] = mapped_column(
        ForeignKey("work_roles.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    dcwf_code: Mapped[str | None] = mapped_column(String(3))
    proficiency: Mapped[Proficiency | None] = mapped_column(_enum(Proficiency, "proficiency"))

    certification: Mapped[Certification] = relationship(back_populates="work_roles")
    work_role: Mapped[WorkRole] = relationship()


class JobSeries(Base):
    __tablename__ = "job_series"

    series: Mapped[str] = mapped_column(String(4), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    pay_plan: Mapped[str | None] = mapped_column(String(8))
    relevance: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")


pathway_work_roles = Table(
    "pathway_work_roles",
    Base.metadata,
    Column("pathway_id", ForeignKey("hiring_pathways.id", ondelete="CASCADE"), primary_key=True),
    Column("work_role_id", ForeignKey("work_roles.id", ondelete="CASCADE"), primary_key=True),
)


class HiringPathway(Base):
    __tablename__ = "hiring_pathways"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(64))
    authority: Mapped[str] = mapped_column(Text)
    status: Mapped[PathwayStatus] = mapped_column(_enum(PathwayStatus, "pathway_status"))
    status_note: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text)
    # A rule in the language of matching.eligibility, checked against a person's facts.
    eligibility: Mapped[dict[str, Any]] = mapped_column()
    eligibility_text: Mapped[str] = mapped_column(Text)
    pay_plan: Mapped[str | None] = mapped_column(String(8))
    grade_low: Mapped[int | None] = mapped_column(Integer)
    grade_high: Mapped[int | None] = mapped_column(Integer)
    pay_note: Mapped[str] = mapped_column(Text, default="")
    term: Mapped[str] = mapped_column(Text, default="")
    conversion: Mapped[str] = mapped_column(Text, default="")
    usajobs_hiring_paths: Mapped[list[str]] = mapped_column(default=list)
    series: Mapped[list[str]] = mapped_column(default=list)
    official_page: Mapped[str] = mapped_column(String(500))

    work_roles: Mapped[list[WorkRole]] = relationship(
        secondary=pathway_work_roles, order_by="WorkRole.id"
    )


class FundingProgram(Base):
    """A federal Assistance Listing relevant to cyber or AI security."""

    __tablename__ = "funding_programs"

    aln: Mapped[str] = mapped_column(String(8), primary_key=True)  # e.g. 97.137
    title: Mapped[str] = mapped_column(String(500))
    short_name: Mapped[str | None] = mapped_column(String(64))
    agency: Mapped[str] = mapped_column(String(255))
    sub_agency: Mapped[str | None] = mapped_column(String(255))
    assistance_types: Mapped[list[str]] = mapped_column(default=list)
    eligible_applicants: Mapped[list[str]] = mapped_column(default=list)
    categories: Mapped[list[str]] = mapped_column(default=list)
    tier: Mapped[str] = mapped_column(String(1))
    summary: Mapped[str] = mapped_column(Text)
    cyber_ai_use: Mapped[str] = mapped_column(Text, default="")
    keywords: Mapped[list[str]] = mapped_column(default=list)
    url: Mapped[str] = mapped_column(String(500))


__all__ = [
    "AliasKind",
    "Certification",
    "CertificationWorkRole",
    "FundingProgram",
    "HiringPathway",
    "JobSeries",
    "NiceImport",
    "PathwayStatus",
    "Proficiency",
    "Skill",
    "SkillAlias",
    "SkillKind",
    "StatementKind",
    "TksStatement",
    "WorkRole",
    "WorkRoleCategory",
    "WorkRoleOpmCode",
    "WorkRoleSkill",
    "pathway_work_roles",
    "work_role_statements",
]
