"""Filter choices cached per change of the listings: recomputed exactly when a listing moves."""

from datetime import date, timedelta

from app.models import FundingOpportunity, JobListing
from app.services import listing_choices
from app.services.funding import search as fs
from app.services.ingest.store import close_expired
from app.services.seekers import jobs as job_browse

from .funding_helpers import make_opportunity

TODAY = date.today()


def _job(db, series: str, **fields) -> JobListing:
    job = JobListing(
        source="usajobs",
        source_id=f"C-{series}-{fields.get('title', '')}",
        title=fields.pop("title", "Cyber job"),
        series=[series],
        status="open",
        content_hash="h",
        close_date=TODAY + timedelta(days=10),
        **fields,
    )
    db.add(job)
    db.flush()
    return job


def test_a_choice_is_computed_once_until_the_table_changes(db):
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    make_opportunity(db, today=TODAY)
    first = listing_choices.cached(db, FundingOpportunity, "n", TODAY, compute)
    assert listing_choices.cached(db, FundingOpportunity, "n", TODAY, compute) == first
    assert len(calls) == 1
    # Another day is another set of open listings.
    listing_choices.cached(db, FundingOpportunity, "n", TODAY + timedelta(days=1), compute)
    assert len(calls) == 2


def test_series_choices_follow_new_closed_and_deleted_jobs(db):
    _job(db, "2210")
    assert [code for code, _ in job_browse.series_options(db, TODAY)] == ["2210"]
    newer = _job(db, "1550", title="Computer scientist")
    assert [code for code, _ in job_browse.series_options(db, TODAY)] == ["1550", "2210"]
    newer.close_date = TODAY - timedelta(days=1)
    db.flush()
    close_expired(db, TODAY)  # closing by date sets closed_at: the stamp moves
    db.flush()
    assert [code for code, _ in job_browse.series_options(db, TODAY)] == ["2210"]
    db.delete(newer)
    db.flush()
    assert [code for code, _ in job_browse.series_options(db, TODAY)] == ["2210"]


def test_funding_filter_choices_follow_a_re_sighted_changed_opportunity(db):
    row = make_opportunity(db, today=TODAY, agency="Agency before")
    assert fs.filter_options(db, TODAY).agencies == ["Agency before"]
    # A re-scrape that changes a record also records the sighting, as the ingest does.
    row.agency = "Agency after"
    row.last_seen_at = row.last_seen_at + timedelta(seconds=1)
    db.flush()
    assert fs.filter_options(db, TODAY).agencies == ["Agency after"]
