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


# -- label-level figures, per-role, confusion and per-category tables ---------------------------
# A hand-made catalog of three roles and hand-made scores for each system, so every expected
# figure below is worked out by hand from the orders the scores give (ties in catalog order).

A, B, C = "XX-WRL-001", "XX-WRL-002", "XX-WRL-003"
L3 = np.log2(3)  # the nDCG discount at rank 2
HAND = [  # id, roles, category, pathfinder scores [A, B, C]
    ("a1", [A], "soc", [90, 10, 5]),  # A B C: nDCG 1
    ("a2", [A, B], "soc", [50, 80, 5]),  # B A C: (1 + 2/L3) / (2 + 1/L3)
    ("a3", [A], None, [40, 5, 70]),  # C A B: (2/L3) / 2
    ("a4", [A], None, [10, 65, 30]),  # B C A: (2/2) / 2
    ("b1", [B], "qa_test", [0, 75, 0]),  # B A C: 1
    ("b2", [B], "qa_test", [20, 10, 66]),  # C A B: B third, 0.5
    ("n1", [], "non_cyber", [70, 0, 0]),  # negative, a false match at 60
    ("n2", [], "soc", [20, 10, 0]),  # negative, no match
]
HAND_RECORDS = [
    {"id": i, "kind": "resume" if i[0] != "b" else "posting", "text": f"text {i}", "roles": roles,
     "negative": not roles, **({"category": cat} if cat else {})}
    for i, roles, cat, _ in HAND
]  # fmt: skip
# tfidf: C first, then B, then A for every text; fuzzy: all three tied (catalog order A B C).
TFIDF_ROWS = [[0, 0, 5] if not roles else [10, 20, 30] for _, roles, _, _ in HAND]
FUZZY_ROWS = [[50, 50, 50] for _ in HAND]


class HandMatcher:
    """Stands in for RoleMatcher: the hand-made pathfinder scores of each text."""

    def __init__(self) -> None:
        self.rows = {f"text {i}": row for i, _, _, row in HAND}

    def rank(self, text: str) -> list:
        return []

    def score_texts(self, texts):
        return np.array([self.rows[t] for t in texts], dtype=float)


def hand_catalog():
    from matching.catalog import CatalogSpec, RoleSpec

    roles = tuple(
        RoleSpec(id=r, name=f"Role {r[-1]}", category="XX", opm_codes=(), description=f"role {r}")
        for r in (A, B, C)
    )
    return CatalogSpec(version="test", roles=roles, skills=())


@pytest.fixture
def hand_report(monkeypatch) -> dict:
    rows = {"tfidf": TFIDF_ROWS, "fuzzy": FUZZY_ROWS}

    def fixed(system):
        return lambda catalog, texts: np.array(
            [rows[system][int(HAND_INDEX[t])] for t in texts], dtype=float
        )

    monkeypatch.setattr(ev, "tfidf_baseline_scores", fixed("tfidf"))
    monkeypatch.setattr(ev, "fuzzy_baseline_scores", fixed("fuzzy"))
    return ev.evaluate(HAND_RECORDS, hand_catalog(), matcher=HandMatcher(), threshold=60.0)


HAND_INDEX = {f"text {i}": k for k, (i, _, _, _) in enumerate(HAND)}
A2 = (1 + 2 / L3) / (2 + 1 / L3)  # pathfinder on a2 (B A C for roles A, B)
PF_A = [1.0, A2, 1 / L3, 0.5]  # pathfinder nDCG@5 of a1-a4
PF_B = [1.0, 0.5]  # of b1, b2
TF_A = [0.5, (1 + 1 / L3) / (2 + 1 / L3), 0.5, 0.5]  # C B A for every text
TF_B = [1 / L3, 1 / L3]


def test_query_and_label_level_figures_for_every_system(hand_report):
    pf, tf, fz = (hand_report["systems"][s] for s in ("pathfinder", "tfidf", "fuzzy"))
    assert pf["ndcg@5"] == pytest.approx(np.mean(PF_A + PF_B))
    assert pf["p@1_strict"] == pytest.approx(2 / 6)  # a1, b1
    # label-level: role A's mean, role B's mean, then their mean (role A's 4 texts count once)
    assert pf["macro_ndcg@5"] == pytest.approx((np.mean(PF_A) + np.mean(PF_B)) / 2)
    assert pf["macro_p@1"] == pytest.approx((1 / 4 + 1 / 2) / 2)
    assert pf["false_match_rate"] == 0.5 and pf["match_rate"] == 1.0
    assert tf["macro_ndcg@5"] == pytest.approx((np.mean(TF_A) + np.mean(TF_B)) / 2)
    assert tf["macro_p@1"] == 0.0
    assert tf["threshold"] == 30.0 and tf["false_match_rate"] == 0.0
    # fuzzy ties everywhere: catalog order puts A first, B second
    assert fz["macro_ndcg@5"] == pytest.approx((1.0 + 1 / L3) / 2)
    assert fz["macro_p@1"] == 0.5 and fz["p@1_strict"] == pytest.approx(4 / 6)
    assert fz["false_match_rate"] == 1.0


def test_per_role_table(hand_report):
    table = hand_report["per_role"]
    assert [(row["role"], row["name"], row["n"]) for row in table] == [
        (A, "Role 1", 4),
        (B, "Role 2", 2),
    ]  # roles with no text (C) are left out
    a, b = (row["systems"] for row in table)
    assert a["pathfinder"]["ndcg@5"] == pytest.approx(np.mean(PF_A))
    assert a["pathfinder"]["p@1"] == 0.25 and b["pathfinder"]["p@1"] == 0.5
    assert b["tfidf"]["ndcg@5"] == pytest.approx(1 / L3) and b["tfidf"]["p@1"] == 0.0
    assert a["fuzzy"] == {"ndcg@5": pytest.approx(1.0), "p@1": 1.0}


def test_confusion_table_most_frequent_top_role(hand_report):
    rows = {row["role"]: row["systems"] for row in hand_report["confusion"]}
    assert rows[A]["pathfinder"] == {"top1": B, "top1_name": "Role 2", "count": 2}  # a2, a4
    # b1 -> B, b2 -> C: a tie, broken in catalog order
    assert rows[B]["pathfinder"] == {"top1": B, "top1_name": "Role 2", "count": 1}
    assert rows[A]["tfidf"]["top1"] == C and rows[A]["tfidf"]["count"] == 4
    assert rows[B]["fuzzy"] == {"top1": A, "top1_name": "Role 1", "count": 2}


def test_per_category_table(hand_report):
    rows = {row["category"]: row for row in hand_report["per_category"]}
    assert list(rows) == ["non_cyber", "qa_test", "soc"]  # a3, a4 have no category
    soc = rows["soc"]
    assert (soc["n_cyber"], soc["n_negative"]) == (2, 1)
    assert soc["systems"]["pathfinder"] == {
        "ndcg@5": pytest.approx((1.0 + A2) / 2),
        "p@1": 0.5,
        "match_rate": 1.0,
        "false_match_rate": 0.0,  # n2's 20 is under 60
    }
    assert soc["systems"]["fuzzy"]["false_match_rate"] == 1.0  # 50 >= fuzzy's threshold 50
    negatives_only = rows["non_cyber"]["systems"]["pathfinder"]
    assert negatives_only == {
        "ndcg@5": None,
        "p@1": None,
        "match_rate": None,
        "false_match_rate": 1.0,
    }
    assert rows["qa_test"]["systems"]["tfidf"]["ndcg@5"] == pytest.approx(1 / L3)


def test_report_prints_the_tables(hand_report):
    text = ev.format_report(hand_report)
    assert "macro nDCG" in text and "per work role" in text and "confusion" in text
    assert f"{A}   4   {B} 2/4" in text  # pathfinder: role A's texts most often go to B
    assert f"={B} 1/2" in text  # role B most often right (a tie broken in catalog order)
    line = next(x for x in text.splitlines() if x.startswith("non_cyber"))
    assert line.split()[:4] == ["non_cyber", "0", "1", "-"] and line.split()[6] == "1.000"
    json.dumps(hand_report)  # the --json output carries every table


def test_no_category_no_category_table(report):
    assert report["per_category"] == []
    assert "per category" not in ev.format_report(report)


# -- reading dev set files --------------------------------------------------------------------


def write_jsonl(path, records) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def test_a_directory_reads_every_jsonl_file_once(tmp_path):
    write_jsonl(tmp_path / "b.jsonl", TINY[2:])
    write_jsonl(tmp_path / "a.jsonl", TINY[:2])
    (tmp_path / "notes.txt").write_text("not a dev set file")
    records = ev.load_devsets([tmp_path, tmp_path / "a.jsonl"])  # a.jsonl named twice
    assert [r["id"] for r in records] == ["r1", "r2", "p1", "r3"]


def test_ids_must_be_unique_across_files(tmp_path):
    write_jsonl(tmp_path / "a.jsonl", TINY[:2])
    write_jsonl(tmp_path / "b.jsonl", [TINY[0]])
    with pytest.raises(ev.DevsetError, match=r"duplicate id 'r1' in .*b\.jsonl .*a\.jsonl"):
        ev.load_devsets([tmp_path])


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"id": "r1", "text": "x"', "line 2: not JSON"),
        ('["r1"]', "line 2: not a JSON object"),
        ('{"text": "x", "roles": ["PD-WRL-001"]}', "without an id"),
        ('{"id": "r9", "text": 5, "roles": ["PD-WRL-001"]}', "'text' must be a string"),
        ('{"id": "r9", "text": "x", "roles": []}', "needs roles"),
        ('{"id": "r9", "text": "x", "roles": "PD-WRL-001"}', "list of role ids"),
        ('{"id": "r9", "text": "x", "roles": ["A"], "category": 3}', "'category'"),
    ],
)
def test_bad_lines_are_named(tmp_path, line, message):
    path = tmp_path / "dev.jsonl"
    path.write_text(json.dumps(TINY[0]) + "\n" + line + "\n", encoding="utf-8")
    with pytest.raises(ev.DevsetError, match=message):
        ev.load_devsets([path])


def test_unknown_work_role_is_refused():
    record = {**TINY[0], "roles": ["PD-WRL-001", "XX-WRL-999"]}
    with pytest.raises(ev.DevsetError, match="r1: unknown work role XX-WRL-999"):
        ev.evaluate([record], catalog(), matcher=matcher())


def test_command_line_reads_the_devset_directory_by_default(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(ev, "build_role_matcher", lambda catalog: matcher())
    monkeypatch.setattr(ev, "DEFAULT_DEVSET", tmp_path)
    write_jsonl(tmp_path / "one.jsonl", TINY[:3])
    write_jsonl(tmp_path / "two.jsonl", [{**TINY[3], "category": "non_cyber"}])
    assert ev.main(["--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["n_cyber"], out["n_negative"]) == (3, 1)
    assert [row["category"] for row in out["per_category"]] == ["non_cyber"]
    other = tmp_path / "other.jsonl"
    write_jsonl(other, [TINY[0]])
    assert ev.main(["--devset", str(tmp_path), "--devset", str(other)]) == 2
    assert "duplicate id 'r1'" in capsys.readouterr().err
    empty = tmp_path / "empty"
    empty.mkdir()
    assert ev.main(["--devset", str(empty)]) == 2
    assert "no *.jsonl files in" in capsys.readouterr().err
