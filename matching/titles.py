"""Job titles as evidence: a title -> work-role lexicon read where a title stands.

`data/titles.yaml` (schema in data/README.md) lists OPM 2210 specialty parentheticals
("IT Specialist (INFOSEC)", "(Customer Support)") with their official meanings, the NICE
v2.1.0 and NICE 2017 / DCWF role names and common industry titles (SOC analyst, incident
responder, DevOps engineer, SRE, QA engineer, programme manager, SAP developer ...), each
linked to work roles with a strength in (0, 1].

`TitleReader` turns a text into title evidence, one column per work role plus one "the title
itself is IT or cyber work" column. Its effects:

- a parenthetical is read anywhere in the text, after "IT Specialist" style words or as an
  upper-case code in parentheses; combined parentheticals ("NETWORK/INFOSEC") count every
  part, the first one fully and each later one `combined_weight` times the one before;
- title phrases are read only on title lines (`matching.sections.layout`), and not right
  after "of" or "the" ("Office of the CISO" is an office); a title at the head of the
  text (the posting's title, a resume's headline) counts fully, one on a later position line
  `later_weight` times; the longest phrase wins where phrases overlap;
- a role's evidence is the strongest (weight x strength) of the titles naming it.

`RoleRanker` lifts a role's calibrated score toward 100 by that evidence, so a title weighs
more than a skills list; a title marked `it: false` (a "Project Manager" in construction,
a battery "QA Engineer") only counts when the text has cyber or IT evidence of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from matching.catalog import CatalogSpec
from matching.lexicon import TOKEN_RE, tokenize
from matching.sections import Layout, layout

DEFAULT_TITLES = Path(__file__).resolve().parent.parent / "data" / "titles.yaml"

# "(INFOSEC)", "(Customer Support)", "(NETWORK/INFOSEC)": any parenthesis on one line.
_PAREN_RE = re.compile(r"\(([^()\n]{1,80})\)")
# Words before a parenthetical that make a written-out specialty ("Security") a 2210 title.
_SPECIALIST_BEFORE = re.compile(
    r"\b(?:specialist|spec\.?|it\s+cybersecurity\s+specialist|it\s+specialist)\s*$", re.I
)
_PART_SPLIT = re.compile(r"\s*[/,]\s*")
# A title phrase right after these words names an office, not a person's title.
_ORG_BEFORE = frozenset({"of", "the"})


@dataclass(frozen=True)
class TitleSpec:
    """Title phrases that name the same work, and the roles they point to."""

    phrases: tuple[str, ...]
    roles: Mapping[str, float]
    it: bool  # the title alone is evidence of IT or cyber work
    source: str = ""


@dataclass(frozen=True)
class ParentheticalSpec:
    """An OPM 2210 specialty parenthetical: its code, official meaning and written forms."""

    code: str
    meaning: str
    written: tuple[str, ...]
    roles: Mapping[str, float]


@dataclass(frozen=True)
class TitleHit:
    """One title found in a text (`text == source[start:end]`)."""

    start: int
    end: int
    text: str
    weight: float  # position and combination weight applied to the entry's strengths


@lru_cache(maxsize=8)
def load_titles(
    path: Path = DEFAULT_TITLES,
) -> tuple[tuple[ParentheticalSpec, ...], tuple[TitleSpec, ...]]:
    """Read data/titles.yaml (parentheticals, titles)."""
    doc = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    parentheticals = tuple(
        ParentheticalSpec(
            code=str(p["code"]),
            meaning=str(p["meaning"]),
            written=tuple(p.get("written") or ()),
            roles={str(k): float(v) for k, v in (p.get("roles") or {}).items()},
        )
        for p in doc.get("parentheticals") or ()
    )
    titles = tuple(
        TitleSpec(
            phrases=tuple(t["phrases"]),
            roles={str(k): float(v) for k, v in (t.get("roles") or {}).items()},
            it=bool(t.get("it", False)),
            source=str(t.get("source", "")),
        )
        for t in doc.get("titles") or ()
    )
    return parentheticals, titles


def _key(phrase: str) -> str:
    return " ".join(tokenize(phrase).keys)


class TitleReader(TransformerMixin, BaseEstimator):
    """Texts -> (n_texts, n_roles + 1): per-role title evidence, then the IT-title flag.

    `titles_path` defaults to data/titles.yaml. Nothing is learned from X: `fit` compiles the
    title lexicon for the catalog's roles (links to unknown roles are ignored).
    """

    def __init__(
        self,
        catalog: CatalogSpec | None = None,
        titles_path: str | Path | None = None,
        later_weight: float = 0.8,
        combined_weight: float = 0.85,
    ) -> None:
        self.catalog = catalog
        self.titles_path = titles_path
        self.later_weight = later_weight
        self.combined_weight = combined_weight

    def fit(self, X: Any = None, y: Any = None) -> TitleReader:
        """Compile phrase keys, parenthetical keys and the (entries x roles) strengths."""
        if self.catalog is None:
            raise ValueError("TitleReader needs a catalog (a matching.catalog.CatalogSpec)")
        parentheticals, titles = load_titles(Path(self.titles_path or DEFAULT_TITLES))
        self.role_ids_ = np.array([r.id for r in self.catalog.roles], dtype=object)
        index = {r: j for j, r in enumerate(self.role_ids_)}
        rows: list[np.ndarray] = []
        it_flags: list[bool] = []

        def add(roles: Mapping[str, float], it: bool) -> int:
            row = np.zeros(len(index))
            for role_id, strength in roles.items():
                if role_id in index:
                    row[index[role_id]] = strength
            rows.append(row)
            it_flags.append(it)
            return len(rows) - 1

        self.codes_: dict[str, int] = {}  # upper-case code -> entry row
        self.written_: dict[str, int] = {}  # written-out meaning key -> entry row
        for p in parentheticals:
            row = add(p.roles, True)
            self.codes_[p.code.upper()] = row
            for form in (p.meaning, *p.written):
                self.written_.setdefault(_key(form), row)
        self.phrases_: dict[str, int] = {}
        for t in titles:
            row = add(t.roles, t.it)
            for phrase in t.phrases:
                self.phrases_.setdefault(_key(phrase), row)
        self.prefixes_ = {
            " ".join(k.split(" ")[:i]) for k in self.phrases_ for i in range(1, k.count(" ") + 2)
        }
        self.strengths_ = np.vstack(rows) if rows else np.zeros((0, len(index)))
        self.it_ = np.array(it_flags, dtype=bool)
        self.n_features_out_ = len(index) + 1
        return self

    # -- reading ------------------------------------------------------------------------------

    def _parentheticals(self, text: str) -> list[tuple[int, TitleHit]]:
        found: list[tuple[int, TitleHit]] = []
        if "(" not in text:
            return found
        for m in _PAREN_RE.finditer(text):
            parts = [p for p in _PART_SPLIT.split(m.group(1).strip()) if p]
            after_specialist = bool(
                _SPECIALIST_BEFORE.search(text, max(0, m.start() - 40), m.start())
            )
            weight = 1.0
            for part in parts:
                row = self.codes_.get(part.upper()) if part.isupper() else None
                if row is None and after_specialist:
                    row = self.written_.get(_key(part))
                if row is None:
                    continue
                found.append((row, TitleHit(m.start(), m.end(), m.group(), weight)))
                weight *= self.combined_weight
        return found

    def _phrases(self, text: str, lines: Layout) -> list[tuple[int, TitleHit]]:
        found: list[tuple[int, TitleHit]] = []
        for start, end, at_head in lines.title_lines:
            # Spans and keys only (not tokenize's sentence gaps): this runs on every title line.
            spans = [m.span() for m in TOKEN_RE.finditer(text, start, end)]
            keys = ["and" if k == "&" else k for k in (text[a:b].lower() for a, b in spans)]
            n = len(keys)
            weight = 1.0 if at_head else self.later_weight
            i = 0
            while i < n:
                key, best = keys[i], None
                j = i
                while key in self.prefixes_:
                    if key in self.phrases_:
                        best = j
                    j += 1
                    if j >= n:
                        break
                    key = f"{key} {keys[j]}"
                if best is None:
                    i += 1
                    continue
                if i > 0 and keys[i - 1] in _ORG_BEFORE:
                    i = best + 1  # "Office of the CISO", "Department of ...": an office
                    continue
                phrase = " ".join(keys[i : best + 1])
                a, b = spans[i][0], spans[best][1]
                found.append((self.phrases_[phrase], TitleHit(a, b, text[a:b], weight)))
                i = best + 1
        return found

    def read(
        self, text: str, lines: Layout | None = None
    ) -> tuple[np.ndarray, bool, list[TitleHit]]:
        """(per-role evidence, whether an IT title was found, the hits) for one text."""
        check_is_fitted(self, "strengths_")
        lines = lines if lines is not None else layout(text or "")
        source = lines.text
        hits = self._parentheticals(source) + self._phrases(source, lines)
        evidence = np.zeros(len(self.role_ids_))
        it = False
        for row, hit in hits:
            np.maximum(evidence, hit.weight * self.strengths_[row], out=evidence)
            it = it or bool(self.it_[row])
        return evidence, it, [h for _, h in hits]

    def transform_layouts(self, texts: Iterable[str], layouts: Iterable[Layout]) -> np.ndarray:
        """`transform` for texts whose layouts are already read."""
        check_is_fitted(self, "strengths_")
        rows = []
        for text, lines in zip(texts, layouts, strict=True):
            evidence, it, _ = self.read(text, lines)
            rows.append(np.append(evidence, float(it)))
        if not rows:
            return np.zeros((0, self.n_features_out_))
        return np.vstack(rows)

    def transform(self, X: Iterable[str]) -> np.ndarray:
        texts = ["" if x is None else str(x) for x in X]
        return self.transform_layouts(texts, [layout(t) for t in texts])

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        check_is_fitted(self, "role_ids_")
        return np.array([f"title:{r}" for r in self.role_ids_] + ["title:it"], dtype=object)
