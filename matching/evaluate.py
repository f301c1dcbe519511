"""Measure the role matcher on the labelled development set, against two baselines.

    python -m matching.evaluate [--devset matching/devset/dev.jsonl] [--data-dir data] [--json]
                                [--overrides overrides.jsonl]

The dev set is only for measuring and for choosing `MATCH_THRESHOLD`; nothing is fitted on
it. Each line: {"id", "kind": "resume"|"posting", "text", "roles": [primary first, ...],
"negative": bool, "note"}.

Systems, all computed in the same run:

- pathfinder: `RoleMatcher` (matching.roles), threshold `MATCH_THRESHOLD`;
- tfidf: TF-IDF cosine between the text and the role descriptions alone;
- fuzzy: rapidfuzz token_set_ratio between the text and each role's name + description.

The baselines get their best case: their threshold is the one that best separates the top
scores of cyber texts from those of negatives on the dev set itself (Youden's J).

Metrics on cyber texts: nDCG@5 (gain 2 for the primary role, 1 for other listed roles),
P@1 strict (top role is the primary), P@1 lenient (top role is any listed role), recall@3
(a listed role in the top 3) and the share of texts with a match (top score >= threshold).
On negatives: the false-match rate (share whose top score >= threshold).

`--overrides FILE` also measures agreement with OPM staff: FILE holds one job a line,
{"id", "text", "roles": [primary first, ...]}, the jobs whose work roles staff overrode
(`pathfinder classifications export FILE`). Agreement is the share of those jobs whose top
role is the staff's primary role (top 1), and whose top 3 roles include it (top 3). The
matcher measured is fitted on the catalog alone, as for the dev set, so it is not scored on
its own training examples.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.utils import default_process
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from matching.catalog import CatalogSpec, load_catalog_spec
from matching.roles import MATCH_THRESHOLD, RoleMatcher, build_role_matcher

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DEVSET = REPO / "matching" / "devset" / "dev.jsonl"
DEFAULT_DATA = REPO / "data"
SWEEP = (10, 20, 30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 90)
METRICS = (
    "ndcg@5",
    "p@1_strict",
    "p@1_lenient",
    "recall@3",
    "match_rate",
    "false_match_rate",
    "threshold",
)


def load_devset(path: Path) -> list[dict[str, Any]]:
    """Read the JSON-lines dev set (blank lines skipped)."""
    records = []
    with Path(path).open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                records.append(json.loads(line))
    return records


# -- systems ----------------------------------------------------------------------------------


def tfidf_baseline_scores(catalog: CatalogSpec, texts: Sequence[str]) -> np.ndarray:
    """Cosine (x100) between each text and each role description."""
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, stop_words="english")
    roles = normalize(vectorizer.fit_transform([r.description for r in catalog.roles]))
    docs = normalize(vectorizer.transform(list(texts)))
    return 100.0 * np.asarray((docs @ roles.T).todense())


def fuzzy_baseline_scores(catalog: CatalogSpec, texts: Sequence[str]) -> np.ndarray:
    """rapidfuzz token_set_ratio (0-100) between each text and each role's name + description."""
    role_docs = [f"{r.name} {r.description}" for r in catalog.roles]
    return process.cdist(
        list(texts), role_docs, scorer=fuzz.token_set_ratio, processor=default_process
    ).astype(float)


# -- metrics ----------------------------------------------------------------------------------


def _ndcg_at_5(order: Sequence[str], roles: Sequence[str]) -> float:
    gains = {r: (2.0 if k == 0 else 1.0) for k, r in enumerate(roles)}
    dcg = sum(gains.get(r, 0.0) / np.log2(i + 2) for i, r in enumerate(order[:5]))
    ideal = sorted(gains.values(), reverse=True)[:5]
    idcg = sum(g / np.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def best_threshold(cyber_top: np.ndarray, negative_top: np.ndarray) -> float:
    """The threshold maximising (share of cyber texts matched) - (false-match rate)."""
    candidates = np.unique(np.concatenate([cyber_top, negative_top]))
    if len(candidates) == 0:
        return 50.0
    best, best_j = float(candidates[0]), -np.inf
    for t in candidates:
        j = np.mean(cyber_top >= t) - (np.mean(negative_top >= t) if len(negative_top) else 0.0)
        if j > best_j:
            best, best_j = float(t), j
    return best


def system_metrics(
    scores: np.ndarray,
    role_ids: Sequence[str],
    records: Sequence[dict[str, Any]],
    threshold: float | None,
) -> dict[str, float]:
    """Ranking metrics on cyber texts and the false-match rate on negatives.

    `threshold=None` picks the best-separating threshold on these records (baselines)."""
    ids = np.asarray(role_ids, dtype=object)
    cyber = [i for i, r in enumerate(records) if not r.get("negative")]
    negative = [i for i, r in enumerate(records) if r.get("negative")]
    top = scores.max(axis=1) if len(scores) else np.zeros(0)
    if threshold is None:
        threshold = best_threshold(top[cyber], top[negative])
    ndcg, strict, lenient, recall3 = [], [], [], []
    for i in cyber:
        roles = list(records[i]["roles"])
        order = list(ids[np.lexsort((np.arange(len(ids)), -scores[i]))])
        ndcg.append(_ndcg_at_5(order, roles))
        strict.append(float(bool(roles) and order[0] == roles[0]))
        lenient.append(float(order[0] in roles))
        recall3.append(float(any(r in roles for r in order[:3])))

    def mean(values: Sequence[float]) -> float:
        return float(np.mean(values)) if len(values) else float("nan")

    return {
        "ndcg@5": mean(ndcg),
        "p@1_strict": mean(strict),
        "p@1_lenient": mean(lenient),
        "recall@3": mean(recall3),
        "match_rate": mean([float(top[i] >= threshold) for i in cyber]),
        "false_match_rate": mean([float(top[i] >= threshold) for i in negative]),
        "threshold": float(threshold),
    }


def threshold_sweep(
    scores: np.ndarray, records: Sequence[dict[str, Any]], thresholds: Sequence[float]
) -> list[dict[str, float]]:
    """For each threshold: share of cyber texts with a match, false-match rate on negatives."""
    top = scores.max(axis=1)
    cyber = np.array([not r.get("negative") for r in records], dtype=bool)
    rows = []
    for t in thresholds:
        rows.append(
            {
                "threshold": float(t),
                "match_rate": float(np.mean(top[cyber] >= t)) if cyber.any() else float("nan"),
                "false_match_rate": float(np.mean(top[~cyber] >= t))
                if (~cyber).any()
                else float("nan"),
            }
        )
    return rows


def evaluate(
    records: Sequence[dict[str, Any]],
    catalog: CatalogSpec,
    matcher: RoleMatcher | None = None,
    threshold: float = MATCH_THRESHOLD,
) -> dict[str, Any]:
    """Score every record with Pathfinder and both baselines; return metrics and the sweep."""
    matcher = matcher or build_role_matcher(catalog)
    texts = [r["text"] for r in records]
    role_ids = [r.id for r in catalog.roles]
    started = time.perf_counter()
    for text in texts:
        matcher.rank(text)
    ms_per_text = 1000.0 * (time.perf_counter() - started) / max(1, len(texts))
    started = time.perf_counter()
    path_scores = matcher.score_texts(texts)
    batch_ms = 1000.0 * (time.perf_counter() - started) / max(1, len(texts))
    systems = {
        "pathfinder": system_metrics(path_scores, role_ids, records, threshold),
        "tfidf": system_metrics(tfidf_baseline_scores(catalog, texts), role_ids, records, None),
        "fuzzy": system_metrics(fuzzy_baseline_scores(catalog, texts), role_ids, records, None),
    }
    by_kind = {}
    for kind in sorted({r.get("kind", "?") for r in records}):
        rows = [i for i, r in enumerate(records) if r.get("kind", "?") == kind]
        by_kind[kind] = system_metrics(
            path_scores[rows], role_ids, [records[i] for i in rows], threshold
        )
    return {
        "n_texts": len(records),
        "n_cyber": sum(1 for r in records if not r.get("negative")),
        "n_negative": sum(1 for r in records if r.get("negative")),
        "systems": systems,
        "pathfinder_by_kind": by_kind,
        "sweep": threshold_sweep(path_scores, records, sorted({*SWEEP, threshold})),
        "ms_per_text": ms_per_text,
        "batch_ms_per_text": batch_ms,
    }


def override_agreement(
    records: Sequence[dict[str, Any]], catalog: CatalogSpec, matcher: RoleMatcher
) -> dict[str, Any]:
    """How often the matcher's top role is the staff's primary role, and within its top 3.

    Records whose primary role the catalog does not know are counted as skipped.
    """
    known = {r.id for r in catalog.roles}
    usable = [r for r in records if r.get("roles") and r["roles"][0] in known]
    top1 = top3 = 0
    if usable:
        ids = np.asarray([r.id for r in catalog.roles], dtype=object)
        scores = matcher.score_texts([str(r.get("text") or "") for r in usable])
        for record, row in zip(usable, scores, strict=True):
            order = list(ids[np.lexsort((np.arange(len(ids)), -row))][:3])
            top1 += order[0] == record["roles"][0]
            top3 += record["roles"][0] in order
    n = len(usable)
    return {
        "n": n,
        "skipped": len(records) - n,
        "top1": top1,
        "top3": top3,
        "top1_rate": top1 / n if n else float("nan"),
        "top3_rate": top3 / n if n else float("nan"),
    }


def format_agreement(agreement: dict[str, Any]) -> str:
    """The agreement lines printed by `--overrides`."""
    n, skipped = agreement["n"], agreement["skipped"]
    lines = [
        f"agreement with OPM staff overrides: {n} jobs"
        + (f" ({skipped} skipped: no known primary role)" if skipped else ""),
        f"  top role is the staff's primary role:   {agreement['top1_rate']:.3f} "
        f"({agreement['top1']} of {n})",
        f"  staff's primary role in the top 3:      {agreement['top3_rate']:.3f} "
        f"({agreement['top3']} of {n})",
    ]
    return "\n".join(lines)


# -- command line -----------------------------------------------------------------------------


def format_report(report: dict[str, Any]) -> str:
    """The tables printed by the command."""
    lines = [
        f"dev set: {report['n_texts']} texts ({report['n_cyber']} cyber, "
        f"{report['n_negative']} negative)",
        "",
        f"{'system':<14}" + "".join(f"{m:>18}" for m in METRICS),
    ]
    for name, metrics in [*report["systems"].items()] + [
        (f"  pf/{k}", v) for k, v in report["pathfinder_by_kind"].items()
    ]:
        lines.append(f"{name:<14}" + "".join(f"{metrics[m]:>18.3f}" for m in METRICS))
    lines += [
        "",
        "pathfinder threshold sweep (top score >= threshold)",
        f"{'threshold':>10}{'cyber matched':>16}{'false matches':>16}",
    ]
    for row in report["sweep"]:
        lines.append(
            f"{row['threshold']:>10.1f}{row['match_rate']:>16.3f}{row['false_match_rate']:>16.3f}"
        )
    lines += [
        "",
        "note: MATCH_THRESHOLD and the baselines' thresholds were chosen on this dev set, so the",
        "match and false-match rates above are optimistic for new text.",
        f"rank(): {report['ms_per_text']:.2f} ms per text; "
        f"batch scoring: {report['batch_ms_per_text']:.2f} ms per text",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m matching.evaluate", description=__doc__)
    parser.add_argument("--devset", type=Path, default=DEFAULT_DEVSET)
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--overrides",
        type=Path,
        help="JSON lines of staff overrides ({id, text, roles}) to measure agreement with",
    )
    args = parser.parse_args(argv)
    for path, what in ((args.devset, "dev set"), (args.overrides, "overrides file")):
        if path is not None and not path.exists():
            print(f"no {what} at {path}", file=sys.stderr)
            return 2
    catalog = load_catalog_spec(args.data_dir)
    matcher = build_role_matcher(catalog)
    report = evaluate(load_devset(args.devset), catalog, matcher)
    if args.overrides is not None:
        report["overrides"] = override_agreement(load_devset(args.overrides), catalog, matcher)
    text = format_report(report)
    if "overrides" in report:
        text += "\n\n" + format_agreement(report["overrides"])
    print(json.dumps(report, indent=2) if args.json else text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
