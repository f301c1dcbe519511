"""Job seekers in a real browser: upload to results, deadlines, deletion, bad files, keyboard,
axe-core and reflow. Runs against the live app with the sample listings loaded."""

import logging
from contextlib import contextmanager
from pathlib import Path

import pytest
from icalendar import Calendar

from .conftest import axe_violations, save_screenshot
from .seeker_docs import (
    FORENSICS_RESUME,
    SECRET_PHRASE,
    SOC_RESUME,
    docx_resume,
    image_only_pdf,
    oversized_pdf,
    pdf_resume,
    renamed_binary,
)

pytestmark = pytest.mark.browser

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@contextmanager
def captured_logs():
    """Every log record the process writes meanwhile (the live server runs in this process)."""
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    root, handler = logging.getLogger(), Keep(level=logging.DEBUG)
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield records
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def upload(page, name: str, mime: str, data: bytes) -> None:
    page.set_input_files("#resume", files=[{"name": name, "mimeType": mime, "buffer": data}])


def answer(page, question: str, option: str) -> None:
    """Pick a radio option the way a person does: by clicking its label."""
    page.get_by_role("group", name=question).get_by_text(option, exact=True).click()


def test_a_pdf_resume_leads_to_roles_paths_jobs_deadlines_and_deletion(page, live_server):
    with captured_logs() as records:
        page.goto(live_server + "/match")
        assert page.locator("h1").count() == 1
        assert axe_violations(page) == []
        save_screenshot(page, "seeker-match")

        upload(page, "resume.pdf", PDF, pdf_resume(f"{SOC_RESUME}\n{SECRET_PHRASE}", pages=3))
        answer(page, "Are you a U.S. citizen?", "Yes")
        answer(page, "Are you a veteran?", "Yes")
        page.get_by_label("Service-connected disability rating, in percent").fill("30")
        page.get_by_label("Security clearance you hold now").select_option("secret")
        page.get_by_role("button", name="See my matches").click()
        page.wait_for_url("**/match/results/*")
        results_url = page.url
        assert SECRET_PHRASE not in results_url

        assert page.locator("h1").inner_text() == "Your matches"
        assert "longer than USAJOBS allows" in page.locator("#page-limit").inner_text()
        assert page.locator("#work-roles article h3").first.inner_text() == (
            "Defensive Cybersecurity"
        )
        assert page.locator("#work-roles mark").first.is_visible()
        eligible = page.locator("#hiring-paths").inner_text().split("We need to know more")[0]
        assert "30 Percent or More Disabled Veteran" in eligible
        rows = page.locator("#jobs-table tbody tr")
        assert rows.count() >= 3
        for i in range(rows.count()):
            row = rows.nth(i)
            assert row.locator("a[href^='https://www.usajobs.gov/job/']").count() == 1
            assert "Sample listing" in row.text_content()
            closes = row.locator("td[data-label='Closes']").inner_text()
            assert "days left" in closes or "day left" in closes or "Closes today" in closes
        assert axe_violations(page) == []
        save_screenshot(page, "seeker-results")

        page.get_by_role("link", name="closing date", exact=True).click()
        page.wait_for_url("**sort=deadline*")
        shown = page.locator("#jobs-table time").evaluate_all("els => els.map(e => e.dateTime)")
        assert shown == sorted(shown)

        with page.expect_download() as download:
            page.get_by_role("link", name="Download deadlines (.ics)").click()
        calendar = Calendar.from_ical(Path(download.value.path()).read_bytes())
        events = list(calendar.walk("VEVENT"))
        assert len(events) == len(shown)
        assert sorted(e.decoded("DTSTART").isoformat() for e in events) == shown
        assert all(str(e["URL"]).startswith("https://www.usajobs.gov/job/") for e in events)

        page.get_by_role("button", name="Delete my data").click()
        page.wait_for_url("**/match")
        assert "We deleted your resume text" in page.locator("main").inner_text()
        assert page.goto(results_url).status == 404
        assert page.goto(results_url + "/deadlines.ics").status == 404

    assert records, "the server logged its requests"
    for record in records:
        message = record.getMessage()
        assert SECRET_PHRASE not in message and "Northwind Federal" not in message


def test_a_docx_resume_and_every_question_work_by_keyboard_alone(page, live_server):
    page.goto(live_server + "/match")
    upload(page, "cv.docx", DOCX, docx_resume(FORENSICS_RESUME))
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Skip to main content"

    visited: list[str] = []
    for _ in range(150):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "(() => { const e = document.activeElement;"
            " return {id: e.id, text: e.textContent.trim(), tag: e.tagName,"
            " outline: getComputedStyle(e).outlineStyle}; })()"
        )
        visited.append(focused["id"] or focused["text"])
        if focused["id"] == "student-2":
            page.keyboard.press("ArrowRight")  # from "Prefer not to say" round to "Yes"
        elif focused["id"] == "graduation":
            assert focused["outline"] != "none"  # the focus is visible
            page.keyboard.type("05/2027")
        elif focused["id"] == "location":
            page.keyboard.type("Maryland")
        elif focused["text"] == "See my matches":
            assert focused["outline"] != "none"
            page.keyboard.press("Enter")
            break
    else:
        pytest.fail(f"the submit button was never reached by Tab: {visited}")

    fields = ["resume", "resume_text", "keep_file", "student-2", "graduation", "us_citizen-2",
              "veteran-2", "disability_rating", "military_spouse-2", "federal-3",
              "sfs_scholar-2", "clearance", "location", "remote-0", "See my matches"]  # fmt: skip
    reached = [v for v in visited if v in fields]
    assert reached == fields, visited

    page.wait_for_url("**/match/results/*")
    assert "Digital" in page.locator("#work-roles article h3").first.inner_text()
    eligible = page.locator("#hiring-paths").inner_text().split("We need to know more")[0]
    assert "Pathways Internship Program" in eligible  # the student answer counted
    # Maryland and every other answer leave few sample jobs: they may all fall under the fit
    # threshold, and then show as "Other open jobs".
    assert page.locator("#jobs-table tbody tr, #other-jobs li").count() >= 1
    save_screenshot(page, "seeker-results-docx")


BAD_FILES = [
    ("empty.pdf", PDF, b"", "This file is empty"),
    ("scan.pdf", PDF, image_only_pdf(), "seems to be a scanned image"),
    ("resume.pdf", PDF, renamed_binary(), "named .pdf, but it is actually a PNG image"),
    ("big.pdf", PDF, oversized_pdf(), "the limit is 5 MB"),
]


def test_bad_files_each_get_their_message_on_the_form(page, live_server):
    for name, mime, data, message in BAD_FILES:
        page.goto(live_server + "/match")
        upload(page, name, mime, data)
        page.get_by_label("Where would you like to work?").fill("Ohio")
        answer(page, "Are you a veteran?", "No")
        page.get_by_role("button", name="See my matches").click()
        page.wait_for_load_state()
        assert "/match" in page.url and "results" not in page.url
        assert message in page.locator("#resume-error").inner_text(), name
        summary = page.locator("#error-summary")
        assert summary.get_attribute("role") == "alert" and summary.is_visible()
        assert page.get_by_label("Where would you like to work?").input_value() == "Ohio"
        assert page.locator("#veteran-1").is_checked()  # the answers are kept
    assert axe_violations(page) == []
    save_screenshot(page, "seeker-match-errors")


def test_job_pages_pass_axe_and_every_page_reflows_at_200_percent_and_on_a_phone(
    browser, page, live_server
):
    page.goto(live_server + "/jobs/")
    assert axe_violations(page) == []
    save_screenshot(page, "seeker-jobs")
    page.locator("label[for=remote]").click()  # USWDS styles the label; the box is hidden
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**remote=1*")
    items = page.locator(".usa-collection__item")
    assert 1 <= items.count() <= 20
    items.first.locator("h3 a").click()
    page.wait_for_url("**/jobs/*")
    job_path = page.url.removeprefix(live_server)
    assert "Remote job" in page.locator(".pf-facts").inner_text()
    assert page.locator("#roles-heading").is_visible()
    assert axe_violations(page) == []
    save_screenshot(page, "seeker-job")
    page.goto(live_server + "/jobs/closing-soon")
    assert axe_violations(page) == []
    save_screenshot(page, "seeker-closing-soon")

    page.goto(live_server + "/match")
    page.get_by_label("Or paste your resume as text").fill(SOC_RESUME)
    page.get_by_role("button", name="See my matches").click()
    page.wait_for_url("**/match/results/*")
    results_path = page.url.removeprefix(live_server)

    # 200% zoom of a 1280px window is a 640 CSS-pixel viewport; 375px is a phone.
    for width in (640, 375):
        context = browser.new_context(viewport={"width": width, "height": 900})
        narrow = context.new_page()
        for path in ("/match", results_path, "/jobs/", job_path, "/jobs/closing-soon"):
            narrow.goto(live_server + path)
            overflow = narrow.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 1, f"{path} scrolls sideways by {overflow}px at {width}px"
        context.close()
