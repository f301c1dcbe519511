"""JobIndex: posting classification, ranking, hard filters and explanations (real catalog)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta
from functools import cache

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from matching.jobs import (
    EXCLUSION_REASONS,
    JobIndex,
    JobPosting,
    SeekerFilters,
)
from tests.matcher_helpers import FORENSICS_RESUME, REPO, SOC_RESUME, matcher

TODAY = date(2026, 11, 20)


def _days(n: int) -> date:
    return TODAY + timedelta(days=n)


SOC = JobPosting(
    id="soc",
    title="IT Cybersecurity Specialist (Cyber Defense Analyst)",
    organization="Cybersecurity and Infrastructure Security Agency",
    text=(
        "IT Cybersecurity Specialist (Cyber Defense Analyst)\n"
        "Join our 24x7 security operations center (SOC) watching federal civilian networks.\n"
        "- Monitor SIEM alerts in Splunk and Microsoft Sentinel and triage IDS/IPS events.\n"
        "- Review endpoint detection and response (EDR) detections and escalate incidents.\n"
        "- Analyze packet captures with Wireshark and perform threat hunting across logs.\n"
        "- Tune correlation rules to reduce false positives and document security events.\n"
        "Specialized experience: monitoring and analyzing network and host activity with SIEM, "
        "IDS/IPS and EDR tools to detect intrusions."
    ),
    series=("2210",),
    grade_low=11,
    grade_high=12,
    hiring_paths=("public", "vet"),
    clearance="Secret",
    locations=("Columbia, Maryland",),
    remote=False,
    telework=True,
    close_date=_days(20),
    url="https://www.usajobs.gov/job/1",
)
FORENSICS = JobPosting(
    id="forensics",
    title="Digital Forensic Examiner",
    organization="Federal Bureau of Investigation",
    text=(
        "Digital Forensic Examiner\n"
        "Examine seized computers and mobile devices for criminal investigations.\n"
        "- Image media with write blockers and FTK Imager and maintain chain of custody.\n"
        "- Examine disk images with EnCase and X-Ways; extract phones with Cellebrite.\n"
        "- Analyze memory with Volatility, write forensic reports and testify as an expert "
        "witness."
    ),
    series=("1811",),
    grade_low=12,
    grade_high=13,
    hiring_paths=("public",),
    clearance="Top Secret",
    locations=("Quantico, Virginia",),
    remote=False,
    close_date=_days(30),
)
ISSO = JobPosting(
    id="isso",
    title="Information System Security Officer",
    organization="Department of State",
    text=(
        "Information System Security Officer (ISSO)\n"
        "Maintain the System Security Plan and lead the RMF process to an ATO under NIST SP "
        "800-37. Assess NIST SP 800-53 controls, track POA&Ms in eMASS, review STIG and SCAP "
        "scan results and support continuous monitoring."
    ),
    grade_low=13,
    grade_high=13,
    hiring_paths=("fed-competitive",),
    clearance="Sensitive Compartmented Information",
    locations=("Washington, District of Columbia",),
    remote=False,
    close_date=_days(10),
)
DEVELOPER = JobPosting(
    id="dev",
    title="IT Specialist (Application Software)",
    organization="Internal Revenue Service",
    text=(
        "IT Specialist (Application Software)\n"
        "Develop and maintain web applications in Java and Python. Build CI/CD pipelines with "
        "Jenkins and deploy containers to Kubernetes. Write unit tests and review code."
    ),
    grade_low=9,
    grade_high=11,
    hiring_paths=("public",),
    clearance="Not Required",
    locations=("Anywhere in the U.S. (remote job)",),
    remote=True,
    close_date=_days(3),
)
PENTEST = JobPosting(
    id="pentest",
    title="Penetration Tester",
    organization="Department of Energy",
    text=(
        "Penetration Tester\nConduct penetration tests and red team exercises against "
        "laboratory networks using Metasploit, Burp Suite and Nmap; write exploitation reports."
    ),
    grade_low=14,
    grade_high=15,
    hiring_paths=("public",),
    clearance="Q Access Authorization",
    locations=("Parkersburg, West Virginia",),
    remote=False,
    close_date=_days(45),
)
UNKNOWNS = JobPosting(
    id="unknowns",
    title="Cyber Threat Intelligence Analyst",
    organization="Example Agency",
    text=(
        "Cyber Threat Intelligence Analyst\nProduce threat intelligence reports on adversary "
        "tactics, techniques and procedures using MITRE ATT&CK and open source intelligence."
    ),
    clearance="Other",
)  # no grade, no paths, no locations, no close date: unknown, never excluded for them
CLOSED_SOC = replace(SOC, id="closed-soc", close_date=_days(-1))
POSTINGS = (SOC, FORENSICS, ISSO, DEVELOPER, PENTEST, UNKNOWNS, CLOSED_SOC)


@cache
def index() -> JobIndex:
    return JobIndex(role_matcher=matcher()).fit(POSTINGS)


def _ids(result) -> list[str]:
    return [m.id for m in result.matches]


def _rank(text: str = SOC_RESUME, **filters) -> object:
    return index().rank(text, SeekerFilters(today=TODAY, **filters), top_k=20)


# -- classification ---------------------------------------------------------------------------


def test_soc_posting_is_classified_as_defensive_cyber_or_incident_response() -> None:
    roles = index().classifications("soc", top_k=3)
    assert len(roles) == 3
    assert roles[0][0] in {"PD-WRL-001", "PD-WRL-003"}
    assert roles[0][1] >= 60  # a clear match (MATCH_THRESHOLD)
    assert [s for _, s in roles] == sorted((s for _, s in roles), reverse=True)
    # A position works as a key too, and the matrix holds the same scores.
    assert index().classifications(0, top_k=3) == roles
    assert index().job_roles_.shape == (len(POSTINGS), 41)
    assert index().job_roles_.dtype == np.float32


def test_forensics_posting_is_classified_as_forensics() -> None:
    top = [r for r, _ in index().classifications("forensics", top_k=2)]
    assert {"PD-WRL-002", "IN-WRL-002"} & set(top)


def test_staff_roles_laid_over_a_fitted_index_replace_its_classification_in_a_copy() -> None:
    fitted = index()
    own = fitted.classifications("forensics", top_k=1)
    reviewed = fitted.with_staff_roles({"forensics": ("OG-WRL-002", "PD-WRL-001")})
    assert reviewed.classifications("forensics", top_k=2) == [
        ("OG-WRL-002", 100.0),
        ("PD-WRL-001", 90.0),
    ]
    assert reviewed.staff_roles() == {"forensics": ("OG-WRL-002", "PD-WRL-001")}
    assert fitted.classifications("forensics", top_k=1) == own  # the original is untouched
    assert fitted.staff_roles() == {}
    # Taking the staff roles away gives the matcher's own classification back.
    assert reviewed.with_staff_roles({}).classifications("forensics", top_k=1) == own
    assert reviewed.with_staff_roles({"no-such-job": ("OG-WRL-002",)}).staff_roles() == {}


def test_unknown_posting_raises_key_error() -> None:
    with pytest.raises(KeyError):
        index().classifications("nope")


def test_fast_classification_agrees_with_the_full_matcher_on_real_postings() -> None:
    from scrapers.usajobs import parse_search

    payload = json.loads((REPO / "data/samples/usajobs_cyber_jobs.json").read_text())
    postings = [JobPosting.from_record(r) for r in parse_search(payload).records]
    fast = JobIndex(role_matcher=matcher()).fit(postings)
    exact = JobIndex(role_matcher=matcher(), exact_roles=True).fit(postings)
    assert np.array_equal(fast.job_roles_.argmax(axis=1), exact.job_roles_.argmax(axis=1))
    assert float(np.abs(fast.job_roles_ - exact.job_roles_).mean()) < 1.0


def test_fast_classification_reads_the_layout_as_the_full_matcher_does() -> None:
    body = (
        SOC.text
        + "\nTECHNICAL SKILLS\nPython, Java, Jenkins, Docker, Kubernetes, Terraform, Ansible"
    )
    thrice = replace(SOC, id="thrice", text="\n".join([body] * 3))
    postings = [replace(SOC, id="once", text=body), thrice]
    fast = JobIndex(role_matcher=matcher()).fit(postings)
    exact = JobIndex(role_matcher=matcher(), exact_roles=True).fit(postings)
    # A posting pasted three times is the single copy; the skills list weighs as in the full
    # matcher, so both paths agree closely.
    assert np.allclose(fast.job_roles_[0], fast.job_roles_[1], atol=0.01)
    assert np.abs(fast.job_roles_ - exact.job_roles_).max() < 1.0


# -- ranking ----------------------------------------------------------------------------------


def test_soc_resume_ranks_the_soc_posting_first() -> None:
    result = _rank()
    assert result.matches[0].id == "soc"
    assert result.matches[0].score > result.matches[1].score
    assert "closed-soc" not in _ids(result)


def test_forensics_resume_ranks_the_forensics_posting_first() -> None:
    assert _rank(FORENSICS_RESUME).matches[0].id == "forensics"


def test_scores_are_0_to_100_and_sorted() -> None:
    scores = [m.score for m in _rank().matches]
    assert all(0 <= s <= 100 for s in scores)
    assert scores == sorted(scores, reverse=True)


def test_ranking_is_deterministic_and_ties_keep_input_order() -> None:
    twin = replace(SOC, id="soc-twin")
    idx = JobIndex(role_matcher=matcher()).fit([SOC, twin, FORENSICS])
    first = idx.rank(SOC_RESUME, SeekerFilters(today=TODAY))
    second = idx.rank(SOC_RESUME, SeekerFilters(today=TODAY))
    assert first == second
    assert _ids(first)[:2] == ["soc", "soc-twin"]
    assert first.matches[0].score == first.matches[1].score


def test_precomputed_profile_gives_the_same_result() -> None:
    scores, mentions = index().profile(SOC_RESUME)
    assert scores.shape == (41,)
    given = index().rank(
        SOC_RESUME, SeekerFilters(today=TODAY), role_scores=scores, mentions=mentions
    )
    assert given == _rank()


def test_top_k_limits_and_counts_add_up() -> None:
    result = index().rank(SOC_RESUME, SeekerFilters(today=TODAY), top_k=2)
    assert len(result.matches) == 2
    assert result.total == len(POSTINGS)
    assert result.eligible + sum(result.excluded.values()) == result.total
    assert index().rank(SOC_RESUME, SeekerFilters(today=TODAY), top_k=0).matches == []


# -- hard filters -----------------------------------------------------------------------------


def test_closed_postings_are_excluded_and_counted() -> None:
    result = _rank()
    assert result.excluded == {"closed": 1}
    assert result.eligible == len(POSTINGS) - 1
    # The day it closes it is still open; the day after it is not.
    assert "soc" in _ids(index().rank(SOC_RESUME, SeekerFilters(today=_days(20))))
    assert "soc" not in _ids(index().rank(SOC_RESUME, SeekerFilters(today=_days(21))))


def test_hiring_path_filter() -> None:
    result = _rank(hiring_paths={"public"})
    assert "isso" not in _ids(result)  # federal employees only
    assert "unknowns" in _ids(result)  # no paths listed: unknown, kept
    assert result.excluded["hiring_path"] == 1
    isso = next(m for m in _rank(hiring_paths={"fed-competitive"}).matches if m.id == "isso")
    assert "You appear eligible through: federal employees (competitive service)" in isso.reasons


@pytest.mark.parametrize(
    ("held", "hidden"),
    [
        ("none", {"soc", "forensics", "isso", "pentest"}),
        ("public_trust", {"soc", "forensics", "isso", "pentest"}),
        ("secret", {"forensics", "isso", "pentest"}),
        ("top_secret", {"isso"}),  # DOE Q sits at the Top Secret level
        ("q", {"isso"}),
        ("ts_sci", set()),
    ],
)
def test_clearance_filter_orders_levels(held: str, hidden: set[str]) -> None:
    result = _rank(clearance=held)
    assert set(_ids(result)) == {p.id for p in POSTINGS} - hidden - {"closed-soc"}
    assert result.excluded["clearance"] == len(hidden)


def test_unknown_clearance_excludes_nothing_but_says_what_is_required() -> None:
    result = _rank()
    assert "clearance" not in result.excluded
    by_id = {m.id: m for m in result.matches}
    assert "Requires Top Secret clearance" in by_id["forensics"].reasons
    assert "Requires Q Access Authorization" in by_id["pentest"].reasons
    assert "Requires Other" in by_id["unknowns"].reasons  # unrecognised text: shown, kept
    assert not any(r.startswith("Requires") for r in by_id["dev"].reasons)


def test_invalid_held_clearance_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown clearance"):
        _rank(clearance="cosmic")


def test_remote_only_filter() -> None:
    result = _rank(remote_only=True)
    assert _ids(result) == ["dev"]
    assert result.excluded["remote"] == len(POSTINGS) - 2  # all but dev and the closed one
    assert "Remote" in result.matches[0].reasons


def test_location_filter_matches_states_cities_and_codes() -> None:
    result = _rank(locations=("Maryland",))
    # Columbia, MD; remote; and the posting with no location (unknown) stay.
    assert set(_ids(result)) == {"soc", "dev", "unknowns"}
    assert result.excluded["location"] == 3
    assert "In your area: Columbia, Maryland" in result.matches[0].reasons
    # "VA" is Virginia, not West Virginia.
    virginia = set(_ids(_rank(locations=("VA",))))
    assert "forensics" in virginia and "pentest" not in virginia
    assert "isso" in set(_ids(_rank(locations=("Washington, DC",))))
    assert "forensics" in set(_ids(_rank(locations=("quantico",))))


def test_grade_filter_excludes_ranges_entirely_outside() -> None:
    result = _rank(grade_max=11)
    # 11-12 overlaps; 12-13, 13 and 14-15 are above; no grade is unknown and kept.
    assert set(_ids(result)) == {"soc", "dev", "unknowns"}
    assert result.excluded["grade"] == 3
    high = set(_ids(_rank(grade_min=14)))
    assert high == {"pentest", "unknowns"}


def test_a_posting_failing_several_filters_is_counted_once() -> None:
    result = _rank(remote_only=True, clearance="none", grade_max=11)
    assert set(result.excluded) == {"closed", "clearance", "grade", "remote"}
    assert result.eligible + sum(result.excluded.values()) == result.total
    assert list(result.excluded) == [r for r in EXCLUSION_REASONS if r in result.excluded]


# -- explanations -----------------------------------------------------------------------------


def test_explanation_fields_for_the_soc_match() -> None:
    top = _rank(hiring_paths={"public", "vet"}).matches[0]
    assert top.id == "soc"
    assert top.organization == SOC.organization
    assert top.url == SOC.url
    assert top.close_date == _days(20) and top.days_left == 20
    assert top.roles and top.roles[0]["id"] in {"PD-WRL-001", "PD-WRL-003"}
    assert {"id", "name", "job_score", "your_score"} <= set(top.roles[0])
    assert len(top.roles) <= 2
    assert {"Splunk", "Microsoft Sentinel", "Wireshark"} <= set(top.matched_skills)
    assert "Threat Hunting" in top.missing_skills  # the posting asks, the resume does not say
    assert not set(top.matched_skills) & set(top.missing_skills)
    assert len(top.missing_skills) <= 6
    assert "You appear eligible through: veterans, the public" in top.reasons
    assert "Requires Secret clearance" in top.reasons
    assert "Telework eligible" in top.reasons
    assert 0 <= top.role_fit <= 1 and 0 <= top.text_similarity <= 1
    assert top.to_dict()["id"] == "soc"


def test_closing_soon_is_said() -> None:
    dev = next(m for m in _rank().matches if m.id == "dev")
    assert dev.days_left == 3
    assert "Closes in 3 days" in dev.reasons


def test_unrelated_resume_gets_no_shared_roles() -> None:
    from tests.matcher_helpers import NURSE_RESUME

    result = _rank(NURSE_RESUME)
    assert all(m.roles == [] for m in result.matches)
    assert all(m.score < 30 for m in result.matches)


# -- construction and sklearn conventions -----------------------------------------------------


def test_posting_from_record_mapping() -> None:
    posting = JobPosting.from_record(
        {
            "source_id": "42",
            "title": "Cyber Analyst",
            "summary": "Watch the SIEM.",
            "body": "Use Splunk.",
            "hiring_paths": ["PUBLIC"],
        }
    )
    assert posting.id == "42"
    assert posting.text == "Cyber Analyst\n\nWatch the SIEM.\n\nUse Splunk."
    assert posting.hiring_paths == ("public",)


def test_params_clone_and_not_fitted() -> None:
    idx = JobIndex(role_matcher=matcher(), role_weight=0.7, text_weight=0.3)
    params = idx.get_params(deep=False)
    assert params["role_weight"] == 0.7 and params["role_matcher"] is matcher()
    assert {"min_df", "max_features", "exact_roles", "batch_size", "max_missing"} <= set(params)
    copy = clone(idx)
    assert copy.get_params(deep=False)["text_weight"] == 0.3
    with pytest.raises(NotFittedError):
        copy.rank(SOC_RESUME)
    with pytest.raises(NotFittedError):
        copy.classifications(0)


def test_fit_on_a_clone_fits_a_copy_of_the_matcher() -> None:
    copy = clone(JobIndex(role_matcher=matcher()))
    copy.fit([SOC, FORENSICS])
    assert copy.role_matcher_ is not matcher()
    assert copy.rank(SOC_RESUME, SeekerFilters(today=TODAY)).matches[0].id == "soc"


def test_fit_errors_and_empty_index() -> None:
    with pytest.raises(ValueError, match="role_matcher"):
        JobIndex().fit([SOC])
    with pytest.raises(ValueError, match="unique"):
        JobIndex(role_matcher=matcher()).fit([SOC, SOC])
    empty = JobIndex(role_matcher=matcher()).fit([])
    result = empty.rank(SOC_RESUME, SeekerFilters(today=TODAY))
    assert result.matches == [] and result.total == 0 and result.eligible == 0


def test_batching_and_vocabulary_params() -> None:
    small_batches = JobIndex(role_matcher=matcher(), batch_size=2).fit(POSTINGS)
    assert np.allclose(small_batches.job_roles_, index().job_roles_, atol=1e-4)
    assert small_batches.matrix_.shape == index().matrix_.shape
    pruned = JobIndex(role_matcher=matcher(), min_df=2, max_features=20).fit(POSTINGS)
    assert len(pruned.vocabulary_) == 20 < len(index().vocabulary_)
    assert pruned.rank(SOC_RESUME, SeekerFilters(today=TODAY)).matches[0].id == "soc"
