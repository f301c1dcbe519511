"""An agency poster in a real browser: a draft with an error (input kept), the matcher's coding
suggestions, publish, the opening in /jobs/ and in a job seeker's matches, edit, close; another
agency's poster cannot see it. axe-core on the way.

The live database is shared by the session's browser tests, so the opening, its job and the
agencies are removed afterwards.
"""

from __future__ import annotations

import re
import shutil
import time
import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import delete, select

from app.models import Agency, AgencyOpening, JobListing, JobRoleClassification, User

from .conftest import REPO_ROOT, axe_violations, save_screenshot, sign_in

pytestmark = pytest.mark.browser

PASSWORD = "a long agency passphrase"
TITLE = f"SOC Analyst (browser test {uuid.uuid4().hex[:6]})"
DUTIES = (
    "Monitor SIEM alerts in Splunk around the clock, triage intrusion detection events, "
    "analyze packet captures with Wireshark, hunt for threats on endpoints with EDR tools and "
    "escalate incidents to the incident response team."
)
RESUME = (
    "Security operations analyst, five years on a federal SOC. I monitor SIEM alerts in "
    "Splunk, triage intrusion detection events, analyze packet captures with Wireshark, hunt "
    "threats with EDR tools and write incident reports. B.S. in Information Systems, 2019."
)
REFIT_SECONDS = 60
# The README's picture is a copy of the coding-help screenshot (docs/screenshots/).
README_PICTURE = REPO_ROOT / "docs" / "screenshots" / "agency-coding-help.png"


@pytest.fixture
def posters(live_session):
    """Two posters of two agencies made for the test; everything they made removed after."""
    from app.services.accounts import create_user

    tag = uuid.uuid4().hex[:6].upper()
    agencies = [Agency(code=f"BT{tag}{n}", name=f"Browser Test Agency {n}") for n in (1, 2)]
    live_session.add_all(agencies)
    live_session.flush()
    emails = []
    for n, agency in enumerate(agencies, start=1):
        email = f"poster{n}-{tag.lower()}@example.gov"
        user = create_user(live_session, email, f"Poster {n}", PASSWORD, ["agency_poster"])
        user.agency_id = agency.id
        emails.append(email)
    live_session.commit()
    try:
        yield emails
    finally:
        live_session.rollback()
        ids = [a.id for a in agencies]
        jobs = list(
            live_session.scalars(
                select(AgencyOpening.job_id).where(
                    AgencyOpening.agency_id.in_(ids), AgencyOpening.job_id.is_not(None)
                )
            )
        )
        live_session.execute(delete(AgencyOpening).where(AgencyOpening.agency_id.in_(ids)))
        live_session.execute(
            delete(JobRoleClassification).where(JobRoleClassification.job_id.in_(jobs))
        )
        live_session.execute(delete(JobListing).where(JobListing.id.in_(jobs)))
        for user in live_session.scalars(select(User).where(User.email.in_(emails))):
            user.agency_id = None
        live_session.execute(delete(Agency).where(Agency.id.in_(ids)))
        live_session.commit()


def tick(page, name: str, value: str) -> None:
    """Tick a USWDS checkbox by its label (the input itself is drawn off-screen)."""
    box = page.locator(f'input[name="{name}"][value="{value}"]')
    page.locator(f'label[for="{box.get_attribute("id")}"]').click()
    assert box.is_checked()


def seek_jobs(page, base: str) -> str:
    page.goto(base + "/match")
    page.get_by_label("Or paste your resume as text").fill(RESUME)
    page.get_by_role("button", name="See my matches").click()
    page.wait_for_url("**/match/results/*")
    return page.locator("#open-jobs").inner_text()


def test_a_poster_drafts_codes_publishes_edits_and_closes_an_opening(
    browser, page, live_server, posters
):
    base = live_server
    sign_in(page, base, posters[0], PASSWORD)
    page.goto(base + "/agency/")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Post an opening").click()

    # A draft with an error: the close date before the open date. What was typed stays.
    today = date.today()
    page.get_by_label("Job title").fill(TITLE)
    page.get_by_label("Open date").fill(str(today + timedelta(days=10)))
    page.get_by_label("Close date").fill(str(today + timedelta(days=2)))
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_load_state()
    assert page.locator("#error-summary-heading").count() == 1
    assert page.locator("#close_date-error").count() == 1
    assert page.get_by_label("Job title").input_value() == TITLE

    # The rest of the opening, and the matcher's coding suggestions for its duties.
    page.get_by_label("Close date").fill(str(today + timedelta(days=2)))  # first in /jobs/
    page.get_by_label("Open date").fill(str(today))
    page.get_by_label("Announcement number").fill(f"BT-{uuid.uuid4().hex[:8]}")
    tick(page, "series", "2210")
    page.get_by_label("Pay plan").fill("GS")
    page.get_by_label("Lowest grade").fill("11")
    page.get_by_label("Highest grade").fill("13")
    page.get_by_label("Lowest salary (dollars a year)").fill("80000")
    page.get_by_label("Highest salary (dollars a year)").fill("120000")
    page.get_by_label("Locations").fill("Arlington, VA")
    tick(page, "hiring_paths", "public")
    page.get_by_label("Duties").fill(DUTIES)
    page.get_by_label("Qualifications").fill("One year of specialized experience in a SOC.")
    page.get_by_label("How to apply").fill("https://www.usajobs.gov/job/000000000")
    page.get_by_role("button", name="Suggest work roles").click()
    page.wait_for_load_state()
    panel = page.locator("#coding-help")
    assert "Defensive Cybersecurity" in panel.inner_text()
    assert "Splunk" in panel.inner_text()  # the evidence
    assert page.get_by_label("Job title").input_value() == TITLE  # nothing lost
    assert axe_violations(page) == []
    panel.scroll_into_view_if_needed()
    picture = save_screenshot(page, "agency-coding-help")
    page.screenshot(path=str(picture))  # the viewport: the panel, not the whole long form
    assert picture.stat().st_size < 400_000
    shutil.copyfile(picture, README_PICTURE)
    page.get_by_role("button", name="Use these").click()
    page.wait_for_load_state()
    assert page.get_by_label("Primary work role").input_value() == "PD-WRL-001"
    assert "511" in page.get_by_label("OPM cyber codes").input_value()

    page.get_by_role("button", name="Save draft").click()
    page.wait_for_url("**/agency/openings/*")
    opening_url = page.url
    page.get_by_role("button", name="Publish").click()
    page.wait_for_load_state()
    assert "Published" in page.locator("main").inner_text()
    assert axe_violations(page) == []

    # Job seekers find it in /jobs/ and, for a fitting resume, in their matches.
    seeker = browser.new_context().new_page()
    seeker.goto(base + "/jobs/")
    assert TITLE in seeker.locator("main").inner_text()
    deadline = time.monotonic() + REFIT_SECONDS
    while TITLE not in seek_jobs(seeker, base):  # the job index refits in the background
        assert time.monotonic() < deadline, "the opening never reached the seeker's matches"
        time.sleep(1)

    # Another agency's poster can neither see nor edit it.
    other = browser.new_context().new_page()
    sign_in(other, base, posters[1], PASSWORD)
    assert other.goto(opening_url).status == 404
    assert other.goto(opening_url + "/edit").status == 404
    other.context.close()

    # Edit the published opening (a new version), then close it.
    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Job title").fill(TITLE + " II")
    page.get_by_role("button", name="Save").first.click()
    page.wait_for_url(opening_url)
    assert TITLE + " II" in page.locator("h1").inner_text()
    page.get_by_role("button", name="Close").first.click()
    page.wait_for_load_state()
    assert "Closed" in page.locator("main").inner_text()
    seeker.goto(base + "/jobs/")
    assert TITLE not in seeker.locator("main").inner_text()
    seeker.context.close()


def test_coding_help_answers_as_the_poster_types_and_enter_saves_the_draft(
    page, live_server, posters
):
    sign_in(page, live_server, posters[0], PASSWORD)
    page.goto(live_server + "/agency/openings/new")
    form_url = page.url
    page.get_by_label("Job title").fill(TITLE)
    page.get_by_label("Duties").fill(DUTIES)  # no button pressed: the script asks as one types
    panel = page.locator("#coding-help")
    panel.get_by_text("Defensive Cybersecurity").first.wait_for(timeout=15_000)
    assert "Splunk" in panel.inner_text()
    assert page.url == form_url  # answered in place, the form as typed
    assert page.get_by_label("Duties").input_value() == DUTIES
    assert axe_violations(page) == []

    # Enter in a field saves the draft (the form's default button), not another suggestion.
    page.get_by_label("Job title").press("Enter")
    page.wait_for_url(re.compile(r"/agency/openings/\d+$"))
    assert "Created as a draft" in page.locator("main").inner_text()
    assert TITLE in page.locator("h1").inner_text()
