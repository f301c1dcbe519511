"""matching.titles and the signals it feeds (issue 17): titles, the domain gate, ties."""

from __future__ import annotations

import pytest

from matching.roles import MATCH_THRESHOLD, RoleMatcher
from matching.titles import TitleReader, load_titles
from tests.matcher_helpers import SOC_RESUME, catalog, matcher


@pytest.fixture(scope="module")
def fitted() -> RoleMatcher:
    return matcher()


PARENTHETICALS = load_titles()[0]


@pytest.mark.parametrize("spec", PARENTHETICALS, ids=lambda p: p.code)
def test_every_2210_parenthetical_ranks_its_role_first_without_duties(fitted, spec):
    lead = max(spec.roles, key=lambda r: spec.roles[r])
    for title in (
        f"IT Specialist ({spec.code})",
        *(f"Information Technology Specialist ({form})" for form in spec.written),
        f"IT Specialist ({spec.code}), GS-2210-12\nDepartment of the Interior, Denver, CO",
    ):
        ranked = fitted.rank(title, top_k=2)
        assert ranked[0].id == lead, title
        assert ranked[0].score > ranked[1].score and ranked[0].is_match, title


def test_titles_are_read_on_title_lines_and_not_in_office_names():
    reader = TitleReader(catalog=catalog()).fit()
    roles = list(reader.role_ids_)
    evidence, it, hits = reader.read("Senior SOC Analyst\nAcme Corp, 2020 - Present")
    assert it and evidence[roles.index("PD-WRL-001")] == 1.0
    assert [h.text for h in hits] == ["SOC Analyst"]
    # An office named after a title is not a title.
    evidence, _, _ = reader.read("IT Specialist (APPSW)\nOffice of the CISO")
    assert evidence[roles.index("OG-WRL-007")] == 0.0
    assert evidence[roles.index("DD-WRL-003")] == 1.0


@pytest.mark.parametrize(
    "text",
    [
        "Plant operations manager. Ran the SCADA, PLC and DCS systems of a water treatment plant, "
        "managed 40 operators, budgets and shift schedules, and led safety compliance audits.",
        "Litigation attorney. Legal research on Westlaw and LexisNexis, e-discovery in Relativity, "
        "drafted motions and briefs, argued in state court and counselled clients on contracts.",
        "Project manager for hospital construction: stakeholder engagement, budget formulation, "
        "earned value management, MS Project schedules and agile stand-ups in Jira.",
    ],
)
def test_general_domain_language_alone_does_not_reach_a_match(fitted, text):
    assert fitted.rank(text, top_k=1)[0].score < MATCH_THRESHOLD


def test_the_gate_does_not_hold_back_cyber_text(fitted):
    text = (
        "OT security engineer. Segmented the SCADA and PLC networks, deployed Dragos and "
        "Claroty monitoring, ran IEC 62443 risk assessments and hardened HMI hosts."
    )
    assert fitted.rank(text, top_k=1)[0].id == "DD-WRL-009"
    assert fitted.rank(text, top_k=1)[0].is_match


def test_an_all_tied_ranking_says_so(fitted):
    assert fitted.rank("", top_k=5).tied
    assert fitted.rank("Bake bread and cakes.", top_k=5).tied
    assert not fitted.rank(SOC_RESUME, top_k=5).tied
