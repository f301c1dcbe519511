"""Staff classification reviews: the queue, accept and override, and where overrides are used."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from app.models import (
    AuditEntry,
    ClassificationReview,
    ClassificationSource,
    JobRoleClassification,
    WorkRoleOpmCode,
)
from app.services import matcher as matcher_service
from app.services.funding.links import open_jobs_for_role
from app.services.seekers import job_index
from app.services.seekers.jobs import JobFilters, browse_jobs
from app.services.staff import reviews
from app.services.staff.reviews import Decision, ReviewError

from .seeker_docs import FORENSICS_JOB_TEXT, add_job

FORENSICS = "IN-WRL-002"  # Digital Evidence Analysis
SOC = "PD-WRL-001"  # Defensive Cybersecurity
POLICY = "OG-WRL-013"


@pytest.fixture
def staff(db):
    from app.services.accounts import create_user

    user = create_user(
        db, "reviewer@example.gov", "Rita Reviewer", "a long passphrase", ["opm_staff"]
    )
    db.flush()
    return user


def classify(db, job, roles: list[tuple[str, float]]) -> None:
    """Stored model classifications, as `classify_jobs` writes them."""
    job.classifications = [
        JobRoleClassification(
            work_role_id=role, score=score, rank=rank, source=ClassificationSource.MODEL
        )
        for rank, (role, score) in enumerate(roles, start=1)
    ]
    db.flush()


def override(db, job, user, roles, reason="The duties are forensics.", code=None):
    return reviews.save_review(db, job, user, Decision("override", tuple(roles), code, reason))


# -- the queue --------------------------------------------------------------------------------


def test_the_queue_lists_the_least_confident_first_unclassified_before_all(db, catalog):
    sure = add_job(db, title="Sure")
    unsure = add_job(db, title="Unsure")
    unclassified = add_job(db, title="Unclassified")
    classify(db, sure, [(SOC, 91.0)])
    classify(db, unsure, [(POLICY, 12.5), (SOC, 9.0)])
    queue = reviews.review_queue(db, "unreviewed")
    ours = [item for item in queue.items if item.job.id in {sure.id, unsure.id, unclassified.id}]
    assert [item.job.title for item in ours] == ["Unclassified", "Unsure", "Sure"]
    assert [item.confidence for item in ours] == [None, 12.5, 91.0]
    explained = ours[2].explanation
    assert explained is not None and "Splunk" in explained.skills  # the SOC job's text
    assert len(explained.roles) == reviews.EXPLAINED_ROLES and explained.roles[0].score > 0


def test_the_queue_filters_by_review_status_and_pages(db, catalog, staff):
    jobs = [add_job(db, title=f"Job {i}") for i in range(5)]
    for i, job in enumerate(jobs):
        classify(db, job, [(SOC, 10.0 + i)])
    reviews.save_review(db, jobs[0], staff, Decision("accept"))
    override(db, jobs[1], staff, [FORENSICS])

    def titles(status, page=1, per_page=20):
        return [i.job.title for i in reviews.review_queue(db, status, page, per_page).items]

    assert titles("reviewed") == ["Job 1", "Job 0"]  # the latest decision first
    assert "Job 0" not in titles("unreviewed") and "Job 2" in titles("unreviewed")
    assert {"Job 0", "Job 2"} <= set(titles("all"))
    assert titles("nonsense") == titles("unreviewed")
    second = reviews.review_queue(db, "reviewed", page=2, per_page=1)
    assert second.total == 2 and second.pages == 2 and second.jobs[0].title == "Job 0"
    assert reviews.review_queue(db, "reviewed", page=99, per_page=1).page == 2
    latest = reviews.review_queue(db, "reviewed").items[0].review
    assert latest is not None and latest.action == "override"


# -- deciding ---------------------------------------------------------------------------------


def test_accepting_keeps_the_roles_as_staff_rows_audited(db, catalog, staff):
    job = add_job(db, title="Forensics")
    classify(db, job, [(FORENSICS, 88.0), (SOC, 20.0)])
    review = reviews.save_review(db, job, staff, Decision("accept", reason="Looks right."))
    assert [(c.work_role_id, c.score, c.source) for c in job.classifications] == [
        (FORENSICS, 88.0, ClassificationSource.STAFF),
        (SOC, 20.0, ClassificationSource.STAFF),
    ]
    assert all(c.reviewed_by_id == staff.id for c in job.classifications)
    assert (review.action, review.work_roles, review.user_id) == (
        "accept",
        [FORENSICS, SOC],
        staff.id,
    )
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "classification.accept"))
    assert entry.entity_type == "job" and entry.entity_id == str(job.id)
    assert entry.actor == staff.email
    assert entry.changes["before"]["source"] == "model"
    assert entry.changes["after"]["source"] == "staff"


def test_overriding_replaces_the_roles_primary_first_audited(db, catalog, staff):
    job = add_job(db, title="Forensics", summary=FORENSICS_JOB_TEXT)
    classify(db, job, [(SOC, 40.0), (POLICY, 10.0)])
    code = db.scalar(select(WorkRoleOpmCode.code).where(WorkRoleOpmCode.work_role_id == FORENSICS))
    review = override(db, job, staff, [FORENSICS, SOC], code=code)
    rows = [(c.work_role_id, c.rank, c.source) for c in job.classifications]
    assert rows == [(FORENSICS, 1, "staff"), (SOC, 2, "staff")]
    assert job.classifications[0].score > 50  # the matcher's own score, kept for reference
    stored = db.get(ClassificationReview, review.id)
    assert (stored.action, stored.work_roles, stored.opm_code) == (
        "override",
        [FORENSICS, SOC],
        code,
    )
    assert stored.reason == "The duties are forensics."
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "classification.override"))
    assert entry.changes["before"]["work_roles"] == [SOC, POLICY]
    assert entry.changes["after"]["work_roles"] == [FORENSICS, SOC]
    assert entry.changes["after"]["opm_code"] == code


def test_the_matcher_never_overwrites_an_override(db, catalog, staff, tmp_path):
    job = add_job(db, title="Forensics", summary=FORENSICS_JOB_TEXT)
    override(db, job, staff, [POLICY])
    job.classified_hash = None  # as if the text changed
    report = matcher_service.classify_jobs(db, matcher_service.role_matcher(db, tmp_path))
    assert report.skipped_staff >= 1
    assert [c.work_role_id for c in job.classifications] == [POLICY]


@pytest.mark.parametrize(
    ("decision", "field", "words"),
    [
        (Decision("maybe"), "action", "accept the classification or override"),
        (Decision("override", (), None, "why"), "role_1", "primary work role"),
        (Decision("override", (SOC, SOC), None, "why"), "role_2", "once"),
        (Decision("override", (SOC, "XX-WRL-999"), None, "why"), "role_2", "from the list"),
        (Decision("override", (SOC, FORENSICS, POLICY, "OG-WRL-001")), "role_1", "at most 3"),
        (Decision("override", (SOC,), "21", "why"), "opm_code", "3 digits"),
        (Decision("override", (SOC,), "２１２", "why"), "opm_code", "3 digits"),
        (Decision("override", (SOC,), "999", "why"), "opm_code", "not an OPM cyber code"),
        (Decision("override", (SOC,), None, "   "), "reason", "why you are overriding"),
    ],
)
def test_a_decision_that_cannot_stand_names_its_field(db, catalog, staff, decision, field, words):
    job = add_job(db)
    classify(db, job, [(SOC, 50.0)])
    with pytest.raises(ReviewError) as error:
        reviews.save_review(db, job, staff, decision)
    assert error.value.field == field and words in error.value.message
    assert (
        db.scalar(select(ClassificationReview).where(ClassificationReview.job_id == job.id)) is None
    )


def test_an_unclassified_job_can_be_overridden_but_not_accepted(db, catalog, staff):
    job = add_job(db)
    with pytest.raises(ReviewError, match="no classification to accept"):
        reviews.save_review(db, job, staff, Decision("accept"))
    override(db, job, staff, [SOC])
    assert [c.work_role_id for c in job.classifications] == [SOC]


# -- overrides are used everywhere ------------------------------------------------------------


def test_job_browse_by_role_follows_the_override(db, catalog, staff):
    job = add_job(db, title="Mislabelled forensics job", summary=FORENSICS_JOB_TEXT)
    classify(db, job, [(SOC, 70.0)])
    today = date.today()

    def browse(role):
        return [j.id for j in browse_jobs(db, JobFilters(work_role=role), today).jobs]

    assert job.id in browse(SOC) and job.id not in browse(FORENSICS)
    override(db, job, staff, [FORENSICS])
    assert job.id in browse(FORENSICS) and job.id not in browse(SOC)


def test_job_browse_reads_the_role_from_the_query_string():
    assert JobFilters.from_args({"role": " in-wrl-002 "}).work_role == FORENSICS
    assert JobFilters.from_args({"role": "DROP TABLE"}).work_role is None
    filters = JobFilters.from_args({"role": FORENSICS})
    assert filters.active() and filters.query_args() == {"role": FORENSICS}


def test_role_links_list_the_overridden_job_under_its_staff_role(db, catalog, staff):
    job = add_job(db, title="Mislabelled forensics job", summary=FORENSICS_JOB_TEXT)
    classify(db, job, [(SOC, 70.0)])
    today = date.today()
    override(db, job, staff, [FORENSICS])
    jobs, count = open_jobs_for_role(db, FORENSICS, today, limit=50)
    assert job in jobs and count >= 1
    assert job not in open_jobs_for_role(db, SOC, today, limit=50)[0]


def test_the_job_index_refits_with_the_staff_roles(db, catalog, staff, tmp_path):
    job_index.clear_cache()
    job = add_job(db, title="Forensic examiner", summary=FORENSICS_JOB_TEXT)
    classify(db, job, [(FORENSICS, 90.0)])
    model = matcher_service.role_matcher(db, tmp_path)
    before = job_index.job_index(db, model)
    assert before.classifications(job.id, 1)[0][0] == FORENSICS
    override(db, job, staff, [POLICY, SOC], reason="It is a policy job.")
    assert [p.roles for p in job_index.open_postings(db) if p.id == job.id] == [(POLICY, SOC)]
    model = matcher_service.role_matcher(db, tmp_path)
    after = job_index.job_index(db, model)
    assert after is not before  # the review changed the index's version
    assert after.classifications(job.id, 2) == [(POLICY, 100.0), (SOC, 90.0)]


def test_an_override_counts_from_the_next_request_while_the_index_refits(
    app, db, catalog, staff, tmp_path, monkeypatch
):
    job_index.clear_cache()
    job = add_job(db, title="Forensic examiner", summary=FORENSICS_JOB_TEXT)
    classify(db, job, [(FORENSICS, 90.0)])
    model = matcher_service.role_matcher(db, tmp_path)
    fitted = job_index.job_index(db, model)
    override(db, job, staff, [POLICY, SOC], reason="It is a policy job.")
    # A request of a site that refits in the background, while that refit has not finished.
    app.config["MODEL_REFIT"] = "background"
    refits = []
    monkeypatch.setattr(
        job_index.job_indexes, "_refit_in_background", lambda *args: refits.append(args)
    )
    with app.test_request_context("/match"):
        served = job_index.job_index(db, model)
        again = job_index.job_index(db, model)
    assert refits, "the new catalog version was seen and a refit asked for"
    assert job_index.job_indexes._entry[2] is fitted  # the index fitted before the override
    assert served.classifications(job.id, 2) == [(POLICY, 100.0), (SOC, 90.0)]
    assert fitted.classifications(job.id, 1)[0][0] == FORENSICS
    assert again is served  # laid over once per review, not per request


def test_an_accept_changes_the_job_index_version_but_not_the_role_model(db, catalog, staff):
    job = add_job(db)
    classify(db, job, [(SOC, 80.0)])
    model_version = matcher_service.catalog_version(db)
    index_version = job_index.reviews_version(db)
    reviews.save_review(db, job, staff, Decision("accept"))
    assert matcher_service.catalog_version(db) == model_version
    assert job_index.reviews_version(db) != index_version


# -- overrides feed the matcher ---------------------------------------------------------------


def test_overrides_are_the_role_model_labelled_examples(db, catalog, staff, monkeypatch):
    job = add_job(db, title="Forensic examiner", summary=FORENSICS_JOB_TEXT)
    assert matcher_service.override_examples(db) == []
    version = matcher_service.catalog_version(db)
    override(db, job, staff, [POLICY], reason="First thought.")
    override(db, job, staff, [FORENSICS, SOC], reason="On reflection.")
    examples = matcher_service.override_examples(db)
    assert [(e.job_id, e.roles) for e in examples] == [(job.id, [FORENSICS, SOC])]
    assert examples[0].text == matcher_service.job_text(job)
    assert matcher_service.catalog_version(db) != version  # so the role model refits

    seen = {}

    def build(spec, X=None, y=None, **params):
        seen.update(X=X, y=y)
        return "fitted"

    monkeypatch.setattr(matcher_service, "build_role_matcher", build)
    assert matcher_service._fit_role_matcher(db) == "fitted"
    assert seen == {"X": [examples[0].text], "y": [[FORENSICS, SOC]]}


def test_without_overrides_the_role_model_is_fitted_on_the_catalog_alone(db, catalog, monkeypatch):
    seen = {}

    def build(spec, *args, **params):
        seen.update(args=args, params=params)
        return "fitted"

    monkeypatch.setattr(matcher_service, "build_role_matcher", build)
    matcher_service._fit_role_matcher(db)
    assert seen == {"args": (), "params": {}}


def test_the_cli_exports_the_overrides_for_the_evaluation(loaded, scratch_database_url, tmp_path):
    from sqlalchemy.orm import sessionmaker

    from app.db import make_engine
    from app.services.accounts import create_user

    engine = make_engine(scratch_database_url)
    with sessionmaker(bind=engine, expire_on_commit=False)() as session:
        user = create_user(
            session, "staff@example.gov", "Staff", "a long passphrase", ["opm_staff"]
        )
        job = add_job(session, title="Forensic examiner", summary=FORENSICS_JOB_TEXT)
        session.add(
            ClassificationReview(
                job_id=job.id,
                user_id=user.id,
                action="override",
                work_roles=[FORENSICS],
                reason="x",
            )
        )
        session.commit()
        job_id, text = job.id, matcher_service.job_text(job)
    engine.dispose()
    out = tmp_path / "overrides.jsonl"
    result = loaded("classifications", "export", str(out))
    assert result.exit_code == 0, result.output
    assert "Wrote 1 overridden jobs." in result.output
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert lines == [{"id": job_id, "text": text, "roles": [FORENSICS]}]
