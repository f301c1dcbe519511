from bs4 import BeautifulSoup

from .conftest import check_page_structure


def test_work_roles_are_listed_by_category(client, catalog):
    response = client.get("/pathways/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    check_page_structure(html)
    soup = BeautifulSoup(html, "html.parser")
    headings = [h.get_text(" ", strip=True) for h in soup.find_all("h2")]
    assert any("Protection and Defense" in h for h in headings)
    assert len(headings) == 5
    role_links = [a for a in soup.find_all("a") if "/pathways/roles/" in a.get("href", "")]
    assert len(role_links) == 41


def test_role_page_shows_code_skills_certifications_and_pathways(client, catalog):
    response = client.get("/pathways/roles/PD-WRL-001")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    check_page_structure(html)
    soup = BeautifulSoup(html, "html.parser")
    assert soup.h1.get_text(strip=True) == "Defensive Cybersecurity"
    facts = soup.find("dl", class_="pf-facts").get_text(" ", strip=True)
    assert "511" in facts and "Protection and Defense" in facts
    assert soup.find(id="skills-heading") and "Core skills" in html
    certs = soup.find(id="certs-heading").find_parent("section").get_text(" ", strip=True)
    assert "CySA+" in certs
    paths = soup.find(id="paths-heading").find_parent("section")
    assert paths.find("a", href=lambda h: h and h.startswith("/pathways/hiring-paths/"))


def test_role_ids_are_case_insensitive_and_unknown_ones_404(client, catalog):
    assert client.get("/pathways/roles/pd-wrl-002").status_code == 200
    assert client.get("/pathways/roles/PD-WRL-999").status_code == 404


def test_hiring_paths_list_and_detail(client, catalog):
    response = client.get("/pathways/hiring-paths/")
    html = response.get_data(as_text=True)
    check_page_structure(html)
    soup = BeautifulSoup(html, "html.parser")
    links = [a["href"] for a in soup.select("tbody a")]
    assert len(links) >= 15
    detail = client.get(links[0])
    assert detail.status_code == 200
    check_page_structure(detail.get_data(as_text=True))
    assert "Official page for" in detail.get_data(as_text=True)


def test_ended_pathways_say_so_in_words(client, catalog):
    html = client.get("/pathways/hiring-paths/").get_data(as_text=True)
    assert "Ended" in html


def test_pages_without_a_catalog_explain_what_to_do(scratch_database_url):
    from app import create_app, migrate

    migrate.upgrade(scratch_database_url)
    app = create_app({"ENV_NAME": "testing", "DATABASE_URL": scratch_database_url})
    html = app.test_client().get("/pathways/").get_data(as_text=True)
    assert "pathfinder catalog load" in html
