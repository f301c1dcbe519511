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
        assert response.headers["Location"] == "/staff/", target  # the staff workspace
        client.post("/account/logout")
    response = client.post("/account/login?next=/jobs/", data=data)
    assert response.headers["Location"] == "/jobs/"


def test_forms_require_a_csrf_token_when_protection_is_on(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/account/login", data={"email": "a@example.gov", "password": "x"})
    assert response.status_code == 400
    assert "form expired" in response.get_data(as_text=True)


def test_the_password_page_explains_each_problem_next_to_its_field(client, db):
    login(client, db, "changer@example.gov")
    page = client.get("/account/password")
    assert page.status_code == 200
    check_page_structure(page.get_data(as_text=True))
    response = client.post(
        "/account/password",
        data={"current": "a long passphrase", "password": "Password1234", "confirm": "nope"},
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    check_page_structure(html)
    assert "too easy to guess" in html and "not the same" in html
    assert 'href="#password"' in html and 'href="#confirm"' in html


def test_the_password_page_needs_a_signed_in_user(client):
    response = client.get("/account/password")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def test_wrong_current_passwords_are_limited(app, client, db):
    app.config["PASSWORD_CHANGE_LIMIT"] = "2 per hour"
    login(client, db, "guesser@example.gov")
    data = {"current": "wrong", "password": "violet granite harbour"}
    data["confirm"] = data["password"]
    assert client.post("/account/password", data=data).status_code == 400
    assert client.post("/account/password", data=data).status_code == 400
    blocked = client.post("/account/password", data=data)
    assert blocked.status_code == 429
    assert "Too many wrong current passwords" in blocked.get_data(as_text=True)


def test_a_201_character_password_is_told_the_upper_limit(client):
    data = {
        "display_name": "Pat",
        "email": "long@example.gov",
        "password": "v" * 201,
        "confirm": "v" * 201,
    }
    html = client.post("/account/register", data=data).get_data(as_text=True)
    assert "Use no more than 200 characters." in html and "at least 12" not in html


def test_registering_with_ones_own_email_as_password_is_refused(client):
    email = "own.address@example.gov"
    data = {"display_name": "Own", "email": email, "password": email, "confirm": email}
    response = client.post("/account/register", data=data)
    assert response.status_code == 400
    assert "Do not use your e-mail address or your name" in response.get_data(as_text=True)
