"""OPM staff curating the catalog: versions, conflicts, reverts, and the matcher following."""

import pytest
from sqlalchemy import select

from app.catalog import versions
from app.catalog.documents import Context, alias_collisions, document
from app.catalog.loader import load_catalog_into
from app.models import AuditEntry, CatalogVersion, Role, User, UserRole, WorkRoleSkill
from app.services.matcher import catalog_version, role_matchers
from app.services.staff import curation
from app.services.staff.curation import EditConflict, EntryError

from .conftest import DATA_DIR

NEW_ALIAS = "log sleuthing with the big yellow tool"


@pytest.fixture
def staff(db):
    user = User(email="curator@opm.example.gov", password_hash="x", display_name="Curator")
    user.roles = [UserRole(role=Role.OPM_STAFF)]
    db.add(user)
    db.flush()
    return user


def edited(db, kind, ident, **changes):
    entry = curation.get_entry(db, kind, ident)
    return entry, {**entry.document, **changes}


def test_a_saved_alias_is_a_new_version_audited_with_the_reason(db, catalog, staff):
    entry, doc = edited(db, "skill", "splunk")
    doc["aliases"] = [*doc["aliases"], NEW_ALIAS]
    saved = curation.save_entry(
        db, "skill", doc, base_number=entry.number, user=staff, reason="Seen in resumes"
    )
    assert saved.number == entry.number + 1 and NEW_ALIAS in saved.document["aliases"]
    version = versions.get_version(db, "skill", "splunk", saved.number)
    assert (version.action, version.actor, version.reason) == (
        "edit",
        "curator@opm.example.gov",
        "Seen in resumes",
    )
    audit = db.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (audit.action, audit.entity_type, audit.entity_id) == ("catalog.edit", "skill", "splunk")
    before, after = audit.changes["fields"]["aliases"]
    assert NEW_ALIAS not in before and NEW_ALIAS in after


def test_the_matcher_uses_an_edited_alias_from_the_next_match(db, catalog, staff, tmp_path):
    old_version = catalog_version(db)
    matcher = role_matchers.get(db, directory=tmp_path)
    assert "splunk" not in {m.skill_id for m in matcher.extract(f"I do {NEW_ALIAS} daily.")}
    entry, doc = edited(db, "skill", "splunk")
    doc["aliases"] = [*doc["aliases"], NEW_ALIAS]
    curation.save_entry(db, "skill", doc, base_number=entry.number, user=staff, reason="r")
    assert catalog_version(db) != old_version
    role_matchers.clear()
    fresh = role_matchers.get(db, directory=tmp_path)
    assert "splunk" in {m.skill_id for m in fresh.extract(f"I do {NEW_ALIAS} daily.")}


def test_a_second_save_from_the_same_version_is_told_and_the_first_stands(db, catalog, staff):
    entry, first = edited(db, "pathway", "pathways-internship", term="First editor's term.")
    _, second = edited(db, "pathway", "pathways-internship", term="Second editor's term.")
    curation.save_entry(db, "pathway", first, base_number=entry.number, user=staff, reason="a")
    with pytest.raises(EditConflict) as conflict:
        curation.save_entry(db, "pathway", second, base_number=entry.number, user=staff, reason="b")
    assert conflict.value.current.document["term"] == "First editor's term."
    assert conflict.value.version.reason == "a"
    assert document(db, "pathway", "pathways-internship")["term"] == "First editor's term."


def test_revert_restores_an_old_version_as_a_new_one(db, catalog, staff):
    entry, doc = edited(db, "funding_program", "97.137", tier="C")
    original = dict(entry.document)
    saved = curation.save_entry(
        db, "funding_program", doc, base_number=entry.number, user=staff, reason="try C"
    )
    reverted = curation.revert(
        db, "funding_program", "97.137", entry.number,
        base_number=saved.number, user=staff, reason="back",
    )  # fmt: skip
    assert reverted.document == original and reverted.number == saved.number + 1
    newest = versions.get_version(db, "funding_program", "97.137", reverted.number)
    assert (newest.action, newest.reverted_to) == ("revert", entry.number)
    rows = curation.history(db, "funding_program", "97.137")
    assert [r.version.number for r in rows] == [reverted.number, saved.number, entry.number]
    assert [(c.field, c.before, c.after) for c in rows[1].changes] == [
        ("tier", original["tier"], "C")
    ]


@pytest.mark.parametrize(
    ("kind", "ident", "changes", "field"),
    [
        ("skill", "splunk", {"roles": {"XX-WRL-999": 1.0}}, "roles"),
        ("skill", "splunk", {"aliases": ["CrowdStrike Falcon"]}, "aliases"),
        ("pathway", "pathways-internship", {"eligibility": {"fact": "x", "is": 9}}, "eligibility"),
        ("pathway", "pathways-internship", {"grade_low": 12, "grade_high": 5}, "grade_low"),
        ("work_role", "PD-WRL-001", {"skills": {"splunk": 1.5}}, "skills"),
        ("work_role", "PD-WRL-001", {"opm_codes": ["51"]}, "opm_codes.0"),
        ("funding_program", "97.137", {"eligible_applicants": ["zz"]}, "eligible_applicants"),
    ],
)  # fmt: skip
def test_an_entry_the_catalog_cannot_take_is_refused_by_the_field(
    db, catalog, staff, kind, ident, changes, field
):
    entry, doc = edited(db, kind, ident, **changes)
    with pytest.raises(EntryError) as refused:
        curation.save_entry(db, kind, doc, base_number=entry.number, user=staff, reason="r")
    assert refused.value.field == field
    assert curation.get_entry(db, kind, ident) == entry  # nothing changed


def test_a_reason_is_required(db, catalog, staff):
    entry, doc = edited(db, "funding_program", "97.137", tier="C")
    with pytest.raises(EntryError) as refused:
        curation.save_entry(
            db, "funding_program", doc, base_number=entry.number, user=staff, reason=" "
        )
    assert refused.value.field == "reason"


def test_alias_collisions_name_the_skill_that_owns_the_alias(db, catalog):
    context = Context.of(db)
    assert alias_collisions(context, "splunk", ["CrowdStrike falcon", "brand new words"]) == {
        "CrowdStrike falcon": "crowdstrike-falcon"
    }
    assert alias_collisions(context, "splunk", ["splunk es"]) == {}  # its own alias


def test_role_skill_weights_are_versioned_on_the_role_and_the_skill(db, catalog, staff):
    entry, doc = edited(db, "work_role", "PD-WRL-001")
    skills = dict(doc["skills"])
    skills["splunk"] = 0.3
    doc["skills"] = skills
    curation.save_entry(db, "work_role", doc, base_number=entry.number, user=staff, reason="r")
    link = db.get(WorkRoleSkill, ("PD-WRL-001", "splunk"))
    assert link.weight == 0.3
    skill_version = db.scalars(
        select(CatalogVersion)
        .where(CatalogVersion.entity_type == "skill", CatalogVersion.entity_id == "splunk")
        .order_by(CatalogVersion.number.desc())
    ).first()
    assert skill_version.action == "edit" and skill_version.document["roles"]["PD-WRL-001"] == 0.3


def test_load_keeps_a_staff_edit_unless_forced(db, catalog, staff):
    entry, doc = edited(db, "pathway", "pathways-internship", term="Staff wording.")
    curation.save_entry(db, "pathway", doc, base_number=entry.number, user=staff, reason="r")
    kept = load_catalog_into(db, DATA_DIR)
    assert kept.kept == [("pathway", "pathways-internship")] and not kept.changed
    assert document(db, "pathway", "pathways-internship")["term"] == "Staff wording."
    forced = load_catalog_into(db, DATA_DIR, force=True)
    assert forced.replaced == [("pathway", "pathways-internship")]
    assert document(db, "pathway", "pathways-internship")["term"] == entry.document["term"]
    newest = versions.get_version(
        db, "pathway", "pathways-internship", entry.number + 2
    )  # edit, then the forced load
    assert (newest.action, newest.reason) == ("load", "catalog load --force")
    assert load_catalog_into(db, DATA_DIR).kept == []  # the files' version stands again


def test_every_loaded_entry_starts_its_history_at_version_one(db, catalog):
    first = versions.history(db, "skill", "splunk")[0]
    assert (first.number, first.action, first.actor) == (1, "load", "cli")
