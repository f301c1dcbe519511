"""The typed resume analysis: composing it from a small catalog and round-tripping it."""

from __future__ import annotations

import json
from datetime import date

import pytest

from matching.analysis import (
    PATHWAY_GROUPS,
    Answers,
    Fact,
    PathwayResult,
    ResumeAnalysis,
    RoleResult,
    analyse_resume,
    assess_eligibility,
    derived_preference,
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
    "tied": False,
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
    del older["pathways"]["conditional"], older["pathways"]["open"], older["tied"]
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


# -- the hiring paths' groups (issue 18) ------------------------------------------------------

VEOA = PathwaySpec(
    "veoa",
    "VEOA",
    "active",
    {
        "all": [
            {"fact": "veteran", "is": True},
            {
                "any": [
                    {"fact": "preference_eligible", "is": True},
                    {"fact": "active_duty_years", "min": 3},
                ]
            },
        ]
    },
    "Preference eligibles, or 3 years of active service.",
)
RECENT_GRADUATES = PathwaySpec(
    "recent-graduates",
    "Recent Graduates",
    "active",
    {
        "any": [
            {"fact": "years_since_graduation", "max": 2},
            {
                "all": [
                    {"fact": "veteran", "is": True},
                    {"fact": "years_since_graduation", "max": 6},
                    {"fact": "military_kept_from_applying", "is": True},
                ]
            },
        ]
    },
    "Finished within 2 years (veterans kept from applying by their service: 6).",
)
INTERNSHIP = PathwaySpec(
    "internship", "Internship", "active", {"fact": "student", "is": True}, "Students."
)
DIRECT_HIRE = PathwaySpec(
    "direct-hire",
    "Direct hire for analysts",
    "active",
    {"fact": "us_citizen", "is": True},
    "Anyone qualified.",
    work_roles=("R-1",),
)
ENDED_AUTHORITY = PathwaySpec(
    "ai-dha", "AI direct hire", "ended", {"fact": "us_citizen", "is": True}, "AI jobs."
)
PATHS = (VEOA, RECENT_GRADUATES, INTERNSHIP, DIRECT_HIRE, ENDED_AUTHORITY)
TODAY_LATE = date(2026, 12, 7)


def paths_for(answers: Answers, matched: dict[str, str] | None = None, text: str = "Nurse."):
    return assess_eligibility(text, [], answers, PATHS, TODAY_LATE, matched)


def ids(group: list[PathwayResult]) -> list[str]:
    return [p.id for p in group]


@pytest.mark.parametrize(
    ("rating", "kind"), [(30, "10-point preference (CPS)"), (10, "10-point preference (CP)")]
)
def test_a_rating_of_10_percent_or_more_gives_veterans_preference(rating, kind):
    result = paths_for(Answers(veteran=True, disability_rating=rating))
    fact = result.facts["preference_eligible"]
    assert (fact.value, fact.source) == (True, "derived")
    assert kind in fact.note and f"{rating}%" in fact.note
    assert "veoa" in ids(result.pathways.eligible)
    assert "You are entitled to veterans' preference." in result.pathways.eligible[-1].reasons


def test_veterans_preference_stays_unknown_only_when_the_answers_do_not_tell():
    for answers in (Answers(veteran=True), Answers(veteran=True, disability_rating=0)):
        result = paths_for(answers)
        assert "preference_eligible" not in result.facts
        veoa = {p.id: p for p in result.pathways.unknown}["veoa"]
        assert "whether you are entitled to veterans' preference" in veoa.check
    assert "5-point preference (TP)" in derived_preference(
        {"veteran": True, "campaign_veteran": True}
    )
    assert derived_preference({"veteran": False, "disability_rating": 30}) is None


def test_the_6_year_window_is_a_condition_never_a_flat_eligible():
    # Left the Army, graduated 05/2021: 5.6 years ago.
    result = paths_for(Answers(veteran=True, graduation=date(2021, 5, 1)))
    assert "recent-graduates" not in ids(result.pathways.eligible)
    conditional = {p.id: p for p in result.pathways.conditional}
    assert conditional["recent-graduates"].conditions == [
        "if your military service kept you from applying within two years of finishing"
    ]
    assert conditional["recent-graduates"].check == []  # not "we cannot tell"
    # Within 2 years anyone is eligible; past 6 years or not a veteran, no one.
    recent = paths_for(Answers(graduation=date(2025, 5, 1)))
    assert "recent-graduates" in ids(recent.pathways.eligible)
    for answers in (
        Answers(veteran=False, graduation=date(2021, 5, 1)),
        Answers(veteran=True, graduation=date(2019, 5, 1)),
    ):
        assert "recent-graduates" in ids(paths_for(answers).pathways.not_eligible)


def test_an_open_to_the_public_authority_counts_only_with_a_matched_role_it_covers():
    result = paths_for(Answers(us_citizen=True))
    assert "direct-hire" not in ids(result.pathways.eligible)
    (open_path,) = result.pathways.open
    assert open_path.reasons[0] == "Open to the public; you would need to qualify for the job."
    assert open_path.fits == [] and result.pathways.counted_open == []

    matched = paths_for(Answers(us_citizen=True), {"R-1": "Defensive Analysis"})
    assert matched.pathways.open[0].fits == ["Defensive Analysis"]
    assert ids(matched.pathways.counted_open) == ["direct-hire"]
    other_role = paths_for(Answers(us_citizen=True), {"R-2": "Privacy Compliance"})
    assert other_role.pathways.counted_open == []  # it covers R-1 only
    assert "direct-hire" in ids(paths_for(Answers(us_citizen=False)).pathways.not_eligible)


def test_an_ended_authority_is_never_offered():
    result = paths_for(Answers(us_citizen=True), {"R-1": "Defensive Analysis"})
    groups = result.pathways
    offered = [p.id for name in PATHWAY_GROUPS for p in getattr(groups, name)]
    assert "ai-dha" not in offered and "direct-hire" in offered


def test_a_future_graduation_is_kept_and_used():
    result = paths_for(Answers(student=True, graduation=date(2027, 5, 1)))
    fact = result.facts["years_until_graduation"]
    assert (fact.value, fact.source, fact.note) == (0.4, "answer", "05/2027")
    assert "internship" in ids(result.pathways.eligible)
    conditional = {p.id: p for p in result.pathways.conditional}
    assert conditional["recent-graduates"].conditions == [
        "once you graduate (from 05/2027, for 2 years)"
    ]
    assert conditional["recent-graduates"].ask == []  # not asked for again


def test_a_future_graduation_stated_in_the_resume_is_used_too():
    text = "B.S. Computer Science, expected graduation May 2027. Splunk lab assistant."
    result = paths_for(Answers(), text=text)
    fact = result.facts["years_until_graduation"]
    assert (fact.source, fact.note) == ("resume", "05/2027")
    conditional = {p.id: p for p in result.pathways.conditional}
    assert conditional["recent-graduates"].conditions == [
        "once you graduate (from 05/2027, for 2 years)"
    ]


def test_a_graduation_date_answered_replaces_the_one_in_the_resume():
    text = "B.S. Nursing, University of Maryland, 2018."
    assert "years_since_graduation" in paths_for(Answers(), text=text).facts
    result = paths_for(Answers(student=True, graduation=date(2027, 5, 1)), text=text)
    assert "years_since_graduation" not in result.facts
    assert "recent-graduates" in ids(result.pathways.conditional)
