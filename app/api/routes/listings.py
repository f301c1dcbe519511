"""Listing reads: open federal jobs and funding opportunities, filtered like the site's pages."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import redirect, url_for

from app.api import paging, schemas
from app.api.blueprint import bp, found_or_404
from app.extensions import db_session
from app.services.funding import search as funding_search
from app.services.seekers import jobs as job_browse


@bp.get("/jobs")
@bp.arguments(schemas.JobQuerySchema, location="query", as_kwargs=False)
@bp.response(200, schemas.JobPageSchema, headers=paging.LINK_HEADER_DOC)
def jobs(args: dict[str, Any]) -> Any:
    """Open jobs, soonest closing first, with the filters of the /jobs/ page."""
    found = job_browse.browse_jobs(
        db_session(), schemas.job_filters(args), date.today(), per_page=args["per_page"]
    )
    return schemas.job_page(found), 200, paging.link_header(found.page, found.pages)


@bp.get("/jobs/<int:job_id>")
@bp.response(200, schemas.JobDetailSchema)
@bp.alt_response(404, response="NOT_FOUND")
def job(job_id: int) -> dict[str, Any]:
    """A job (open or closed) with the work roles it is classified under."""
    session = db_session()
    found = found_or_404(job_browse.get_job(session, job_id))
    return schemas.job_document(found, job_browse.staff_opm_code(session, found))


@bp.get("/funding")
@bp.arguments(schemas.FundingQuerySchema, location="query", as_kwargs=False)
@bp.response(200, schemas.FundingPageSchema, headers=paging.LINK_HEADER_DOC)
def funding(args: dict[str, Any]) -> Any:
    """Open funding opportunities, with the words, filters and sorts of the /funding/ page."""
    found = funding_search.search(
        db_session(),
        schemas.funding_query(args),
        date.today(),
        page=args["page"],
        per_page=args["per_page"],
    )
    return schemas.funding_page(found), 200, paging.link_header(found.page, found.pages)


@bp.get("/funding/<int:opportunity_id>")
@bp.response(200, schemas.FundingDetailSchema)
@bp.alt_response(301, description="A duplicate's id: moved to the record it duplicates.")
@bp.alt_response(404, response="NOT_FOUND")
def funding_opportunity(opportunity_id: int) -> Any:
    """A funding opportunity; a cross-source duplicate's id redirects to its canonical record."""
    row = found_or_404(funding_search.canonical(db_session(), opportunity_id))
    if row.id != opportunity_id:
        return redirect(url_for("api.funding_opportunity", opportunity_id=row.id), 301)
    return schemas.listing_document(row)
