"""Synthetic listings: realistic records in the real shapes, the same for the same seed."""

import json
import re
from datetime import date
from pathlib import Path

import pytest

from app.services.ingest.synthetic import (
    SOURCE,
    Vocabulary,
    synthetic_jobs,
    synthetic_opportunities,
)
from matching.jobs import HIRING_PATH_NAMES
from scrapers.records import FundingRecord, JobRecord

DATA = Path(__file__).resolve().parents[1] / "data"
TODAY = date(2027, 3, 1)


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    return Vocabulary.load(DATA)


def test_jobs_follow_the_job_record_contract(vocabulary):
    jobs = list(synthetic_jobs(vocabulary, 300, seed=3, today=TODAY))
    assert len({job.source_id for job in jobs}) == 300
    for job in jobs:
        assert isinstance(job, JobRecord) and job.source == SOURCE
        assert job.title and job.organization and job.agency_code
        assert job.series and all(re.fullmatch(r"\d{4}", s) for s in job.series)
        assert job.hiring_paths and set(job.hiring_paths) <= set(HIRING_PATH_NAMES)
        assert job.locations and job.open_date and job.close_date
        assert job.open_date <= TODAY
        assert job.status == ("closed" if job.close_date < TODAY else "open")
        if job.grade_low is not None:
            assert job.grade_low <= (job.grade_high or job.grade_low)
        if job.salary_min is not None:
            assert job.salary_min <= (job.salary_max or job.salary_min)
        assert job.body and job.summary
        json.dumps(job.to_dict())
    # Varied like real listings, not one record repeated.
    assert len({job.title for job in jobs}) > 20
    assert len({job.organization for job in jobs}) > 20
    assert any(job.remote for job in jobs) and not all(job.remote for job in jobs)


def test_opportunities_follow_the_funding_record_contract(vocabulary):
    catalog_alns = {str(p["aln"]) for p in vocabulary.programs}
    found = list(synthetic_opportunities(vocabulary, 300, seed=3, today=TODAY))
    assert len({o.source_id for o in found}) == 300
    assert len({o.number for o in found}) == 300
    for o in found:
        assert isinstance(o, FundingRecord) and o.source == SOURCE
        assert o.status in {"posted", "forecasted", "closed"}
        assert set(o.assistance_listings) <= catalog_alns
        assert o.eligible_applicants and all(
            re.fullmatch(r"\d\d", c) for c in o.eligible_applicants
        )
        assert o.award_floor is not None and o.award_ceiling is not None
        assert o.award_floor <= o.award_ceiling
        assert o.close_date is None or o.open_date is None or o.open_date < o.close_date
        if o.status == "closed":
            assert o.close_date is not None and o.close_date < TODAY
        json.dumps(o.to_dict())
    assert any(o.close_date is None for o in found)  # rolling deadlines occur, as in real data
    assert len({o.agency for o in found}) > 10


def test_the_same_seed_gives_the_same_records_and_another_seed_others(vocabulary):
    first = [r.to_dict() for r in synthetic_jobs(vocabulary, 50, seed=9, today=TODAY)]
    again = [r.to_dict() for r in synthetic_jobs(vocabulary, 50, seed=9, today=TODAY)]
    other = [r.to_dict() for r in synthetic_jobs(vocabulary, 50, seed=10, today=TODAY)]
    assert first == again
    assert {r["source_id"] for r in first}.isdisjoint(r["source_id"] for r in other)
    # A bigger load starts with the smaller one's records: growing N only adds.
    bigger = [r.to_dict() for r in synthetic_jobs(vocabulary, 80, seed=9, today=TODAY)]
    assert bigger[:50] == first


def test_every_record_is_flagged_synthetic_in_its_raw_payload(vocabulary):
    records = [
        *synthetic_jobs(vocabulary, 20, seed=1, today=TODAY),
        *synthetic_opportunities(vocabulary, 20, seed=1, today=TODAY),
    ]
    assert all(r.raw and r.raw["synthetic"] is True for r in records)
