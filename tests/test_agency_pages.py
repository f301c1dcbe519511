"""Agency posters post openings through the site: drafts, coding help, publish, close, delete."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from app.models import Agency, AgencyOpening, JobListing, JobStatus, OpeningStatus, User
from app.services.accounts import create_user
from app.services.agency import openings

from .conftest import check_page_structure, login

SOC_DUTIES = (
    "Monitor SIEM alerts in Splunk around the clock, triage intrusion detection events, "
    "analyze packet captures with Wireshark and escalate incidents to the response team."
)
TODAY = date.today()
POSTER = "agency_poster"


def make_agency(db, code: str, name: str) -> Agency:
    agency = Agency(code=code, name=name)
    db.add(agency)
    db.flush()
    return agency


def sign_in_poster(client, db, email: str, agency: Agency | None) -> User:
    login(client, db, email, ("agency_poster",))
    user = db.scalar(select(User).where(User.email == email))
    user.agency_id = agency.id if agency else None
    db.commit()
    return user


@pytest.fixture
def cisa(db, catalog) -> Agency:
    return make_agency(db, "HSAA", "Cybersecurity and Infrastructure Security Agency")


@pytest.fixture
def other(db, catalog) -> Agency:
    return make_agency(db, "DD21", "Defense Information Systems Agency")


@pytest.fixture
def poster(client, db, cisa) -> User:
    return sign_in_poster(client, db, "poster@cisa.example.gov", cisa)


def complete(**changes: object) -> dict[str, object]:
    """A whole, publishable opening as the form posts it."""
    values: dict[str, object] = {
        "title": "IT Specialist (INFOSEC) - SOC Analyst",
        "announcement_number": "CISA-26-0042",
        "series": ["2210"],
        "pay_plan": "GS",
        "grade_low": "12",
        "grade_high": "13",
        "salary_min": "99,200",
        "salary_max": "153,354",
        "locations": "Arlington, VA\nPhiladelphia, PA",
        "telework": "y",
        "who_may_apply": "U.S. citizens.",
        "hiring_paths": ["public", "vet"],
        "clearance": "Secret",
        "open_date": TODAY.isoformat(),
        "close_date": (TODAY + timedelta(days=30)).isoformat(),
        "duties": SOC_DUTIES,
        "qualifications": "One year of specialized experience in cyber defense.",
        "apply_url": "https://www.usajobs.gov/job/800000042",
        "role_1": "PD-WRL-001",
        "role_2": "PD-WRL-003",
        "role_3": "",
        "opm_codes": "511, 531",
        "base_version": "",
    }
    values.update(changes)
    return values


def fresh(db, opening_id: int) -> AgencyOpening | None:
    """The opening as the requests left it (they use sessions of their own)."""
    db.expire_all()
    return db.get(AgencyOpening, opening_id)


def typed(page: BeautifulSoup, ident: str) -> str:
    """A textarea's text as a browser shows it (the newline after the tag is not part of it)."""
    return page.find("textarea", id=ident).get_text().removeprefix("\r\n").removeprefix("\n")


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def draft(db, user: User, **changes: object) -> AgencyOpening:
    """A draft saved through the service, with the form's values."""
    from app.agency.forms import codes, lines

    v = complete(**changes)
    values = {
        **{k: v[k] for k in ("title", "announcement_number", "pay_plan", "who_may_apply")},
        "series": v["series"],
        "grade_low": int(str(v["grade_low"])),
        "grade_high": int(str(v["grade_high"])),
        "salary_min": 99200.0,
        "salary_max": 153354.0,
        "locations": lines(str(v["locations"])),
        "telework": True,
        "hiring_paths": v["hiring_paths"],
        "clearance": v["clearance"],
        "open_date": date.fromisoformat(str(v["open_date"])),
        "close_date": date.fromisoformat(str(v["close_date"])),
        "duties": v["duties"],
        "qualifications": v["qualifications"],
        "apply_url": v["apply_url"],
        "work_roles": [r for r in (v["role_1"], v["role_2"], v["role_3"]) if r],
        "opm_codes": codes(str(v["opm_codes"])),
    }
    opening = openings.create_draft(db, user, values)
    db.commit()
    return opening


def published(db, user: User) -> AgencyOpening:
    opening = draft(db, user)
    openings.publish(db, opening, user, base_version=opening.version, today=TODAY)
    db.commit()
    return opening


# -- who may use the pages ----------------------------------------------------------------------

PAGES = ["/agency/", "/agency/openings/new"]
OPENING_PAGES = ["", "/edit", "/delete"]
OPENING_POSTS = ["/edit", "/publish", "/close", "/withdraw", "/delete"]


@pytest.mark.parametrize("url", PAGES)
def test_signed_out_people_are_sent_to_sign_in(client, catalog, url):
    response = client.get(url)
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]
    assert client.post("/agency/openings/suggest", json={"duties": "x"}).status_code == 302


@pytest.mark.parametrize("role", ["opm_staff", "program_office"])
@pytest.mark.parametrize("url", PAGES)
def test_other_roles_are_refused(client, db, catalog, role, url):
    login(client, db, f"{role}@example.gov", (role,))
    assert client.get(url).status_code == 403
    assert client.post("/agency/openings/new", data=complete()).status_code == 403
    assert client.post("/agency/openings/suggest", json={"duties": "x"}).status_code == 403


def test_another_agencys_opening_is_not_found(client, db, cisa, other):
    owner = create_user(db, "owner@disa.example.gov", "Owner", "a long passphrase", [POSTER])
    owner.agency_id = other.id
    theirs = draft(db, owner)
    live = published(db, owner)
    sign_in_poster(client, db, "poster@cisa.example.gov", cisa)
    for suffix in OPENING_PAGES:
        assert client.get(f"/agency/openings/{theirs.id}{suffix}").status_code == 404
    for suffix in OPENING_POSTS:
        for target in (theirs, live):
            url = f"/agency/openings/{target.id}{suffix}"
            assert client.post(url, data=complete()).status_code == 404, url
    assert fresh(db, theirs.id).status == OpeningStatus.DRAFT
    assert fresh(db, live.id).status == OpeningStatus.PUBLISHED
    assert client.get("/agency/openings/999999").status_code == 404


def test_a_poster_with_no_agency_is_told_so(client, db, catalog):
    sign_in_poster(client, db, "lost@example.gov", None)
    for url in ("/agency/", "/agency/openings/new", "/agency/openings/1"):
        response = client.get(url)
        assert response.status_code == 403
        assert "Your account is not linked to an agency" in response.get_data(as_text=True)


# -- the pages ---------------------------------------------------------------------------------


def test_every_page_renders_labelled(client, db, poster):
    mine, live = draft(db, poster), published(db, poster)
    urls = [
        "/agency/",
        "/agency/openings/new",
        f"/agency/openings/{mine.id}",
        f"/agency/openings/{mine.id}/edit",
        f"/agency/openings/{mine.id}/delete",
        f"/agency/openings/{live.id}",
        f"/agency/openings/{live.id}/edit",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        check_page_structure(response.get_data(as_text=True))


def test_the_dashboard_groups_openings_by_status(client, db, poster):
    response = client.get("/agency/")
    assert "You have not posted any openings" in response.get_data(as_text=True)
    mine, live = draft(db, poster, title="Draft one"), published(db, poster)
    page = soup(client.get("/agency/"))
    headings = [h.get_text() for h in page.find_all("h2")]
    assert headings == ["Drafts (1)", "Published: open to applicants (1)"]
    assert page.find("a", href=f"/agency/openings/{mine.id}").get_text() == "Draft one"
    assert page.find("a", href=f"/agency/openings/{live.id}") is not None
    assert page.find("a", string="Post an opening")["href"] == "/agency/openings/new"


def test_a_draft_is_saved_and_versioned(client, db, poster):
    response = client.post("/agency/openings/new", data=complete())
    assert response.status_code == 302
    opening = db.scalars(select(AgencyOpening)).one()
    assert response.headers["Location"].endswith(f"/agency/openings/{opening.id}")
    assert (opening.status, opening.version, opening.agency_id) == (
        OpeningStatus.DRAFT,
        1,
        poster.agency_id,
    )
    assert opening.locations == ["Arlington, VA", "Philadelphia, PA"]
    assert opening.salary_min == 99200.0 and opening.grade_high == 13
    assert opening.work_roles == ["PD-WRL-001", "PD-WRL-003"]
    assert opening.opm_codes == ["511", "531"] and opening.telework and not opening.remote
    assert opening.close_date == TODAY + timedelta(days=30)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Version 1 (current): Created as a draft" in page and "poster@cisa.example.gov" in page


def test_a_draft_needs_only_a_title_the_rest_left_blank_as_a_browser_posts_it(client, db, poster):
    blank = {name: "" for name, value in complete().items() if isinstance(value, str)}
    response = client.post("/agency/openings/new", data={**blank, "title": "SOC Analyst"})
    assert response.status_code == 302, soup(response).select(".usa-error-message")
    opening = db.scalars(select(AgencyOpening)).one()
    assert (opening.title, opening.grade_low, opening.salary_max, opening.close_date) == (
        "SOC Analyst",
        None,
        None,
        None,
    )


def test_errors_are_shown_by_their_fields_and_keep_the_input(client, db, poster):
    data = complete(
        title="",
        grade_low="twelve",
        grade_high="11",
        opm_codes="511, 54",
        close_date=TODAY.isoformat(),
        apply_url="http://example.com",
        duties="Keep this text, please.",
    )
    response = client.post("/agency/openings/new", data=data)
    assert response.status_code == 400
    page = soup(response)
    errors = {e["id"]: e.get_text() for e in page.select(".usa-error-message")}
    assert errors["title-error"] == "Give the job title."
    assert errors["grade_low-error"] == "Give a whole number, such as 12."
    assert errors["opm_codes-error"] == "OPM cyber codes are three digits each: 54."
    assert errors["close_date-error"] == "The close date must be after the open date."
    assert errors["apply_url-error"] == "Give an address starting with https://."
    assert typed(page, "duties") == "Keep this text, please."
    assert page.find("input", id="grade_low")["value"] == "twelve"
    assert page.find("input", id="opm_codes")["value"] == "511, 54"
    assert page.find("select", id="role_1").find("option", selected=True)["value"] == "PD-WRL-001"
    assert page.find("input", attrs={"name": "hiring_paths", "value": "vet"}).has_attr("checked")
    assert "Please correct 5 problems" in response.get_data(as_text=True)
    assert db.scalars(select(AgencyOpening)).first() is None


def test_a_service_refusal_is_shown_by_its_field(client, db, poster):
    mine = draft(db, poster, hiring_paths=[])
    data = complete(hiring_paths=[], base_version=str(mine.version), publish="1")
    response = client.post(f"/agency/openings/{mine.id}/edit", data=data)
    assert response.status_code == 400
    page = soup(response)
    error = page.find(id="hiring_paths-error")
    assert error.get_text() == "Choose who may apply: at least one hiring path."
    assert fresh(db, mine.id).status == OpeningStatus.DRAFT


# -- coding help -------------------------------------------------------------------------------


def test_suggestions_name_defensive_cybersecurity_with_its_evidence(client, db, poster):
    # A plain SOC title: the duties alone decide, with a wide margin.
    data = complete(title="SOC Analyst", role_1="", role_2="", opm_codes="", suggest="1")
    response = client.post("/agency/openings/new", data=data)
    assert response.status_code == 200
    page = soup(response)
    panel = page.find(id="coding-help")
    assert panel["aria-live"] == "polite"
    first = panel.find("li")
    assert "Defensive Cybersecurity" in first.get_text()
    assert "OPM code 511" in first.get_text()
    assert "Splunk" in first.get_text() and "Wireshark" in first.get_text()
    assert "Suggested work roles: high confidence" in panel.get_text()
    assert db.scalars(select(AgencyOpening)).first() is None  # nothing saved
    assert typed(page, "duties") == SOC_DUTIES  # input kept


def test_an_infosec_title_also_suggests_systems_security_management(client, db, poster):
    # OPM's (INFOSEC) parenthetical is information security work, which Systems Security
    # Management covers too: it comes second, so the SOC duties lead with less of a margin.
    data = complete(role_1="", role_2="", opm_codes="", suggest="1")
    panel = soup(client.post("/agency/openings/new", data=data)).find(id="coding-help")
    first, second = panel.find_all("li")[:2]
    assert "Defensive Cybersecurity" in first.get_text()
    assert "Systems Security Management" in second.get_text()
    assert "Suggested work roles: medium confidence" in panel.get_text()


def test_use_these_fills_the_role_selects_and_codes(client, db, poster):
    data = complete(role_1="", role_2="", opm_codes="", use_suggestion="all")
    page = soup(client.post("/agency/openings/new", data=data))
    chosen = page.find("select", id="role_1").find("option", selected=True)
    assert chosen["value"] == "PD-WRL-001"
    assert page.find("input", id="opm_codes")["value"].startswith("511")
    assert db.scalars(select(AgencyOpening)).first() is None
    one = soup(client.post("/agency/openings/new", data={**data, "use_suggestion": "PD-WRL-001"}))
    assert one.find("input", id="opm_codes")["value"] == "511"
    assert one.find("select", id="role_2").find("option", selected=True)["value"] == ""


def test_text_with_no_cyber_skill_gets_no_confident_match(client, db, poster):
    data = complete(title="Cook", duties="Cook meals.", qualifications="", suggest="1")
    panel = soup(client.post("/agency/openings/new", data=data)).find(id="coding-help")
    assert "No confident match" in panel.get_text()
    assert panel.find("button", attrs={"name": "use_suggestion"}) is None


def test_the_suggest_endpoint_answers_json_for_the_script(client, db, poster):
    response = client.post(
        "/agency/openings/suggest", json={"title": "SOC analyst", "duties": SOC_DUTIES}
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["roles"][0]["id"] == "PD-WRL-001" and body["confident"]
    assert "Defensive Cybersecurity" in body["html"] and "<script" not in body["html"]
    assert client.post("/agency/openings/suggest", data="not json").status_code == 200


# -- publishing, editing, closing, deleting ------------------------------------------------------


def test_publish_from_the_form_lists_the_job(client, db, poster):
    mine = draft(db, poster)
    data = complete(base_version=str(mine.version), publish="1")
    response = client.post(f"/agency/openings/{mine.id}/edit", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    opening = fresh(db, mine.id)
    assert opening.status == OpeningStatus.PUBLISHED and opening.job_id is not None
    job = db.get(JobListing, opening.job_id)
    assert job.status == JobStatus.OPEN and job.title == opening.title
    page = soup(client.get(f"/agency/openings/{mine.id}"))
    assert page.find("a", href=f"/jobs/{job.id}") is not None
    assert "Version 2 (current): Published" in page.get_text()
    assert client.get(f"/jobs/{job.id}").status_code == 200


def test_publish_from_the_opening_page(client, db, poster):
    mine = draft(db, poster)
    page = soup(client.get(f"/agency/openings/{mine.id}"))
    form = page.find("form", action=f"/agency/openings/{mine.id}/publish")
    assert form.find("input", attrs={"name": "base_version"})["value"] == "1"
    response = client.post(f"/agency/openings/{mine.id}/publish", data={"base_version": "1"})
    assert response.status_code == 302
    assert fresh(db, mine.id).status == OpeningStatus.PUBLISHED


def test_a_draft_missing_a_field_is_not_published(client, db, poster):
    mine = draft(db, poster, announcement_number="")
    response = client.post(f"/agency/openings/{mine.id}/publish", data={"base_version": "1"})
    assert response.status_code == 400
    assert "Enter the announcement number." in response.get_data(as_text=True)
    assert fresh(db, mine.id).status == OpeningStatus.DRAFT


def test_editing_a_published_opening_updates_its_job(client, db, poster):
    live = published(db, poster)
    form = soup(client.get(f"/agency/openings/{live.id}/edit"))
    assert form.find("button", attrs={"name": "publish"}) is None
    assert form.find("button", attrs={"name": "save"}).get_text() == "Save changes"
    data = complete(title="SOC Analyst (Tier 2)", base_version=str(live.version))
    response = client.post(f"/agency/openings/{live.id}/edit", data=data)
    assert response.status_code == 302
    opening = fresh(db, live.id)
    assert opening.status == OpeningStatus.PUBLISHED and opening.version == 3
    assert db.get(JobListing, opening.job_id).title == "SOC Analyst (Tier 2)"
    page = client.get(f"/agency/openings/{live.id}").get_data(as_text=True)
    assert "Version 3 (current): Edited" in page and "SOC Analyst (Tier 2)" in page


def test_closing_and_withdrawing_take_the_job_down(client, db, poster):
    first = published(db, poster)
    response = client.post(f"/agency/openings/{first.id}/close", data={"base_version": "2"})
    assert response.status_code == 302
    opening = fresh(db, first.id)
    assert opening.status == OpeningStatus.CLOSED
    assert db.get(JobListing, opening.job_id).status == JobStatus.CLOSED
    page = soup(client.get(f"/agency/openings/{first.id}"))
    assert page.find("a", string="Edit") is None and "Closed" in page.get_text()
    second = draft(db, poster, announcement_number="CISA-26-0043")
    openings.publish(db, second, poster, base_version=1, today=TODAY)
    db.commit()
    response = client.post(f"/agency/openings/{second.id}/withdraw", data={"base_version": "2"})
    assert response.status_code == 302
    assert fresh(db, second.id).status == OpeningStatus.WITHDRAWN


def test_a_draft_is_deleted_after_a_confirmation(client, db, poster):
    mine = draft(db, poster)
    confirm = client.get(f"/agency/openings/{mine.id}/delete")
    assert "Yes, delete the draft" in confirm.get_data(as_text=True)
    assert fresh(db, mine.id) is not None  # asking deletes nothing
    response = client.post(f"/agency/openings/{mine.id}/delete", data={"base_version": "1"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/agency/")
    assert fresh(db, mine.id) is None
    live = published(db, poster)
    assert client.get(f"/agency/openings/{live.id}/delete").status_code == 404


def test_the_second_of_two_concurrent_edits_is_told_and_keeps_its_input(client, db, poster):
    mine = draft(db, poster)
    first = complete(title="First title", base_version="1")
    second = complete(title="Second title", duties="My own duties text.", base_version="1")
    assert client.post(f"/agency/openings/{mine.id}/edit", data=first).status_code == 302
    response = client.post(f"/agency/openings/{mine.id}/edit", data=second)
    assert response.status_code == 409
    page = soup(response)
    text = page.get_text()
    assert "Someone else saved this opening while you were editing it" in text
    assert "poster@cisa.example.gov saved version 2" in text
    assert "First title" in text  # what they changed
    assert page.find("input", id="title")["value"] == "Second title"
    assert typed(page, "duties") == "My own duties text."
    assert page.find("input", attrs={"name": "base_version"})["value"] == "2"
    assert fresh(db, mine.id).title == "First title"
    again = client.post(f"/agency/openings/{mine.id}/edit", data={**second, "base_version": "2"})
    assert again.status_code == 302
    assert fresh(db, mine.id).title == "Second title"


def test_a_stale_close_is_a_conflict(client, db, poster):
    live = published(db, poster)
    response = client.post(f"/agency/openings/{live.id}/close", data={"base_version": "1"})
    assert response.status_code == 409
    assert "Someone else changed this opening" in response.get_data(as_text=True)
    assert fresh(db, live.id).status == OpeningStatus.PUBLISHED


def test_the_candidate_pool_is_shown_with_its_window(client, db, poster):
    live = published(db, poster)
    text = soup(client.get(f"/agency/openings/{live.id}")).get_text()
    assert "Candidate pool" in text and "in the last 3 days" in text
    assert "Fewer than 5" in text and "Defensive Cybersecurity" in text
