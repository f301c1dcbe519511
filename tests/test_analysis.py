"""The typed resume analysis: composing it from a small catalog and round-tripping it."""

from __future__ import annotations

import json
from datetime import date

import pytest

from matching.analysis import (
    Answers,
    Fact,
    PathwayResult,
    ResumeAnalysis,
    RoleResult,
    analyse_resume,
    assess_eligibility,
)
from matching.catalog import CatalogSpec, CertificationSpec, PathwaySpec, RoleSpec, SkillSpec
from matching.documents import Document
from matching.roles import RoleMatcher

TODAY = date(2026, 11, 22)
RESUME = (
    "Security analyst. I triage alerts in Splunk every day, write detection rules and lead "
    "incident response for a regional bank.\nProud U.S. Army veteran. CompTIA CySA+ certified."
)

# What a match stored in format 1 looks like today (one role, one fact, one pathway).
STORED = {
    "format": 1,
    "document": {
        "kind": "txt",
        "pages": None,
        "over_two_pages": False,
        "characters": 120,
        "little_text": False,
    },
    "roles": [
        {
            "id": "R-1",
            "name": "Defensive Analysis",
            "opm_code": "511",
            "score": 72.5,
            "is_match": True,
            "summary": "A good fit: your resume shows 1 skill this role uses, led by Splunk.",
            "matched": [
                {"name": "Splunk", "quote": {"before": "in ", "match": "Splunk", "after": " daily"}}
            ],
            "matched_more": 0,
            "missing": ["Packet analysis"],
            "certifications_held": [{"acronym": "CySA+", "name": "CySA+", "proficiency": None}],
            "certifications": [],
        }
    ],
    "confident": True,
    "threshold": 60.0,
    "role_scores": {"R-1": 72.5, "R-2": 10.0},
    "mentions": [
        {
            "skill_id": "splunk",
            "name": "Splunk",
            "kind": "tool",
            "start": 3,
            "end": 9,
            "text": "Splunk",
            "credited": True,
            "reason": None,
            "fuzzy": False,
        }
    ],
    "facts": {
        "veteran": {
            "value": True,
            "source": "resume",
            "quote": {"before": "Proud U.S. Army ", "match": "veteran", "after": "."},
            "note": None,
        },
        "us_citizen": {"value": True, "source": "answer", "quote": None, "note": None},
    },
    "pathways": {
        "eligible": [
            {
                "id": "vets",
                "name": "Veterans path",
                "status": "active",
                "eligibility_text": "Veterans.",
                "official_page": "https://example.gov/vets",
                "reasons": ["You are a veteran."],
                "ask": [],
                "check": [],
                "conditions": [],
                "fits": [],
            }
        ],
        "conditional": [],
        "open": [],
        "unknown": [],
        "not_eligible": [],
    },
    "hiring_paths": ["public", "vet"],
    "signals": {
        "clearance": None,
        "clearance_quote": None,
        "years_experience": 4.0,
        "education_level": None,
    },
}


def small_catalog() -> CatalogSpec:
    return CatalogSpec(
        version="test",
        roles=(
            RoleSpec("R-1", "Defensive Analysis", "PD", ("511",), "Monitor alerts and respond."),
            RoleSpec("R-2", "Privacy Compliance", "PD", ("301",), "Write privacy policy."),
            RoleSpec("R-3", "Network Operations", "PD", ("2210",), "Run the network."),
        ),
        skills=(
            SkillSpec("splunk", "Splunk", "tool", roles={"R-1": 1.0}),
            SkillSpec("incident-response", "Incident response", "technique", roles={"R-1": 1.0}),
            SkillSpec(
                "detection",
                "Detection rules",
                "technique",
                aliases=("detection rules",),
                roles={"R-1": 0.8},
            ),
            SkillSpec("privacy", "Privacy law", "domain", roles={"R-2": 1.0}),
            SkillSpec("routing", "Routing", "technique", roles={"R-3": 1.0}),
            SkillSpec(
                "cert-cysa", "CySA+", "certification", aliases=("CySA+",), roles={"R-1": 0.5}
            ),
        ),
        certifications=(CertificationSpec("cert-cysa", "CySA+", "CompTIA CySA+", {"R-1": None}),),
        pathways=(
            PathwaySpec(
                "vets", "Veterans path", "active", {"fact": "veteran", "is": True}, "Veterans."
            ),
            PathwaySpec(
                "students", "Student path", "active", {"fact": "student", "is": True}, "Students."
            ),
            PathwaySpec("old", "Ended path", "ended", {"fact": "student", "is": True}, "Gone."),
        ),
    )


@pytest.fixture(scope="module")
def matcher() -> RoleMatcher:
    return RoleMatcher(catalog=small_catalog()).fit()


def test_todays_stored_shape_loads_and_round_trips_key_for_key():
    analysis = ResumeAnalysis.from_dict(STORED)
    assert isinstance(analysis.roles[0], RoleResult)
    assert analysis.roles[0].matched[0].quote["match"] == "Splunk"
    assert analysis.facts["veteran"] == Fact(True, "resume", STORED["facts"]["veteran"]["quote"])
    assert isinstance(analysis.pathways.eligible[0], PathwayResult)
    assert analysis.mentions[0].skill_id == "splunk"
    assert analysis.to_dict() == STORED


def test_a_shape_stored_before_conditional_and_open_paths_still_loads():
    older = json.loads(json.dumps(STORED))
    del older["pathways"]["conditional"], older["pathways"]["open"]
    for entry in older["pathways"]["eligible"]:
        del entry["conditions"], entry["fits"]
    for fact in older["facts"].values():
        del fact["note"]
    assert ResumeAnalysis.from_dict(older).to_dict() == STORED


def test_from_dict_ignores_keys_it_does_not_know():
    data = json.loads(json.dumps(STORED))
    data["signals"]["something_new"] = 1
    data["mentions"][0]["extra"] = "x"
    assert ResumeAnalysis.from_dict(data).to_dict() == STORED


def test_analyse_resume_on_a_small_catalog(matcher):
    document = Document(text=RESUME, kind="txt", pages=None)
    analysis = analyse_resume(document, Answers(us_citizen=True), matcher, TODAY)
    assert analysis.roles[0].id == "R-1"
    top = analysis.roles[0]
    assert top.score > analysis.roles[1].score
    assert "Splunk" in [skill.name for skill in top.matched]
    assert analysis.role_scores.keys() == {"R-1", "R-2", "R-3"}
    assert analysis.facts["us_citizen"] == Fact(True, "answer", None)
    assert analysis.facts["veteran"].source == "resume"
    assert [p.id for p in analysis.pathways.eligible] == ["vets"]
    assert [p.id for p in analysis.pathways.unknown] == ["students"]  # ended is never offered
    assert analysis.pathways.unknown[0].ask == ["whether you are a student"]
    assert analysis.hiring_paths == ["public", "vet"]
    assert analysis.document.characters == len(RESUME)
    # What is stored is JSON and reads back to the same analysis.
    stored = json.loads(json.dumps(analysis.to_dict()))
    assert ResumeAnalysis.from_dict(stored).to_dict() == stored


def test_new_answers_replace_only_the_eligibility(matcher):
    document = Document(text=RESUME, kind="txt", pages=None)
    analysis = analyse_resume(document, Answers(), matcher, TODAY)
    eligibility = assess_eligibility(
        RESUME, analysis.mentions, Answers(student=True), matcher.catalog.pathways, TODAY
    )
    again = analysis.with_eligibility(eligibility)
    assert [p.id for p in again.pathways.eligible] == ["students", "vets"]
    assert "student" in again.hiring_paths
    assert again.roles == analysis.roles and again.role_scores == analysis.role_scores
