"""OPM staff in a real browser: review the classification queue, override a job's work roles
with a reason, and find the job under that role in job browsing and on its page, with axe-core
on the way.

The test changes a sample job of the session's shared live database, so it puts the job back
as the matcher classified it afterwards (the other browser tests read that database).
"""

import uuid
from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import delete, select

from app.models import (
    ClassificationReview,
    ClassificationSource,
    JobListing,
    JobRoleClassification,
    JobStatus,
)

from .conftest import axe_violations, save_screenshot, sign_in

pytestmark = pytest.mark.browser

PASSWORD = "a long staff passphrase"
REASON = "The duties are writing policy, not running the network."
POLICY_ROLE = ("OG-WRL-002", "Cybersecurity Policy and Planning")


@pytest.fixture
def staff_email(live_session):
    from app.services.accounts import create_user

    email = f"reviewer-{uuid.uuid4().hex[:8]}@example.gov"
    create_user(live_session, email, "Rita Reviewer", PASSWORD, ["opm_staff"])
    live_session.commit()
    return email


@pytest.fixture
def sample_job(live_session, tmp_path):
    """An open sample job the matcher classified outside the policy role; restored afterwards."""
    from app.services.matcher import classify_jobs, role_matcher

    jobs = live_session.scalars(
        select(JobListing)
        .where(JobListing.status == JobStatus.OPEN, JobListing.duplicate_of_id.is_(None))
        .order_by(JobListing.id)
    ).all()
    job = next(
        j
        for j in jobs
        if j.classifications
        and POLICY_ROLE[0] not in {c.work_role_id for c in j.classifications}
        and (j.close_date is None or j.close_date >= date.today())  # browsing lists it
    )
    found = SimpleNamespace(id=job.id, title=job.title)
    live_session.rollback()  # no transaction left open: SQLite would refuse the site's writes
    yield found
    live_session.execute(
        delete(ClassificationReview).where(ClassificationReview.job_id == found.id)
    )
    live_session.execute(
        delete(JobRoleClassification).where(
            JobRoleClassification.job_id == found.id,
            JobRoleClassification.source == ClassificationSource.STAFF,
        )
    )
    live_session.get(JobListing, found.id).classified_hash = None
    live_session.flush()
    classify_jobs(live_session, role_matcher(live_session, tmp_path))
    live_session.commit()


def test_staff_override_a_classification_and_see_it_used(
    page, live_server, staff_email, sample_job
):
    role_id, role_name = POLICY_ROLE
    sign_in(page, live_server, staff_email, PASSWORD)
    page.goto(live_server + "/staff/classifications")
    assert page.locator("h1").inner_text() == "Job classifications"
    assert page.get_by_text("Skills found:").count() >= 1
    assert axe_violations(page) == []

    page.goto(f"{live_server}/staff/classifications/{sample_job.id}")
    assert sample_job.title in page.locator("h1").inner_text()
    assert axe_violations(page) == []

    # An override needs a reason: the error is by the field and in the summary.
    page.locator("label", has_text="Override the work roles").click()
    page.get_by_label("Primary work role").select_option(role_id)
    page.get_by_label("Second work role (optional)").select_option("")
    page.get_by_label("Third work role (optional)").select_option("")
    page.get_by_role("button", name="Save the decision").click()
    page.get_by_role("heading", name="Please correct 1 problem").wait_for()
    assert page.get_by_label("Reason").get_attribute("aria-invalid") == "true"
    assert axe_violations(page) == []

    page.locator("label", has_text="Override the work roles").click()
    page.get_by_label("Primary work role").select_option(role_id)
    page.get_by_label("Second work role (optional)").select_option("")
    page.get_by_label("Third work role (optional)").select_option("")
    page.get_by_label("Reason").fill(REASON)
    page.get_by_role("button", name="Save the decision").click()
    page.wait_for_url("**/staff/classifications/queue")
    page.get_by_text("is overridden").wait_for()
    save_screenshot(page, "staff-classification-queue")

    # Job browsing, filtered by the role staff set, lists the job; its page says who set it.
    page.goto(f"{live_server}/jobs/?role={role_id}")
    assert page.get_by_role("link", name=sample_job.title).count() >= 1
    assert axe_violations(page) == []
    page.get_by_role("link", name=sample_job.title).first.click()
    assert page.locator("h1").inner_text() == sample_job.title
    assert page.get_by_text("Work roles set by OPM staff").count() == 1
    assert page.get_by_role("link", name=role_name).count() >= 1
    assert page.get_by_text(REASON).count() == 0  # the reason is for staff only
    assert axe_violations(page) == []
    save_screenshot(page, "job-with-staff-roles")
