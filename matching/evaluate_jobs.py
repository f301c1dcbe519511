"""Measure which job scores mean "fits": the dev set texts against the sample USAJOBS jobs.

    python -m matching.evaluate_jobs [--devset PATH ...] [--data-dir data]
                                     [--jobs data/samples/usajobs_cyber_jobs.json] [--json]

This is how `matching.jobs.JOB_FIT_THRESHOLD` was chosen. Every dev set text
(`matching/devset/*.jsonl`, cyber texts and negatives) is ranked by `JobIndex` against every
sample job (`data/samples/usajobs_cyber_jobs.json`, closing dates ignored). A (text, job) pair
counts as relevant when the job's top work role, as the index classifies it, is one of the
text's labelled roles (any position); a negative text has no relevant job. For each candidate
threshold the report gives, over all pairs scoring at or above it: precision (share of shown
jobs that are relevant), recall (share of relevant pairs shown), F1, and for negatives the mean
number of jobs shown and the share of negative texts shown at least one job.

The threshold chosen is the one with the best F1 (ties: the higher threshold). On the 348 dev
set texts (119 negatives) and the 64 sample jobs of issue 18 it is 22: precision 0.649, recall
0.535, F1 0.586, negatives shown 0.29 jobs on average and 19% of them at least one; at the
old floor of 5 the figures were 0.245 / 0.745 / 0.369, with 2.72 jobs shown to a negative and
81% of negatives shown some. F1 is flat (0.57-0.59) from 15 to 35, so the value is not
sensitive. Caveats: the threshold is chosen on the same set it is reported on, and a job's
relevance rests on the index's own top role for it, not on hand labels.
Nothing is fitted on the dev set.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from matching.catalog import load_catalog_spec
from matching.evaluate import DEFAULT_DATA, DEFAULT_DEVSET, REPO, load_devsets
from matching.jobs import JobIndex, JobPosting, SeekerFilters
from matching.roles import RoleMatcher, build_role_matcher

DEFAULT_JOBS = REPO / "data" / "samples" / "usajobs_cyber_jobs.json"
SWEEP = tuple(range(5, 61))


def load_sample_postings(path: Path) -> list[JobPosting]:
    """The jobs of a USAJOBS Search API response as postings (every job, open or closed)."""
    from scrapers.usajobs import parse_search  # scrapers never import Flask either

    with Path(path).open(encoding="utf-8") as handle:
        page = parse_search(json.load(handle), today=date(2000, 1, 1))
    return [JobPosting.from_record(r, id=r.source_id) for r in page.records]


def pair_scores(
    index: JobIndex, records: Sequence[dict[str, Any]]
) -> tuple[np.ndarray, np.ndarray]:
    """(scores, relevant): texts x jobs matrices of fit (0-100) and relevance (bool)."""
    n = index.n_postings_
    top_role = [index.classifications(row, 1)[0][0] for row in range(n)]
    row_of = {p.id: k for k, p in enumerate(index.postings_)}
    everything = SeekerFilters(today=date.min)
    scores = np.zeros((len(records), n))
    relevant = np.zeros((len(records), n), dtype=bool)
    for i, record in enumerate(records):
        result = index.rank(record["text"], everything, top_k=n)
        for match in result.matches:
            scores[i, row_of[match.id]] = match.score
        gold = set() if record.get("negative") else set(record.get("roles") or ())
        relevant[i] = [role in gold for role in top_role]
    return scores, relevant


def sweep(
    scores: np.ndarray,
    relevant: np.ndarray,
    negative: np.ndarray,
    thresholds: Iterable[float] = SWEEP,
) -> list[dict[str, float]]:
    """Precision, recall, F1 and what negatives are shown, at each threshold."""
    rows = []
    total_relevant = int(relevant.sum())
    for threshold in thresholds:
        shown = scores >= threshold
        hits = int((shown & relevant).sum())
        n_shown = int(shown.sum())
        precision = hits / n_shown if n_shown else 0.0
        recall = hits / total_relevant if total_relevant else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        neg = shown[negative]
        rows.append(
            {
                "threshold": float(threshold),
                "precision": precision,
                "recall": recall,
                "f1": f1,
                "shown_per_text": n_shown / len(scores) if len(scores) else 0.0,
                "negative_shown_mean": float(neg.sum(axis=1).mean()) if len(neg) else 0.0,
                "negative_any_share": float(neg.any(axis=1).mean()) if len(neg) else 0.0,
            }
        )
    return rows


def best_threshold(rows: Sequence[dict[str, float]]) -> float:
    """The threshold with the best F1; the higher one on a tie."""
    return max(rows, key=lambda r: (round(r["f1"], 9), r["threshold"]))["threshold"]


def evaluate(
    records: Sequence[dict[str, Any]],
    postings: Sequence[JobPosting],
    matcher: RoleMatcher,
    thresholds: Iterable[float] = SWEEP,
) -> dict[str, Any]:
    index = JobIndex(role_matcher=matcher).fit(postings)
    scores, relevant = pair_scores(index, records)
    negative = np.array([bool(r.get("negative")) for r in records], dtype=bool)
    rows = sweep(scores, relevant, negative, thresholds)
    return {
        "texts": len(records),
        "negatives": int(negative.sum()),
        "jobs": len(postings),
        "relevant_pairs": int(relevant.sum()),
        "sweep": rows,
        "best_threshold": best_threshold(rows),
    }


def format_report(report: dict[str, Any]) -> str:
    lines = [
        f"{report['texts']} dev set texts ({report['negatives']} negatives) x "
        f"{report['jobs']} sample jobs; {report['relevant_pairs']} relevant pairs",
        f"{'threshold':>9} {'precision':>9} {'recall':>7} {'F1':>6} {'shown/text':>10} "
        f"{'neg shown':>9} {'neg any':>7}",
    ]
    for r in report["sweep"]:
        lines.append(
            f"{r['threshold']:>9.0f} {r['precision']:>9.3f} {r['recall']:>7.3f} {r['f1']:>6.3f} "
            f"{r['shown_per_text']:>10.2f} {r['negative_shown_mean']:>9.2f} "
            f"{r['negative_any_share']:>7.2f}"
        )
    lines.append(f"best F1 at threshold {report['best_threshold']:.0f}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devset", type=Path, action="append")
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--jobs", type=Path, default=DEFAULT_JOBS)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    records = load_devsets(args.devset or [DEFAULT_DEVSET])
    matcher = build_role_matcher(load_catalog_spec(args.data_dir))
    report = evaluate(records, load_sample_postings(args.jobs), matcher)
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
