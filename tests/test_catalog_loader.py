"""Loading the catalog: complete, idempotent, and all-or-nothing."""

import shutil

import pytest
import yaml
from sqlalchemy import func, select

from app.catalog.loader import load_catalog_into
from app.catalog.schema import CatalogError
from app.models import (
    AuditEntry,
    Certification,
    FundingProgram,
    HiringPathway,
    Skill,
    SkillAlias,
    WorkRole,
    WorkRoleSkill,
)

from .conftest import DATA_DIR


def count(db, model):
    return db.scalar(select(func.count()).select_from(model))


def test_first_load_creates_the_whole_catalog(empty_db):
    db = empty_db
    catalog = load_catalog_into(db, DATA_DIR)
    db.commit()
    assert count(db, WorkRole) == 41
    assert count(db, Skill) == catalog.counts["skills"] >= 300
    assert count(db, SkillAlias) == catalog.counts["aliases"]
    assert count(db, HiringPathway) == catalog.counts["pathways"]
    assert count(db, FundingProgram) == catalog.counts["funding_programs"]
    assert count(db, Certification) == catalog.counts["certifications"]
    role = db.get(WorkRole, "DD-WRL-004")
    assert role.opm_code_list == ["631", "632"]
    assert catalog.created["work_roles"] == 41


def test_second_load_changes_nothing_and_writes_no_audit_entry(db, catalog):
    audits = count(db, AuditEntry)
    again = load_catalog_into(db, DATA_DIR)
    db.commit()
    assert not again.changed
    assert count(db, AuditEntry) == audits


def test_an_edited_file_updates_in_place_and_is_audited(db, catalog, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data, ignore=shutil.ignore_patterns("samples"))
    path = data / "work_roles.yaml"
    doc = yaml.safe_load(path.read_text())
    doc["work_roles"][0]["description"] = "An edited description."
    removed_program = yaml.safe_load((data / "funding_programs.yaml").read_text())
    (data / "funding_programs.yaml").write_text(yaml.safe_dump(removed_program[1:]))
    path.write_text(yaml.safe_dump(doc, sort_keys=False))

    report = load_catalog_into(db, data)
    db.commit()
    assert report.updated == {"work_roles": 1}
    assert report.deleted == {"funding_programs": 1}
    assert db.get(WorkRole, doc["work_roles"][0]["id"]).description == "An edited description."
    assert db.get(FundingProgram, removed_program[0]["aln"]) is None
    entry = db.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry.action == "catalog.load" and entry.changes["updated"] == {"work_roles": 1}


def test_a_malformed_file_leaves_the_database_untouched(db, catalog, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data, ignore=shutil.ignore_patterns("samples"))
    doc = yaml.safe_load((data / "work_roles.yaml").read_text())
    doc["work_roles"][0]["description"] = "Should never be stored."
    (data / "work_roles.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
    (data / "funding_programs.yaml").write_text("- aln: not-a-number\n")
    with pytest.raises(CatalogError, match="funding_programs.yaml"):
        load_catalog_into(db, data)
    assert db.get(WorkRole, doc["work_roles"][0]["id"]).description != "Should never be stored."


def test_skill_weights_link_skills_to_roles(db, catalog):
    weights = db.scalars(select(WorkRoleSkill.weight)).all()
    assert weights and all(0 < w <= 1 for w in weights)
    core = db.scalar(
        select(func.count())
        .select_from(WorkRoleSkill)
        .where(WorkRoleSkill.work_role_id == "PD-WRL-002", WorkRoleSkill.weight >= 0.9)
    )
    assert core >= 4  # Digital Forensics has several defining skills
