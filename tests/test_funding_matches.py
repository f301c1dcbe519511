"""Program office profiles, ranked matches (eligibility first), and the funding-hiring links."""

from datetime import date

from bs4 import BeautifulSoup
from sqlalchemy import event, select

from app.models import OpportunityStatus, User
from app.services.funding import links as funding_links
from app.services.funding import matches as funding_matches

from .conftest import check_page_structure, login
from .funding_helpers import make_office, make_opportunity

TODAY = date.today()
NEEDS = "AI-assisted vulnerability detection for our water utility's OT network"
OT_TEXT = (
    "Rural and municipal water and electric utilities may apply for funding to protect "
    "operational technology (OT) and industrial control systems (ICS): SCADA network "
    "monitoring, PLC hardening, OT asset inventory and anomaly detection in control networks."
)


def _profile(db, user, **overrides):
    data = {
        "organization_type": "special_district",
        "state": "il",
        "needs": NEEDS,
        "award_min": 100_000,
        "award_max": 2_000_000,
        "work_roles": ["DD-WRL-009", "NOT-A-ROLE"],
        **overrides,
    }
    return funding_matches.save_profile(db, user.id, data)


def _opportunities(db):
    return {
        "water": make_opportunity(
            db,
            title="Water Utility OT Cybersecurity",
            description=OT_TEXT,
            eligible_applicants=["02", "04"],
            assistance_listings=["81.008"],
            award_floor=250_000,
            award_ceiling=1_500_000,
        ),
        "schools": make_opportunity(
            db,
            title="School cybersecurity training",
            description="Training for teachers and students.",
            eligible_applicants=["04", "05"],
        ),
        "anyone": make_opportunity(
            db,
            title="Vulnerability detection research",
            description="AI vulnerability detection research.",
            eligible_applicants=["99"],
            assistance_listings=["12.910"],
        ),
        "states_only": make_opportunity(
            db,
            title="State water utility OT program",
            description=OT_TEXT,
            eligible_applicants=["00"],
        ),
        "universities": make_opportunity(
            db,
            title="University OT security research",
            description=OT_TEXT,
            eligible_applicants=["06", "20"],
        ),
        "closed": make_opportunity(
            db,
            title="Closed water OT grant",
            description=OT_TEXT,
            eligible_applicants=["04"],
            status=OpportunityStatus.CLOSED,
        ),
    }


def test_profile_maps_the_organization_type_to_grants_gov_codes(db, catalog):
    user = make_office(db)
    profile = _profile(db, user)
    assert profile.applicant_types == ["04"]
    assert profile.state == "IL"
    assert profile.work_roles == ["DD-WRL-009"]  # unknown roles dropped
    assert _profile(db, user, organization_type="tribal_government").applicant_types == ["07"]
    assert funding_matches.get_profile(db, user.id).organization_type == "tribal_government"


def test_ineligible_opportunities_are_excluded_and_counted(db, catalog):
    user = make_office(db)
    rows = _opportunities(db)
    view = funding_matches.matches_for(db, _profile(db, user), TODAY, top_k=50)
    shown = {m.id for m in view.result.matches}
    assert {rows["water"].id, rows["schools"].id, rows["anyone"].id} <= shown
    assert not {rows["states_only"].id, rows["universities"].id, rows["closed"].id} & shown
    assert view.result.ineligible_count >= 2
    assert set(view.opportunities) == shown


def test_the_best_fit_ranks_first_and_is_explained(db, catalog):
    user = make_office(db)
    rows = _opportunities(db)
    view = funding_matches.matches_for(db, _profile(db, user), TODAY)
    best = view.result.matches[0]
    assert best.id == rows["water"].id
    assert best.score > view.result.matches[1].score
    assert 0 <= best.score <= 100
    assert any("water" in t or "ot" in t.split() for t in best.matched_terms)
    assert best.days_left == 30 and best.award_ceiling == 1_500_000
    assert "Special district" in best.eligibility_note
    assert "81.008" in view.programs  # the catalog program behind it


def test_the_ranker_is_cached_until_opportunities_change(db, catalog):
    make_opportunity(db, title="Cache test one")
    first = funding_matches.ranker(db, TODAY)
    assert funding_matches.ranker(db, TODAY) is first
    make_opportunity(db, title="Cache test two")
    assert funding_matches.ranker(db, TODAY) is not first


def test_catalog_programs_feed_the_ranker_with_tier_a_boosts(db, catalog):
    texts, boosts = funding_matches.program_texts(db)
    assert "97.137" in texts and boosts["97.137"] > 0
    assert "12.300" in texts and "12.300" not in boosts  # tier C: words, no boost


def test_an_opportunity_links_to_the_work_roles_it_needs_with_pathways_and_jobs(
    db, catalog, tmp_path
):
    row = make_opportunity(db, title="OT security for water utilities", description=OT_TEXT)
    links = funding_links.roles_for_opportunity(db, row, tmp_path, TODAY)
    assert links and links[0].role_id == "DD-WRL-009"
    assert all(link.score >= funding_links.ROLE_FLOOR for link in links)
    assert len(links) <= funding_links.TOP_ROLES
    assert isinstance(links[0].pathways, list) and links[0].job_count >= 0
    found = funding_links.funding_for_role(db, "DD-WRL-009", tmp_path, TODAY)
    assert row in found


def test_matches_page_shows_scores_terms_eligibility_and_roles(client, db, catalog):
    _opportunities(db)
    db.commit()
    login(client, db, "office@example.gov", ("program_office",))
    assert client.get("/funding/matches").headers["Location"] == "/funding/profile"

    response = client.post(
        "/funding/profile",
        data={
            "organization_type": "special_district",
            "state": "IL",
            "needs": NEEDS,
            "award_min": "100000",
            "award_max": "2000000",
            "work_roles": ["DD-WRL-009"],
        },
    )
    assert response.status_code == 302 and response.headers["Location"] == "/funding/matches"
    html = client.get("/funding/matches").get_data(as_text=True)
    check_page_structure(html)
    soup = BeautifulSoup(html, "html.parser")
    first = soup.select(".pf-matches > li")[0]
    assert "Water Utility OT Cybersecurity" in first.get_text()
    assert "Score" in first.get_text() and "Eligible as" in first.get_text()
    assert "more you are not eligible for" in html
    assert "Operational Technology (OT) Cybersecurity Engineering" in first.get_text()
    assert "$250,000 to $1,500,000" in first.get_text()
    assert "30 days left" in first.get_text()


def test_a_matches_page_computes_the_catalog_version_once(client, db, catalog, connection):
    _opportunities(db)
    db.commit()
    login(client, db, "office@example.gov", ("program_office",))
    _profile(db, db.scalar(select(User).where(User.email == "office@example.gov")))
    db.commit()
    assert client.get("/funding/matches").status_code == 200  # fits the ranker and roles
    versions: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if "nice_imports" in statement:  # the latest NICE import: a part of the version
            versions.append(statement)

    event.listen(connection, "before_cursor_execute", record)
    try:
        assert "Water Utility OT Cybersecurity" in client.get("/funding/matches").get_data(
            as_text=True
        )
    finally:
        event.remove(connection, "before_cursor_execute", record)
    assert len(versions) == 1  # the ranker and the work roles share the one version


def test_profile_form_explains_problems(client, db, catalog):
    login(client, db, "office@example.gov", ("program_office",))
    response = client.post(
        "/funding/profile",
        data={
            "organization_type": "",
            "state": "IL",
            "needs": "",
            "award_min": "5",
            "award_max": "1",
        },
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    check_page_structure(html)
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find(attrs={"role": "alert"}) is not None
    for name in ("organization_type", "needs", "award_max"):
        assert f"{name}-error" in soup.find(id=name)["aria-describedby"]
