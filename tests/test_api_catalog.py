"""The API's catalog reads: work roles and hiring pathways, from the real catalog."""

from app.services import catalog_queries


def test_work_roles_list_every_role_with_its_category_and_opm_codes(client, catalog, db):
    response = client.get("/api/v1/work-roles")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    body = response.get_json()
    roles = {role["id"]: role for role in body["items"]}
    expected = [r.id for c in catalog_queries.categories_with_roles(db) for r in c.work_roles]
    assert list(roles) == expected and body["total"] == len(expected) > 30
    assert roles["PD-WRL-001"] == {
        "id": "PD-WRL-001",
        "name": "Defensive Cybersecurity",
        "category": {"id": "PD", "name": roles["PD-WRL-001"]["category"]["name"]},
        "opm_codes": ["511"],
    }
    assert "Protect" in roles["PD-WRL-001"]["category"]["name"].title()


def test_a_work_role_has_weighted_skills_certifications_and_pathways(client, catalog, db):
    body = client.get("/api/v1/work-roles/pd-wrl-001").get_json()  # ids in any case
    detail = catalog_queries.role_detail(db, "PD-WRL-001")
    assert body["id"] == "PD-WRL-001" and body["name"] == "Defensive Cybersecurity"
    assert body["description"] == detail.role.description
    weights = [s["weight"] for s in body["skills"]]
    assert weights == sorted(weights, reverse=True) and len(weights) == len(detail.role.skills)
    assert {s["band"] for s in body["skills"]} <= {"Core", "Common", "Helpful"}
    assert all(s["band"] == "Core" for s in body["skills"] if s["weight"] >= 0.9)
    assert [c["acronym"] for c in body["certifications"]] == [
        c.certification.acronym for c in detail.certifications
    ]
    assert body["certifications"] and set(body["certifications"][0]) == {
        "id", "acronym", "name", "vendor", "proficiency", "dcwf_code"
    }  # fmt: skip
    assert [p["id"] for p in body["pathways"]] == [p.id for p in detail.targeted_pathways]
    assert [p["id"] for p in body["general_pathways"]] == [p.id for p in detail.general_pathways]
    assert body["general_pathways"] and "ended" not in {p["status"] for p in body["pathways"]}


def test_an_unknown_work_role_is_a_json_404(client, catalog):
    response = client.get("/api/v1/work-roles/PD-WRL-999")
    assert response.status_code == 404 and response.mimetype == "application/json"
    assert response.get_json() == {
        "code": 404,
        "status": "Not Found",
        "message": "We could not find that page.",
    }


def test_pathways_list_and_detail(client, catalog, db):
    body = client.get("/api/v1/pathways").get_json()
    expected = catalog_queries.all_pathways(db)
    assert [p["id"] for p in body["items"]] == [p.id for p in expected]
    assert body["total"] == len(expected) > 5
    first = expected[0]
    detail = client.get(f"/api/v1/pathways/{first.id}").get_json()
    assert detail["id"] == first.id and detail["name"] == first.name
    assert detail["status"] == str(first.status) and detail["authority"] == first.authority
    assert detail["work_roles"] == [{"id": r.id, "name": r.name} for r in first.work_roles]
    assert isinstance(detail["eligibility"], dict) and isinstance(detail["series"], list)


def test_an_unknown_pathway_is_a_json_404(client, catalog):
    response = client.get("/api/v1/pathways/no-such-pathway")
    assert response.status_code == 404 and response.get_json()["code"] == 404
