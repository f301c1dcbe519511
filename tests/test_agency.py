from sqlalchemy import select

from app.models import Agency, User

from .conftest import check_page_structure, login


def test_agency_workspace_requires_the_agency_role(client, db):
    assert client.get("/agency/").status_code == 302
    login(client, db, "staff@example.gov", ("opm_staff",))
    assert client.get("/agency/").status_code == 403


def test_agency_poster_sees_their_postings(client, db):
    login(client, db, "poster@example.gov", ("agency_poster",))
    agency = Agency(code="TEST", name="Test Agency")
    db.add(agency)
    db.flush()
    db.scalar(select(User).where(User.email == "poster@example.gov")).agency_id = agency.id
    db.commit()
    response = client.get("/agency/")
    assert response.status_code == 200
    check_page_structure(response.get_data(as_text=True))
    assert "You have not posted any openings" in response.get_data(as_text=True)
