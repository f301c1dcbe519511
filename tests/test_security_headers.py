"""Security headers on every response: pages, forms, static files and error pages."""

import pytest

from app import create_app
from app.extensions import get_database

PATHS = [
    "/",
    "/match",
    "/account/login",
    "/funding/",
    "/static/css/pathfinder.css",
    "/no-such",
    "/api/v1/work-roles",
    "/api/v1/docs",
    "/api/v1/no-such",
]


def production_client(database_url, session_factory, model_cache_dir):
    app = create_app(
        {
            "ENV_NAME": "production",
            "DATABASE_URL": database_url,
            "SECRET_KEY": "s",
            "MODEL_CACHE_DIR": str(model_cache_dir),
            "TRUSTED_PROXY_HOPS": 1,
        }
    )
    get_database(app).session_factory = session_factory
    return app.test_client()


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


@pytest.mark.parametrize("path", PATHS)
def test_every_response_carries_the_headers(client, path):
    response = client.get(path)
    assert response.status_code in {200, 404}
    headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    policy = directives(headers["Content-Security-Policy"])
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["script-src"] == ["'self'"]  # no 'unsafe-inline', no eval
    assert policy["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in headers["Content-Security-Policy"]
    assert "Strict-Transport-Security" not in headers  # development, plain HTTP


def test_production_sends_hsts_over_https_only(database_url, session_factory, model_cache_dir):
    client = production_client(database_url, session_factory, model_cache_dir)
    secure = client.get("/", base_url="https://pathfinder.example.gov")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    behind_proxy = client.get("/account/login", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in behind_proxy.headers
    assert "Strict-Transport-Security" not in client.get("/").headers  # plain HTTP: pointless
    assert client.get("/").status_code == 200  # and no redirect: TLS is the proxy's job


def test_forms_posted_over_https_keep_working_with_the_referrer_policy(
    database_url, session_factory, model_cache_dir, db
):
    """Flask-WTF checks the Referer of HTTPS posts: same-origin still sends it to us."""
    client = production_client(database_url, session_factory, model_cache_dir)
    base = "https://pathfinder.example.gov"
    page = client.get("/account/login", base_url=base)
    token = page.get_data(as_text=True).split('name="csrf_token" type="hidden" value="')[1]
    token = token.split('"')[0]
    response = client.post(
        "/account/login",
        base_url=base,
        data={"csrf_token": token, "email": "nobody@example.gov", "password": "x"},
        headers={"Referer": f"{base}/account/login"},
    )
    assert response.status_code == 400  # the form's answer, not a refused CSRF token
    assert "The e-mail address or password is not correct." in response.get_data(as_text=True)
