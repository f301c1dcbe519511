"""Role ranking: sklearn conventions, ranking sanity, calibration floor, explanations."""

from __future__ import annotations

import inspect

import numpy as np
import pytest
from scipy import sparse
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from matching.roles import (
    MATCH_THRESHOLD,
    RoleMatch,
    RoleMatcher,
    RoleRanker,
    RoleTextSimilarity,
    SkillProfiler,
    build_pipeline,
    make_pseudo_corpus,
)
from tests.matcher_helpers import (
    FORENSICS_RESUME,
    ISSO_TEXT,
    NURSE_RESUME,
    SOC_RESUME,
    catalog,
    matcher,
)


@pytest.fixture(scope="module")
def fitted() -> RoleMatcher:
    return matcher()


# -- scikit-learn conventions -----------------------------------------------------------------

ESTIMATORS = [SkillProfiler, RoleTextSimilarity, RoleRanker, RoleMatcher]


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_init_only_stores_parameters(cls):
    est = cls(catalog=catalog())
    params = est.get_params()
    assert set(params) == set(inspect.signature(cls.__init__).parameters) - {"self"}
    assert params["catalog"] is catalog()
    assert not [k for k in vars(est) if k.endswith("_")]  # no fitted state before fit
    assert est.set_params(catalog=None).catalog is None


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_clone_and_params_round_trip(cls):
    est = cls(catalog=catalog())
    twin = clone(est)
    assert twin is not est
    assert twin.get_params().keys() == est.get_params().keys()
    other = cls().set_params(**est.get_params())
    assert other.get_params()["catalog"] is catalog()


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_not_fitted_error_before_fit(cls):
    with pytest.raises(NotFittedError):
        check_is_fitted(cls(catalog=catalog()))


def test_unfitted_matcher_refuses_to_rank():
    with pytest.raises(NotFittedError):
        RoleMatcher(catalog=catalog()).rank("Splunk")


def test_fitted_attributes_end_in_underscore(fitted):
    check_is_fitted(fitted)
    for step in (fitted.profiler_, fitted.text_similarity_, fitted.ranker_):
        check_is_fitted(step)
        params = set(step.get_params(deep=False))
        assert {k for k in vars(step) if not k.endswith("_")} <= params


def test_pipeline_chains_real_steps_and_agrees_with_the_matcher(fitted):
    pipe = fitted.pipeline_
    assert isinstance(pipe, Pipeline)
    assert [name for name, _ in pipe.steps] == ["features", "rank"]
    texts = [SOC_RESUME, NURSE_RESUME]
    assert np.allclose(100 * pipe.predict_proba(texts), fitted.score_texts(texts))
    assert list(pipe.predict([SOC_RESUME])) == [fitted.rank(SOC_RESUME, 1)[0].id]
    features = pipe.named_steps["features"].transform(texts)
    assert sparse.issparse(features)
    n_skills, n_roles = len(catalog().skills), len(catalog().roles)
    # Skills, text similarity, then the title evidence (one column per role and the
    # IT-title flag) added for issue 17.
    assert features.shape == (2, n_skills + n_roles + n_roles + 1)


def test_skill_profiler_counts_only_credited_mentions():
    profiler = SkillProfiler(catalog=catalog()).fit()
    X = profiler.transform(["Splunk and Splunk dashboards", "No experience with Splunk", ""])
    col = profiler.skill_index_["splunk"]
    assert X[0, col] > 1.0 and X[1, col] == 0 and X[2].nnz == 0
    assert profiler.get_feature_names_out()[col] == "skill:splunk"


def test_pseudo_corpus_is_deterministic_and_labelled():
    a_texts, a_y = make_pseudo_corpus(catalog(), n_per_role=2, n_negative=5, random_state=3)
    b_texts, b_y = make_pseudo_corpus(catalog(), n_per_role=2, n_negative=5, random_state=3)
    assert a_texts == b_texts and np.array_equal(a_y, b_y)
    assert a_y.shape == (len(a_texts), len(catalog().roles))
    assert (a_y[-5:] == 0).all() and (a_y[:-5].sum(axis=1) >= 1).all()


def test_ranker_fits_on_its_own_and_scores(fitted):
    texts, y = make_pseudo_corpus(catalog(), n_per_role=3, n_negative=20, random_state=1)
    pipe = build_pipeline(catalog()).fit(texts, y)
    X = pipe.named_steps["features"].transform(texts)
    ranker = pipe.named_steps["rank"]
    assert ranker.decision_function(X).shape == y.shape
    assert 0.5 < ranker.score(X[: len(texts) - 20], y[: len(texts) - 20]) <= 1.0


# -- ranking ----------------------------------------------------------------------------------


def top(fitted: RoleMatcher, text: str) -> RoleMatch:
    return fitted.rank(text, top_k=1)[0]


def test_soc_resume_ranks_defensive_or_incident_response(fitted):
    best = top(fitted, SOC_RESUME)
    assert best.id in {"PD-WRL-001", "PD-WRL-003"}
    assert best.score >= MATCH_THRESHOLD
    assert best.is_match


def test_forensics_resume_ranks_forensics_roles(fitted):
    ranked = fitted.rank(FORENSICS_RESUME, top_k=2)
    assert ranked[0].id in {"PD-WRL-002", "IN-WRL-002"}
    assert {r.id for r in ranked} == {"PD-WRL-002", "IN-WRL-002"}
    assert ranked[0].score >= MATCH_THRESHOLD


def test_isso_text_ranks_authorization_roles(fitted):
    best = top(fitted, ISSO_TEXT)
    assert best.id in {"OG-WRL-012", "OG-WRL-013", "OG-WRL-014"}
    assert best.score >= MATCH_THRESHOLD


@pytest.mark.parametrize(
    "text",
    [
        NURSE_RESUME,
        "",
        "   ",
        "Friendly barista who loves latte art, early shifts and hiking on weekends.",
        # Text close to a role's description but with no cyber skill named must not match.
        "Plans and manages programs, sets goals, manages budgets, schedules and staff.",
    ],
)
def test_non_cyber_texts_score_low_everywhere(fitted, text):
    scores = fitted.score_texts([text])[0]
    assert scores.max() < MATCH_THRESHOLD


def test_scores_are_calibrated_range_and_rounded(fitted):
    ranked = fitted.rank(SOC_RESUME, top_k=None)
    assert len(ranked) == len(catalog().roles)
    scores = [r.score for r in ranked]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 100.0 and round(s, 1) == s for s in scores)


def test_deterministic(fitted):
    a = fitted.rank(SOC_RESUME)
    b = fitted.rank(SOC_RESUME)
    assert a == b
    again = RoleMatcher(catalog=catalog()).fit()
    assert [(r.id, r.score) for r in again.rank(SOC_RESUME)] == [(r.id, r.score) for r in a]


def test_rank_many_matches_rank(fitted):
    texts = [SOC_RESUME, FORENSICS_RESUME, NURSE_RESUME]
    assert fitted.rank_many(texts, top_k=3) == [fitted.rank(t, top_k=3) for t in texts]


# -- explanations -----------------------------------------------------------------------------


def test_match_fields_and_evidence_spans(fitted):
    best = top(fitted, SOC_RESUME)
    role = catalog().role(best.id)
    assert best.name == role.name and best.opm_code == role.opm_codes[0]
    assert best.matched
    for item in best.matched:
        assert set(item) == {"skill_id", "name", "start", "end", "text"}
        assert SOC_RESUME[item["start"] : item["end"]] == item["text"]
    assert len({m["skill_id"] for m in best.matched}) == len(best.matched)
    d = best.to_dict()
    assert d["id"] == best.id and isinstance(d["matched"], list)


def test_matched_strongest_first(fitted):
    best = top(fitted, SOC_RESUME)
    j = [r.id for r in catalog().roles].index(best.id)
    index = fitted.profiler_.skill_index_
    strengths = [fitted.strength_[index[m["skill_id"]], j] for m in best.matched]
    assert strengths == sorted(strengths, reverse=True)


def test_missing_skills_exclude_what_the_text_has(fitted):
    best = top(fitted, SOC_RESUME)
    assert 0 < len(best.missing) <= 8
    present = {m.skill_id for m in fitted.extract(SOC_RESUME) if m.credited}
    kinds = {s.id: s.kind for s in catalog().skills}
    for item in best.missing:
        assert item["skill_id"] not in present
        assert item["weight"] >= 0.6
        assert kinds[item["skill_id"]] not in {"certification", "clearance"}
    # A named skill disappears from the missing list.
    named = best.missing[0]["name"]
    again = top(fitted, f"{SOC_RESUME}\nAlso: {named}.")
    assert best.missing[0]["skill_id"] not in {m["skill_id"] for m in again.missing}


def test_negated_skills_are_not_evidence(fitted):
    text = "No experience with Splunk, QRadar or ArcSight. Happy to learn."
    ranked = fitted.rank(text, top_k=None)
    assert all("splunk" not in {m["skill_id"] for m in r.matched} for r in ranked)
    assert max(r.score for r in ranked) < MATCH_THRESHOLD


def test_certifications_listed_with_held_flag(fitted):
    best = top(fitted, SOC_RESUME)
    assert best.certifications
    for c in best.certifications:
        assert set(c) == {"id", "acronym", "name", "proficiency", "held"}
    held = {c["id"] for c in best.certifications if c["held"]}
    assert "cert-cysa-plus" in held
    flags = [c["held"] for c in best.certifications]
    assert flags == sorted(flags, reverse=True)  # held first


def test_text_similarity_alone_cannot_reach_the_threshold(fitted):
    """With no credited cyber skill, even a perfect text similarity stays below a match."""
    ranker = fitted.ranker_
    n_skills, n_roles = ranker.n_skills_, len(ranker.role_ids_)
    X = sparse.hstack([sparse.csr_matrix((1, n_skills)), sparse.csr_matrix(np.ones((1, n_roles)))])
    assert 100 * ranker.predict_proba(X).max() < MATCH_THRESHOLD


def test_mentions_already_extracted_are_reused_not_extracted_again(fitted, monkeypatch):
    text = SOC_RESUME
    mentions = fitted.extract(text)
    expected = [m.to_dict() for m in fitted.rank(text, top_k=5)]

    def no_second_extraction(_text):
        raise AssertionError("rank extracted the text again")

    monkeypatch.setattr(fitted.profiler_, "extract", no_second_extraction)
    assert [m.to_dict() for m in fitted.rank(text, top_k=5, mentions=mentions)] == expected
    with pytest.raises(ValueError, match="one list per text"):
        fitted.rank_many([text, text], mentions=[mentions])


# -- labelled texts (OPM staff's overrides) ---------------------------------------------------

LABELLED = [FORENSICS_RESUME, ISSO_TEXT]
LABELS = [["IN-WRL-002", "PD-WRL-002"], ["OG-WRL-013"]]


def test_no_labelled_texts_is_exactly_the_catalog_only_model(fitted):
    texts = [SOC_RESUME, FORENSICS_RESUME, NURSE_RESUME]
    assert fitted.n_labelled_ == 0
    for X, y in (([], []), (["Cook and server."], [["XX-WRL-999"]])):  # none kept
        again = RoleMatcher(catalog=catalog()).fit(X, y)
        assert again.n_labelled_ == 0
        assert np.array_equal(again.score_texts(texts), fitted.score_texts(texts))


def test_labelled_texts_join_the_calibration_weighted(fitted):
    once = RoleMatcher(catalog=catalog(), labelled_weight=1.0).fit(LABELLED, LABELS)
    heavy = RoleMatcher(catalog=catalog(), labelled_weight=200.0).fit(LABELLED, LABELS)
    assert once.n_labelled_ == heavy.n_labelled_ == 2
    base = fitted.ranker_.calibrator_.coef_
    shift_once = np.abs(once.ranker_.calibrator_.coef_ - base).sum()
    shift_heavy = np.abs(heavy.ranker_.calibrator_.coef_ - base).sum()
    assert 0 < shift_once < shift_heavy  # weighted: the heavier, the further it moves
    assert set(heavy.get_params()) == set(fitted.get_params())  # no new state outside params


def test_labelled_input_is_checked():
    unfitted = RoleMatcher(catalog=catalog())
    with pytest.raises(ValueError, match="need y"):
        unfitted.fit(LABELLED)
    with pytest.raises(ValueError, match="without the texts"):
        unfitted.fit(None, LABELS)
    with pytest.raises(ValueError, match="one role list per text"):
        unfitted.fit(LABELLED, LABELS[:1])
    with pytest.raises(TypeError, match="single string"):
        unfitted.fit(LABELLED[:1], ["IN-WRL-002"])
    with pytest.raises(TypeError, match="single string"):
        unfitted.fit("one text", [["IN-WRL-002"]])
    assert not hasattr(unfitted, "pipeline_")
