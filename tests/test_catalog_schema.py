"""The reviewed catalog files validate, and a malformed file is named precisely."""

import shutil
from pathlib import Path

import pytest
import yaml

from app.catalog.schema import CatalogError, load_catalog, slugify_acronym

from .conftest import DATA_DIR


@pytest.fixture(scope="module")
def real_catalog():
    return load_catalog(DATA_DIR)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target, ignore=shutil.ignore_patterns("samples"))
    return target


def edit_yaml(path: Path, change) -> None:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(doc)
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")


def test_all_41_nice_work_roles_with_exact_ids_and_opm_codes(real_catalog):
    roles = {r.id: r for r in real_catalog.work_roles}
    assert len(roles) == 41
    assert {r.category for r in roles.values()} == {"OG", "DD", "IO", "PD", "IN"}
    assert roles["PD-WRL-001"].name == "Defensive Cybersecurity"
    assert roles["PD-WRL-001"].opm_codes == ["511"]
    assert roles["DD-WRL-004"].opm_codes == ["631", "632"]
    assert roles["PD-WRL-005"].opm_codes == []  # OPM code still TBD
    assert roles["IN-WRL-002"].opm_codes == ["211"]


def test_skills_lexicon_is_broad_and_every_role_is_covered(real_catalog):
    assert len(real_catalog.skills) >= 300
    covered = {role for skill in real_catalog.skills for role in skill.roles}
    assert covered == {r.id for r in real_catalog.work_roles}
    kinds = {s.kind for s in real_catalog.skills}
    assert {"tool", "technique", "certification", "clearance"} <= kinds
    assert sum(len(s.aliases) + len(s.misspellings) for s in real_catalog.skills) >= 600


def test_pathways_and_funding_programs(real_catalog):
    assert len(real_catalog.pathways) >= 15
    statuses = {p.status for p in real_catalog.pathways}
    assert {"active", "ended"} <= statuses
    assert len(real_catalog.funding_programs) >= 30
    alns = {p.aln for p in real_catalog.funding_programs}
    assert {"97.137", "47.070", "81.008"} <= alns


def test_certification_ids_follow_the_slug_rule(real_catalog):
    for cert in real_catalog.certifications:
        assert cert.id == slugify_acronym(cert.acronym), cert.acronym
    assert slugify_acronym("Security+") == "cert-security-plus"
    assert slugify_acronym("CIPP/US") == "cert-cipp-us"


def test_an_unknown_work_role_in_a_skill_names_file_entry_and_field(data_copy):
    path = data_copy / "skills" / sorted(p.name for p in (data_copy / "skills").iterdir())[0]

    def break_it(doc):
        doc[2]["roles"] = {"XX-WRL-999": 1.0}

    edit_yaml(path, break_it)
    with pytest.raises(CatalogError) as info:
        load_catalog(data_copy)
    message = str(info.value)
    assert path.name in message and "entry 3" in message
    assert "field 'roles" in message


def test_a_missing_required_field_is_named(data_copy):
    edit_yaml(data_copy / "pathways.yaml", lambda doc: doc[0].pop("official_page"))
    with pytest.raises(CatalogError, match=r"pathways\.yaml, entry 1 .*field 'official_page'"):
        load_catalog(data_copy)


def test_a_bad_eligibility_rule_is_named(data_copy):
    def break_it(doc):
        doc[1]["eligibility"] = {"fact": "astronaut", "is": True}

    edit_yaml(data_copy / "pathways.yaml", break_it)
    with pytest.raises(CatalogError, match="unknown fact 'astronaut'"):
        load_catalog(data_copy)


def test_an_alias_shared_by_two_skills_is_refused(data_copy):
    path = next((data_copy / "skills").glob("*.yaml"))

    def break_it(doc):
        doc[1]["aliases"] = [*doc[1].get("aliases", []), doc[0]["name"].upper()]

    edit_yaml(path, break_it)
    with pytest.raises(CatalogError, match="already names skill"):
        load_catalog(data_copy)


def test_a_yaml_syntax_error_gives_the_line(data_copy):
    (data_copy / "job_series.yaml").write_text("- series: '2210'\n  title: [unclosed\n")
    with pytest.raises(CatalogError, match=r"job_series\.yaml: .*line \d+"):
        load_catalog(data_copy)


def test_unknown_applicant_code_is_refused(data_copy):
    def break_it(doc):
        doc[0]["eligible_applicants"] = ["00", "77"]

    edit_yaml(data_copy / "funding_programs.yaml", break_it)
    with pytest.raises(CatalogError, match="eligibility code.*77"):
        load_catalog(data_copy)
