"""The staff pages of classification reviews: the queue, a job's review, and what others see."""

from __future__ import annotations

from sqlalchemy import select

from app.models import ClassificationReview, ClassificationSource, JobRoleClassification

from .conftest import check_page_structure, login
from .seeker_docs import FORENSICS_JOB_TEXT, add_job

FORENSICS = "IN-WRL-002"  # Digital Evidence Analysis
SOC = "PD-WRL-001"  # Defensive Cybersecurity
REASON = "The duties are disk and memory forensics, not monitoring."


def mislabelled(db):
    """A forensics job the matcher (as stored) put under Defensive Cybersecurity."""
    job = add_job(db, title="Mislabelled Examiner", summary=FORENSICS_JOB_TEXT)
    job.classifications = [
        JobRoleClassification(
            work_role_id=SOC, score=14.0, rank=1, source=ClassificationSource.MODEL
        )
    ]
    db.commit()
    return job


def test_the_queue_is_for_staff_only(client, db):
    assert client.get("/staff/classifications/queue").status_code == 302
    login(client, db, "po@example.gov", ("program_office",))
    assert client.get("/staff/classifications/queue").status_code == 403
    assert client.get("/staff/classifications/1").status_code == 403


def test_the_queue_shows_confidence_and_the_matchers_explanation(client, db, catalog):
    job = mislabelled(db)
    login(client, db)
    for url in ("/staff/classifications", "/staff/classifications/queue?status=unreviewed"):
        html = client.get(url).get_data(as_text=True)
        check_page_structure(html)
        assert "Mislabelled Examiner" in html
        assert f'href="/staff/classifications/{job.id}"' in html
        assert "Defensive Cybersecurity</a> (14, model)" in html
        assert "Skills found: FTK (Forensic Toolkit)" in html
        assert "Role scores: Digital Evidence Analysis" in html
        assert '<option value="unreviewed" selected>' in html
    html = client.get("/staff/classifications/queue?status=reviewed").get_data(as_text=True)
    check_page_structure(html)
    assert "Mislabelled Examiner" not in html and '<option value="reviewed" selected>' in html
    for odd in ("?status=bogus", "?page=-1", "?page=99999999999999", "?page=%EF%BC%92"):
        assert client.get("/staff/classifications/queue" + odd).status_code == 200


def test_a_review_page_explains_and_offers_the_decision(client, db, catalog):
    job = mislabelled(db)
    login(client, db)
    response = client.get(f"/staff/classifications/{job.id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    check_page_structure(html)
    assert "Mislabelled Examiner" in html and "The matcher's explanation" in html
    assert "Digital Evidence Analysis (IN-WRL-002)" in html  # the matcher's own best role
    assert '<legend class="usa-legend">Your decision</legend>' in html
    assert 'for="role_1">Primary work role' in html and 'for="reason">Reason' in html
    assert f'<option selected value="{SOC}">' in html  # starts from the stored roles
    assert "No one has reviewed this job yet." in html
    assert client.get("/staff/classifications/999999999").status_code == 404


def test_an_override_without_a_reason_is_refused_by_the_field(client, db, catalog):
    job = mislabelled(db)
    login(client, db)
    response = client.post(
        f"/staff/classifications/{job.id}",
        data={"action": "override", "role_1": FORENSICS, "opm_code": "99x", "reason": ""},
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    check_page_structure(html)
    assert "Please correct 1 problem" in html
    assert 'href="#opm_code"' in html and "3 digits" in html  # the first problem found
    assert 'aria-invalid="true"' in html
    response = client.post(
        f"/staff/classifications/{job.id}", data={"action": "override", "role_1": FORENSICS}
    )
    html = response.get_data(as_text=True)
    assert 'href="#reason"' in html and "Say why you are overriding" in html
    assert client.post(f"/staff/classifications/{job.id}", data={}).status_code == 200
    assert (
        db.scalar(select(ClassificationReview).where(ClassificationReview.job_id == job.id)) is None
    )


def test_an_override_is_shown_everywhere_the_reason_only_to_staff(client, db, catalog):
    job = mislabelled(db)
    login(client, db)
    response = client.post(
        f"/staff/classifications/{job.id}",
        data={"action": "override", "role_1": FORENSICS, "role_2": "", "reason": REASON},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/staff/classifications/queue")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "“Mislabelled Examiner” is overridden" in html
    assert f'href="/staff/classifications/{job.id}"' not in html  # no longer unreviewed

    reviewed = client.get("/staff/classifications/queue?status=reviewed").get_data(as_text=True)
    assert "Mislabelled Examiner" in reviewed and REASON in reviewed
    page = client.get(f"/staff/classifications/{job.id}").get_data(as_text=True)
    check_page_structure(page)
    assert REASON in page and "Overridden" in page and "user@example.gov" in page

    public = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    check_page_structure(public)
    assert "Work roles set by OPM staff" in public
    assert "Digital Evidence Analysis" in public and "Set by OPM staff" in public
    assert REASON not in public
    browse = client.get(f"/jobs/?role={FORENSICS}").get_data(as_text=True)
    assert "Mislabelled Examiner" in browse
    assert "Mislabelled Examiner" not in client.get(f"/jobs/?role={SOC}").get_data(as_text=True)


def test_the_staff_opm_code_is_shown_on_the_job_page_and_in_the_api(client, db, catalog):
    job = mislabelled(db)
    login(client, db)
    data = {"action": "override", "role_1": FORENSICS, "opm_code": "212", "reason": REASON}
    assert client.post(f"/staff/classifications/{job.id}", data=data).status_code == 302
    public = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "They gave the job OPM cyber code <strong>212</strong>." in public
    assert "212 (set by OPM staff)" in public  # not Digital Evidence Analysis's own 211
    assert client.get(f"/api/v1/jobs/{job.id}").get_json()["staff_opm_code"] == "212"


def test_a_job_no_one_reviewed_has_no_staff_opm_code(client, db, catalog):
    job = mislabelled(db)
    assert "set by OPM staff" not in client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert client.get(f"/api/v1/jobs/{job.id}").get_json()["staff_opm_code"] is None


def test_accepting_needs_no_reason(client, db, catalog):
    job = mislabelled(db)
    login(client, db)
    response = client.post(f"/staff/classifications/{job.id}", data={"action": "accept"})
    assert response.status_code == 302
    [review] = db.scalars(select(ClassificationReview).where(ClassificationReview.job_id == job.id))
    assert (review.action, review.work_roles, review.reason) == ("accept", [SOC], None)
    public = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "Work roles set by OPM staff" in public
