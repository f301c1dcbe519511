"""The evaluation harness: metrics, baselines, thresholds and the command line."""

from __future__ import annotations

import json

import numpy as np
import pytest

from matching import evaluate as ev
from matching.roles import MATCH_THRESHOLD
from tests.matcher_helpers import (
    FORENSICS_RESUME,
    ISSO_TEXT,
    NURSE_RESUME,
    SOC_RESUME,
    catalog,
    matcher,
)

TINY = [
    {"id": "r1", "kind": "resume", "text": SOC_RESUME, "roles": ["PD-WRL-001", "PD-WRL-003"],
     "negative": False, "note": "soc"},
    {"id": "r2", "kind": "resume", "text": FORENSICS_RESUME, "roles": ["PD-WRL-002", "IN-WRL-002"],
     "negative": False, "note": "forensics"},
    {"id": "p1", "kind": "posting", "text": ISSO_TEXT, "roles": ["OG-WRL-014", "OG-WRL-012"],
     "negative": False, "note": "isso"},
    {"id": "r3", "kind": "resume", "text": NURSE_RESUME, "roles": [], "negative": True,
     "note": "nurse"},
]  # fmt: skip


@pytest.fixture(scope="module")
def report() -> dict:
    return ev.evaluate(TINY, catalog(), matcher=matcher())


def test_report_has_all_systems_and_metrics(report):
    assert set(report["systems"]) == {"pathfinder", "tfidf", "fuzzy"}
    for metrics in report["systems"].values():
        assert set(metrics) == set(ev.METRICS)
        for name in ("ndcg@5", "p@1_strict", "p@1_lenient", "recall@3", "match_rate"):
            assert 0.0 <= metrics[name] <= 1.0
    assert report["systems"]["pathfinder"]["threshold"] == MATCH_THRESHOLD
    assert (report["n_cyber"], report["n_negative"]) == (3, 1)
    assert set(report["pathfinder_by_kind"]) == {"resume", "posting"}
    assert report["ms_per_text"] > 0


def test_pathfinder_on_clear_texts(report):
    pf = report["systems"]["pathfinder"]
    assert pf["p@1_lenient"] == 1.0 and pf["recall@3"] == 1.0
    assert pf["match_rate"] == 1.0 and pf["false_match_rate"] == 0.0


def test_sweep_is_monotone(report):
    sweep = report["sweep"]
    assert MATCH_THRESHOLD in [row["threshold"] for row in sweep]
    rates = [row["match_rate"] for row in sweep]
    assert rates == sorted(rates, reverse=True)


def test_ndcg_graded_gains():
    assert ev._ndcg_at_5(["A", "B", "C"], ["A", "B"]) == pytest.approx(1.0)
    swapped = ev._ndcg_at_5(["B", "A"], ["A", "B"])
    assert swapped == pytest.approx((1 + 2 / np.log2(3)) / (2 + 1 / np.log2(3)))
    assert ev._ndcg_at_5(["X", "Y"], ["A"]) == 0.0


def test_strict_and_lenient_precision():
    records = [{"roles": ["B", "A"], "negative": False}]
    scores = np.array([[0.9, 0.1, 0.0]])  # top is A: a listed, non-primary role
    m = ev.system_metrics(scores, ["A", "B", "C"], records, threshold=0.5)
    assert m["p@1_strict"] == 0.0 and m["p@1_lenient"] == 1.0 and m["recall@3"] == 1.0


def test_baseline_threshold_is_their_best_case():
    cyber = np.array([40.0, 50.0, 60.0])
    negative = np.array([10.0, 45.0])
    assert ev.best_threshold(cyber, negative) == 50.0


def test_baseline_scores_shapes():
    texts = [SOC_RESUME, ""]
    n_roles = len(catalog().roles)
    assert ev.tfidf_baseline_scores(catalog(), texts).shape == (2, n_roles)
    fuzzy = ev.fuzzy_baseline_scores(catalog(), texts)
    assert fuzzy.shape == (2, n_roles) and fuzzy.max() <= 100


def test_command_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(ev, "build_role_matcher", lambda catalog: matcher())
    path = tmp_path / "dev.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in TINY) + "\n", encoding="utf-8")
    assert ev.main(["--devset", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out["systems"]) == {"pathfinder", "tfidf", "fuzzy"}
    assert ev.main(["--devset", str(tmp_path / "missing.jsonl")]) == 2


def test_format_report_mentions_every_system(report):
    text = ev.format_report(report)
    for word in ("pathfinder", "tfidf", "fuzzy", "threshold sweep", "ms per text"):
        assert word in text


# -- agreement with staff overrides -----------------------------------------------------------

OVERRIDES = [
    {"id": 1, "text": SOC_RESUME, "roles": ["PD-WRL-001"]},
    {"id": 2, "text": FORENSICS_RESUME, "roles": ["PD-WRL-002", "IN-WRL-002"]},
    {"id": 3, "text": ISSO_TEXT, "roles": ["DD-WRL-001"]},  # staff disagree with the matcher
    {"id": 4, "text": SOC_RESUME, "roles": ["XX-WRL-999"]},  # a role the catalog lost
]


def test_override_agreement_counts_top_role_and_top_three():
    scores = matcher().score_texts([r["text"] for r in OVERRIDES[:3]])
    ids = [r.id for r in catalog().roles]
    expected_top1 = expected_top3 = 0
    for record, row in zip(OVERRIDES[:3], scores, strict=True):
        order = [ids[j] for j in np.lexsort((np.arange(len(ids)), -row))][:3]
        expected_top1 += order[0] == record["roles"][0]
        expected_top3 += record["roles"][0] in order
    agreement = ev.override_agreement(OVERRIDES, catalog(), matcher())
    assert agreement["n"] == 3 and agreement["skipped"] == 1
    assert (agreement["top1"], agreement["top3"]) == (expected_top1, expected_top3)
    assert agreement["top1"] < 3 and agreement["top3"] >= agreement["top1"]
    assert agreement["top1_rate"] == pytest.approx(expected_top1 / 3)
    text = ev.format_agreement(agreement)
    assert "agreement with OPM staff overrides: 3 jobs (1 skipped" in text
    assert (
        f"top role is the staff's primary role:   {expected_top1 / 3:.3f} ({expected_top1} of 3)"
        in text
    )


def test_command_line_reports_agreement_with_overrides(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(ev, "build_role_matcher", lambda catalog: matcher())
    dev = tmp_path / "dev.jsonl"
    dev.write_text("\n".join(json.dumps(r) for r in TINY) + "\n", encoding="utf-8")
    overrides = tmp_path / "overrides.jsonl"
    overrides.write_text("\n".join(json.dumps(r) for r in OVERRIDES) + "\n", encoding="utf-8")
    assert ev.main(["--devset", str(dev), "--overrides", str(overrides), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["overrides"]["n"] == 3 and set(out["systems"]) == {"pathfinder", "tfidf", "fuzzy"}
    assert ev.main(["--devset", str(dev), "--overrides", str(overrides)]) == 0
    text = capsys.readouterr().out
    assert "agreement with OPM staff overrides" in text and "in the top 3" in text
    assert ev.main(["--devset", str(dev), "--overrides", str(tmp_path / "none.jsonl")]) == 2
    assert ev.main(["--devset", str(dev)]) == 0
    assert "agreement" not in capsys.readouterr().out  # no overrides, no agreement
