"""The role × route matrix: every staff, admin and agency route, every method, every role.

Built from the app's URL map, so a route added later is checked without a line here: signed
out, it sends to the sign-in page; signed in with a role it is not for, it answers 403 and
changes nothing. (That each is open to its own role is tested with its workflow.)
"""

from __future__ import annotations

import pytest

from app.models import Role

from .conftest import login

# Who may use each blueprint's routes; admins hold every role.
ALLOWED = {
    "staff": {Role.OPM_STAFF, Role.ADMIN},
    "admin": {Role.ADMIN},
    "agency": {Role.AGENCY_POSTER, Role.ADMIN},
}
# A value for each URL variable the routes use (what it is does not matter: access is checked
# before anything is looked up).
SAMPLE_ARGS = {
    "slug": "skills",
    "ident": "splunk",
    "number": 1,
    "job_id": 1,
    "pending_id": 1,
    "opening_id": 1,
    "user_id": 1,
    "invitation_id": 1,
    "source": "usajobs",
    "role_id": "PD-WRL-001",
    "pathway_id": "pmf",
    "opportunity_id": 1,
    "key_id": 1,
}
# The public JSON API and its documents: open to everyone, signed in or not.
PUBLIC = {"api", "api_docs", "api-docs"}
EXCLUDED_METHODS = {"HEAD", "OPTIONS"}


def protected_routes(app) -> list[tuple[str, str, str]]:
    """(blueprint, method, path) for every rule of the protected blueprints."""
    routes = []
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.split(".", 1)[0]
        if blueprint not in ALLOWED:
            continue
        missing = set(rule.arguments) - set(SAMPLE_ARGS)
        assert not missing, f"add sample values for {missing} ({rule.rule})"
        path = rule.build({k: SAMPLE_ARGS[k] for k in rule.arguments}, append_unknown=False)[1]
        for method in sorted(set(rule.methods or ()) - EXCLUDED_METHODS):
            routes.append((blueprint, method, path))
    return routes


def test_the_matrix_covers_every_workflow(app):
    paths = {path for _, _, path in protected_routes(app)}
    for expected in (
        "/staff/catalog/skills/splunk/edit",
        "/staff/audit",
        "/admin/",
        "/agency/",
        "/agency/openings/1/edit",
        "/agency/openings/suggest",
        "/staff/api-keys",
        "/staff/api-keys/1/revoke",
    ):
        assert expected in paths


def test_signed_out_visitors_are_sent_to_sign_in(app, client):
    for _, method, path in protected_routes(app):
        response = client.open(path, method=method)
        assert response.status_code == 302, (method, path)
        assert "/account/login" in response.headers["Location"], (method, path)


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.ADMIN])
def test_every_other_role_is_refused(app, client, db, role):
    login(client, db, f"{role.value}@example.gov", (role.value,))
    refused = [
        (method, path)
        for blueprint, method, path in protected_routes(app)
        if role not in ALLOWED[blueprint]
    ]
    assert refused
    for method, path in refused:
        assert client.open(path, method=method).status_code == 403, (role, method, path)


def test_the_public_api_is_read_by_signed_out_visitors(app, client, catalog):
    reads = [
        rule.build({k: SAMPLE_ARGS[k] for k in rule.arguments}, append_unknown=False)[1]
        for rule in app.url_map.iter_rules()
        if rule.endpoint.split(".", 1)[0] in PUBLIC
    ]
    assert len(reads) == 12 and "/api/v1/docs" in reads and "/api/v1/openapi.json" in reads
    reads.remove("/api/v1/match")  # the one write: a resume to match, no sign-in either
    matched = client.post("/api/v1/match", json={"text": "Security analyst: Splunk, Zeek."})
    assert matched.status_code == 200
    for path in reads:
        response = client.get(path)
        assert response.status_code in {200, 404}, path  # no sign-in, no 401 or 403
        assert "/account/login" not in response.headers.get("Location", ""), path
        assert client.post(path).status_code == 405, path  # and read-only


def test_every_form_post_of_a_workspace_needs_a_csrf_token(app, client, db):
    login(client, db, "admin@example.gov", (Role.ADMIN.value,))  # admins hold every role
    app.config["WTF_CSRF_ENABLED"] = True
    posts = [(method, path) for _, method, path in protected_routes(app) if method == "POST"]
    assert len(posts) > 15
    for method, path in posts:
        response = client.open(path, method=method, data={"reason": "No token sent."})
        assert response.status_code == 400, (method, path)
        assert "CSRF" in response.get_data(as_text=True) or "expired" in response.get_data(
            as_text=True
        ), (method, path)
