"""Coding help: the work roles and OPM codes an opening's text suggests, with evidence."""

from __future__ import annotations

from app.services.agency import coding
from matching.roles import MATCH_THRESHOLD, RoleMatch

SOC = (
    "Security operations center analyst. Monitor SIEM alerts in Splunk, triage intrusion "
    "detection events, analyze packet captures with Wireshark, and escalate incidents."
)


def match(role_id: str, score: float, code: str | None = "511", skills=()) -> RoleMatch:
    matched = [{"skill_id": s, "name": s.title(), "text": s} for s in skills]
    return RoleMatch(id=role_id, name=role_id, opm_code=code, score=score, matched=matched)


def test_a_soc_text_suggests_defensive_cybersecurity_first_with_its_evidence(db, catalog):
    suggestion = coding.suggest_codes(db, "SOC Analyst", SOC)
    top = suggestion.roles[0]
    assert (top.id, top.name, top.opm_code) == ("PD-WRL-001", "Defensive Cybersecurity", "511")
    assert top.score >= MATCH_THRESHOLD and top.is_match
    assert {"splunk", "wireshark"} <= {e.skill_id for e in top.evidence}
    assert suggestion.opm_codes[0] == "511"
    assert suggestion.confident and suggestion.confidence == "high"
    assert len(suggestion.roles) <= coding.MAX_ROLES
    assert all(r.score >= coding.SUGGESTION_FLOOR for r in suggestion.roles)


def test_qualifications_are_read_too(db, catalog):
    only_quals = coding.suggest_codes(db, "", "", SOC)
    assert only_quals.roles and only_quals.roles[0].id == "PD-WRL-001"


def test_no_text_and_no_cyber_text_suggest_nothing(db, catalog):
    empty = coding.suggest_codes(db, "  ", "", "")
    assert (empty.roles, empty.read_text, empty.confident) == ([], False, False)
    cook = coding.suggest_codes(db, "Cook", "Cook meals in a kitchen.")
    assert cook.read_text and cook.roles == [] and not cook.confident
    assert cook.confidence == "none"


def test_an_all_tied_ranking_is_no_ranking():
    tied = [match(f"R-{i}", 40.0) for i in range(5)]
    suggestion = coding.suggestion_from(tied)
    assert suggestion.roles == [] and not suggestion.confident


def test_weak_roles_are_kept_but_not_confident():
    ranked = [match("A", 35.0, "621"), match("B", 20.0, "622"), match("C", 2.0, "671")]
    suggestion = coding.suggestion_from(ranked)
    assert [r.id for r in suggestion.roles] == ["A", "B"]  # C is under the floor
    assert not suggestion.confident and suggestion.confidence == "low"
    assert suggestion.opm_codes == ["621", "622"]


def test_confidence_follows_the_top_score_and_its_margin():
    assert coding.confidence_of(90.0, 10.0) == "high"
    assert coding.confidence_of(90.0, 70.0) == "medium"  # a close second
    assert coding.confidence_of(65.0, 20.0) == "medium"
    assert coding.confidence_of(65.0, 60.0) == "low"
    assert coding.confidence_of(40.0, None) == "low"


def test_codes_are_in_role_order_without_repeats_or_blanks():
    ranked = [match("A", 90.0, "511"), match("B", 70.0, "511"), match("C", 50.0, None)]
    suggestion = coding.suggestion_from(ranked)
    assert [r.id for r in suggestion.roles] == ["A", "B", "C"]
    assert suggestion.opm_codes == ["511"]
    assert suggestion.as_json()["roles"][0]["evidence"] == []


def test_at_most_three_roles():
    ranked = [match(f"R-{i}", 90.0 - 10 * i, str(500 + i)) for i in range(6)]
    assert len(coding.suggestion_from(ranked).roles) == 3
