"""`pathfinder catalog export --yaml`: the database's catalog in data/'s exact format."""

import filecmp
import shutil

import yaml

from app.catalog.loader import load_catalog_into
from app.catalog.schema import load_catalog
from app.catalog.yaml_export import entry_text, export_yaml
from app.models import Role, User, UserRole
from app.services.staff import curation

from .conftest import DATA_DIR

FILES = [
    "work_roles.yaml", "skills/practice.yaml", "skills/tools.yaml", "certifications.yaml",
    "pathways.yaml", "funding_programs.yaml", "job_series.yaml",
]  # fmt: skip


def staff(db):
    user = User(email="curator@opm.example.gov", password_hash="x", display_name="Curator")
    user.roles = [UserRole(role=Role.OPM_STAFF)]
    db.add(user)
    db.flush()
    return user


def test_an_unedited_catalog_exports_as_the_reviewed_files_byte_for_byte(db, catalog, tmp_path):
    written = export_yaml(db, tmp_path, DATA_DIR)
    assert sorted(str(p.relative_to(tmp_path)) for p in written) == sorted(FILES)
    for name in FILES:
        assert filecmp.cmp(DATA_DIR / name, tmp_path / name, shallow=False), name


def test_a_staff_edit_changes_only_its_entry_and_loads_back_unchanged(db, catalog, tmp_path):
    entry = curation.get_entry(db, "skill", "splunk")
    doc = {**entry.document, "aliases": [*entry.document["aliases"], "splunk searching"]}
    curation.save_entry(db, "skill", doc, base_number=entry.number, user=staff(db), reason="r")
    export_yaml(db, tmp_path, DATA_DIR)
    changed = [n for n in FILES if not filecmp.cmp(DATA_DIR / n, tmp_path / n, shallow=False)]
    assert changed == ["skills/tools.yaml"]
    old = (DATA_DIR / "skills/tools.yaml").read_text().splitlines()
    new = (tmp_path / "skills/tools.yaml").read_text().splitlines()
    assert len(new) == len(old) and sum(a != b for a, b in zip(old, new, strict=True)) == 1
    # The exported files are a valid catalog, and loading them changes nothing.
    shutil.copy(DATA_DIR / "README.md", tmp_path / "README.md")
    load_catalog(tmp_path)
    report = load_catalog_into(db, tmp_path)
    assert not report.changed and report.kept == []


def test_without_a_template_the_export_is_still_a_catalog_that_round_trips(db, catalog, tmp_path):
    export_yaml(db, tmp_path / "out", tmp_path / "no-template")
    report = load_catalog_into(db, tmp_path / "out")
    assert not report.changed


def test_entries_are_written_in_the_data_files_style():
    text = entry_text(
        {"id": "x", "name": "X", "aliases": ["a", "b"], "roles": {"PD-WRL-001": 1.0},
         "eligibility": {"any": [{"fact": "student", "is": True}]}, "sub_agency": None}
    )  # fmt: skip
    assert text.splitlines() == [
        '- id: "x"', '  name: "X"', '  aliases: ["a", "b"]', "  roles:", "    PD-WRL-001: 1.0",
        "  eligibility:", "    any:", '      - fact: "student"', "        is: true",
        "  sub_agency: null",
    ]  # fmt: skip
    assert yaml.safe_load(text)[0]["eligibility"] == {"any": [{"fact": "student", "is": True}]}
