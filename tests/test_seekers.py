import io
import logging
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from bs4 import BeautifulSoup
from icalendar import Calendar

from app.models import (
    ClassificationSource,
    JobRoleClassification,
    JobStatus,
    MatchRequest,
)
from app.services.seekers import job_index
from app.services.seekers.matches import OTHER_JOBS
from matching.evaluate_jobs import DEFAULT_JOBS, load_sample_postings
from matching.jobs import JOB_FIT_THRESHOLD

from .conftest import check_page_structure
from .seeker_docs import (
    FORENSICS_JOB_TEXT,
    SOC_RESUME,
    add_job,
    docx_resume,
    image_only_pdf,
    oversized_pdf,
    pdf_resume,
    renamed_binary,
)


def test_work_roles_are_listed_by_category(client, catalog):
    response = client.get("/pathways/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    check_page_structure(html)
    soup = BeautifulSoup(html, "html.parser")
    headings = [h.get_text(" ", strip=True) for h in soup.find_all("h2")]
    assert any("Protection and Defense" in h for h in headings)
    assert len(headings) == 5
    role_links = [a for a in soup.find_all("a") if "/pathways/roles/" in a.get("href", "")]
    assert len(role_links) == 41


def test_role_page_shows_code_skills_certifications_and_pathways(client, catalog):
    response = client.get("/pathways/roles/PD-WRL-001")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    check_page_structure(html)
    soup = BeautifulSoup(html, "html.parser")
    assert soup.h1.get_text(strip=True) == "Defensive Cybersecurity"
    facts = soup.find("dl", class_="pf-facts").get_text(" ", strip=True)
    assert "511" in facts and "Protection and Defense" in facts
    assert soup.find(id="skills-heading") and "Core skills" in html
    certs = soup.find(id="certs-heading").find_parent("section").get_text(" ", strip=True)
    assert "CySA+" in certs
    paths = soup.find(id="paths-heading").find_parent("section")
    assert paths.find("a", href=lambda h: h and h.startswith("/pathways/hiring-paths/"))


def test_role_page_lists_certifications_apart_and_near_duplicate_skills_once(client, catalog):
    html = client.get("/pathways/roles/DD-WRL-001").get_data(as_text=True)
    soup = BeautifulSoup(html, "html.parser")
    skills = soup.find(id="skills-heading").find_parent("section")
    names = [li.get_text(strip=True) for li in skills.find_all("li")]
    assert "Security Architecture" in names
    assert not [n for n in names if "GIAC" in n or "Certified" in n or "Certification" in n]
    assert [n for n in names if n.startswith("Public Key Infrastructure")] == [
        "Public Key Infrastructure (PKI)"
    ]
    certs = soup.find(id="certs-heading").find_parent("section").get_text(" ", strip=True)
    assert "GIAC Certified Intrusion Analyst" in certs  # in the qualifying table
    assert "Other certifications that show this work" in certs
    assert "TOGAF Certification" in certs  # a certification of the lexicon, outside the table


def test_role_ids_are_case_insensitive_and_unknown_ones_404(client, catalog):
    assert client.get("/pathways/roles/pd-wrl-002").status_code == 200
    assert client.get("/pathways/roles/PD-WRL-999").status_code == 404


def test_hiring_paths_list_and_detail(client, catalog):
    response = client.get("/pathways/hiring-paths/")
    html = response.get_data(as_text=True)
    check_page_structure(html)
    soup = BeautifulSoup(html, "html.parser")
    links = [a["href"] for a in soup.select("tbody a")]
    assert len(links) >= 15
    detail = client.get(links[0])
    assert detail.status_code == 200
    check_page_structure(detail.get_data(as_text=True))
    assert "Official page for" in detail.get_data(as_text=True)


def test_ended_pathways_say_so_in_words(client, catalog):
    html = client.get("/pathways/hiring-paths/").get_data(as_text=True)
    assert "Ended" in html


def test_pages_without_a_catalog_explain_what_to_do(scratch_database_url):
    from app import create_app, migrate

    migrate.upgrade(scratch_database_url)
    app = create_app({"ENV_NAME": "testing", "DATABASE_URL": scratch_database_url})
    html = app.test_client().get("/pathways/").get_data(as_text=True)
    assert "pathfinder catalog load" in html


# -- matching a resume ------------------------------------------------------------------------

NO_ANSWERS = {
    "student": "skip",
    "us_citizen": "skip",
    "veteran": "skip",
    "military_spouse": "skip",
    "federal": "skip",
    "sfs_scholar": "skip",
    "remote": "any",
}


def submit(client, **fields):
    data = {**NO_ANSWERS, **fields}
    return client.post("/match", data=data, content_type="multipart/form-data")


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def error_for(soup: BeautifulSoup, field_id: str) -> str:
    """The error shown next to a field; the field points at it with aria-describedby."""
    message = soup.find(id=f"{field_id}-error")
    assert message is not None, f"no error next to {field_id}"
    target = soup.find(id=field_id) or soup.find(id=f"{field_id}-0").find_parent("fieldset")
    assert f"{field_id}-error" in target.get("aria-describedby", "")
    return message.get_text(" ", strip=True)


@pytest.fixture
def listings(db, catalog):
    job_index.clear_cache()
    return {
        "soc": add_job(
            db, title="IT Cybersecurity Specialist (Cyber Defense Analyst)", is_sample=True
        ),
        "later": add_job(
            db,
            title="IT Cybersecurity Specialist (Security Operations)",
            organization="Federal Aviation Administration",
            close_date=date.today() + timedelta(days=40),
        ),
        "forensics": add_job(
            db,
            title="IT Specialist (Forensic Examiner)",
            summary=FORENSICS_JOB_TEXT,
            close_date=date.today() + timedelta(days=3),
        ),
    }


def results_url(response) -> str:
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    location = response.headers["Location"]
    assert re.fullmatch(r"/match/results/[A-Za-z0-9_-]{40,}", location)
    return location


def test_match_page_states_the_limit_and_privacy_and_labels_every_field(client, catalog):
    response = client.get("/match")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    check_page_structure(html)
    soup = BeautifulSoup(html, "html.parser")
    form = soup.find("form", enctype="multipart/form-data")
    assert form["method"] == "post" and form.find("input", type="file", id="resume")
    text = soup.get_text(" ", strip=True)
    assert "up to 5 MB" in text
    assert "deleted automatically after 72 hours" in text
    assert "never write your resume into our logs" in text
    for legend in ("Are you a student now?", "Are you a veteran?", "Remote work"):
        assert soup.find("legend", string=legend)
    for field_id in ("graduation", "disability_rating", "clearance", "location", "keep_file"):
        assert soup.find("label", attrs={"for": field_id}), field_id
    assert soup.find(role="alert") is None  # no errors before sending
    nav = [a.get_text(strip=True) for a in soup.select("nav.usa-nav a")]
    assert "Match my resume" in nav and "Open jobs" in nav


def test_pasted_resume_leads_to_private_results_with_roles_paths_and_jobs(client, listings):
    url = results_url(submit(client, resume_text=SOC_RESUME, us_citizen="yes", veteran="yes",
                             disability_rating="30", clearance="secret"))  # fmt: skip
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "same-origin"  # never to another site
    html = response.get_data(as_text=True)
    check_page_structure(html)
    soup = BeautifulSoup(html, "html.parser")

    roles = soup.find(id="work-roles")
    top = roles.find("article")
    assert top.h3.get_text(strip=True) == "Defensive Cybersecurity"
    assert "Good fit" in top.get_text() and "Score" in top.get_text()
    quoted = [m.get_text() for m in top.find_all("mark")]
    assert "Microsoft Sentinel" in quoted
    assert "Skills to build" in top.get_text() and "These would help" in top.get_text()

    paths = soup.find(id="hiring-paths").get_text(" ", strip=True)
    assert "You appear eligible for" in paths and "30 Percent or More Disabled Veteran" in paths
    assert "We need to know more" in paths and "Tell us whether you are a student" in paths
    assert "You do not appear eligible for" in paths
    assert "Disability rating 30% Your answer" in paths
    assert "Security clearance Secret Your answer" in paths
    toggle = soup.find("a", string=re.compile("Show only jobs your clearance"))
    assert toggle["href"].endswith("clearance=mine#open-jobs")

    jobs = soup.find(id="jobs-table")
    link = jobs.find("a", href=listings["soc"].url)  # its USAJOBS page
    assert "Cyber Defense Analyst" in link.get_text()
    row = link.find_parent("tr")
    assert "Sample listing" in row.get_text()
    assert row.find(attrs={"data-agency": True}).get_text(strip=True) == (
        "Cybersecurity and Infrastructure Security Agency"
    )
    assert row.find("td", attrs={"data-label": "Grade"}).get_text(strip=True) == "GS-12 to GS-13"
    closes = row.find("td", attrs={"data-label": "Closes"}).get_text(" ", strip=True)
    assert "20 days left" in closes
    assert row.find("time")["datetime"] == listings["soc"].close_date.isoformat()
    assert soup.find("a", id="download-ics")["href"] == f"{url}/deadlines.ics"
    assert soup.find("a", href=f"/jobs/{listings['soc'].id}")


def test_pdf_and_docx_uploads_are_read(client, listings):
    pdf = {"resume": (io.BytesIO(pdf_resume(pages=3)), "resume.pdf")}
    page = soup_of(client.get(results_url(submit(client, **pdf))))
    assert (
        page.find(id="page-limit")
        .get_text(" ", strip=True)
        .startswith("Your resume is longer than USAJOBS allows")
    )
    assert page.find(id="work-roles").article.h3.get_text(strip=True) == "Defensive Cybersecurity"

    word = {"resume": (io.BytesIO(docx_resume()), "cv.docx")}
    page = soup_of(client.get(results_url(submit(client, **word))))
    assert page.find(id="page-limit") is None
    assert "Digital" in page.find(id="work-roles").article.h3.get_text()


def test_a_short_text_gets_a_little_text_note_and_maybe_no_confident_match(client, listings):
    page = soup_of(client.get(results_url(submit(client, resume_text="I bake bread."))))
    assert page.find(id="little-text") is not None
    assert page.find(id="no-confident-match") is not None


BAKER = "I bake bread and cakes every morning and sell them at the farmers market.\n" * 3


def test_an_all_tied_ranking_says_no_confident_match_and_lists_no_roles(client, listings):
    page = soup_of(client.get(results_url(submit(client, resume_text=BAKER))))
    alert = page.find(id="no-confident-match")
    assert alert is not None and "cannot rank them" in alert.get_text(" ", strip=True)
    # Catalog order is not shown as a ranking: no role articles, no "closest" role.
    section = page.find(id="work-roles")
    assert section.find("article") is None
    glance = page.find(id="glance-heading").find_parent("div").get_text(" ", strip=True)
    assert "No confident match" in glance and "closest" not in glance


def test_a_ranked_text_lists_its_roles_without_the_tied_message(client, listings):
    page = soup_of(client.get(results_url(submit(client, resume_text=SOC_RESUME))))
    assert len(page.find(id="work-roles").find_all("article")) == 5
    assert "cannot rank them" not in page.get_text(" ", strip=True)


def test_errors_are_shown_next_to_their_fields_and_answers_are_kept(client, catalog):
    response = submit(client, graduation="13/2020", veteran="no", disability_rating="35",
                      location="Denver, CO", military_spouse="yes")  # fmt: skip
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    check_page_structure(html)
    soup = BeautifulSoup(html, "html.parser")
    summary = soup.find(id="error-summary")
    assert summary["role"] == "alert" and "There are 3 problems" in summary.get_text()
    assert [a["href"] for a in summary.find_all("a")] == [
        "#resume",
        "#graduation",
        "#disability_rating",
    ]
    assert "Choose your resume file, or paste your resume" in error_for(soup, "resume")
    assert "MM/YYYY" in error_for(soup, "graduation") or "month" in error_for(soup, "graduation")
    assert "0 to 100 in steps of 10" in error_for(soup, "disability_rating")
    assert soup.title.get_text().startswith("Error:")
    assert soup.find(id="graduation")["aria-invalid"] == "true"
    assert not soup.find(id="location").has_attr("aria-invalid")
    # Nothing typed is lost.
    assert soup.find(id="graduation")["value"] == "13/2020"
    assert soup.find(id="disability_rating")["value"] == "35"
    assert soup.find(id="location")["value"] == "Denver, CO"
    assert soup.find(id="military_spouse-0").has_attr("checked")


def test_a_rating_needs_a_veteran(client, catalog):
    soup = soup_of(submit(client, resume_text=SOC_RESUME, veteran="no", disability_rating="30"))
    assert "not a veteran" in error_for(soup, "disability_rating")


BAD_FILES = {
    "empty": (b"", "resume.pdf", "This file is empty"),
    "image-only PDF": (image_only_pdf(), "scan.pdf", "seems to be a scanned image"),
    "renamed binary": (renamed_binary(), "resume.pdf", "named .pdf, but it is actually a PNG"),
    "wrong type": (b"MZ\x00\x00binary", "resume.exe", "Choose a PDF, Word (.docx) or plain text"),
    "oversized": (oversized_pdf(), "big.pdf", "This file is 6 MB; the limit is 5 MB"),
}


@pytest.mark.parametrize("case", BAD_FILES, ids=list(BAD_FILES))
def test_bad_files_get_their_message_on_the_form(client, catalog, case):
    data, name, message = BAD_FILES[case]
    response = submit(client, resume=(io.BytesIO(data), name), location="Ohio")
    assert response.status_code == 400
    soup = soup_of(response)
    assert message in error_for(soup, "resume")
    assert soup.find(id="location")["value"] == "Ohio"
    assert "choose your resume file again" in soup.find(id="error-summary").get_text()


def test_a_damaged_pdf_upload_logs_one_info_line_and_nothing_louder(client, catalog, caplog):
    caplog.set_level(logging.DEBUG)
    response = submit(client, resume=(io.BytesIO(pdf_resume()[:-300]), "resume.pdf"))
    assert response.status_code == 400
    assert "This PDF seems to be damaged" in error_for(soup_of(response), "resume")
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    ours = [r.getMessage() for r in caplog.records if r.name == "app.services.seekers.matches"]
    assert ours == ["upload not read: corrupt"]


def test_an_enormous_upload_is_refused_unread_with_a_message_on_the_form(client, catalog):
    huge = b"%PDF-1.4\n" + b"0" * (21 * 1024 * 1024)
    response = submit(client, resume=(io.BytesIO(huge), "huge.pdf"))
    assert response.status_code == 413
    soup = soup_of(response)
    assert "the limit for a resume file is 5 MB" in error_for(soup, "resume")
    check_page_structure(str(soup))


def test_only_jobs_at_the_fit_threshold_are_open_jobs_that_fit(client, db, catalog):
    job_index.clear_cache()
    for posting in load_sample_postings(DEFAULT_JOBS):
        add_job(db, title=posting.title, summary=posting.text, source_id=str(posting.id))
    soup = soup_of(client.get(results_url(submit(client, resume_text=SOC_RESUME))))
    section = soup.find(id="open-jobs")
    fits = [
        int(td.get_text(strip=True).split()[0])
        for td in section.find(id="jobs-table").find_all("td", attrs={"data-label": "Fit"})
    ]
    assert fits and min(fits) >= int(JOB_FIT_THRESHOLD)
    assert section.find("h3", id="other-jobs-heading").get_text(strip=True) == "Other open jobs"
    others = section.find(id="other-jobs").find_all("li")
    assert 0 < len(others) <= OTHER_JOBS
    scores = [int(re.search(r"fit (\d+) of 100", li.get_text()).group(1)) for li in others]
    assert max(scores) < JOB_FIT_THRESHOLD
    # The calendar carries only the jobs that fit.
    calendar = client.get(soup.find(id="download-ics")["href"]).data
    events = list(Calendar.from_ical(calendar).walk("VEVENT"))
    assert len(events) == len(fits)


def test_jobs_can_be_sorted_by_deadline_and_downloaded_as_a_calendar(client, listings):
    url = results_url(submit(client, resume_text=SOC_RESUME))
    soup = soup_of(client.get(url))
    assert soup.find(id="open-jobs").find("strong", attrs={"aria-current": "true"}).get_text() == (
        "best fit"
    )
    by_date = soup_of(client.get(url + "?sort=deadline"))
    shown = [t["datetime"] for t in by_date.find(id="jobs-table").find_all("time")]
    assert shown == sorted(shown) and len(shown) >= 2

    response = client.get(url + "/deadlines.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    events = list(Calendar.from_ical(response.data).walk("VEVENT"))
    assert sorted(e.decoded("DTSTART").isoformat() for e in events) == shown


def test_delete_my_data_removes_everything_and_the_link_then_404s(client, db, listings):
    url = results_url(submit(client, resume_text=SOC_RESUME, keep_file="y"))
    assert client.get(url).status_code == 200
    response = client.post(url + "/delete")
    assert response.status_code == 303 and response.headers["Location"] == "/match"
    assert "We deleted your resume text" in client.get("/match").get_data(as_text=True)
    for path in ("", "/deadlines.ics", "/file"):
        assert client.get(url + path).status_code == 404
    assert client.post(url + "/delete").status_code == 404
    assert db.query(MatchRequest).count() == 0


def test_expired_results_are_gone_even_before_the_purge(client, db, listings):
    url = results_url(submit(client, resume_text=SOC_RESUME))
    match = db.query(MatchRequest).one()
    match.expires_at = datetime.now(UTC) - timedelta(minutes=1)
    db.commit()
    assert client.get(url).status_code == 404


def test_an_unknown_link_is_a_404(client, catalog):
    assert client.get("/match/results/" + "A" * 43).status_code == 404
    assert client.get("/match/results/short").status_code == 404


def test_changing_answers_rechecks_hiring_paths_without_a_new_upload(client, listings):
    url = results_url(submit(client, resume_text=SOC_RESUME))
    before = soup_of(client.get(url)).find(id="hiring-paths").get_text(" ", strip=True)
    assert "Military Spouse Noncompetitive" not in before.split("We need to know more")[0]
    response = client.post(url + "/answers", data={**NO_ANSWERS, "military_spouse": "yes"})
    assert response.status_code == 303 and response.headers["Location"].endswith("#hiring-paths")
    after = soup_of(client.get(url))
    eligible = after.find(id="hiring-paths").get_text(" ", strip=True).split("We need")[0]
    assert "Military Spouse Noncompetitive" in eligible
    assert after.find(id="military_spouse-0").has_attr("checked")

    bad = client.post(url + "/answers", data={**NO_ANSWERS, "graduation": "soon"})
    assert bad.status_code == 400
    soup = soup_of(bad)
    check_page_structure(str(soup))
    assert soup.find(id="error-summary") and error_for(soup, "graduation")


def test_the_file_is_downloadable_only_when_kept(client, db, listings):
    data = pdf_resume()
    kept = results_url(submit(client, resume=(io.BytesIO(data), "my resume.pdf"), keep_file="y"))
    response = client.get(kept + "/file")
    assert response.status_code == 200 and response.data == data
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    assert "my resume.pdf" in client.get(kept).get_data(as_text=True)
    assert response.headers["X-Content-Type-Options"] == "nosniff"

    dropped = results_url(submit(client, resume=(io.BytesIO(data), "Jane Doe resume.pdf")))
    assert client.get(dropped + "/file").status_code == 404
    page = client.get(dropped).get_data(as_text=True)
    assert "We did not keep your file" in page and "Jane Doe" not in page
    row = db.query(MatchRequest).filter(MatchRequest.file_data.is_(None)).one()
    assert (row.filename, row.file_type, row.source_kind) == (None, None, "pdf")


# -- browsing open jobs -----------------------------------------------------------------------


def test_jobs_page_filters_pages_and_keeps_the_filters_in_page_links(client, db, catalog):
    for n in range(25):
        add_job(db, title=f"SOC analyst {n:02d}", close_date=date.today() + timedelta(days=n + 1))
    add_job(db, title="Remote engineer", remote=True, series=["0854"], is_sample=True)
    response = client.get("/jobs/")
    html = response.get_data(as_text=True)
    check_page_structure(html)
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find(id="results-heading").get_text(strip=True) == "26 open jobs"
    assert len(soup.select(".usa-collection__item")) == 20
    first = soup.select_one(".usa-collection__item")
    assert "SOC analyst 00" in first.get_text() and "1 day left" in first.get_text()
    pages = soup.find("nav", class_="usa-pagination")
    assert pages.find("a", attrs={"aria-current": "page"}).get_text(strip=True) == "1"

    filtered = soup_of(client.get("/jobs/?remote=1&series=0854"))
    items = filtered.select(".usa-collection__item")
    assert len(items) == 1 and "Sample listing" in items[0].get_text()
    assert filtered.find("select", id="series").find("option", selected=True)["value"] == "0854"
    assert filtered.find("input", id="remote").has_attr("checked")

    page_two = client.get("/jobs/?page=2&series=2210").get_data(as_text=True)
    assert "SOC analyst 24" in page_two
    assert 'href="/jobs/?page=1&amp;series=2210"' in page_two


def test_job_page_shows_its_work_roles_deadline_and_usajobs_link(client, db, catalog):
    job = add_job(db, title="IT Cybersecurity Specialist (Cyber Defense Analyst)", is_sample=True)
    db.add_all(
        [
            JobRoleClassification(job_id=job.id, work_role_id="PD-WRL-001", score=97.0, rank=1,
                                  source=ClassificationSource.MODEL),
            JobRoleClassification(job_id=job.id, work_role_id="PD-WRL-003", score=55.0, rank=2,
                                  source=ClassificationSource.STAFF),
        ]
    )  # fmt: skip
    db.flush()
    response = client.get(f"/jobs/{job.id}")
    html = response.get_data(as_text=True)
    check_page_structure(html)
    soup = BeautifulSoup(html, "html.parser")
    assert soup.h1.get_text(strip=True) == job.title
    table = soup.find(id="roles-heading").find_parent("section").find("table")
    rows = [r.get_text(" ", strip=True) for r in table.tbody.find_all("tr")]
    assert rows[0].startswith("Defensive Cybersecurity 511 97 of 100 Pathfinder")
    assert rows[1].startswith("Incident Response") and rows[1].endswith("OPM staff")
    facts = soup.find("dl", class_="pf-facts").get_text(" ", strip=True)
    assert "20 days left" in facts and "GS-12 to GS-13" in facts and "The public" in facts
    assert soup.find("a", href=job.url).get_text(strip=True) == "Read and apply on USAJOBS"
    assert "Sample listing" in soup.get_text()


def test_a_closed_job_says_so_and_an_unknown_job_is_a_404(client, db, catalog):
    job = add_job(db, title="Old job", status=JobStatus.CLOSED,
                  close_date=date.today() - timedelta(days=3))  # fmt: skip
    assert "This job is closed" in client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert client.get("/jobs/999999").status_code == 404


def test_closing_soon_lists_the_next_deadlines(client, db, catalog):
    add_job(db, title="Closes in 2 days", close_date=date.today() + timedelta(days=2))
    add_job(db, title="Closes in 20 days", close_date=date.today() + timedelta(days=20))
    html = client.get("/jobs/closing-soon").get_data(as_text=True)
    check_page_structure(html)
    assert "Closes in 2 days" in html and "2 days left" in html
    assert "Closes in 20 days" not in html
    assert "Closes in 20 days" in client.get("/jobs/closing-soon?days=30").get_data(as_text=True)


def test_role_page_lists_the_funding_that_pays_for_it(client, db, catalog, app):
    from datetime import date, timedelta

    from app.services.ingest.store import Ingestor
    from scrapers.records import FundingRecord

    Ingestor(db).store(
        FundingRecord(
            source="grantsgov",
            source_id="3999001",
            title="Digital Forensics Laboratory Capacity for State Crime Labs",
            description="Equip state and local crime laboratories to examine mobile devices and "
            "computers: forensic imaging, memory analysis, chain of custody and expert testimony "
            "by digital forensic examiners.",
            status="posted",
            close_date=date.today() + timedelta(days=40),
            eligible_applicants=("00",),
        )
    )
    db.commit()
    html = client.get("/pathways/roles/IN-WRL-002").get_data(as_text=True)
    assert "Funding that pays for this work" in html
    assert "Digital Forensics Laboratory Capacity" in html


# -- hiring paths on the results page (issue 18) ----------------------------------------------

NURSE_RESUME = """\
JORDAN RIVERA, RN
Baltimore, MD | U.S. Citizen

Registered Nurse, Mercy Medical Center, 2018 - Present
- Provide bedside care for 6 patients per shift on a medical-surgical unit.
- Administer medications, start IVs and chart in the electronic health record.
- Precept new graduate nurses and lead the unit's falls-prevention committee.

Bachelor of Science in Nursing, University of Maryland, 2018
"""


def hiring_path_groups(url_or_soup, client=None) -> dict[str, str]:
    """The results page's hiring-path groups: heading (without its count) -> its text."""
    soup = soup_of(client.get(url_or_soup)) if client else url_or_soup
    groups = {}
    for h3 in soup.find(id="hiring-paths").find_all("h3"):
        parts = []
        for sibling in h3.find_next_siblings():
            if sibling.name == "h3":
                break
            parts.append(sibling.get_text(" ", strip=True))
        groups[re.sub(r"\s*\(\d+\)$", "", h3.get_text(" ", strip=True))] = " ".join(parts)
    return groups


def test_a_30_percent_rating_gives_veterans_preference_for_veoa(client, listings):
    url = results_url(
        submit(client, resume_text=NURSE_RESUME, veteran="yes", disability_rating="30")
    )
    groups = hiring_path_groups(url, client)
    assert "Veterans Employment Opportunities Act (VEOA)" in groups["You appear eligible for"]
    assert "entitled to veterans' preference" not in groups["We need to know more"]
    assert (
        "Veterans' preference Yes: 10-point preference (CPS), from your 30% service-connected "
        "disability rating Worked out from your other facts"
    ) in groups["What we used"]


def test_recent_graduates_6_year_window_is_only_a_may_apply_if(client, listings):
    url = results_url(submit(client, resume_text=NURSE_RESUME, veteran="yes", graduation="05/2021"))
    groups = hiring_path_groups(url, client)
    assert "Pathways Recent Graduates" not in groups["You appear eligible for"]
    assert (
        "Pathways Recent Graduates Program You may apply if your military service kept you "
        "from applying within two years of finishing."
    ) in groups["You may apply if …"]


def test_direct_hire_authorities_are_open_to_the_public_and_not_counted_for_a_nurse(
    client, listings
):
    url = results_url(submit(client, resume_text=NURSE_RESUME, us_citizen="yes"))
    soup = soup_of(client.get(url))
    groups = hiring_path_groups(soup)
    public = groups["Open to the public"]
    assert "OPM governmentwide DHA - Cybersecurity and related positions" in public
    assert "Open to the public; you would need to qualify for the job." in public
    assert "we do not count these among your hiring paths" in public
    for name in ("Direct Hire", "DHA", "Cyber Excepted Service"):
        assert name not in groups["You appear eligible for"]
    counted = int(re.search(r"You appear eligible for \((\d+)\)", soup.get_text()).group(1))
    glance = soup.find(id="glance-heading").find_parent("div").get_text(" ", strip=True)
    assert f"Hiring paths you appear eligible for: {counted}" in glance

    # A cyber resume that fits a role an authority covers counts it, saying which role.
    url = results_url(submit(client, resume_text=SOC_RESUME, us_citizen="yes"))
    soup = soup_of(client.get(url))
    public = hiring_path_groups(soup)["Open to the public"]
    assert "Your resume fits Defensive Cybersecurity, a work role it covers." in public
    assert "we do not count these" not in public
    shown = int(re.search(r"You appear eligible for \((\d+)\)", soup.get_text()).group(1))
    glance = soup.find(id="glance-heading").find_parent("div").get_text(" ", strip=True)
    assert int(re.search(r"appear eligible for: (\d+)", glance).group(1)) > shown


def test_authorities_of_the_revoked_ai_order_are_ended_and_never_offered(client, listings):
    url = results_url(submit(client, resume_text=SOC_RESUME, us_citizen="yes"))
    page = soup_of(client.get(url)).find(id="hiring-paths").get_text(" ", strip=True)
    assert "E.O. 14110" not in page and "AI E.O. implementation" not in page
    for pathway_id in ("dha-ai", "schedule-a-ai-temp"):
        detail = client.get(f"/pathways/hiring-paths/{pathway_id}").get_data(as_text=True)
        assert "Ended" in detail and "E.O. 14148" in detail


def test_a_future_graduation_is_kept_and_used(client, listings):
    url = results_url(submit(client, resume_text=NURSE_RESUME, student="yes", graduation="05/2027"))
    groups = hiring_path_groups(url, client)
    assert (
        "When you expect to finish your degree or program 05/2027 Your answer"
        in groups["What we used"]
    )
    assert "Pathways Internship Program" in groups["You appear eligible for"]
    assert (
        "Pathways Recent Graduates Program You may apply once you graduate "
        "(from 05/2027, for 2 years)."
    ) in groups["You may apply if …"]
    assert "when you finished your degree" not in groups["We need to know more"]
