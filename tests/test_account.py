from .conftest import check_page_structure, login


def test_login_page_is_labelled(client):
    response = client.get("/account/login")
    assert response.status_code == 200
    check_page_structure(response.get_data(as_text=True))


def test_wrong_password_is_explained_next_to_the_field_and_email_kept(client, db):
    login(client, db, "someone@example.gov")
    client.post("/account/logout")
    response = client.post(
        "/account/login", data={"email": "someone@example.gov", "password": "not it"}
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "password is not correct" in html
    assert 'value="someone@example.gov"' in html
    check_page_structure(html)


def test_login_redirects_only_to_this_site(client, db):
    from app.services.accounts import create_user

    create_user(db, "x@example.gov", "X", "a long passphrase", ["opm_staff"])
    db.commit()
    data = {"email": "x@example.gov", "password": "a long passphrase"}
    # Browsers read "\\" as "/" and drop tabs: each of these leads to evil.example.com.
    for target in ("//evil.example.com/", "/%5Cevil.example.com/", "/%09/evil.example.com/"):
        response = client.post(f"/account/login?next={target}", data=data)
        assert response.headers["Location"] == "/", target
        client.post("/account/logout")
    response = client.post("/account/login?next=/staff/", data=data)
    assert response.headers["Location"] == "/staff/"


def test_forms_require_a_csrf_token_when_protection_is_on(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/account/login", data={"email": "a@example.gov", "password": "x"})
    assert response.status_code == 400
    assert "form expired" in response.get_data(as_text=True)
