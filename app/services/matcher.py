"""The matcher, composed with the database: catalog in, fitted models out, cached.

The fitted role model depends on the catalog (reviewed files plus imported NICE statements)
and on OPM staff's overrides of job classifications, which are its labelled examples. It is
rebuilt when either changes: every catalog change is recorded in the audit log, so the latest
catalog audit entry versions the catalog, and the count and latest id of override reviews
version the examples. A fitted model is kept in
memory per process and pickled under the model cache folder (`app.services.fitted_cache`), so
the next process (another app instance, a CLI command) loads it instead of fitting again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.catalog.export import hiring_pathways, work_roles
from app.models import (
    AuditEntry,
    Certification,
    ClassificationReview,
    ClassificationSource,
    JobListing,
    JobRoleClassification,
    JobStatus,
    NiceImport,
    Skill,
    WorkRole,
)
from app.services.fitted_cache import FittedCache
from matching.catalog import CatalogSpec, CertificationSpec, PathwaySpec, RoleSpec, SkillSpec
from matching.roles import RoleMatcher, build_role_matcher


def _code_version() -> str:
    """A pickled model is only valid for the matcher code that fitted it."""
    import matching

    digest = hashlib.sha256()
    for path in sorted(Path(matching.__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


MODEL_FORMAT = f"role-matcher:{_code_version()}"
CLASSIFY_TOP = 3


OVERRIDE = "override"


def catalog_version(session: Session) -> str:
    """Changes whenever the role model's inputs do: the catalog and staff's overrides.

    The catalog: the latest catalog audit entry and NICE import. The overrides: how many
    override reviews there are and the latest one (reviews are only added, or go with their
    job). Within one database these identify the inputs; the database's own identity keeps
    two databases apart.
    """
    database = session.get_bind().engine.url.render_as_string(hide_password=True)
    last_audit = session.scalar(
        select(func.max(AuditEntry.id)).where(AuditEntry.action.like("catalog.%"))
    )
    last_import = session.scalar(select(func.max(NiceImport.id)))
    roles = session.scalar(select(func.count()).select_from(WorkRole))
    overrides = session.execute(
        select(func.count(), func.max(ClassificationReview.id)).where(
            ClassificationReview.action == OVERRIDE
        )
    ).one()
    key = f"{MODEL_FORMAT}:{database}:{last_audit}:{last_import}:{roles}"
    if overrides[0]:  # none: the same key, and model, as the catalog alone gives
        key += f":overrides:{overrides[0]}:{overrides[1]}"
    return hashlib.sha256(key.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class OverrideExample:
    """A job whose work roles staff overrode: its text and their roles, primary first."""

    job_id: int
    text: str
    roles: list[str]


def override_examples(session: Session) -> list[OverrideExample]:
    """Every job staff overrode (any status), with the roles of its latest override, by id."""
    latest: dict[int, list[str]] = {}
    for job_id, roles in session.execute(
        select(ClassificationReview.job_id, ClassificationReview.work_roles)
        .where(ClassificationReview.action == OVERRIDE)
        .order_by(ClassificationReview.job_id, ClassificationReview.at, ClassificationReview.id)
    ):
        latest[job_id] = list(roles or [])
    if not latest:
        return []
    jobs = session.scalars(
        select(JobListing).where(JobListing.id.in_(list(latest))).order_by(JobListing.id)
    )
    return [OverrideExample(job.id, job_text(job), latest[job.id]) for job in jobs]


def catalog_spec(session: Session) -> CatalogSpec:
    """The catalog as plain data for the matcher, official NICE statements included."""
    roles = work_roles(session)
    skills = session.scalars(
        select(Skill)
        .options(selectinload(Skill.aliases), selectinload(Skill.work_roles))
        .order_by(Skill.id)
    ).all()
    certifications = session.scalars(
        select(Certification)
        .options(selectinload(Certification.work_roles))
        .order_by(Certification.id)
    ).all()
    pathways = hiring_pathways(session)
    version = roles[0].catalog_version if roles else "empty"
    return CatalogSpec(
        version=version,
        roles=tuple(
            RoleSpec(
                id=r.id,
                name=r.name,
                category=r.category_id,
                opm_codes=tuple(r.opm_code_list),
                description=r.description,
                statements=tuple(s.text for s in r.statements),
            )
            for r in roles
        ),
        skills=tuple(
            SkillSpec(
                id=s.id,
                name=s.name,
                kind=str(s.kind),
                aliases=tuple(
                    a.alias for a in s.aliases if str(a.kind) == "alias" and not a.case_sensitive
                ),
                misspellings=tuple(a.alias for a in s.aliases if str(a.kind) == "misspelling"),
                case_sensitive_aliases=tuple(a.alias for a in s.aliases if a.case_sensitive),
                roles={link.work_role_id: link.weight for link in s.work_roles},
            )
            for s in skills
        ),
        certifications=tuple(
            CertificationSpec(
                id=c.id,
                acronym=c.acronym,
                name=c.name,
                roles={
                    w.work_role_id: (str(w.proficiency) if w.proficiency else None)
                    for w in c.work_roles
                },
            )
            for c in certifications
        ),
        pathways=tuple(
            PathwaySpec(
                id=p.id,
                name=p.name,
                status=str(p.status),
                eligibility=p.eligibility,
                eligibility_text=p.eligibility_text,
                usajobs_hiring_paths=tuple(p.usajobs_hiring_paths),
                work_roles=tuple(r.id for r in p.work_roles),
                grade_low=p.grade_low,
                grade_high=p.grade_high,
                official_page=p.official_page,
            )
            for p in pathways
        ),
    )


def _fit_role_matcher(session: Session) -> RoleMatcher:
    """The role model for the catalog, calibrated with staff's overrides as labelled texts."""
    spec = catalog_spec(session)
    if not spec.roles:
        raise LookupError("the catalog is empty: run `pathfinder catalog load` first")
    examples = override_examples(session)
    if not examples:
        return build_role_matcher(spec)
    return build_role_matcher(spec, [e.text for e in examples], [e.roles for e in examples])


role_matchers: FittedCache[RoleMatcher] = FittedCache(
    "role-matcher", catalog_version, _fit_role_matcher, shared=True
)


def role_matcher(session: Session, cache_dir: Path | None = None) -> RoleMatcher:
    """The fitted role model for the current catalog: from memory, disk, or fitted now.

    The file cache is the configured `MODEL_CACHE_DIR` unless `cache_dir` overrides it.
    """
    return role_matchers.get(session, directory=cache_dir)


@dataclass
class ClassificationReport:
    classified: int
    skipped_staff: int


def classify_jobs(session: Session, matcher: RoleMatcher, batch: int = 500) -> ClassificationReport:
    """Store each open job's most likely work roles, for jobs whose content changed.

    A staff override (source "staff") is kept: the model never overwrites a person.
    """
    pending = session.scalars(
        select(JobListing)
        .where(
            JobListing.status == JobStatus.OPEN,
            (JobListing.classified_hash.is_(None))
            | (JobListing.classified_hash != JobListing.content_hash),
        )
        .options(selectinload(JobListing.classifications))
        .order_by(JobListing.id)
    ).all()
    role_ids = [r.id for r in matcher.roles_]
    classified = skipped = 0
    for start in range(0, len(pending), batch):
        chunk = pending[start : start + batch]
        scores = matcher.score_texts([job_text(job) for job in chunk])
        for job, row in zip(chunk, scores, strict=True):
            job.classified_hash = job.content_hash
            if any(c.source == ClassificationSource.STAFF for c in job.classifications):
                skipped += 1
                continue
            top = sorted(range(len(role_ids)), key=lambda i: -row[i])[:CLASSIFY_TOP]
            job.classifications = [
                JobRoleClassification(
                    work_role_id=role_ids[i],
                    score=round(float(row[i]), 1),
                    rank=rank,
                    source=ClassificationSource.MODEL,
                )
                for rank, i in enumerate(top, start=1)
            ]
            classified += 1
        session.flush()
    return ClassificationReport(classified, skipped)


def job_text(job: JobListing) -> str:
    """What a job says about its work: title, summary and duties."""
    return "\n".join(part for part in (job.title, job.summary, job.body) if part)
