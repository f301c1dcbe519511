"""The API's OpenAPI 3.1 document and its documentation page (server-drawn, no scripts)."""

from bs4 import BeautifulSoup
from openapi_spec_validator import validate

from .conftest import check_page_structure


def api_paths(app) -> set[str]:
    """Every /api/v1 data route of the URL map, in OpenAPI's {name} notation."""
    return {
        rule.rule.replace("<int:", "<").replace("<", "{").replace(">", "}")
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
    }


def test_openapi_json_is_valid_openapi_3_1_with_every_route(app, client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    document = response.get_json()
    validate(document)  # raises on an invalid document
    assert document["openapi"] == "3.1.0"
    assert document["info"]["title"] == "Pathfinder" and document["info"]["version"] == "v1"
    assert set(document["paths"]) == api_paths(app) == {
        "/api/v1/work-roles", "/api/v1/work-roles/{role_id}",
        "/api/v1/pathways", "/api/v1/pathways/{pathway_id}",
        "/api/v1/jobs", "/api/v1/jobs/{job_id}",
        "/api/v1/funding", "/api/v1/funding/{opportunity_id}",
        "/api/v1/match", "/api/v1/deadlines.ics",
    }  # fmt: skip
    methods = {path: set(item) - {"parameters"} for path, item in document["paths"].items()}
    assert methods.pop("/api/v1/match") == {"post"}  # the one write: a resume to match
    assert all(found == {"get"} for found in methods.values())


def test_openapi_documents_errors_paging_and_parameters(client):
    document = client.get("/api/v1/openapi.json").get_json()
    error = document["components"]["schemas"]["Error"]["properties"]
    assert set(error) == {"code", "status", "message", "errors"}
    jobs = document["paths"]["/api/v1/jobs"]["get"]
    assert {"200", "422", "default"} <= set(jobs["responses"])
    assert "Link" in jobs["responses"]["200"]["headers"]
    per_page = next(p for p in jobs["parameters"] if p["name"] == "per_page")
    assert per_page["schema"] == {"type": "integer", "default": 25, "minimum": 1, "maximum": 100}
    names = {p["name"] for p in jobs["parameters"]}
    assert names == {"page", "per_page", "series", "hiring_path", "grade", "location", "remote",
                     "clearance", "closing_within", "role"}  # fmt: skip
    detail = document["paths"]["/api/v1/work-roles/{role_id}"]["get"]
    assert "404" in detail["responses"]


def test_the_docs_page_lists_every_endpoint_with_its_parameters(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    check_page_structure(html)
    soup = BeautifulSoup(html, "html.parser")
    assert soup.h1.get_text(strip=True) == "Pathfinder public API"
    assert soup.find("a", href="/api/v1/openapi.json") is not None
    headings = [h.get_text(" ", strip=True) for h in soup.find_all("h2")]
    for path, item in client.get("/api/v1/openapi.json").get_json()["paths"].items():
        assert f"{'POST' if 'post' in item else 'GET'} {path}" in headings
    jobs = soup.find(id="get-api-v1-jobs").find_parent("section")
    rows = {th.get_text(strip=True) for th in jobs.select("tbody th[scope=row]")}
    assert {"per_page", "series", "role", "422", "200"} <= rows
    assert all(th.get("scope") for th in soup.find_all("th"))
    assert all(t.find("caption") for t in soup.find_all("table"))
    for script in soup.find_all("script"):
        assert script["src"].startswith("/static/")  # nothing from a CDN
    assert "120 per minute" in html and "20 per minute" in html


def test_the_docs_page_lists_the_match_request_body_for_json_and_forms(client):
    soup = BeautifulSoup(client.get("/api/v1/docs").get_data(as_text=True), "html.parser")
    section = soup.find(id="post-api-v1-match").find_parent("section")
    body = section.find("caption", string="Request body of POST /api/v1/match").find_parent("table")
    rows = [
        [cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])]
        for row in body.select("tbody tr")
    ]
    assert rows[0][:4] == ["text", "application/json", "string", "Yes"]
    assert next(r for r in rows if r[0] == "answers")[:4] == [
        "answers",
        "application/json",
        "object",
        "No",
    ]
    assert any(r[:3] == ["file", "multipart/form-data", "string"] for r in rows)
    assert {"413", "415", "429"} <= {
        th.get_text(strip=True) for th in section.select("th[scope=row]")
    }
