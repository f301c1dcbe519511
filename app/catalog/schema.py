"""Validation of the catalog data files in `data/` (format: data/README.md).

Every problem is reported as a `CatalogError` naming the file, the entry and the field, so a
reviewer can fix a data file without reading code.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from matching.eligibility import RuleError, validate_rule
from vocabulary.codes import APPLICANT_TYPES, FUNDING_CATEGORIES

SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"
ROLE_ID = r"^[A-Z]{2}-WRL-\d{3}$"
ALN = r"^\d{2}\.\d{3}$"
APPLICANT_CODES = set(APPLICANT_TYPES)
CATEGORY_CODES = set(FUNDING_CATEGORIES)
USAJOBS_HIRING_PATHS = {
    "public", "vet", "nguard", "disability", "native", "mspouse", "student", "ses", "peace",
    "overseas", "fed-internal-search", "fed-internal-nosearch", "graduates", "fed-excepted",
    "fed-competitive", "fed-transition", "land", "special-authorities", "nopublic",
}  # fmt: skip

Text = Annotated[str, Field(min_length=1)]
Code = Annotated[str, Field(pattern=r"^\d{3}$")]
Url = Annotated[str, Field(pattern=r"^https://\S+$")]


class CatalogError(ValueError):
    """A data file that cannot be loaded; the message names file, entry and field."""

    def __init__(self, file: str, message: str, entry: str | None = None, field: str | None = None):
        parts = [file]
        if entry:
            parts.append(f"entry {entry}")
        if field:
            parts.append(f"field '{field}'")
        super().__init__(": ".join([", ".join(parts), message]))
        self.file, self.entry, self.field, self.reason = file, entry, field, message


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class CategoryIn(Strict):
    id: Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
    name: Text
    description: Text


class WorkRoleIn(Strict):
    id: Annotated[str, Field(pattern=ROLE_ID)]
    name: Text
    category: Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
    opm_codes: list[Code]
    description: Text


class SkillIn(Strict):
    id: Annotated[str, Field(pattern=SLUG, max_length=64)]
    name: Text
    kind: Literal[
        "tool", "platform", "language", "technique", "domain", "framework", "certification",
        "clearance",
    ]  # fmt: skip
    aliases: list[Text] = []
    misspellings: list[Text] = []
    case_sensitive_aliases: list[Text] = []
    roles: dict[Annotated[str, Field(pattern=ROLE_ID)], Annotated[float, Field(gt=0, le=1)]]

    @field_validator("roles")
    @classmethod
    def _has_roles(cls, value: dict[str, float]) -> dict[str, float]:
        if not value:
            raise ValueError("a skill must link to at least one work role")
        return value


class CertRoleIn(Strict):
    role: Annotated[str, Field(pattern=ROLE_ID)]
    dcwf_code: Code | None = None
    proficiency: Literal["basic", "intermediate", "advanced"] | None = None


class CertificationIn(Strict):
    id: Annotated[str, Field(pattern=r"^cert-[a-z0-9]+(-[a-z0-9]+)*$", max_length=64)]
    acronym: Text
    name: Text
    vendor: Text
    work_roles: list[CertRoleIn] = []


class PathwayIn(Strict):
    id: Annotated[str, Field(pattern=SLUG, max_length=64)]
    name: Text
    kind: Text
    authority: Text
    status: Literal["active", "ended", "uncertain"]
    status_note: str = ""
    summary: Text
    eligibility: dict[str, Any]
    eligibility_text: Text
    pay_plan: str | None = None
    grade_low: Annotated[int, Field(ge=1, le=15)] | None = None
    grade_high: Annotated[int, Field(ge=1, le=15)] | None = None
    pay_note: str = ""
    term: str = ""
    conversion: str = ""
    usajobs_hiring_paths: list[str] = []
    work_roles: list[Annotated[str, Field(pattern=ROLE_ID)]] = []
    series: list[Annotated[str, Field(pattern=r"^\d{4}$")]] = []
    official_page: Url

    @field_validator("eligibility")
    @classmethod
    def _rule(cls, value: dict[str, Any]) -> dict[str, Any]:
        try:
            validate_rule(value)
        except RuleError as exc:
            raise ValueError(f"invalid eligibility rule: {exc}") from None
        return value

    @field_validator("usajobs_hiring_paths")
    @classmethod
    def _paths(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - USAJOBS_HIRING_PATHS)
        if unknown:
            raise ValueError(f"unknown USAJOBS hiring path(s): {', '.join(unknown)}")
        return value


class FundingProgramIn(Strict):
    aln: Annotated[str, Field(pattern=ALN)]
    title: Text
    short_name: str | None = None
    agency: Text
    sub_agency: str | None = None
    assistance_types: list[Text] = []
    eligible_applicants: list[str]
    categories: list[str] = []
    tier: Literal["A", "B", "C"]
    summary: Text
    cyber_ai_use: str = ""
    keywords: list[Text] = []
    url: Url

    @field_validator("eligible_applicants")
    @classmethod
    def _applicants(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - APPLICANT_CODES)
        if unknown:
            raise ValueError(f"unknown Grants.gov eligibility code(s): {', '.join(unknown)}")
        return value

    @field_validator("categories")
    @classmethod
    def _categories(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - CATEGORY_CODES)
        if unknown:
            raise ValueError(f"unknown Grants.gov category code(s): {', '.join(unknown)}")
        return value


class JobSeriesIn(Strict):
    series: Annotated[str, Field(pattern=r"^\d{4}$")]
    title: Text
    pay_plan: str | None = None
    relevance: Literal["core", "related"]
    note: str = ""


@dataclass(frozen=True)
class Catalog:
    """The validated contents of `data/`."""

    version: str
    categories: list[CategoryIn]
    work_roles: list[WorkRoleIn]
    skills: list[SkillIn]
    certifications: list[CertificationIn]
    pathways: list[PathwayIn]
    funding_programs: list[FundingProgramIn]
    job_series: list[JobSeriesIn]

    def counts(self) -> dict[str, int]:
        return {
            "categories": len(self.categories),
            "work_roles": len(self.work_roles),
            "skills": len(self.skills),
            "aliases": sum(
                len(s.aliases) + len(s.misspellings) + len(s.case_sensitive_aliases)
                for s in self.skills
            ),
            "certifications": len(self.certifications),
            "pathways": len(self.pathways),
            "funding_programs": len(self.funding_programs),
            "job_series": len(self.job_series),
        }


M = TypeVar("M", bound=BaseModel)


def read_yaml(path: Path, label: str) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except FileNotFoundError:
        raise CatalogError(label, "file not found") from None
    except UnicodeDecodeError:
        raise CatalogError(label, "not UTF-8 text") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise CatalogError(label, f"{problem}{where}") from None


def _entry_label(index: int, raw: Any, key: str) -> str:
    ident = raw.get(key) if isinstance(raw, dict) else None
    return f"{index + 1} ({ident})" if ident else str(index + 1)


def parse_entries(model: type[M], items: Any, label: str, key: str) -> list[M]:
    """Validate a list of entries, reporting the first problem with its entry and field."""
    if not isinstance(items, list):
        raise CatalogError(label, "expected a list of entries")
    parsed: list[M] = []
    for index, raw in enumerate(items):
        entry = _entry_label(index, raw, key)
        if not isinstance(raw, dict):
            raise CatalogError(label, "expected a mapping", entry)
        try:
            parsed.append(model.model_validate(raw))
        except ValidationError as exc:
            error = exc.errors()[0]
            field = ".".join(str(p) for p in error["loc"]) or None
            message = error["msg"].removeprefix("Value error, ")
            raise CatalogError(label, message, entry, field) from None
    _unique(parsed, lambda m: str(getattr(m, key)), label, key)
    return parsed


def _unique(items: Iterable[M], key: Callable[[M], str], label: str, field: str) -> None:
    seen: set[str] = set()
    for index, item in enumerate(items):
        value = key(item)
        if value in seen:
            raise CatalogError(
                label, f"duplicate {field} {value!r}", f"{index + 1} ({value})", field
            )
        seen.add(value)


def load_catalog(data_dir: Path) -> Catalog:
    """Read and validate every catalog file, including references between files."""
    data_dir = Path(data_dir)

    def rel(path: Path) -> str:
        try:
            return str(path.relative_to(data_dir.parent))
        except ValueError:
            return str(path)

    roles_path = data_dir / "work_roles.yaml"
    version, categories, work_roles = _load_roles(roles_path, rel(roles_path))
    role_ids = {r.id for r in work_roles}
    skills = _load_skills(data_dir / "skills", rel, role_ids)

    path = data_dir / "certifications.yaml"
    certifications = parse_entries(CertificationIn, read_yaml(path, rel(path)), rel(path), "id")
    for index, cert in enumerate(certifications):
        entry = _entry_label(index, {"id": cert.id}, "id")
        _role_refs(role_ids, rel(path), entry, "work_roles", (r.role for r in cert.work_roles))

    path = data_dir / "pathways.yaml"
    pathways = parse_entries(PathwayIn, read_yaml(path, rel(path)), rel(path), "id")
    for index, pathway in enumerate(pathways):
        entry = _entry_label(index, {"id": pathway.id}, "id")
        _role_refs(role_ids, rel(path), entry, "work_roles", pathway.work_roles)
        if (
            pathway.grade_low is not None
            and pathway.grade_high is not None
            and pathway.grade_low > pathway.grade_high
        ):
            raise CatalogError(rel(path), "grade_low is above grade_high", entry, "grade_low")

    path = data_dir / "funding_programs.yaml"
    programs = parse_entries(FundingProgramIn, read_yaml(path, rel(path)), rel(path), "aln")

    path = data_dir / "job_series.yaml"
    series = parse_entries(JobSeriesIn, read_yaml(path, rel(path)), rel(path), "series")
    return Catalog(
        version=version,
        categories=categories,
        work_roles=work_roles,
        skills=skills,
        certifications=certifications,
        pathways=pathways,
        funding_programs=programs,
        job_series=series,
    )


def _load_roles(path: Path, label: str) -> tuple[str, list[CategoryIn], list[WorkRoleIn]]:
    """work_roles.yaml: its version, categories and work roles, each role in a category."""
    doc = read_yaml(path, label)
    if not isinstance(doc, dict) or not {"version", "categories", "work_roles"} <= set(doc):
        raise CatalogError(label, "expected keys version, categories and work_roles")
    categories = parse_entries(CategoryIn, doc["categories"], label, "id")
    work_roles = parse_entries(WorkRoleIn, doc["work_roles"], label, "id")
    category_ids = {c.id for c in categories}
    for index, role in enumerate(work_roles):
        if role.category not in category_ids:
            raise CatalogError(
                label, f"unknown category {role.category!r}",
                _entry_label(index, {"id": role.id}, "id"), "category",
            )  # fmt: skip
    version = str(doc["version"]).strip()
    if not version:
        raise CatalogError(label, "version must not be empty", field="version")
    return version, categories, work_roles


def _load_skills(folder: Path, rel: Callable[[Path], str], role_ids: set[str]) -> list[SkillIn]:
    """Every skills/*.yaml file: roles known, every alias naming one skill only."""
    skill_files = sorted(folder.glob("*.yaml"))
    if not skill_files:
        raise CatalogError(rel(folder), "no skill files (*.yaml) found")
    skills: list[SkillIn] = []
    alias_owner: dict[str, tuple[str, str]] = {}
    for path in skill_files:
        label = rel(path)
        file_skills = parse_entries(SkillIn, read_yaml(path, label), label, "id")
        for index, skill in enumerate(file_skills):
            entry = _entry_label(index, {"id": skill.id}, "id")
            _role_refs(role_ids, label, entry, "roles", skill.roles)
            _claim_aliases(skill, label, entry, alias_owner)
        skills.extend(file_skills)
    _unique(skills, lambda s: s.id, rel(folder), "id")
    return skills


def _claim_aliases(
    skill: SkillIn, label: str, entry: str, alias_owner: dict[str, tuple[str, str]]
) -> None:
    """Record the skill's names in `alias_owner`; an alias another skill owns is an error."""
    names = [skill.name, *skill.aliases, *skill.misspellings]
    for alias in [*names, *skill.case_sensitive_aliases]:
        key = alias if alias in skill.case_sensitive_aliases else alias.casefold()
        owner = alias_owner.get(key)
        if owner and owner[0] != skill.id:
            raise CatalogError(
                label,
                f"alias {alias!r} already names skill {owner[0]!r} in {owner[1]}",
                entry, "aliases",
            )  # fmt: skip
        alias_owner[key] = (skill.id, label)


def _role_refs(role_ids: set[str], label: str, entry: str, field: str, ids: Iterable[str]) -> None:
    for role_id in ids:
        if role_id not in role_ids:
            raise CatalogError(label, f"unknown work role {role_id!r}", entry, field)


def slugify_acronym(acronym: str) -> str:
    """The certification id rule of data/README.md: Security+ -> cert-security-plus."""
    slug = acronym.lower().replace("+", "-plus")
    slug = re.sub(r"[^a-z0-9]+", "-", slug).strip("-")
    return "cert-" + re.sub(r"-+", "-", slug)
