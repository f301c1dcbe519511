"""Measure the role matcher on the labelled development set, against two baselines.

    python -m matching.evaluate [--devset PATH ...] [--data-dir data] [--json]
                                [--overrides overrides.jsonl]

The dev set is only for measuring and for choosing `MATCH_THRESHOLD`; nothing is fitted on
it. `--devset` takes a JSON-lines file or a directory (every `*.jsonl` in it) and may be
repeated; by default every `*.jsonl` in `matching/devset/`. Ids must be unique across all the
files read. Each line: {"id", "kind": "resume"|"posting", "text", "roles": [primary first,
...], "negative": bool, "note"} and optionally "category" (e.g. "soc", "non_cyber").

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

Query-level figures average over texts, so roles with many texts weigh more. Label-level
(macro) figures group the cyber texts by their primary role, average within each role, then
average over the roles: every role counts once. The report also has a per-role table, a
confusion table (each gold primary role's most frequent top-1 role) and, for texts with a
`category`, a per-category table (nDCG@5, P@1 and match rate of its cyber texts, the
false-match rate of its negatives), each for all three systems.

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
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
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
DEFAULT_DEVSET = REPO / "matching" / "devset"
DEFAULT_DATA = REPO / "data"
SWEEP = (10, 20, 30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 90)
METRICS = (
    "ndcg@5",
    "p@1_strict",
    "p@1_lenient",
    "recall@3",
    "macro_ndcg@5",
    "macro_p@1",
    "match_rate",
    "false_match_rate",
    "threshold",
)
SYSTEMS = ("pathfinder", "tfidf", "fuzzy")
_HEADERS = {  # the column headings of METRICS in the printed table
    "ndcg@5": "nDCG@5",
    "p@1_strict": "P@1",
    "p@1_lenient": "P@1 lenient",
    "recall@3": "recall@3",
    "macro_ndcg@5": "macro nDCG",
    "macro_p@1": "macro P@1",
    "match_rate": "matched",
    "false_match_rate": "false match",
    "threshold": "threshold",
}


class DevsetError(ValueError):
    """A dev set file that cannot be read as the documented JSON lines."""


def load_devset(path: Path) -> list[dict[str, Any]]:
    """Read one JSON-lines file (blank lines skipped); every line must be a JSON object."""
    records = []
    with Path(path).open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise DevsetError(f"{path} line {number}: not JSON ({error.msg})") from None
            if not isinstance(record, dict):
                raise DevsetError(f"{path} line {number}: not a JSON object")
            records.append(record)
    return records


def devset_files(paths: Iterable[Path]) -> list[Path]:
    """The files named, with each directory replaced by its `*.jsonl` files (sorted)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(path.glob("*.jsonl"))
            if not found:
                raise DevsetError(f"no *.jsonl files in {path}")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise DevsetError(f"no dev set at {path}")
    unique: dict[Path, Path] = {}
    for file in files:  # a file named and also inside a named directory is read once
        unique.setdefault(file.resolve(), file)
    return list(unique.values())


def load_devsets(paths: Iterable[Path]) -> list[dict[str, Any]]:
    """Every record of every file (directories expanded), checked; ids unique across files."""
    records: list[dict[str, Any]] = []
    seen: dict[str, Path] = {}
    for file in devset_files(paths):
        for record in load_devset(file):
            check_record(record, file)
            record_id = str(record["id"])
            if record_id in seen:
                where = "earlier in the same file" if seen[record_id] == file else seen[record_id]
                raise DevsetError(f"duplicate id {record_id!r} in {file} (also {where})")
            seen[record_id] = file
            records.append(record)
    return records


def check_record(record: dict[str, Any], source: Path | str = "dev set") -> None:
    """Raise DevsetError unless the record has an id, a text and roles fitting `negative`."""
    record_id = record.get("id")
    if record_id is None or str(record_id) == "":
        raise DevsetError(f"{source}: a record without an id")
    if not isinstance(record.get("text"), str):
        raise DevsetError(f"{source}: {record_id}: 'text' must be a string")
    roles = record.get("roles", [])
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise DevsetError(f"{source}: {record_id}: 'roles' must be a list of role ids")
    if not record.get("negative") and not roles:
        raise DevsetError(f"{source}: {record_id}: a cyber text (not negative) needs roles")
    category = record.get("category")
    if category is not None and not (isinstance(category, str) and category):
        raise DevsetError(f"{source}: {record_id}: 'category' must be a non-empty string")


def check_roles(records: Sequence[dict[str, Any]], catalog: CatalogSpec) -> None:
    """Raise DevsetError for a label that is not a work role of the catalog."""
    known = {r.id for r in catalog.roles}
    for record in records:
        unknown = [r for r in record.get("roles", []) if r not in known]
        if unknown:
            raise DevsetError(f"{record.get('id')}: unknown work role {', '.join(unknown)}")


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


def best_case_threshold(scores: np.ndarray, records: Sequence[dict[str, Any]]) -> float:
    """`best_threshold` on these records' top scores (the baselines' threshold)."""
    top = scores.max(axis=1) if len(scores) else np.zeros(0)
    negative = np.array([bool(r.get("negative")) for r in records], dtype=bool)
    return best_threshold(top[~negative], top[negative])


@dataclass(frozen=True)
class TextResult:
    """One text as one system ranked it (ranking figures are meaningful for cyber texts only)."""

    top1: str
    matched: bool  # top score >= the system's threshold
    ndcg: float
    strict: float  # top role is the primary
    lenient: float  # top role is any listed role
    recall3: float  # a listed role in the top 3


def text_results(
    scores: np.ndarray,
    role_ids: Sequence[str],
    records: Sequence[dict[str, Any]],
    threshold: float,
) -> list[TextResult]:
    """Each record's ranking (ties in catalog order) judged against its labels."""
    ids = np.asarray(role_ids, dtype=object)
    results = []
    for row, record in zip(scores, records, strict=True):
        roles = list(record.get("roles", []))
        order = list(ids[np.lexsort((np.arange(len(ids)), -row))])
        results.append(
            TextResult(
                top1=str(order[0]),
                matched=bool(row.max() >= threshold),
                ndcg=_ndcg_at_5(order, roles),
                strict=float(bool(roles) and order[0] == roles[0]),
                lenient=float(order[0] in roles),
                recall3=float(any(r in roles for r in order[:3])),
            )
        )
    return results


def _mean(values: Iterable[float]) -> float:
    values = list(values)
    return float(np.mean(values)) if values else float("nan")


def by_primary_role(records: Sequence[dict[str, Any]]) -> dict[str, list[int]]:
    """Indices of the cyber records, grouped by primary role (first seen first)."""
    groups: dict[str, list[int]] = {}
    for i, record in enumerate(records):
        if not record.get("negative"):
            groups.setdefault(record["roles"][0], []).append(i)
    return groups


def summarise(
    results: Sequence[TextResult], records: Sequence[dict[str, Any]], threshold: float
) -> dict[str, float]:
    """Query-level and label-level figures on the cyber texts, false matches on negatives."""
    cyber = [res for res, r in zip(results, records, strict=True) if not r.get("negative")]
    negative = [res for res, r in zip(results, records, strict=True) if r.get("negative")]
    groups = by_primary_role(records).values()
    return {
        "ndcg@5": _mean(res.ndcg for res in cyber),
        "p@1_strict": _mean(res.strict for res in cyber),
        "p@1_lenient": _mean(res.lenient for res in cyber),
        "recall@3": _mean(res.recall3 for res in cyber),
        "macro_ndcg@5": _mean(_mean(results[i].ndcg for i in g) for g in groups),
        "macro_p@1": _mean(_mean(results[i].strict for i in g) for g in groups),
        "match_rate": _mean(float(res.matched) for res in cyber),
        "false_match_rate": _mean(float(res.matched) for res in negative),
        "threshold": float(threshold),
    }


def system_metrics(
    scores: np.ndarray,
    role_ids: Sequence[str],
    records: Sequence[dict[str, Any]],
    threshold: float | None,
) -> dict[str, float]:
    """Ranking metrics on cyber texts and the false-match rate on negatives.

    `threshold=None` picks the best-separating threshold on these records (baselines)."""
    if threshold is None:
        threshold = best_case_threshold(scores, records)
    return summarise(text_results(scores, role_ids, records, threshold), records, threshold)


def per_role_table(
    results: dict[str, list[TextResult]],
    records: Sequence[dict[str, Any]],
    catalog: CatalogSpec,
) -> list[dict[str, Any]]:
    """Per gold primary role (catalog order): n texts, and each system's nDCG@5 and P@1."""
    groups = by_primary_role(records)
    names = {r.id: r.name for r in catalog.roles}
    order = [r.id for r in catalog.roles if r.id in groups]
    return [
        {
            "role": role,
            "name": names[role],
            "n": len(groups[role]),
            "systems": {
                system: {
                    "ndcg@5": _mean(rows[i].ndcg for i in groups[role]),
                    "p@1": _mean(rows[i].strict for i in groups[role]),
                }
                for system, rows in results.items()
            },
        }
        for role in order
    ]


def confusion_table(
    results: dict[str, list[TextResult]],
    records: Sequence[dict[str, Any]],
    catalog: CatalogSpec,
) -> list[dict[str, Any]]:
    """Per gold primary role: each system's most frequent top-1 role and how often.

    Equally frequent top-1 roles are broken in catalog order."""
    groups = by_primary_role(records)
    names = {r.id: r.name for r in catalog.roles}
    position = {r.id: k for k, r in enumerate(catalog.roles)}
    table = []
    for role in [r.id for r in catalog.roles if r.id in groups]:
        systems = {}
        for system, rows in results.items():
            counts = Counter(rows[i].top1 for i in groups[role])
            top1, count = min(counts.items(), key=lambda kv: (-kv[1], position.get(kv[0], 0)))
            systems[system] = {"top1": top1, "top1_name": names.get(top1, top1), "count": count}
        table.append(
            {"role": role, "name": names[role], "n": len(groups[role]), "systems": systems}
        )
    return table


def per_category_table(
    results: dict[str, list[TextResult]], records: Sequence[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Per `category` (sorted; texts without one left out): each system's nDCG@5, P@1 and
    match rate on the category's cyber texts, and false-match rate on its negatives.

    A figure with no texts to measure is None."""
    categories = sorted({r["category"] for r in records if r.get("category")})
    table = []
    for category in categories:
        rows = [i for i, r in enumerate(records) if r.get("category") == category]
        cyber = [i for i in rows if not records[i].get("negative")]
        negative = [i for i in rows if records[i].get("negative")]

        def mean_or_none(values: list[float]) -> float | None:
            return float(np.mean(values)) if values else None

        table.append(
            {
                "category": category,
                "n_cyber": len(cyber),
                "n_negative": len(negative),
                "systems": {
                    system: {
                        "ndcg@5": mean_or_none([res[i].ndcg for i in cyber]),
                        "p@1": mean_or_none([res[i].strict for i in cyber]),
                        "match_rate": mean_or_none([float(res[i].matched) for i in cyber]),
                        "false_match_rate": mean_or_none([float(res[i].matched) for i in negative]),
                    }
                    for system, res in results.items()
                },
            }
        )
    return table


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
    """Score every record with Pathfinder and both baselines; return metrics and tables."""
    for record in records:
        check_record(record)
    check_roles(records, catalog)
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
    scores = {
        "pathfinder": path_scores,
        "tfidf": tfidf_baseline_scores(catalog, texts),
        "fuzzy": fuzzy_baseline_scores(catalog, texts),
    }
    thresholds = {
        name: threshold if name == "pathfinder" else best_case_threshold(s, records)
        for name, s in scores.items()
    }
    results = {
        name: text_results(s, role_ids, records, thresholds[name]) for name, s in scores.items()
    }
    systems = {name: summarise(results[name], records, thresholds[name]) for name in scores}
    by_kind = {}
    for kind in sorted({r.get("kind", "?") for r in records}):
        rows = [i for i, r in enumerate(records) if r.get("kind", "?") == kind]
        by_kind[kind] = summarise(
            [results["pathfinder"][i] for i in rows], [records[i] for i in rows], threshold
        )
    return {
        "n_texts": len(records),
        "n_cyber": sum(1 for r in records if not r.get("negative")),
        "n_negative": sum(1 for r in records if r.get("negative")),
        "systems": systems,
        "pathfinder_by_kind": by_kind,
        "per_role": per_role_table(results, records, catalog),
        "confusion": confusion_table(results, records, catalog),
        "per_category": per_category_table(results, records),
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


def _figure(value: float | None, width: int = 7) -> str:
    """A figure right-aligned in `width`, "-" when there is nothing to measure."""
    if value is None or np.isnan(value):
        return f"{'-':>{width}}"
    return f"{value:>{width}.3f}"


def _format_per_role(report: dict[str, Any]) -> list[str]:
    lines = [
        "per work role (cyber texts by primary role; nDCG@5 and P@1 strict)",
        f"{'role':<11}{'name':<42}{'n':>3}"
        + "".join(f"{s + ' nDCG@5':>18}{'P@1':>6}" for s in SYSTEMS),
    ]
    for row in report["per_role"]:
        lines.append(
            f"{row['role']:<11}{row['name'][:41]:<42}{row['n']:>3}"
            + "".join(
                _figure(row["systems"][s]["ndcg@5"], 18) + _figure(row["systems"][s]["p@1"], 6)
                for s in SYSTEMS
            )
        )
    return lines


def _format_confusion(report: dict[str, Any]) -> list[str]:
    lines = [
        "confusion (gold primary role -> most frequent top-1 role, how often of n)",
        (f"{'gold role':<11}{'n':>3}  " + "".join(f"{s:<20}" for s in SYSTEMS)).rstrip(),
    ]
    for row in report["confusion"]:
        cells = []
        for s in SYSTEMS:
            top = row["systems"][s]
            mark = "=" if top["top1"] == row["role"] else " "  # "=": most often right
            cells.append(f"{mark}{top['top1']} {top['count']}/{row['n']}".ljust(20))
        lines.append((f"{row['role']:<11}{row['n']:>3}  " + "".join(cells)).rstrip())
    return lines


def _format_per_category(report: dict[str, Any]) -> list[str]:
    lines = [
        "per category (cyber texts: nDCG@5, P@1 strict, matched; negatives: false matches)",
        f"{'category':<20}{'cyber':>6}{'neg':>5}"
        + "".join(f"  {s:<10}{'nDCG':>6}{'P@1':>7}{'match':>7}{'false':>7}" for s in SYSTEMS),
    ]
    for row in report["per_category"]:
        cells = []
        for s in SYSTEMS:
            f = row["systems"][s]
            cells.append(
                f"{'':<12}{_figure(f['ndcg@5'], 6)}{_figure(f['p@1'])}"
                f"{_figure(f['match_rate'])}{_figure(f['false_match_rate'])}"
            )
        lines.append(
            f"{row['category']:<20}{row['n_cyber']:>6}{row['n_negative']:>5}" + "".join(cells)
        )
    return lines


def format_report(report: dict[str, Any]) -> str:
    """The tables printed by the command."""
    width = max(len(h) for h in _HEADERS.values()) + 2
    lines = [
        f"dev set: {report['n_texts']} texts ({report['n_cyber']} cyber, "
        f"{report['n_negative']} negative)",
        "",
        "query-level figures average over texts; macro figures over primary roles (label-level)",
        f"{'system':<14}" + "".join(f"{_HEADERS[m]:>{width}}" for m in METRICS),
    ]
    for name, metrics in [*report["systems"].items()] + [
        (f"  pf/{k}", v) for k, v in report["pathfinder_by_kind"].items()
    ]:
        lines.append(f"{name:<14}" + "".join(_figure(metrics[m], width) for m in METRICS))
    lines += ["", *_format_per_role(report), "", *_format_confusion(report)]
    if report["per_category"]:
        lines += ["", *_format_per_category(report)]
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
    parser.add_argument(
        "--devset",
        type=Path,
        action="append",
        help="a JSON-lines file or a directory of them (repeatable; default: every *.jsonl "
        "in matching/devset/)",
    )
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--overrides",
        type=Path,
        help="JSON lines of staff overrides ({id, text, roles}) to measure agreement with",
    )
    args = parser.parse_args(argv)
    if args.overrides is not None and not args.overrides.exists():
        print(f"no overrides file at {args.overrides}", file=sys.stderr)
        return 2
    try:
        records = load_devsets(args.devset or [DEFAULT_DEVSET])
        overrides = load_devset(args.overrides) if args.overrides is not None else None
        catalog = load_catalog_spec(args.data_dir)
        matcher = build_role_matcher(catalog)
        report = evaluate(records, catalog, matcher)
    except DevsetError as error:
        print(f"dev set: {error}", file=sys.stderr)
        return 2
    if overrides is not None:
        report["overrides"] = override_agreement(overrides, catalog, matcher)
    text = format_report(report)
    if "overrides" in report:
        text += "\n\n" + format_agreement(report["overrides"])
    print(json.dumps(report, indent=2) if args.json else text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
