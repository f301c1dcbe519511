"""A NUL character in an address is refused with a plain 400, before any query runs."""

import pytest

from .conftest import check_page_structure, login

ADDRESSES = [
    "/pathways/roles/PD-WRL%00-001",
    "/pathways/hiring-paths/a%00b",
    "/funding/?q=cyber%00security",
    "/funding/?q=cyber&agency=D%00HS",
    "/funding/?q%00=cyber",
    "/jobs/?location=Arl%00",
    "/feeds/abc%00.ics",
]


@pytest.mark.parametrize("address", ADDRESSES)
def test_an_address_holding_a_nul_gets_a_clear_400(client, catalog, address):
    response = client.get(address)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    check_page_structure(html)
    assert "character that is not allowed" in html


def test_a_nul_in_a_form_post_address_is_refused_too(client, catalog):
    response = client.post("/match?x=%00", data={"resume_text": "Incident response"})
    assert response.status_code == 400


def test_ordinary_addresses_are_untouched(client, catalog):
    assert client.get("/funding/?q=cyber+security").status_code == 200
    assert client.get("/pathways/roles/PD-WRL-001").status_code == 200


@pytest.mark.parametrize(
    "address",
    [
        "/jobs/2147483648",
        "/jobs/99999999999999999999",
        "/funding/opportunities/99999999999999999999",
        "/funding/opportunities/99999999999999999999.ics",
    ],
)
def test_an_id_beyond_any_stored_one_is_not_found(client, catalog, address):
    response = client.get(address)
    assert response.status_code == 404
    check_page_structure(response.get_data(as_text=True))


def test_a_saved_search_id_beyond_any_stored_one_shows_the_plain_search(client, db, catalog):
    login(client, db, "office@example.gov", ("program_office",))
    response = client.get("/funding/?saved=99999999999999999999")
    assert response.status_code == 200
