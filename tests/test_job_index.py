"""The cached job index: open, non-duplicate jobs only, refitted only when the listings change."""

from datetime import UTC, datetime, timedelta

import pytest

from app.models import JobStatus
from app.services.matcher import role_matcher
from app.services.seekers import job_index as service

from .seeker_docs import FORENSICS_JOB_TEXT, add_job


@pytest.fixture
def matcher(db, catalog, tmp_path):
    service.clear_cache()
    return role_matcher(db, tmp_path)


def test_only_open_non_duplicate_jobs_are_indexed(db, matcher):
    shown = add_job(db, title="IT Specialist (SOC)", hiring_paths=["Public", "VET"])
    add_job(db, title="Closed job", status=JobStatus.CLOSED)
    add_job(db, title="Same job, other announcement", duplicate_of_id=shown.id)
    postings = service.open_postings(db)
    assert [p.id for p in postings] == [shown.id]
    posting = postings[0]
    assert posting.hiring_paths == ("public", "vet")  # USAJOBS codes, lower case
    assert posting.text.startswith("IT Specialist (SOC)\n") and "Splunk" in posting.text
    assert posting.close_date == shown.close_date and posting.url == shown.url


def test_the_index_is_reused_until_the_listings_change(db, matcher):
    add_job(db, title="IT Specialist (SOC)")
    first = service.job_index(db, matcher)
    assert first is not None and first.n_postings_ == 1
    assert service.job_index(db, matcher) is first

    second_job = add_job(db, title="Forensic Examiner", summary=FORENSICS_JOB_TEXT)
    second = service.job_index(db, matcher)
    assert second is not first and second.n_postings_ == 2
    assert service.job_index(db, matcher) is second

    second_job.status = JobStatus.CLOSED
    second_job.closed_at = datetime.now(UTC)
    db.flush()
    assert service.job_index(db, matcher).n_postings_ == 1


def test_the_version_follows_changes_closings_and_duplicate_links(db, matcher):
    job = add_job(db, title="IT Specialist (SOC)")
    other = add_job(db, title="IT Specialist (SOC), again")
    versions = [service.listings_version(db)]

    job.summary = "Monitors the SIEM and triages alerts."  # changed at the source
    db.flush()
    versions.append(service.listings_version(db))

    other.duplicate_of_id = job.id  # linked as a duplicate
    db.flush()
    versions.append(service.listings_version(db))

    job.status, job.closed_at = JobStatus.CLOSED, datetime.now(UTC) + timedelta(minutes=6)
    db.flush()
    versions.append(service.listings_version(db))

    assert len(set(versions)) == len(versions)
    assert service.listings_version(db) == versions[-1]  # stable while nothing changes


def test_no_open_jobs_means_no_index(db, matcher):
    add_job(db, title="Closed job", status=JobStatus.CLOSED)
    assert service.job_index(db, matcher) is None


def test_the_index_classifies_jobs_into_work_roles(db, matcher):
    soc = add_job(db, title="IT Cybersecurity Specialist (Cyber Defense Analyst)")
    forensics = add_job(db, title="IT Specialist (Forensic Examiner)", summary=FORENSICS_JOB_TEXT)
    index = service.job_index(db, matcher)
    assert index.classifications(soc.id, top_k=1)[0][0] == "PD-WRL-001"
    assert index.classifications(forensics.id, top_k=1)[0][0] in {"IN-WRL-002", "PD-WRL-002"}


def test_staff_set_roles_replace_the_index_classification(db, matcher):
    from matching.jobs import STAFF_ROLE_SCORES, JobIndex, JobPosting

    text = "Forensic examiner. " + FORENSICS_JOB_TEXT
    postings = [
        JobPosting(id=1, title="Examiner", text=text),
        JobPosting(id=2, title="Examiner", text=text, roles=("OG-WRL-013", "PD-WRL-001")),
        JobPosting(id=3, title="Examiner", text=text, roles=("XX-WRL-999",)),  # unknown
    ]
    index = JobIndex(role_matcher=matcher).fit(postings)
    model = index.classifications(1, 3)
    assert model[0][0] == "IN-WRL-002"
    assert index.classifications(2, 3) == [
        ("OG-WRL-013", STAFF_ROLE_SCORES[0]),
        ("PD-WRL-001", STAFF_ROLE_SCORES[1]),
        ("DD-WRL-001", 0.0),  # every other role scores 0: catalog order breaks the tie
    ]
    assert index.classifications(3, 3) == model  # no known staff role: the model's stand
    assert list(index.staff_set_) == [False, True, False]
    person = index.rank(text, top_k=3)
    assert person.matches[-1].id == 2  # a forensics resume fits the policy job least
