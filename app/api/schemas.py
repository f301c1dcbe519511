"""What the API reads from a query string and what it answers: marshmallow schemas, plus the
small functions that shape service results into them (the routes stay one call each).

Listings keep the shape of `app.services.listings.listing_dict` (the CLI's export); catalog
rows are dumped from the models. Dates are ISO 8601 strings.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from app.api.paging import PageQuerySchema, PageSchema, envelope
from app.models import FundingOpportunity, HiringPathway, JobListing, WorkRole, WorkRoleCategory
from app.services import deadlines
from app.services.catalog_queries import RoleDetail
from app.services.funding import search as funding_search
from app.services.listings import listing_dict
from app.services.seekers import jobs as job_browse
from matching.jobs import HIRING_PATH_NAMES
from vocabulary.codes import FUNDING_CATEGORIES


def _date(description: str = "", **kwargs: Any) -> fields.String:
    return fields.String(
        allow_none=True, metadata={"format": "date", **_doc(description)}, **kwargs
    )


def _datetime(description: str = "") -> fields.String:
    return fields.String(allow_none=True, metadata={"format": "date-time", **_doc(description)})


def _doc(description: str) -> dict[str, str]:
    return {"description": description} if description else {}


def _text(**kwargs: Any) -> fields.String:
    return fields.String(allow_none=True, **kwargs)


# -- query strings --------------------------------------------------------------------------


# Free text in a query string: any character but NUL, which the site refuses in every
# address before a route reads it (app.request_guard), as PostgreSQL would.
NO_NUL = validate.Regexp(r"^[^\x00]*$", error="A NUL character is not allowed.")


class JobQuerySchema(PageQuerySchema):
    """The filters of the /jobs/ page; a value the page would ignore is a 422 here."""

    series = fields.String(
        validate=validate.Regexp(r"^[0-9]{4}$"),
        metadata={"description": "OPM occupational series, four digits (2210)."},
    )
    hiring_path = fields.String(
        validate=validate.OneOf(sorted(HIRING_PATH_NAMES)),
        metadata={"description": "USAJOBS hiring path code (public, vet, student, ...)."},
    )
    grade = fields.Integer(
        validate=validate.OneOf(job_browse.GRADES),
        metadata={"description": "A GS grade (1-15) within the job's range."},
    )
    location = fields.String(
        validate=[validate.Length(max=100), NO_NUL],
        metadata={"description": "A state (code or name) or any place text; ';' separates."},
    )
    remote = fields.Boolean(load_default=False, metadata={"description": "Remote jobs only."})
    clearance = fields.String(
        validate=validate.OneOf(list(job_browse.CLEARANCE_CHOICES)),
        metadata={"description": "Security clearance the job needs."},
    )
    closing_within = fields.Integer(
        validate=validate.OneOf(job_browse.CLOSING_WITHIN),
        metadata={"description": "Closing within this many days (7, 14, 30 or 60)."},
    )
    role = fields.String(
        # Anchored and case-blind in the pattern itself: OpenAPI clients read the pattern
        # (JSON Schema searches anywhere in the value), not the flags.
        validate=validate.Regexp(r"^[A-Za-z]{2}-[Ww][Rr][Ll]-[0-9]{3}$"),
        metadata={"description": "A work role id (PD-WRL-001) the job is classified under."},
    )


def job_filters(args: dict[str, Any]) -> job_browse.JobFilters:
    """The /jobs/ page's filters from validated API arguments."""
    return job_browse.JobFilters(
        series=args.get("series"),
        hiring_path=args.get("hiring_path"),
        grade=args.get("grade"),
        location=(args.get("location") or "").strip() or None,
        remote=bool(args.get("remote")),
        clearance=args.get("clearance"),
        closing_within=args.get("closing_within"),
        work_role=(args.get("role") or "").upper() or None,
        page=args["page"],
    )


class FundingQuerySchema(PageQuerySchema):
    """The words, filters and sorts of the /funding/ page; a bad value is a 422 here."""

    q = fields.String(
        validate=[validate.Length(max=200), NO_NUL],
        metadata={"description": 'Words in the title, description, number or agency; "a phrase".'},
    )
    who = fields.List(
        fields.String(validate=validate.OneOf(list(funding_search.GROUPS_BY_ID))),
        metadata={"description": "Applicant groups (repeat the argument for several)."},
    )
    agency = fields.String(validate=[validate.Length(max=200), NO_NUL])
    aln = fields.String(
        validate=[validate.Length(max=8), NO_NUL],
        metadata={"description": "An assistance listing number (97.137)."},
    )
    category = fields.String(validate=validate.OneOf(list(FUNDING_CATEGORIES)))
    status = fields.List(fields.String(validate=validate.OneOf(list(funding_search.STATUS_LABELS))))
    award_min = fields.Integer(validate=validate.Range(min=0, max=10**12))
    award_max = fields.Integer(validate=validate.Range(min=0, max=10**12))
    closing_within = fields.Integer(
        validate=validate.Range(min=1, max=365),
        metadata={"description": "Closing within this many days (rolling deadlines excluded)."},
    )
    sort = fields.String(
        validate=validate.OneOf(list(funding_search.SORTS)),
        metadata={"description": "relevance (default with words), closing (default), ..."},
    )


def funding_query(args: dict[str, Any]) -> funding_search.SearchQuery:
    """The /funding/ page's query from validated API arguments (paging aside)."""
    return funding_search.SearchQuery.from_params(
        {k: v for k, v in args.items() if k not in {"page", "per_page"}}
    )


DEADLINE_KINDS = ("jobs", "funding", "all")


class DeadlineQuerySchema(JobQuerySchema, FundingQuerySchema):
    """The filters of /jobs and /funding together, which kinds of listing, and how many."""

    class Meta:
        exclude = ("page", "per_page", "sort")  # one calendar, soonest closing first

    kind = fields.String(
        load_default="all",
        validate=validate.OneOf(DEADLINE_KINDS),
        metadata={
            "description": "jobs, funding or all. Job filters narrow the jobs only, "
            "funding filters the opportunities only."
        },
    )
    closing_within = fields.Integer(
        validate=validate.OneOf(job_browse.CLOSING_WITHIN),
        metadata={"description": "Closing within this many days (7, 14, 30 or 60), both kinds."},
    )
    limit = fields.Integer(
        load_default=deadlines.MAX_EVENTS,
        validate=validate.Range(min=1, max=deadlines.MAX_EVENTS),
        metadata={"description": "At most this many events, the soonest closing first."},
    )


def deadline_sources(
    args: dict[str, Any],
) -> tuple[job_browse.JobFilters | None, funding_search.SearchQuery | None]:
    """(the jobs' filters, the funding query) of validated arguments; None: that kind left out."""
    kind = args["kind"]
    jobs = job_filters({**args, "page": 1}) if kind in {"jobs", "all"} else None
    funding = funding_query(args) if kind in {"funding", "all"} else None
    return jobs, funding


# -- the catalog ----------------------------------------------------------------------------


class CategorySchema(Schema):
    id = fields.String(required=True, metadata={"description": "NICE category code (PD)."})
    name = fields.String(required=True)


class OpmCodeSchema(Schema):
    code = fields.String(required=True)


class RoleRefSchema(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)


class WorkRoleSchema(RoleRefSchema):
    category = fields.Nested(CategorySchema, required=True)
    opm_codes = fields.Pluck(
        OpmCodeSchema, "code", many=True, metadata={"description": "OPM cyber codes (511)."}
    )


class WorkRoleListSchema(Schema):
    items = fields.List(fields.Nested(WorkRoleSchema), required=True)
    total = fields.Integer(required=True)


class SkillWeightSchema(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)
    weight = fields.Float(required=True, metadata={"description": "0 to 1: how central it is."})
    band = fields.String(required=True, metadata={"description": "Core, Common or Helpful."})


class RoleCertificationSchema(Schema):
    id = fields.String(attribute="certification.id", required=True)
    acronym = fields.String(attribute="certification.acronym", required=True)
    name = fields.String(attribute="certification.name", required=True)
    vendor = fields.String(attribute="certification.vendor", required=True)
    proficiency = _text(metadata={"description": "basic, intermediate or advanced (DoD 8140)."})
    dcwf_code = _text()


class PathwaySchema(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)
    status = fields.String(required=True)
    summary = fields.String(required=True)
    eligibility_text = fields.String(required=True)
    pay_plan = _text()
    grade_low = fields.Integer(allow_none=True)
    grade_high = fields.Integer(allow_none=True)
    official_page = fields.String(required=True)
    work_roles = fields.List(
        fields.Nested(RoleRefSchema),
        metadata={"description": "The roles it targets; none means it covers any role."},
    )


class PathwayListSchema(Schema):
    items = fields.List(fields.Nested(PathwaySchema), required=True)
    total = fields.Integer(required=True)


class PathwayDetailSchema(PathwaySchema):
    authority = fields.String(required=True)
    status_note = fields.String()
    eligibility = fields.Dict()
    pay_note = fields.String()
    term = fields.String()
    conversion = fields.String()
    usajobs_hiring_paths = fields.List(fields.String())
    series = fields.List(fields.String())


class WorkRoleDetailSchema(WorkRoleSchema):
    description = fields.String(required=True)
    skills = fields.List(fields.Nested(SkillWeightSchema), required=True)
    certifications = fields.List(fields.Nested(RoleCertificationSchema), required=True)
    pathways = fields.List(
        fields.Nested(PathwaySchema),
        required=True,
        metadata={"description": "Open or paused pathways that target this role."},
    )
    general_pathways = fields.List(
        fields.Nested(PathwaySchema),
        required=True,
        metadata={"description": "Open or paused pathways open to any role."},
    )


def role_list(categories: list[WorkRoleCategory]) -> dict[str, Any]:
    roles: list[WorkRole] = [role for category in categories for role in category.work_roles]
    return {"items": roles, "total": len(roles)}


def role_document(detail: RoleDetail) -> dict[str, Any]:
    """A role's detail: its skills heaviest first, each in its band (Core, Common, Helpful)."""
    role = detail.role
    weights = {link.skill_id: link.weight for link in role.skills}
    skills = [
        {"id": s.id, "name": s.name, "kind": s.kind, "weight": weights[s.id], "band": band.label}
        for band in detail.skill_bands
        for s in band.skills
    ]
    return {
        "id": role.id,
        "name": role.name,
        "description": role.description,
        "category": role.category,
        "opm_codes": role.opm_codes,
        "skills": skills,
        "certifications": detail.certifications,
        "pathways": detail.targeted_pathways,
        "general_pathways": detail.general_pathways,
    }


def pathway_list(pathways: list[HiringPathway]) -> dict[str, Any]:
    return {"items": pathways, "total": len(pathways)}


# -- listings -------------------------------------------------------------------------------


class ListingSchema(Schema):
    """What every listing has: `listing_dict`'s provenance fields."""

    id = fields.Integer(required=True)
    source = fields.String(required=True, metadata={"description": "usajobs, grantsgov, ..."})
    source_id = fields.String(required=True)
    title = fields.String(required=True)
    url = _text()
    status = fields.String(required=True)
    open_date = _date()
    close_date = _date(description="Null: open until filled or rolling.")
    is_sample = fields.Boolean(required=True)
    duplicate_of = fields.Integer(allow_none=True)
    first_seen_at = _datetime()
    last_seen_at = _datetime()
    closed_at = _datetime()


class JobSchema(ListingSchema):
    organization = _text()
    department = _text()
    agency_code = _text()
    announcement_number = _text()
    series = fields.List(fields.String())
    pay_plan = _text()
    grade_low = fields.Integer(allow_none=True)
    grade_high = fields.Integer(allow_none=True)
    salary_min = fields.Float(allow_none=True)
    salary_max = fields.Float(allow_none=True)
    salary_interval = _text()
    locations = fields.List(fields.String())
    remote = fields.Boolean(allow_none=True)
    telework = fields.Boolean(allow_none=True)
    clearance = _text()
    hiring_paths = fields.List(fields.String())
    summary = _text()


class JobRoleSchema(RoleRefSchema):
    score = fields.Float(required=True)
    rank = fields.Integer(required=True)
    source = fields.String(required=True, metadata={"description": "matcher or staff."})


class JobDetailSchema(JobSchema):
    body = _text()
    work_roles = fields.List(fields.Nested(JobRoleSchema), required=True)
    staff_opm_code = fields.String(
        allow_none=True,
        metadata={"description": "The OPM cyber code OPM staff gave the job, once reviewed."},
    )


class JobPageSchema(PageSchema):
    items = fields.List(fields.Nested(JobSchema), required=True)


class FundingSchema(ListingSchema):
    number = _text()
    agency_code = _text()
    agency = _text()
    assistance_listings = fields.List(fields.String())
    close_date_note = _text()
    archive_date = _date()
    award_ceiling = fields.Float(allow_none=True)
    award_floor = fields.Float(allow_none=True)
    total_funding = fields.Float(allow_none=True)
    expected_awards = fields.Integer(allow_none=True)
    eligible_applicants = fields.List(fields.String())
    eligibility_note = _text()
    categories = fields.List(fields.String())
    funding_instruments = fields.List(fields.String())
    cost_sharing = fields.Boolean(allow_none=True)


class AlsoOnSchema(Schema):
    id = fields.Integer(required=True)
    source = fields.String(required=True)
    url = _text()


class FundingHitSchema(FundingSchema):
    also_on = fields.List(
        fields.Nested(AlsoOnSchema),
        metadata={"description": "The same opportunity on other sources."},
    )


class FundingDetailSchema(FundingSchema):
    description = _text()


class FundingPageSchema(PageSchema):
    items = fields.List(fields.Nested(FundingHitSchema), required=True)


def listing_document(row: JobListing | FundingOpportunity) -> dict[str, Any]:
    return listing_dict(row)


def job_page(found: job_browse.JobPage) -> dict[str, Any]:
    items = [listing_dict(job) for job in found.jobs]
    return envelope(items, found.page, found.per_page, found.total)


def job_document(job: JobListing, staff_opm_code: str | None = None) -> dict[str, Any]:
    """A job with its work roles, best first (staff's, once reviewed, replace the matcher's)."""
    roles = [
        {"id": c.work_role_id, "name": c.work_role.name, "score": c.score, "rank": c.rank,
         "source": c.source}
        for c in sorted(job.classifications, key=lambda c: c.rank)
    ]  # fmt: skip
    return {**listing_dict(job), "work_roles": roles, "staff_opm_code": staff_opm_code}


def funding_page(found: funding_search.SearchPage) -> dict[str, Any]:
    items = [
        {**listing_dict(hit.opportunity), "also_on": hit.also_on}
        for hit in found.hits
    ]  # fmt: skip
    return envelope(items, found.page, found.per_page, found.total)
