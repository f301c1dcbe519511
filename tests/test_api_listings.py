"""The API's listing reads: jobs and funding, filtered and paged as the site's pages are."""

import re
from datetime import date, timedelta

import pytest
from werkzeug.datastructures import MultiDict

from app.models import ClassificationSource, JobRoleClassification, JobStatus
from app.services.funding import search as fs
from app.services.seekers import jobs as job_browse

from .funding_helpers import make_opportunity
from .seeker_docs import add_job

TODAY = date.today()


@pytest.fixture
def jobs(db, catalog):
    made = [
        add_job(db, title="A SOC analyst", close_date=TODAY + timedelta(days=3)),
        add_job(
            db,
            title="B forensic examiner",
            series=["1811", "2210"],
            hiring_paths=["vet"],
            grade_low=9,
            grade_high=11,
            locations=["Denver, Colorado"],
            clearance="Top Secret",
            close_date=TODAY + timedelta(days=10),
        ),
        add_job(db, title="C remote engineer", series=["0854"], remote=True),
        add_job(db, title="D continuous", close_date=None),
        add_job(db, title="E closed", status=JobStatus.CLOSED),
    ]
    db.add(
        JobRoleClassification(job_id=made[0].id, work_role_id="PD-WRL-001", score=91.0, rank=1,
                              source=ClassificationSource.MODEL)
    )  # fmt: skip
    db.flush()
    return made


def page_job_ids(client, query: str) -> list[int]:
    html = client.get(f"/jobs/?{query}").get_data(as_text=True)
    return list(dict.fromkeys(int(i) for i in re.findall(r'href="/jobs/(\d+)"', html)))


def test_jobs_list_open_jobs_soonest_closing_first_in_listing_shape(client, jobs):
    response = client.get("/api/v1/jobs")
    assert response.status_code == 200
    body = response.get_json()
    assert [j["title"] for j in body["items"]] == [
        "A SOC analyst", "B forensic examiner", "C remote engineer", "D continuous"
    ]  # fmt: skip
    assert (body["page"], body["per_page"], body["total"]) == (1, 25, 4)
    first = body["items"][0]
    assert first["id"] == jobs[0].id and first["source"] == "usajobs"
    assert first["series"] == ["2210"] and first["close_date"] == str(TODAY + timedelta(days=3))
    assert first["status"] == "open" and first["is_sample"] is False
    assert "body" not in first and "raw" not in first and "content_hash" not in first


@pytest.mark.parametrize(
    "query",
    [
        "series=2210",
        "series=1811&grade=10",
        "hiring_path=vet",
        "location=CO",
        "location=colorado",
        "remote=1",
        "clearance=top_secret",
        "closing_within=7",
        "role=PD-WRL-001",
        "role=pd-wrl-001&series=2210",
    ],
)
def test_job_filters_agree_with_the_jobs_page(client, db, jobs, query):
    api = client.get(f"/api/v1/jobs?{query}&per_page=20").get_json()
    filters = job_browse.JobFilters.from_args(MultiDict(q.split("=") for q in query.split("&")))
    service = job_browse.browse_jobs(db, filters, TODAY)
    assert [j["id"] for j in api["items"]] == [j.id for j in service.jobs]
    assert [j["id"] for j in api["items"]] == page_job_ids(client, query)
    assert api["total"] == service.total


def test_job_paging_bounds_and_link_header(client, jobs):
    response = client.get("/api/v1/jobs?per_page=1&page=2&series=2210")
    body = response.get_json()
    assert (body["page"], body["per_page"], body["total"]) == (2, 1, 3)
    assert [j["title"] for j in body["items"]] == ["B forensic examiner"]
    links = response.headers["Link"]
    assert '<http://localhost/api/v1/jobs?per_page=1&series=2210&page=3>; rel="next"' in links
    assert 'page=1>; rel="prev"' in links and 'page=3>; rel="last"' in links
    past = client.get("/api/v1/jobs?per_page=2&page=50").get_json()  # the last page
    assert past["page"] == 2 and len(past["items"]) == 2
    assert len(client.get("/api/v1/jobs?per_page=100").get_json()["items"]) == 4


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("per_page=0", "per_page"),
        ("per_page=101", "per_page"),
        ("page=0", "page"),
        ("page=two", "page"),
        ("grade=16", "grade"),
        ("series=22", "series"),
        ("clearance=cosmic", "clearance"),
        ("role=PD-001", "role"),
        ("closing_within=5", "closing_within"),
        ("remote=perhaps", "remote"),
    ],
)
def test_bad_job_arguments_are_a_422_naming_the_field(client, jobs, query, field):
    response = client.get(f"/api/v1/jobs?{query}")
    assert response.status_code == 422 and response.mimetype == "application/json"
    body = response.get_json()
    assert body["code"] == 422 and body["status"] == "Unprocessable Entity"
    assert list(body["errors"]["query"]) == [field]


def test_a_job_has_its_work_roles(client, jobs):
    body = client.get(f"/api/v1/jobs/{jobs[0].id}").get_json()
    assert body["title"] == "A SOC analyst" and body["summary"]
    assert body["work_roles"] == [
        {"id": "PD-WRL-001", "name": "Defensive Cybersecurity", "score": 91.0, "rank": 1,
         "source": "model"}
    ]  # fmt: skip
    closed = client.get(f"/api/v1/jobs/{jobs[4].id}").get_json()
    assert closed["status"] == "closed" and closed["work_roles"] == []
    missing = client.get("/api/v1/jobs/999999")
    assert missing.status_code == 404 and missing.get_json()["code"] == 404


@pytest.fixture
def opportunities(db):
    return {
        "soon": make_opportunity(db, days_left=5, title="Cyber grant for water utilities"),
        "later": make_opportunity(
            db,
            days_left=60,
            title="AI security research",
            award_ceiling=500_000,
            eligible_applicants=["06"],
            categories=["ST"],
            assistance_listings=["47.070"],
        ),
        "rolling": make_opportunity(db, days_left=None, title="Rolling cyber workforce program"),
        "closed": make_opportunity(db, days_left=-1, title="Closed cyber grant"),
    }


@pytest.mark.parametrize(
    "query",
    [
        "",
        "q=cyber",
        "q=utility",
        "who=higher_ed",
        "category=ST",
        "aln=47.070",
        "award_min=100000",
        "closing_within=30",
        "sort=award",
        "sort=newest&status=posted",
    ],
)
def test_funding_agrees_with_the_funding_search(client, db, opportunities, query):
    api = client.get(f"/api/v1/funding?{query}").get_json()
    params = MultiDict(q.split("=") for q in query.split("&") if q)
    service = fs.search(db, fs.SearchQuery.from_params(params), TODAY, per_page=25)
    assert [o["id"] for o in api["items"]] == [h.opportunity.id for h in service.hits]
    assert api["total"] == service.total and api["per_page"] == 25
    if not query:
        assert api["total"] == 3


def test_funding_paging_detail_and_duplicates(client, db, opportunities):
    body = client.get("/api/v1/funding?per_page=2&page=2").get_json()
    assert (body["page"], body["total"], len(body["items"])) == (2, 3, 1)
    duplicate = make_opportunity(
        db, days_left=5, source="simpler", duplicate_of_id=opportunities["soon"].id
    )
    hit = client.get("/api/v1/funding?q=water").get_json()["items"][0]
    assert hit["id"] == opportunities["soon"].id
    assert hit["also_on"] == [{"id": duplicate.id, "source": "simpler", "url": duplicate.url}]
    detail = client.get(f"/api/v1/funding/{opportunities['later'].id}").get_json()
    assert detail["title"] == "AI security research" and detail["award_ceiling"] == 500_000
    assert detail["description"] and detail["eligible_applicants"] == ["06"]
    moved = client.get(f"/api/v1/funding/{duplicate.id}")
    assert moved.status_code == 301
    assert moved.headers["Location"].endswith(f"/api/v1/funding/{opportunities['soon'].id}")
    assert client.get("/api/v1/funding/999999").status_code == 404


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("per_page=0", "per_page"),
        ("award_min=lots", "award_min"),
        ("closing_within=400", "closing_within"),
        ("who=aliens", "who"),
        ("sort=random", "sort"),
        ("status=closed", "status"),
    ],
)
def test_bad_funding_arguments_are_a_422_naming_the_field(client, db, query, field):
    response = client.get(f"/api/v1/funding?{query}")
    assert response.status_code == 422
    assert list(response.get_json()["errors"]["query"]) == [field]
