from .conftest import check_page_structure


def test_funding_programs_list_and_detail(client, catalog):
    html = client.get("/funding/programs/").get_data(as_text=True)
    check_page_structure(html)
    assert "97.137" in html
    detail = client.get("/funding/programs/97.137")
    assert detail.status_code == 200
    page = detail.get_data(as_text=True)
    check_page_structure(page)
    assert "State governments" in page  # applicant codes shown in words


def test_unknown_program_is_a_404(client, catalog):
    assert client.get("/funding/programs/99.999").status_code == 404
