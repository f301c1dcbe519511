"""FundingRanker: eligibility and deadline filters, relevance, award and program boosts."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from matching.funding import (
    FundingProfile,
    FundingRanker,
    Opportunity,
    load_funding_programs,
)
from tests.matcher_helpers import REPO

TODAY = date(2026, 11, 20)


def _days(n: int) -> date:
    return TODAY + timedelta(days=n)


WATER = Opportunity(
    id="water",
    title="Water Utility Cybersecurity: Operational Technology Protection",
    agency="Environmental Protection Agency",
    text=(
        "Water Utility Cybersecurity: Operational Technology Protection\n"
        "Helps drinking water and wastewater utilities secure their operational technology (OT) "
        "networks, SCADA and industrial control systems. Eligible projects include OT asset "
        "inventories, network segmentation, AI-assisted anomaly and vulnerability detection, "
        "and incident response planning for water systems."
    ),
    eligible_applicants=("01", "02", "04"),
    assistance_listings=("66.999",),
    award_floor=100_000.0,
    award_ceiling=1_500_000.0,
    close_date=_days(60),
    url="https://www.grants.gov/search-results-detail/1",
)
ARTS = Opportunity(
    id="arts",
    title="Community Arts Education Grants",
    agency="National Endowment for the Arts",
    text=(
        "Community Arts Education Grants\nSupports museums, theaters and local arts councils "
        "that bring music, dance and painting classes to children and seniors."
    ),
    eligible_applicants=("01", "12"),
    award_floor=10_000.0,
    award_ceiling=100_000.0,
    close_date=_days(40),
)
SCHOOLS = Opportunity(
    id="schools",
    title="Schools and Libraries Cybersecurity Pilot",
    text=(
        "Schools and Libraries Cybersecurity Pilot\nHelps school districts and libraries buy "
        "firewalls, endpoint protection and vulnerability scanning services."
    ),
    eligible_applicants=("05", "25"),
    close_date=_days(90),
)
BAA = Opportunity(
    id="baa",
    title="AI Security Research Broad Agency Announcement",
    agency="Defense Advanced Research Projects Agency",
    text=(
        "AI Security Research Broad Agency Announcement\nResearch on adversarial machine "
        "learning and AI-assisted vulnerability detection in software. Proposals accepted "
        "anytime."
    ),
    eligible_applicants=("99",),
    close_date=None,  # rolling
)
STATE_ONLY = Opportunity(
    id="state",
    title="State Cybersecurity Grant Program",
    text="State Cybersecurity Grant Program\nVulnerability detection and OT security for states.",
    eligible_applicants=("00",),
    assistance_listings=("97.137",),
    close_date=_days(30),
)
CLOSED = replace(WATER, id="closed", status="closed")
ARCHIVED = replace(WATER, id="archived", status="archived", close_date=_days(-90))
PAST_DEADLINE = replace(WATER, id="past", close_date=_days(-1))
FORECAST = replace(
    ARTS,
    id="forecast",
    title="Rural Library Network Security (forecast)",
    text="Rural Library Network Security\nNetwork security upgrades for rural public libraries.",
    status="forecasted",
    close_date=_days(150),
)
OPPORTUNITIES = (WATER, ARTS, SCHOOLS, BAA, STATE_ONLY, CLOSED, ARCHIVED, PAST_DEADLINE, FORECAST)

COUNTY = FundingProfile(
    applicant_types=("01",),
    state="MD",
    needs="AI-assisted vulnerability detection for our water utility's OT network",
    award_min=200_000.0,
    award_max=1_000_000.0,
    today=TODAY,
)


def _ranker(**params) -> FundingRanker:
    return FundingRanker(**params).fit(OPPORTUNITIES)


def _by_id(result) -> dict:
    return {m.id: m for m in result.matches}


def test_needs_rank_the_water_ot_opportunity_first() -> None:
    result = _ranker().rank(COUNTY)
    ids = [m.id for m in result.matches]
    assert ids[0] == "water"
    assert ids.index("water") < ids.index("arts")
    assert _by_id(result)["arts"].score < 10
    scores = [m.score for m in result.matches]
    assert scores == sorted(scores, reverse=True) and all(0 <= s <= 100 for s in scores)


def test_ineligible_are_excluded_and_counted() -> None:
    result = _ranker().rank(COUNTY)
    assert "state" not in _by_id(result)
    assert result.ineligible_count == 1
    assert result.total == len(OPPORTUNITIES)


def test_closed_archived_and_past_deadline_are_excluded_and_counted() -> None:
    result = _ranker().rank(COUNTY)
    assert not {"closed", "archived", "past"} & set(_by_id(result))
    assert result.closed_count == 3
    assert len(result.matches) + result.closed_count + result.ineligible_count == result.total


def test_unrestricted_is_open_to_all_and_others_is_flagged() -> None:
    matches = _by_id(_ranker().rank(COUNTY))
    assert matches["baa"].eligibility_note.startswith("Eligible: open to all")
    assert matches["schools"].eligibility_note == "Check eligibility: 'Others' listed"
    assert matches["water"].eligibility_note == "Eligible as County governments"


def test_rolling_deadline_is_shown_as_rolling() -> None:
    baa = _by_id(_ranker().rank(COUNTY))["baa"]
    assert baa.close_date is None and baa.days_left is None
    assert baa.close_label == "rolling"
    water = _by_id(_ranker().rank(COUNTY))["water"]
    assert water.close_label == _days(60).isoformat() and water.days_left == 60


def test_forecasts_are_kept_and_said() -> None:
    forecast = _by_id(_ranker().rank(COUNTY))["forecast"]
    assert forecast.status == "forecasted"
    assert "Forecasted: not open for applications yet" in forecast.reasons


def test_matched_terms_name_the_shared_need_terms() -> None:
    water = _by_id(_ranker().rank(COUNTY))["water"]
    assert water.matched_terms
    joined = " | ".join(water.matched_terms)
    assert "water" in joined and "vulnerability detection" in joined
    # A bigram hides the words it is made of.
    assert "detection" not in water.matched_terms
    assert len(water.matched_terms) <= 6
    assert water.assistance_listings == ("66.999",)
    assert (water.award_floor, water.award_ceiling) == (100_000.0, 1_500_000.0)


def test_award_size_overlap_adds_a_small_bonus() -> None:
    small = replace(WATER, id="small", award_floor=5_000.0, award_ceiling=50_000.0)
    ranker = FundingRanker().fit([WATER, small])
    matches = _by_id(ranker.rank(COUNTY))
    assert matches["water"].score == pytest.approx(matches["small"].score + 5.0, abs=0.11)
    assert "Award size fits: up to $1,500,000" in matches["water"].reasons
    assert "Award size differs from what you want" in matches["small"].reasons
    # Without a wanted size there is no bonus either way.
    neutral = _by_id(ranker.rank(replace(COUNTY, award_min=None, award_max=None)))
    assert neutral["water"].score == neutral["small"].score


def test_boosts_raise_the_listed_programs() -> None:
    plain = _by_id(_ranker().rank(COUNTY))["water"].score
    boosted = _by_id(_ranker(boosts={"66.999": 0.1}).rank(COUNTY))["water"]
    assert boosted.score == pytest.approx(plain + 10.0, abs=0.11)
    assert "Priority cyber/AI security program" in boosted.reasons


def test_deadline_breaks_ties_and_a_short_runway_costs_a_little() -> None:
    later = replace(WATER, id="later", close_date=_days(80))
    soon = replace(WATER, id="soon", close_date=_days(2))
    ranker = FundingRanker().fit([later, WATER, soon])
    result = ranker.rank(COUNTY)
    assert [m.id for m in result.matches] == ["water", "later", "soon"]
    assert result.matches[0].score == result.matches[1].score
    soon_match = result.matches[2]
    assert 0 < result.matches[0].score - soon_match.score <= 3.0
    assert "Closes in 2 days: little time to prepare" in soon_match.reasons


def test_program_text_is_folded_into_documents() -> None:
    bare = Opportunity(
        id="bare",
        title="FY27 Notice",
        text="FY27 Notice of funding.",
        eligible_applicants=("01",),
        assistance_listings=("66.999",),
    )
    programs = {"66.999": "Cybersecurity for water utilities and operational technology."}
    without = FundingRanker().fit([bare, ARTS]).rank(COUNTY)
    with_programs = FundingRanker().fit([bare, ARTS], programs=programs).rank(COUNTY)
    assert _by_id(without)["bare"].score == 0
    assert _by_id(with_programs)["bare"].score > 10
    assert with_programs.matches[0].id == "bare"


def test_work_roles_add_their_text_to_the_needs() -> None:
    profile = replace(COUNTY, needs="", work_roles=("PD-WRL-001",))
    roles = {"PD-WRL-001": "water utility operational technology monitoring"}
    assert all(m.matched_terms == [] for m in _ranker().rank(profile).matches)
    top = _ranker(role_texts=roles).rank(profile).matches[0]
    assert top.id == "water" and "water utility" in top.matched_terms


def test_unknown_applicant_types_exclude_nothing() -> None:
    result = _ranker().rank(replace(COUNTY, applicant_types=()))
    assert result.ineligible_count == 0
    assert "state" in _by_id(result)
    assert _by_id(result)["state"].eligibility_note.startswith("Check eligibility: open to")


def test_top_k_and_determinism() -> None:
    ranker = _ranker()
    assert len(ranker.rank(COUNTY, top_k=2).matches) == 2
    assert ranker.rank(COUNTY) == ranker.rank(COUNTY)
    assert ranker.rank(COUNTY).matches[0].to_dict()["close_label"] == _days(60).isoformat()


def test_opportunity_from_record_mapping() -> None:
    opp = Opportunity.from_record(
        {
            "source_id": "3600118",
            "title": "SLCGP",
            "description": "Cyber plans.",
            "eligible_applicants": ["00"],
            "status": "posted",
        }
    )
    assert opp.id == "3600118" and opp.text == "SLCGP\n\nCyber plans."
    assert opp.eligible_applicants == ("00",)


def test_catalog_programs_and_tier_a_boosts() -> None:
    programs, boosts = load_funding_programs(REPO / "data")
    assert "97.137" in programs and "cyber" in programs["97.137"].lower()
    assert boosts["97.137"] == 0.05  # SLCGP is tier A
    assert all(v == 0.05 for v in boosts.values())


def test_real_extract_ranks_the_utility_program_for_a_city() -> None:
    from scrapers.grantsgov_xml import iter_extract

    records = iter_extract(REPO / "data/samples/grantsgov_extract.xml", today=TODAY)
    opportunities = [Opportunity.from_record(r) for r in records]
    programs, boosts = load_funding_programs(REPO / "data")
    ranker = FundingRanker(boosts=boosts).fit(opportunities, programs=programs)
    needs = "Cybersecurity for our municipal electric utility's operational technology and grid"
    city = replace(COUNTY, applicant_types=("02",), needs=needs + " control systems")
    result = ranker.rank(city)
    assert result.closed_count >= 1 and result.ineligible_count >= 1
    assert result.matches[0].id == "3600126"  # Rural and Municipal Utility Cybersecurity


def test_params_clone_and_not_fitted() -> None:
    ranker = FundingRanker(award_bonus=0.1, ngram_range=(1, 1))
    params = ranker.get_params()
    assert params["award_bonus"] == 0.1 and params["ngram_range"] == (1, 1)
    copy = clone(ranker)
    assert copy.get_params() == params
    with pytest.raises(NotFittedError):
        copy.rank(COUNTY)
    empty = FundingRanker().fit([])
    assert empty.rank(COUNTY).matches == [] and empty.rank(COUNTY).total == 0


def _one_by_one(ranker: FundingRanker, profile: FundingProfile, top_k: int) -> list[tuple]:
    """The ranking worked out an opportunity at a time: what the array ranking must equal."""
    query = ranker._query(profile)
    scored = []
    for row, o in enumerate(ranker.opportunities_):
        closed = o.status.lower() in {"closed", "archived"} or (
            o.close_date is not None and o.close_date < profile.today
        )
        if closed:
            continue
        sim = float((ranker.matrix_[row] @ query.T).toarray().ravel()[0]) if query.nnz else 0.0
        raw = sim + ranker.boost_[row]
        floor, ceiling = o.award_floor or 0.0, o.award_ceiling
        sized = profile.award_min is not None or profile.award_max is not None
        if sized and (floor or ceiling is not None):
            want_hi = profile.award_max if profile.award_max is not None else float("inf")
            top = ceiling if ceiling is not None else float("inf")
            if floor <= want_hi and (profile.award_min or 0.0) <= top:
                raw += ranker.award_bonus
        days_left = (o.close_date - profile.today).days if o.close_date else None
        if days_left is not None and days_left < ranker.prep_days:
            raw -= ranker.deadline_penalty * (1.0 - days_left / ranker.prep_days)
        score = round(100.0 * min(1.0, max(0.0, float(raw))), 1)
        close = o.close_date.toordinal() if o.close_date else 2**63 - 1
        scored.append((-score, close, row))
    scored.sort()
    return [(ranker.opportunities_[row].id, -neg) for neg, _, row in scored[:top_k]]


def test_ranking_many_opportunities_as_arrays_equals_ranking_them_one_by_one() -> None:
    """Thousands of opportunities with near-tied scores: the same order and scores."""
    import random

    rng = random.Random(7)
    words = ["water", "utility", "ransomware", "scada", "schools", "election", "training", "ai"]
    many = [
        replace(
            rng.choice((WATER, ARTS, SCHOOLS, BAA, STATE_ONLY)),
            id=f"o{i}",
            text=" ".join(rng.choices(words, k=rng.randint(1, 6))),
            award_floor=rng.choice((None, 0.0, 50_000.0, 300_000.0)),
            award_ceiling=rng.choice((None, 150_000.0, 2_000_000.0)),
            close_date=rng.choice((None, _days(rng.randint(-3, 40)))),
            eligible_applicants=(),
        )
        for i in range(3000)
    ]
    ranker = FundingRanker(boosts={"97.137": 0.1}).fit(many)
    for profile in (COUNTY, replace(COUNTY, award_min=None, award_max=None, needs="scada ai")):
        for top_k in (1, 20, 500):
            ranked = [(m.id, m.score) for m in ranker.rank(profile, top_k=top_k).matches]
            assert ranked == _one_by_one(ranker, profile, top_k)
