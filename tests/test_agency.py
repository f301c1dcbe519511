from .conftest import check_page_structure, login


def test_agency_workspace_requires_the_agency_role(client, db):
    assert client.get("/agency/").status_code == 302
    login(client, db, "staff@example.gov", ("opm_staff",))
    assert client.get("/agency/").status_code == 403


def test_agency_poster_sees_their_postings(client, db):
    login(client, db, "poster@example.gov", ("agency_poster",))
    response = client.get("/agency/")
    assert response.status_code == 200
    check_page_structure(response.get_data(as_text=True))
    assert "You have not posted any openings" in response.get_data(as_text=True)
