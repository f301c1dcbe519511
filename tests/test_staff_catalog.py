"""OPM staff edit the catalog through the site: forms, versions, conflicts, previews, reverts."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from app.catalog import documents
from app.models import AuditEntry, CatalogVersion
from app.services.matcher import role_matcher
from matching.analysis import evaluate_pathways

from .conftest import check_page_structure, form_values, login

ALIAS = "quillmarrow analytics"  # a made-up product; staff make it an alias of Splunk
REASON = "SOC postings at agencies name it."
SPLUNK_EDIT = "/staff/catalog/skills/splunk/edit"
INTERNSHIP_EDIT = "/staff/catalog/pathways/pathways-internship/edit"


def eligible_pathways(db, facts: dict[str, object]) -> set[str]:
    """The pathways the matcher, fitted now, finds a person with these facts eligible for."""
    groups = evaluate_pathways(role_matcher(db).catalog.pathways, facts)
    return {p["id"] for p in groups["eligible"]}


def versions_of(db, kind: str, ident: str) -> int:
    return db.scalar(
        select(func.count())
        .select_from(CatalogVersion)
        .where(CatalogVersion.entity_type == kind, CatalogVersion.entity_id == ident)
    )


@pytest.fixture
def staff(client, db, catalog):
    login(client, db, "curator@example.gov")
    return client


def with_alias(values: dict[str, object], alias: str = ALIAS) -> dict[str, object]:
    return {**values, "aliases": f"{values['aliases']}\n{alias}", "reason": REASON}


URLS = [
    "/staff/catalog/",
    "/staff/catalog/skills/",
    SPLUNK_EDIT,
    "/staff/catalog/skills/new",
    "/staff/catalog/skills/splunk/history",
    "/staff/catalog/skills/alias-check?alias=x",
    "/staff/audit",
]


@pytest.mark.parametrize("url", URLS)
def test_catalog_pages_are_for_staff_only(client, db, catalog, url):
    assert client.get(url).status_code == 302  # signed out: to the sign-in page
    login(client, db, "poster@example.gov", ("agency_poster",))
    assert client.get(url).status_code == 403
    assert client.post(SPLUNK_EDIT, data={"reason": "x"}).status_code == 403


@pytest.mark.parametrize(
    "url",
    [
        "/staff/catalog/",
        "/staff/catalog/work-roles/",
        "/staff/catalog/skills/?q=splunk",
        "/staff/catalog/pathways/",
        "/staff/catalog/funding-programs/",
        "/staff/catalog/work-roles/PD-WRL-001/edit",
        SPLUNK_EDIT,
        INTERNSHIP_EDIT,
        "/staff/catalog/funding-programs/97.137/edit",
        "/staff/catalog/pathways/new",
        "/staff/catalog/skills/splunk/history",
        "/staff/audit",
    ],
)
def test_every_catalog_page_renders_labelled(staff, url):
    response = staff.get(url)
    assert response.status_code == 200
    check_page_structure(response.get_data(as_text=True))


def test_unknown_kinds_and_entries_are_not_found(staff):
    assert staff.get("/staff/catalog/widgets/").status_code == 404
    assert staff.get("/staff/catalog/skills/no-such-skill/edit").status_code == 404
    assert staff.get("/staff/catalog/work-roles/new").status_code == 404  # NICE defines roles


def test_the_list_finds_entries_by_name(staff):
    html = staff.get("/staff/catalog/skills/?q=SPLUNK").get_data(as_text=True)
    assert 'href="/staff/catalog/skills/splunk/edit"' in html
    assert "/staff/catalog/skills/wireshark/edit" not in html


def test_a_saved_alias_is_versioned_audited_and_matched_next(staff, db):
    before = role_matcher(db).profiler_.transform([f"We use {ALIAS} daily."])
    assert before.nnz == 0
    values = form_values(staff.get(SPLUNK_EDIT).get_data(as_text=True))
    response = staff.post(SPLUNK_EDIT, data=with_alias(values))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/staff/catalog/skills/splunk/history")
    assert ALIAS in documents.document(db, "skill", "splunk")["aliases"]
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "catalog.edit")).one()
    assert (entry.actor, entry.entity_id, entry.note) == ("curator@example.gov", "splunk", REASON)
    assert ALIAS in entry.changes["fields"]["aliases"][1]
    matcher = role_matcher(db)  # a new catalog version: refitted
    top = matcher.rank(f"Security operations analyst. We use {ALIAS} daily for alerts.")[0]
    assert "splunk" in {s["skill_id"] for s in top.matched}
    history = staff.get(response.headers["Location"]).get_data(as_text=True)
    assert "Version 2 (current): Edited" in history and REASON in history


def test_a_save_without_a_reason_is_refused_by_the_field_and_keeps_the_input(staff, db):
    values = form_values(staff.get(SPLUNK_EDIT).get_data(as_text=True))
    response = staff.post(SPLUNK_EDIT, data={**with_alias(values), "reason": "  "})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="reason-error"' in html and "Say why you are making this change." in html
    assert ALIAS in html  # what was typed is still there
    assert versions_of(db, "skill", "splunk") == 1  # as loaded


def test_an_alias_of_another_skill_is_refused_naming_it(staff, db):
    values = form_values(staff.get(SPLUNK_EDIT).get_data(as_text=True))
    response = staff.post(SPLUNK_EDIT, data=with_alias(values, "wireshark"))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="aliases-error"' in html and "already names the skill" in html
    assert "wireshark" in html and versions_of(db, "skill", "splunk") == 1  # as loaded


def test_bad_weights_are_refused_with_the_line(staff):
    values = form_values(staff.get(SPLUNK_EDIT).get_data(as_text=True))
    data = {**values, "roles": "PD-WRL-001: core\nPD-WRL-003 strongly", "reason": REASON}
    html = staff.post(SPLUNK_EDIT, data=data).get_data(as_text=True)
    assert "Line 2: write an id, a colon and a weight" in html
    data["roles"] = "PD-WRL-001: core\nXX-WRL-999: helpful"
    response = staff.post(SPLUNK_EDIT, data=data)
    assert response.status_code == 400
    assert "unknown work role(s): XX-WRL-999" in response.get_data(as_text=True)


def test_the_second_of_two_concurrent_edits_is_told_and_loses_nothing(staff, db):
    page = staff.get(SPLUNK_EDIT).get_data(as_text=True)
    first, second = form_values(page), form_values(page)  # two people opened version 0
    assert staff.post(SPLUNK_EDIT, data=with_alias(first)).status_code == 302
    mine = {**second, "misspellings": "splnk", "reason": "A typo seen in resumes."}
    response = staff.post(SPLUNK_EDIT, data=mine)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Someone else saved this skill while you were editing it" in html
    assert "curator@example.gov saved version 2" in html
    assert "splnk" in html  # the second person's input is kept
    assert documents.document(db, "skill", "splunk")["misspellings"] == ["splunck", "spunk"]
    again = form_values(html)  # saving again, knowingly, over version 2
    assert again["base_number"] == "2"
    assert staff.post(SPLUNK_EDIT, data={**again, "reason": "Typo."}).status_code == 302
    saved = documents.document(db, "skill", "splunk")
    assert saved["misspellings"] == ["splnk"]
    assert ALIAS not in saved["aliases"]  # the second person's form, as they sent it


def test_a_work_roles_skill_weights_change_the_skills_too(staff, db):
    url = "/staff/catalog/work-roles/PD-WRL-001/edit"
    values = form_values(staff.get(url).get_data(as_text=True))
    assert "splunk: core" in str(values["skills"])
    skills = str(values["skills"]).replace("splunk: core", "splunk: helpful")
    response = staff.post(url, data={**values, "skills": skills, "reason": "Rebalanced."})
    assert response.status_code == 302
    assert documents.document(db, "skill", "splunk")["roles"]["PD-WRL-001"] == 0.3
    assert versions_of(db, "skill", "splunk") == 2  # as loaded, then the role's edit
    assert versions_of(db, "work_role", "PD-WRL-001") == 2


def test_a_rule_preview_evaluates_the_sample_profiles_and_saves_nothing(staff, db):
    values = form_values(staff.get(INTERNSHIP_EDIT).get_data(as_text=True))
    rule = "all:\n  - fact: veteran\n    is: true\n  - fact: disability_rating\n    min: 30\n"
    response = staff.post(INTERNSHIP_EDIT, data={**values, "eligibility": rule, "preview": "1"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    rows = dict(
        re.findall(r'data-label="Sample person">([^<]+)</th>\s*<td[^>]*><strong>([^<]+)', html)
    )
    assert rows["Disabled veteran (40% rating)"] == "Eligible"
    assert rows["Veteran (separated 2 years ago)"] == "Not eligible"
    assert rows["Student"] == "Not eligible"
    assert rows["Someone who told us nothing"] == "Unknown"
    assert "Would need to tell us: a veteran" in html
    assert versions_of(db, "pathway", "pathways-internship") == 1  # as loaded


def test_an_invalid_rule_is_refused_by_the_field(staff, db):
    values = form_values(staff.get(INTERNSHIP_EDIT).get_data(as_text=True))
    for rule, message in (
        ("fact: wizard\nis: true", "unknown fact &#39;wizard&#39;"),
        ("fact: [student", "not valid YAML"),
        ("fact: disability_rating\nis: true", "disability_rating is a number"),
    ):
        for extra in ({"preview": "1"}, {"reason": REASON}):
            response = staff.post(INTERNSHIP_EDIT, data={**values, "eligibility": rule, **extra})
            assert response.status_code == 400
            html = response.get_data(as_text=True)
            assert 'id="eligibility-error"' in html and message in html
    assert versions_of(db, "pathway", "pathways-internship") == 1  # as loaded


def test_a_saved_rule_changes_who_the_pathway_finds_eligible_and_reverts(staff, db):
    values = form_values(staff.get(INTERNSHIP_EDIT).get_data(as_text=True))
    veteran = {"veteran": True, "student": False}
    assert "pathways-internship" not in eligible_pathways(db, veteran)
    data = {**values, "eligibility": "fact: veteran\nis: true\n", "reason": "Trial."}
    assert staff.post(INTERNSHIP_EDIT, data=data).status_code == 302
    assert "pathways-internship" in eligible_pathways(db, veteran)

    history = "/staff/catalog/pathways/pathways-internship/history"
    html = staff.get(history).get_data(as_text=True)
    assert "Version 2 (current): Edited" in html and "Version 1: Loaded" in html
    revert = "/staff/catalog/pathways/pathways-internship/revert"
    assert staff.post(revert, data={"number": "1", "base_number": "2"}).status_code == 400
    response = staff.post(revert, data={"number": "1", "base_number": "2", "reason": "Undo."})
    assert response.status_code == 302
    assert "pathways-internship" not in eligible_pathways(db, veteran)
    html = staff.get(history).get_data(as_text=True)
    assert "Version 3 (current): Reverted to version 1" in html
    stale = staff.post(revert, data={"number": "2", "base_number": "2", "reason": "Again."})
    assert stale.status_code == 409  # version 3 was saved since this page was opened
    for garbled in ("", "three"):  # a form without the version it was opened at is refused
        blind = staff.post(revert, data={"number": "2", "base_number": garbled, "reason": "X."})
        assert blind.status_code == 400 and "out of date" in blind.get_data(as_text=True)
    assert "Version 4" not in staff.get(history).get_data(as_text=True)


def test_a_funding_program_edit_keeps_the_fields_the_form_does_not_show(staff, db):
    url = "/staff/catalog/funding-programs/97.137/edit"
    values = form_values(staff.get(url).get_data(as_text=True))
    before = documents.document(db, "funding_program", "97.137")
    data = {**values, "summary": "A new summary in our words.", "reason": "Clearer."}
    assert staff.post(url, data=data).status_code == 302
    after = documents.document(db, "funding_program", "97.137")
    assert after["summary"] == "A new summary in our words."
    assert {k: v for k, v in after.items() if k != "summary"} == {
        k: v for k, v in before.items() if k != "summary"
    }


def test_a_new_skill_is_created_and_its_id_is_checked(staff, db):
    data = {
        "id": "quillmarrow",
        "name": "Quillmarrow",
        "kind": "tool",
        "aliases": ALIAS,
        "roles": "PD-WRL-001: common",
        "reason": "New SIEM on the market.",
    }
    assert staff.post("/staff/catalog/skills/new", data={**data, "id": "Bad Id"}).status_code == 400
    taken = staff.post("/staff/catalog/skills/new", data={**data, "id": "splunk"})
    assert taken.status_code == 400 and "already exists" in taken.get_data(as_text=True)
    assert staff.post("/staff/catalog/skills/new", data=data).status_code == 302
    assert documents.document(db, "skill", "quillmarrow")["roles"] == {"PD-WRL-001": 0.6}


def test_the_alias_check_names_collisions_and_common_words(staff):
    query = "skill=splunk&alias=wireshark&alias=the&alias=splunk%20es&alias=brand%20new"
    data = staff.get(f"/staff/catalog/skills/alias-check?{query}").get_json()
    assert data["collisions"] == [
        {"alias": "wireshark", "skill": "wireshark", "skill_name": "Wireshark"}
    ]
    assert data["common_words"] == ["the"]  # "splunk es" is Splunk's own


def test_the_alias_check_compares_aliases_as_the_matcher_reads_them(staff):
    query = "skill=wireshark&alias=Splunk-ES&alias=packet%20sniffing&cased=SPLUNK%20ES"
    data = staff.get(f"/staff/catalog/skills/alias-check?{query}").get_json()
    assert [(c["alias"], c["skill"]) for c in data["collisions"]] == [
        ("Splunk-ES", "splunk"),
        ("SPLUNK ES", "splunk"),
    ]


def test_case_sensitive_aliases_are_checked_for_collisions_but_never_called_common(staff):
    data = staff.get("/staff/catalog/skills/alias-check?skill=splunk&cased=Access").get_json()
    assert data == {"collisions": [], "common_words": []}


def test_the_audit_log_shows_each_change_readably_and_escaped(staff):
    values = form_values(staff.get(SPLUNK_EDIT).get_data(as_text=True))
    alias = "<i>splunk</i> search"
    staff.post(SPLUNK_EDIT, data={**with_alias(values, alias), "name": "Splunk Enterprise"})
    html = staff.get("/staff/audit?action=catalog.edit").get_data(as_text=True)
    check_page_structure(html)
    details = BeautifulSoup(html, "html.parser").select_one('td[data-label="Details"]')
    lines = [li.get_text(" ", strip=True) for li in details.select("li")]
    assert "Name : Splunk → Splunk Enterprise" in lines  # old → new
    assert f"Added {alias}" in lines  # an added alias is an item of its own, escaped
    assert "<i>splunk</i>" not in html and "&lt;i&gt;splunk&lt;/i&gt;" in html
    assert '"fields"' not in details.get_text() and "[[" not in details.get_text()  # no JSON


def test_the_audit_log_shows_and_filters_changes(staff):
    values = form_values(staff.get(SPLUNK_EDIT).get_data(as_text=True))
    staff.post(SPLUNK_EDIT, data=with_alias(values))
    html = staff.get("/staff/audit?action=catalog.").get_data(as_text=True)
    assert "catalog.edit" in html and REASON in html
    assert 'href="/staff/catalog/skills/splunk/history"' in html
    html = staff.get("/staff/audit?action=catalog.&actor=nobody").get_data(as_text=True)
    assert "catalog.edit" not in html and "Nothing has been recorded that matches" in html
    assert staff.get("/staff/audit?page=abc&action=nothing.").status_code == 200
