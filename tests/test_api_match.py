"""POST /api/v1/match: the site's resume matching as JSON, from text or an uploaded file."""

import io
import json
import re

import pytest
from openapi_spec_validator import validate
from sqlalchemy import func, select

from app.api import match as match_api
from app.models import MatchRequest
from app.services.seekers import intake
from app.services.seekers import job_index as job_index_service
from matching.evaluate_jobs import DEFAULT_JOBS, load_sample_postings
from matching.jobs import JOB_FIT_THRESHOLD

from .seeker_docs import (
    FORENSICS_JOB_TEXT,
    FORENSICS_RESUME,
    SOC_RESUME,
    add_job,
    docx_resume,
    oversized_pdf,
    pdf_resume,
    renamed_binary,
)
from .test_api_errors import assert_json_error

URL = "/api/v1/match"
CSRF_MESSAGE = "Your form expired or was sent from elsewhere. Please try again."


@pytest.fixture
def jobs(db, catalog):
    job_index_service.clear_cache()
    return {
        "soc": add_job(db, title="IT Cybersecurity Specialist (Cyber Defense Analyst)"),
        "forensics": add_job(
            db, title="IT Specialist (Forensic Examiner)", summary=FORENSICS_JOB_TEXT
        ),
        "veterans": add_job(db, title="Cyber Defense Analyst (veterans)", hiring_paths=["vet"]),
    }


def stored_matches(db) -> int:
    return db.scalar(select(func.count()).select_from(MatchRequest))


def match(client, **body):
    return client.post(URL, json={"text": SOC_RESUME, **body})


def upload(client, data: bytes, name: str, **fields):
    return client.post(
        URL, data={"file": (io.BytesIO(data), name), **fields}, content_type="multipart/form-data"
    )


def pathway(body, pathway_id: str) -> tuple[str, dict]:
    """(its group: eligible, unknown or not_eligible, the pathway) of a result's pathway."""
    return next(
        (group, p)
        for group, items in body["pathways"].items()
        for p in items
        if p["id"] == pathway_id
    )


# -- results ----------------------------------------------------------------------------------


def test_a_soc_resume_ranks_defensive_cybersecurity_first_with_explanations(client, db, jobs):
    before = stored_matches(db)
    response = match(client)
    assert response.status_code == 200, response.get_json()
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    top = body["work_roles"][0]
    assert (top["id"], top["name"]) == ("PD-WRL-001", "Defensive Cybersecurity")
    assert top["is_match"] and top["score"] >= body["threshold"] and body["confident"]
    assert top["summary"].startswith("A good fit")
    sentinel = next(s for s in top["skills_matched"] if "Sentinel" in s["name"])
    assert sentinel["quote"]["match"] in SOC_RESUME and sentinel["quote"]["before"]
    assert top["skills_missing"] and top["certifications_suggested"]
    assert {c["acronym"] for c in top["certifications_held"]} >= {"CySA+"}
    assert len(body["work_roles"]) == 5
    assert [r["score"] for r in body["work_roles"]] == sorted(
        (r["score"] for r in body["work_roles"]), reverse=True
    )
    assert body["document"]["kind"] == "txt" and body["facts"]["us_citizen"]["source"] == "resume"
    assert all(p["reasons"] or p["ask"] or p["check"] for g in body["pathways"].values() for p in g)
    # Nothing is kept: no row, no link.
    assert (body["stored"], body["token"], body["results_url"]) == (False, None, None)
    assert stored_matches(db) == before


def test_the_jobs_that_fit_are_the_results_pages(client, jobs):
    found = match(client).get_json()["jobs"]
    assert found["considered"] == 3
    first = found["items"][0]
    assert first["id"] == jobs["soc"].id and first["url"] == jobs["soc"].url
    assert first["organization"] == "Cybersecurity and Infrastructure Security Agency"
    assert first["close_date"] == jobs["soc"].close_date.isoformat() and first["days_left"] == 20
    assert first["skills_matched"] and first["work_roles"][0]["id"] == "PD-WRL-001"
    assert (first["grade_low"], first["grade_high"], first["pay_plan"]) == (12, 13, "GS")
    # A veterans-only job waits for the answer, and the result says why it is missing.
    ids = [j["id"] for j in found["items"]]
    assert jobs["veterans"].id not in ids
    assert found["hidden"] == ["1 job open only to groups you have not told us you belong to."]
    veteran = match(client, answers={"veteran": True}).get_json()["jobs"]
    assert jobs["veterans"].id in [j["id"] for j in veteran["items"]] and veteran["hidden"] == []


def test_no_open_jobs_is_an_empty_list(client, catalog):
    job_index_service.clear_cache()
    found = match(client).get_json()["jobs"]
    assert found == {
        "items": [], "others": [], "fit_threshold": JOB_FIT_THRESHOLD, "considered": 0, "hidden": []
    }  # fmt: skip


def test_an_all_tied_ranking_is_flagged_and_not_confident(client, catalog):
    text = "I bake bread and cakes every morning and sell them at the farmers market.\n" * 3
    body = match(client, text=text).get_json()
    assert body["tied"] is True and body["confident"] is False
    assert match(client).get_json()["tied"] is False


def test_the_tied_flag_is_documented(client, catalog):
    spec = client.get("/api/v1/openapi.json").get_json()
    schema = next(
        s for n, s in spec["components"]["schemas"].items() if "tied" in s.get("properties", {})
    )
    assert "catalog order" in schema["properties"]["tied"]["description"]
    assert "tied" in schema["required"]


def test_answers_change_the_pathways_and_their_reasons(client, catalog):
    rated = match(client, answers={"veteran": True, "disability_rating": 30}).get_json()
    group, thirty = pathway(rated, "disabled-veteran-30")
    assert group == "eligible" and thirty["reasons"]
    assert rated["facts"]["disability_rating"] == {"value": 30, "source": "answer", "quote": None}
    not_veteran = match(client, answers={"veteran": False}).get_json()
    group, vra = pathway(not_veteran, "vra")
    assert group == "not_eligible" and "You are not a veteran." in vra["reasons"]
    unsure = match(client, answers={"student": None}).get_json()
    group, internship = pathway(unsure, "pathways-internship")
    assert group == "unknown" and "whether you are a student" in internship["ask"]
    student = match(client, answers={"student": True, "graduation": "05/2027"}).get_json()
    assert pathway(student, "pathways-internship")[0] == "eligible"
    group, graduates = pathway(student, "pathways-recent-graduates")
    assert group == "conditional"
    assert graduates["conditions"] == ["once you graduate (from 05/2027, for 2 years)"]
    derived = rated["facts"]["preference_eligible"]
    assert derived["source"] == "derived" and "10-point preference (CPS)" in derived["note"]


def test_store_creates_the_sites_match_and_links_its_results_page(client, db, jobs):
    before = stored_matches(db)
    body = match(client, store=True, answers={"clearance": "secret"}).get_json()
    assert body["stored"] is True and stored_matches(db) == before + 1
    assert re.fullmatch(r"[A-Za-z0-9_-]{40,}", body["token"]) and body["expires_at"]
    assert body["results_url"] == f"http://localhost/match/results/{body['token']}"
    assert body["clearance"] == "secret"
    page = client.get(f"/match/results/{body['token']}")
    assert page.status_code == 200 and "Defensive Cybersecurity" in page.get_data(as_text=True)
    row = db.scalar(select(MatchRequest).order_by(MatchRequest.id.desc()))
    assert row.answers["clearance"] == "secret" and row.source_kind == "pasted"
    assert row.results["roles"][0]["id"] == body["work_roles"][0]["id"]


# -- uploads ----------------------------------------------------------------------------------


def test_a_pdf_upload_is_read(client, db, catalog):
    before = stored_matches(db)
    response = upload(client, pdf_resume(pages=3), "resume.pdf", veteran="yes")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["work_roles"][0]["id"] == "PD-WRL-001"
    assert body["document"]["kind"] == "pdf" and body["document"]["pages"] == 3
    assert body["document"]["over_two_pages"] is True
    assert body["facts"]["veteran"] == {"value": True, "source": "answer", "quote": None}
    assert stored_matches(db) == before


def test_a_docx_upload_is_read_and_stored_with_its_file_when_asked(client, db, catalog):
    data = docx_resume(FORENSICS_RESUME)
    body = upload(client, data, "cv.docx", store="true", keep_file="true").get_json()
    assert body["work_roles"][0]["name"].startswith("Digital")  # Forensics or Evidence Analysis
    assert body["document"]["kind"] == "docx" and body["stored"] is True
    row = db.scalar(select(MatchRequest).order_by(MatchRequest.id.desc()))
    assert row.source_kind == "docx" and row.file_data == data and row.filename == "cv.docx"


def test_form_answers_may_be_one_json_string(client, catalog):
    answers = json.dumps({"veteran": True, "disability_rating": 30})
    body = upload(client, pdf_resume(), "resume.pdf", answers=answers).get_json()
    assert pathway(body, "disabled-veteran-30")[0] == "eligible"
    text_only = client.post(URL, data={"text": SOC_RESUME, "answers": answers})
    assert pathway(text_only.get_json(), "disabled-veteran-30")[0] == "eligible"
    both = upload(client, pdf_resume(), "resume.pdf", answers=answers, student="yes")
    assert assert_json_error(both, 422)["errors"] == {"form": {"answers": [
        "Send the answers as form fields or as one JSON string in answers, not both."
    ]}}  # fmt: skip


def test_an_oversized_file_is_a_413_with_the_forms_message(client, db, catalog):
    before = stored_matches(db)
    body = assert_json_error(upload(client, oversized_pdf(), "big.pdf", store="true"), 413)
    assert body["message"].startswith("This file is 6 MB; the limit is 5 MB.")
    assert body["errors"] == {"files": {"file": [body["message"]]}}
    assert stored_matches(db) == before


def test_a_body_far_over_the_limit_is_refused_unread_as_json(app, client, catalog):
    app.config["MAX_CONTENT_LENGTH"] = 10_000  # the file limit; bodies up to 4 times it
    huge = upload(client, b"%PDF-1.4\n" + b"0" * 50_000, "huge.pdf")
    assert "far too large" in assert_json_error(huge, 413)["message"]
    assert "the limit for a resume file is 10 KB" in huge.get_json()["message"]
    long_json = client.post(URL, json={"text": "x" * 50_000})
    assert "far too large" in assert_json_error(long_json, 413)["message"]


BAD_FILES = {
    "wrong extension": (b"MZ\x00\x00binary", "resume.exe", 415, intake.WRONG_TYPE),
    "renamed image": (renamed_binary(), "resume.pdf", 415, "named .pdf, but it is actually a PNG"),
    "damaged PDF": (pdf_resume()[:-300], "resume.pdf", 400, "This PDF seems to be damaged"),
    "empty file": (b"", "resume.pdf", 400, "This file is empty"),
}


@pytest.mark.parametrize("case", BAD_FILES, ids=list(BAD_FILES))
def test_bad_files_get_the_forms_message_as_json(client, catalog, case):
    data, name, code, message = BAD_FILES[case]
    body = assert_json_error(upload(client, data, name), code)
    assert message in body["message"]
    assert message in body["errors"]["files"]["file"][0]


def test_a_body_neither_json_nor_a_form_is_a_415(client, catalog):
    response = client.post(URL, data=SOC_RESUME, content_type="text/plain")
    assert "Send the resume as JSON" in assert_json_error(response, 415)["message"]
    broken = client.post(URL, data="{not json", content_type="application/json")
    assert assert_json_error(broken, 400)["message"] == "The body is not valid JSON."


# -- bad fields -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"answers": {"veteran": "perhaps"}}, {"answers": {"veteran": ["Not a valid boolean."]}}),
        ({"answers": {"wizard": True}}, {"answers": {"wizard": ["Unknown field."]}}),
        ({"answers": {"clearance": "cosmic"}}, {"answers": {"clearance": [
            "Must be one of: none, public_trust, secret, top_secret, ts_sci."]}}),
        ({"answers": {"veteran": True, "disability_rating": 30.5}}, {"answers": {
            "disability_rating": ["Not a valid integer."]}}),
        ({"answers": {"veteran": True, "disability_rating": -1e-200}}, {"answers": {
            "disability_rating": ["Not a valid integer."]}}),  # not truncated to 0
        ({"answers": {"disability_rating": 35}}, {"answers": {"disability_rating": [
            intake.RATING_RULE]}}),
        ({"answers": {"veteran": False, "disability_rating": 30}}, {"answers": {
            "disability_rating": [intake.RATING_WITHOUT_SERVICE]}}),
        ({"answers": {"graduation": "13/2020"}}, {"answers": {"graduation": [
            "The month must be a number from 01 to 12, for example 05/2025."]}}),
        ({"answers": {"location": "x" * 201}}, {"answers": {"location": [
            intake.LOCATION_TOO_LONG]}}),
        ({"store": "often"}, {"store": ["Not a valid boolean."]}),
        ({"text": "   "}, {"text": ["There is no text to read: send your resume's text and try "
                                   "again."]}),
        ({"text": "x" * 100_001}, {"text": [intake.TOO_MUCH_TEXT]}),
        ({"resume": "..."}, {"resume": ["Unknown field."]}),
    ],
)  # fmt: skip
def test_bad_json_fields_are_a_422_naming_the_field(client, catalog, body, errors):
    response = client.post(URL, json={"text": SOC_RESUME, **body})
    assert assert_json_error(response, 422)["errors"] == {"json": errors}


def test_a_json_body_without_text_names_it(client, catalog):
    response = client.post(URL, json={"answers": {}})
    assert assert_json_error(response, 422)["errors"] == {
        "json": {"text": ["Missing data for required field."]}
    }


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"veteran": "perhaps"}, {"form": {"veteran": ["Not a valid boolean."]}}),
        ({"wizard": "yes"}, {"form": {"wizard": ["Unknown field."]}}),
        ({"answers": "{veteran"}, {"form": {"answers": ["Not valid JSON."]}}),
        ({"answers": '{"veteran": 3}'}, {"form": {"answers": {"veteran": [
            "Not a valid boolean."]}}}),
    ],
)  # fmt: skip
def test_bad_form_fields_are_a_422_naming_the_field(client, catalog, fields, errors):
    response = upload(client, pdf_resume(), "resume.pdf", **fields)
    assert assert_json_error(response, 422)["errors"] == errors


def test_a_form_without_a_file_or_text_names_the_file(client, catalog):
    response = client.post(URL, data={"veteran": "yes"}, content_type="multipart/form-data")
    assert assert_json_error(response, 422)["errors"] == {
        "files": {"file": [match_api.NOTHING_SENT]}
    }
    extra = client.post(URL, data={"resume": (io.BytesIO(b"x"), "a.txt")})
    assert assert_json_error(extra, 422)["errors"] == {"files": {"resume": ["Unknown field."]}}


# -- limits and CSRF --------------------------------------------------------------------------


def test_too_many_matches_are_a_json_429_and_reads_go_on(app_with, catalog):
    client = app_with(API_MATCH_LIMIT="2 per minute").test_client()
    ip = {"REMOTE_ADDR": "198.51.100.70"}
    statuses = [
        client.post(URL, json={"text": SOC_RESUME}, environ_base=ip).status_code for _ in range(2)
    ]
    assert statuses == [200, 200]
    refused = client.post(URL, json={"text": SOC_RESUME}, environ_base=ip)
    assert assert_json_error(refused, 429)["status"] == "Too Many Requests"
    assert int(refused.headers["Retry-After"]) > 0
    assert client.get("/api/v1/pathways", environ_base=ip).status_code == 200  # reads go on
    other = client.post(
        URL, json={"text": SOC_RESUME}, environ_base={"REMOTE_ADDR": "198.51.100.71"}
    )
    assert other.status_code == 200  # per address


def test_the_default_match_limit_is_lower_than_the_read_limit(app, monkeypatch):
    from app.config import load_config

    assert app.config["API_MATCH_LIMIT"] == "20 per minute"
    monkeypatch.setenv("API_MATCH_LIMIT", "5 per minute")
    assert load_config({"ENV_NAME": "testing"})["API_MATCH_LIMIT"] == "5 per minute"


def _any_url(rule) -> str:
    values = {name: "1" for name in rule.arguments}
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: values[m.group(1)], rule.rule)


def test_the_api_needs_no_csrf_token_but_every_site_form_still_does(app_with, catalog):
    app = app_with(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    assert client.post(URL, json={"text": SOC_RESUME}).status_code == 200
    site_posts = [
        rule for rule in app.url_map.iter_rules()
        if "POST" in (rule.methods or ()) and not rule.endpoint.startswith("api.")
    ]  # fmt: skip
    assert len(site_posts) > 10 and any(r.endpoint == "seekers.match" for r in site_posts)
    for rule in site_posts:
        response = client.post(_any_url(rule), data={"resume_text": SOC_RESUME})
        assert response.status_code == 400, rule.endpoint
        assert CSRF_MESSAGE in response.get_data(as_text=True), rule.endpoint


# -- documentation ----------------------------------------------------------------------------


def test_openapi_documents_the_match_request_answers_and_errors(client):
    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    operation = document["paths"][URL]["post"]
    assert operation["summary"].startswith("Match a resume")
    content = operation["requestBody"]["content"]
    assert set(content) == {"application/json", "multipart/form-data"}
    schemas = document["components"]["schemas"]
    assert content["application/json"]["schema"] == {"$ref": "#/components/schemas/MatchJson"}
    assert {"text", "answers", "store"} == set(schemas["MatchJson"]["properties"])
    form = schemas["MatchForm"]["properties"]
    assert form["file"]["format"] == "binary" and {"veteran", "answers", "store"} <= set(form)
    assert {"veteran", "disability_rating", "clearance", "location"} <= set(
        schemas["Answers"]["properties"]
    )
    assert {"200", "400", "413", "415", "422", "429"} <= set(operation["responses"])
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/MatchResult"
    }
    assert {"work_roles", "pathways", "jobs", "token", "results_url"} <= set(
        schemas["MatchResult"]["properties"]
    )


def test_jobs_under_the_fit_threshold_are_returned_apart_as_other_jobs(client, db, catalog):
    for posting in load_sample_postings(DEFAULT_JOBS):
        add_job(db, title=posting.title, summary=posting.text, source_id=str(posting.id))
    job_index_service.clear_cache()
    found = match(client).get_json()["jobs"]
    threshold = found["fit_threshold"]
    assert threshold == JOB_FIT_THRESHOLD > 10
    assert found["items"] and all(j["score"] >= threshold for j in found["items"])
    assert found["others"] and all(j["score"] < threshold for j in found["others"])
