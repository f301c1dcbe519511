"""Errors under /api/ answer JSON in flask-smorest's Error shape, never an HTML page."""

import pytest
from werkzeug.exceptions import RequestEntityTooLarge

from app import create_app
from app.errors import error_body
from app.extensions import get_database

ERROR_KEYS = {"code", "status", "message"}


def assert_json_error(response, code: int) -> dict:
    assert response.status_code == code
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert ERROR_KEYS <= set(body) <= ERROR_KEYS | {"errors"}
    assert body["code"] == code and body["message"]
    assert "<html" not in response.get_data(as_text=True)
    return body


def test_unknown_api_paths_are_json_404s_and_site_pages_stay_html(client):
    assert_json_error(client.get("/api/v1/no-such-thing"), 404)
    assert_json_error(client.get("/api/v2/work-roles"), 404)
    page = client.get("/no-such-page")
    assert page.status_code == 404 and page.mimetype == "text/html"


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_writes_are_a_json_405_with_the_allowed_methods(client, catalog, method):
    response = client.open("/api/v1/work-roles", method=method)
    body = assert_json_error(response, 405)
    assert body["status"] == "Method Not Allowed"
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


def test_a_post_with_csrf_on_is_still_a_405_not_a_csrf_page(
    database_url, session_factory, model_cache_dir
):
    app = create_app(
        {
            "ENV_NAME": "development",
            "DATABASE_URL": database_url,
            "SECRET_KEY": "s",
            "MODEL_CACHE_DIR": str(model_cache_dir),
        }
    )
    get_database(app).session_factory = session_factory
    assert app.config["WTF_CSRF_ENABLED"]
    assert_json_error(app.test_client().post("/api/v1/jobs", data={"x": "1"}), 405)


def test_validation_errors_name_the_field_by_location(client):
    body = assert_json_error(client.get("/api/v1/jobs?per_page=0&grade=x"), 422)
    assert body["status"] == "Unprocessable Entity"
    assert set(body["errors"]["query"]) == {"per_page", "grade"}
    assert body["errors"]["query"]["grade"] == ["Not a valid integer."]


def test_too_many_reads_are_a_json_429_with_retry_after(
    database_url, session_factory, model_cache_dir, catalog
):
    app = create_app(
        {
            "ENV_NAME": "testing",
            "DATABASE_URL": database_url,
            "SECRET_KEY": "s",
            "MODEL_CACHE_DIR": str(model_cache_dir),
            "API_READ_LIMIT": "3 per minute",
        }
    )
    get_database(app).session_factory = session_factory
    client = app.test_client()
    ip = {"REMOTE_ADDR": "198.51.100.90"}
    statuses = [client.get("/api/v1/pathways", environ_base=ip).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    refused = client.get("/api/v1/work-roles", environ_base=ip)  # every API read counts
    body = assert_json_error(refused, 429)
    assert body["status"] == "Too Many Requests"
    assert int(refused.headers["Retry-After"]) > 0
    other = client.get("/api/v1/pathways", environ_base={"REMOTE_ADDR": "198.51.100.91"})
    assert other.status_code == 200  # per address
    assert client.get("/", environ_base=ip).status_code == 200  # the site's pages are not


def test_the_default_read_limit_is_documented_and_configurable(app, monkeypatch):
    from app.config import load_config

    assert app.config["API_READ_LIMIT"] == "120 per minute"
    monkeypatch.setenv("API_READ_LIMIT", "10 per second")
    assert load_config({"ENV_NAME": "testing"})["API_READ_LIMIT"] == "10 per second"


def test_a_server_error_is_a_json_500_without_details(app, client, caplog):
    def boom():
        raise RuntimeError("secret detail")

    app.add_url_rule("/api/v1/boom", "boom", boom)
    response = client.get("/api/v1/boom")
    body = assert_json_error(response, 500)
    assert "secret" not in response.get_data(as_text=True)
    assert body["message"] == "Something went wrong on our side. The problem has been logged."
    assert "secret detail" in caplog.text  # logged for us


def test_too_large_is_a_json_413(app):
    with app.test_request_context("/api/v1/jobs"):
        response = app.make_response(app.handle_user_exception(RequestEntityTooLarge()))
    assert_json_error(response, 413)


def test_a_bad_request_is_a_json_400(app):
    from werkzeug.exceptions import BadRequest

    with app.test_request_context("/api/v1/jobs"):
        response = app.make_response(app.handle_user_exception(BadRequest()))
    assert assert_json_error(response, 400)["status"] == "Bad Request"


def test_the_error_shape_matches_flask_smorests_error_schema():
    from flask_smorest.error_handler import ErrorSchema

    body = error_body(422, "Bad.", {"query": {"page": ["Too small."]}})
    assert set(body) == set(ErrorSchema().fields)
    assert ErrorSchema().load(body) == body
