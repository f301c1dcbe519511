"""Catalog entries as documents: each entry as plain data in `data/`'s format, and back.

A document is what an entry looks like in its data file (data/README.md), so a version of
an entry, an export and a data file all read alike. A work role's document also carries two
derived parts, `skills` (skill id -> weight) and `certifications` (ids): they are stored
with the skills and certifications, but staff edit them with the role, so a role's history
shows them. `file_part` drops them again.

`apply_document` writes one document to the database through `app.catalog.apply` (as the
loader does), after `validate_document` has checked it against the rest of the catalog.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.catalog import apply
from app.catalog.schema import (
    CertificationIn,
    FundingProgramIn,
    PathwayIn,
    SkillIn,
    WorkRoleIn,
)
from app.models import (
    AliasKind,
    Certification,
    CertificationWorkRole,
    FundingProgram,
    HiringPathway,
    Skill,
    WorkRole,
    WorkRoleCategory,
    WorkRoleSkill,
)
from matching.lexicon import alias_key

Document = dict[str, Any]
Key = tuple[str, str]  # (kind, entry id)

KINDS: tuple[str, ...] = ("work_role", "skill", "certification", "pathway", "funding_program")
MODELS: dict[str, type[BaseModel]] = {
    "work_role": WorkRoleIn,
    "skill": SkillIn,
    "certification": CertificationIn,
    "pathway": PathwayIn,
    "funding_program": FundingProgramIn,
}
ID_FIELD = {kind: ("aln" if kind == "funding_program" else "id") for kind in KINDS}
DERIVED = {"work_role": ("skills", "certifications")}
LABELS = {
    "work_role": "work role",
    "skill": "skill",
    "certification": "certification",
    "pathway": "hiring pathway",
    "funding_program": "funding program",
}


class EntryError(ValueError):
    """A document that cannot be saved; `field` names the field at fault (None: the entry)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message, self.field = message, field


def file_part(kind: str, document: Mapping[str, Any]) -> Document:
    """The document as its data file holds it (without a role's derived parts)."""
    return {k: v for k, v in document.items() if k not in DERIVED.get(kind, ())}


# -- database -> documents ----------------------------------------------------------------------


def _role_document(role: WorkRole, certs: dict[str, list[str]]) -> Document:
    links = sorted(role.skills, key=lambda link: (-link.weight, link.skill_id))
    return {
        "id": role.id,
        "name": role.name,
        "category": role.category_id,
        "opm_codes": role.opm_code_list,
        "description": role.description,
        "skills": {link.skill_id: link.weight for link in links},
        "certifications": sorted(certs.get(role.id, [])),
    }


def _skill_document(skill: Skill) -> Document:
    def names(kind: AliasKind, case_sensitive: bool) -> list[str]:
        return [
            a.alias for a in skill.aliases if a.kind == kind and a.case_sensitive == case_sensitive
        ]

    links = sorted(skill.work_roles, key=lambda link: (-link.weight, link.work_role_id))
    return {
        "id": skill.id,
        "name": skill.name,
        "kind": str(skill.kind),
        "aliases": names(AliasKind.ALIAS, False),
        "misspellings": names(AliasKind.MISSPELLING, False),
        "case_sensitive_aliases": names(AliasKind.ALIAS, True),
        "roles": {link.work_role_id: link.weight for link in links},
    }


def _certification_document(cert: Certification) -> Document:
    return {
        "id": cert.id,
        "acronym": cert.acronym,
        "name": cert.name,
        "vendor": cert.vendor,
        "work_roles": [
            {
                "role": link.work_role_id,
                "dcwf_code": link.dcwf_code,
                "proficiency": str(link.proficiency) if link.proficiency else None,
            }
            for link in sorted(cert.work_roles, key=lambda link: link.work_role_id)
        ],
    }


def _pathway_document(pathway: HiringPathway) -> Document:
    fields = [name for name in PathwayIn.model_fields if name != "work_roles"]
    document = {name: getattr(pathway, name) for name in fields}
    document["status"] = str(pathway.status)
    document["work_roles"] = [r.id for r in pathway.work_roles]
    return document


def _program_document(program: FundingProgram) -> Document:
    return {name: getattr(program, name) for name in FundingProgramIn.model_fields}


def documents(session: Session, kind: str) -> dict[str, Document]:
    """Every entry of one kind as a document, by id, in id order."""
    if kind == "work_role":
        certs: dict[str, list[str]] = {}
        for link in session.scalars(select(CertificationWorkRole)):
            certs.setdefault(link.work_role_id, []).append(link.certification_id)
        roles = session.scalars(
            select(WorkRole)
            .options(selectinload(WorkRole.opm_codes), selectinload(WorkRole.skills))
            .order_by(WorkRole.id)
        )
        return {r.id: _role_document(r, certs) for r in roles}
    if kind == "skill":
        skills = session.scalars(
            select(Skill)
            .options(selectinload(Skill.aliases), selectinload(Skill.work_roles))
            .order_by(Skill.id)
        )
        return {s.id: _skill_document(s) for s in skills}
    if kind == "certification":
        certifications = session.scalars(
            select(Certification)
            .options(selectinload(Certification.work_roles))
            .order_by(Certification.id)
        )
        return {c.id: _certification_document(c) for c in certifications}
    if kind == "pathway":
        pathways = session.scalars(
            select(HiringPathway)
            .options(selectinload(HiringPathway.work_roles))
            .order_by(HiringPathway.id)
        )
        return {p.id: _pathway_document(p) for p in pathways}
    if kind == "funding_program":
        programs = session.scalars(select(FundingProgram).order_by(FundingProgram.aln))
        return {p.aln: _program_document(p) for p in programs}
    raise ValueError(f"unknown catalog kind {kind!r}")


def snapshot(session: Session) -> dict[Key, Document]:
    """Every curated entry of the catalog as a document."""
    session.flush()
    return {(kind, ident): doc for kind in KINDS for ident, doc in documents(session, kind).items()}


def document(session: Session, kind: str, ident: str) -> Document | None:
    return documents(session, kind).get(ident)


# -- validation ---------------------------------------------------------------------------------


def _model(kind: str, document: Mapping[str, Any]) -> BaseModel:
    try:
        return MODELS[kind].model_validate(file_part(kind, document))
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(p) for p in error["loc"]) or None
        message = error["msg"].removeprefix("Value error, ")
        raise EntryError(message, field) from None


@dataclass(frozen=True)
class Context:
    """What an entry is checked against: the ids the rest of the catalog holds."""

    roles: set[str]
    categories: set[str]
    skills: set[str]
    certifications: set[str]
    aliases: dict[str, str]  # alias (casefolded unless case-sensitive) -> skill id

    @classmethod
    def of(cls, session: Session) -> Context:
        aliases: dict[str, str] = {}
        for doc in documents(session, "skill").values():
            for alias in _alias_keys(doc):
                aliases.setdefault(alias, doc["id"])
        return cls(
            roles=set(session.scalars(select(WorkRole.id))),
            categories=set(session.scalars(select(WorkRoleCategory.id))),
            skills=set(session.scalars(select(Skill.id))),
            certifications=set(session.scalars(select(Certification.id))),
            aliases=aliases,
        )


def _alias_keys(doc: Mapping[str, Any]) -> list[str]:
    # The matcher's keys (matching.lexicon): lower-case unless the alias is case-sensitive.
    names = [doc["name"], *doc.get("aliases", []), *doc.get("misspellings", [])]
    cased = doc.get("case_sensitive_aliases", [])
    return [alias_key(n)[0] for n in names] + [alias_key(n)[1] for n in cased]


def alias_collisions(context: Context, skill_id: str | None, aliases: list[str]) -> dict[str, str]:
    """Which of `aliases` already name another skill, as the matcher reads them: alias -> id."""
    found = {}
    for alias in aliases:
        lower, cased, _ = alias_key(alias)
        for key in (lower, cased):
            owner = context.aliases.get(key)
            if owner and owner != skill_id:
                found[alias] = owner
                break
    return found


def _unknown(ids: Any, known: set[str], what: str, field: str) -> None:
    missing = sorted(set(ids) - known)
    if missing:
        raise EntryError(f"unknown {what}: {', '.join(missing)}", field)


def validate_document(kind: str, document: Mapping[str, Any], context: Context) -> Document:
    """The document, normalised, if it can be saved; EntryError naming the field if not."""
    model = _model(kind, document)
    normal: Document = model.model_dump(mode="json")
    if kind == "work_role":
        if normal["category"] not in context.categories:
            raise EntryError(f"unknown category {normal['category']!r}", "category")
        skills = {str(k): float(v) for k, v in dict(document.get("skills") or {}).items()}
        _unknown(skills, context.skills, "skill(s)", "skills")
        bad = sorted(s for s, w in skills.items() if not 0 < w <= 1)
        if bad:
            raise EntryError(f"weights must be above 0 and at most 1: {', '.join(bad)}", "skills")
        certs = sorted(set(document.get("certifications") or []))
        _unknown(certs, context.certifications, "certification(s)", "certifications")
        normal["skills"] = dict(sorted(skills.items(), key=lambda item: (-item[1], item[0])))
        normal["certifications"] = certs
    elif kind == "skill":
        _unknown(normal["roles"], context.roles, "work role(s)", "roles")
        names = [normal["name"], *normal["aliases"], *normal["misspellings"]]
        taken = alias_collisions(context, normal["id"], names + normal["case_sensitive_aliases"])
        if taken:
            alias, owner = next(iter(taken.items()))
            raise EntryError(f"{alias!r} already names the skill {owner!r}", "aliases")
    elif kind == "certification":
        _unknown(
            [w["role"] for w in normal["work_roles"]], context.roles, "work role(s)", "work_roles"
        )
    elif kind == "pathway":
        _unknown(normal["work_roles"], context.roles, "work role(s)", "work_roles")
        low, high = normal.get("grade_low"), normal.get("grade_high")
        if low is not None and high is not None and low > high:
            raise EntryError("the lowest grade is above the highest", "grade_low")
    return normal


# -- documents -> database ----------------------------------------------------------------------


def _row(session: Session, kind: str, ident: str) -> Any:
    model = {
        "work_role": WorkRole,
        "skill": Skill,
        "certification": Certification,
        "pathway": HiringPathway,
        "funding_program": FundingProgram,
    }[kind]
    row = session.get(model, ident)
    if row is None:
        row = model(**{ID_FIELD[kind]: ident})
        session.add(row)
    return row


def _apply_role_links(session: Session, role: WorkRole, document: Mapping[str, Any]) -> None:
    weights: dict[str, float] = dict(document.get("skills") or {})
    links = {link.skill_id: link for link in role.skills}
    for skill_id, link in links.items():
        if skill_id not in weights:
            session.delete(link)
        elif link.weight != weights[skill_id]:
            link.weight = weights[skill_id]
    for skill_id, weight in weights.items():
        if skill_id not in links:
            session.add(WorkRoleSkill(work_role_id=role.id, skill_id=skill_id, weight=weight))
    wanted = set(document.get("certifications") or [])
    current = {
        link.certification_id: link
        for link in session.scalars(
            select(CertificationWorkRole).where(CertificationWorkRole.work_role_id == role.id)
        )
    }
    for cert_id, link in current.items():
        if cert_id not in wanted:
            session.delete(link)
    code = role.opm_code_list[0] if role.opm_code_list else None
    for cert_id in sorted(wanted - set(current)):
        session.add(
            CertificationWorkRole(certification_id=cert_id, work_role_id=role.id, dcwf_code=code)
        )


def apply_document(session: Session, kind: str, document: Mapping[str, Any]) -> None:
    """Write a validated document to the database (creating the entry if it is new)."""
    ident = str(document[ID_FIELD[kind]])
    model = MODELS[kind].model_validate(file_part(kind, document))
    row = _row(session, kind, ident)
    if kind == "work_role":
        version = row.catalog_version if getattr(row, "catalog_version", None) else "staff"
        apply.apply_role(row, apply.role_values(model, version))  # type: ignore[arg-type]
        session.flush()
        _apply_role_links(session, row, document)
    elif kind == "skill":
        apply.apply_skill(row, apply.skill_values(model))  # type: ignore[arg-type]
    elif kind == "certification":
        skills = {ident} if session.get(Skill, ident) else set()
        apply.apply_certification(row, apply.certification_values(model, skills))  # type: ignore[arg-type]
    elif kind == "pathway":
        roles = {r.id: r for r in session.scalars(select(WorkRole))}
        apply.apply_pathway(row, apply.pathway_values(model), roles)  # type: ignore[arg-type]
    else:
        apply.assign(row, apply.program_values(model))  # type: ignore[arg-type]
    session.flush()
    session.expire_all()  # relationships read next (documents, the matcher) see the new rows
