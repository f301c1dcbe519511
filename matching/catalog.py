"""The catalog as the matcher sees it: plain, immutable data, whatever it was loaded from.

The application builds a `CatalogSpec` from its database (including imported NICE
statements); tools and the evaluation read the reviewed YAML files in `data/` directly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True)
class SkillSpec:
    id: str
    name: str
    kind: str  # tool, platform, language, technique, domain, framework, certification, clearance
    aliases: tuple[str, ...] = ()
    misspellings: tuple[str, ...] = ()
    case_sensitive_aliases: tuple[str, ...] = ()
    roles: Mapping[str, float] = field(default_factory=dict)  # work role id -> weight (0, 1]


@dataclass(frozen=True)
class RoleSpec:
    id: str  # e.g. PD-WRL-001
    name: str
    category: str  # OG | DD | IO | PD | IN
    opm_codes: tuple[str, ...]
    description: str
    statements: tuple[str, ...] = ()  # official NICE task/knowledge/skill texts, when imported


@dataclass(frozen=True)
class CertificationSpec:
    id: str  # cert-... (same id as its skill in the lexicon, when there is one)
    acronym: str
    name: str
    roles: Mapping[str, str | None] = field(default_factory=dict)  # role id -> proficiency


@dataclass(frozen=True)
class PathwaySpec:
    id: str
    name: str
    status: str  # active | ended | uncertain
    eligibility: Mapping[str, Any]  # rule in the language of matching.eligibility
    eligibility_text: str
    usajobs_hiring_paths: tuple[str, ...] = ()
    work_roles: tuple[str, ...] = ()
    grade_low: int | None = None
    grade_high: int | None = None
    official_page: str = ""


@dataclass(frozen=True)
class CatalogSpec:
    version: str
    roles: tuple[RoleSpec, ...]
    skills: tuple[SkillSpec, ...]
    certifications: tuple[CertificationSpec, ...] = ()
    pathways: tuple[PathwaySpec, ...] = ()

    def role(self, role_id: str) -> RoleSpec:
        for role in self.roles:
            if role.id == role_id:
                return role
        raise KeyError(role_id)


def load_catalog_spec(data_dir: Path) -> CatalogSpec:
    """Read the reviewed YAML files (already validated by `pathfinder catalog validate`)."""
    data_dir = Path(data_dir)

    def read(name: str) -> Any:
        with (data_dir / name).open(encoding="utf-8") as handle:
            return yaml.safe_load(handle)

    roles_doc = read("work_roles.yaml")
    roles = tuple(
        RoleSpec(
            id=r["id"],
            name=r["name"],
            category=r["category"],
            opm_codes=tuple(r.get("opm_codes") or ()),
            description=r["description"],
        )
        for r in roles_doc["work_roles"]
    )
    skills: list[SkillSpec] = []
    for path in sorted((data_dir / "skills").glob("*.yaml")):
        for s in yaml.safe_load(path.read_text(encoding="utf-8")):
            skills.append(
                SkillSpec(
                    id=s["id"],
                    name=s["name"],
                    kind=s["kind"],
                    aliases=tuple(s.get("aliases") or ()),
                    misspellings=tuple(s.get("misspellings") or ()),
                    case_sensitive_aliases=tuple(s.get("case_sensitive_aliases") or ()),
                    roles=dict(s["roles"]),
                )
            )
    certifications = tuple(
        CertificationSpec(
            id=c["id"],
            acronym=c["acronym"],
            name=c["name"],
            roles={w["role"]: w.get("proficiency") for w in c.get("work_roles") or ()},
        )
        for c in read("certifications.yaml")
    )
    pathways = tuple(
        PathwaySpec(
            id=p["id"],
            name=p["name"],
            status=p["status"],
            eligibility=p["eligibility"],
            eligibility_text=p["eligibility_text"],
            usajobs_hiring_paths=tuple(p.get("usajobs_hiring_paths") or ()),
            work_roles=tuple(p.get("work_roles") or ()),
            grade_low=p.get("grade_low"),
            grade_high=p.get("grade_high"),
            official_page=p.get("official_page", ""),
        )
        for p in read("pathways.yaml")
    )
    return CatalogSpec(
        version=str(roles_doc["version"]),
        roles=roles,
        skills=tuple(skills),
        certifications=certifications,
        pathways=pathways,
    )
