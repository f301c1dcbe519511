"""The matcher composed with the database: catalog from the DB, cached models, job roles."""

from sqlalchemy import select

from app.catalog.nice_import import import_workbook
from app.models import AuditEntry, ClassificationSource, JobListing, JobRoleClassification
from app.services import matcher as service
from app.services.ingest.store import Ingestor
from scrapers.records import JobRecord

SOC_JOB = JobRecord(
    source="usajobs",
    source_id="811000001",
    title="IT Specialist (INFOSEC) - Security Operations Center Analyst",
    summary="Monitor SIEM alerts in Splunk, triage intrusion detection events, analyse "
    "network traffic with Zeek and Wireshark, and escalate incidents.",
    body="Tune Suricata signatures. Hunt for threats across endpoints with CrowdStrike.",
)


def test_catalog_spec_comes_from_the_database(db, catalog, nice_workbook):
    spec = service.catalog_spec(db)
    assert len(spec.roles) == 41 and len(spec.skills) == catalog.counts["skills"]
    role = spec.role("PD-WRL-001")
    assert role.opm_codes == ("511",) and role.statements == ()
    import_workbook(db, nice_workbook)
    db.flush()
    assert len(service.catalog_spec(db).role("PD-WRL-001").statements) == 3


def test_the_fitted_model_is_cached_and_refitted_when_the_catalog_changes(db, catalog, tmp_path):
    service.role_matchers.clear()
    first = service.role_matcher(db, tmp_path)
    assert service.role_matcher(db, tmp_path) is first
    assert len(list(tmp_path.glob("*.pickle"))) == 1
    service.role_matchers.clear()  # a new process: loads the pickle instead of fitting
    loaded = service.role_matcher(db, tmp_path)
    assert loaded is not first and loaded.rank("Splunk SIEM alert triage")[0].id == (
        first.rank("Splunk SIEM alert triage")[0].id
    )
    db.add(AuditEntry(actor="test", action="catalog.load", entity_type="catalog", changes={}))
    db.flush()
    assert service.role_matcher(db, tmp_path) is not loaded
    assert len(list(tmp_path.glob("*.pickle"))) == 2


def test_jobs_are_classified_once_per_content_and_staff_overrides_stay(db, catalog, tmp_path):
    model = service.role_matcher(db, tmp_path)
    Ingestor(db).store(SOC_JOB)
    report = service.classify_jobs(db, model)
    assert report.classified == 1
    job = db.scalar(select(JobListing).where(JobListing.source_id == "811000001"))
    roles = [c.work_role_id for c in job.classifications]
    assert len(roles) == 3 and roles[0] in {"PD-WRL-001", "PD-WRL-003"}
    assert service.classify_jobs(db, model).classified == 0  # unchanged content

    job.classifications = [
        JobRoleClassification(
            work_role_id="PD-WRL-006", score=100, rank=1, source=ClassificationSource.STAFF
        )
    ]
    job.classified_hash = None
    db.flush()
    report = service.classify_jobs(db, model)
    assert report.skipped_staff == 1
    assert [c.work_role_id for c in job.classifications] == ["PD-WRL-006"]
