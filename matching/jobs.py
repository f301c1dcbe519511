"""Rank job postings for a person: work-role fit + text similarity, hard filters, explanations.

`JobIndex(role_matcher=...).fit(postings)` classifies every posting into the 41 NICE work roles
(calibrated 0-100, the same `RoleRanker` as `RoleMatcher`) and builds a unigram TF-IDF matrix of
the posting texts. `rank(text, filters)` scores every posting as

    score = (role_weight * role_fit + text_weight * text_cosine) / (role_weight + text_weight)

where role_fit = p . j / max(|p|, 1) with p, j the person's and the posting's role scores
scaled to 0-1, clipped to [0, 1]: high only when the posting is strongly in roles the person
strongly shows (a text with no role evidence gets ~0, not a unit vector of noise). It applies
the hard filters as numpy masks over arrays precomputed at fit time, and explains the top_k.

Speed. `RoleMatcher.score_texts` costs about 2.5 ms a posting (fuzzy typo search, negation
context), two minutes for 50,000 postings. By default (`exact_roles=False`) postings are
featurised by a fast path that feeds the *same* fitted calibrated ranker with the same feature
layout: skill counts from exact lexicon aliases (longest match, case-sensitive aliases
respected, no typo search and no negation context: postings are edited text that lists what
the job needs), weighed as `matching.roles.skill_features` weighs them for the full matcher
(on the text's `matching.sections.layout`: repeated lines blanked, skills named only in
skills lists at `LIST_WEIGHT`), the role-text TF-IDF computed with the role matcher's own
fitted vectorizer vocabulary and idf, and the title evidence of its `TitleReader`. On the
sample USAJOBS postings the two agree on the top role. The person's text always goes through
the full extractor (`RoleMatcher.features`).

Staff-set roles. A posting whose work roles OPM staff set or confirmed (`JobPosting.roles`,
primary first) is not classified: its role scores are `STAFF_ROLE_SCORES` for those roles, in
order, and 0 for every other role. `with_staff_roles(roles)` gives a copy of a fitted index
with another set of staff-set roles without classifying anything again, so a staff decision
counts from the next search even while the index itself is being refitted.
"""

from __future__ import annotations

import copy
import re
from array import array
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from functools import cache
from itertools import pairwise
from string import ascii_lowercase
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, clone
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import TfidfTransformer, strip_accents_unicode
from sklearn.preprocessing import normalize
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import ThreadpoolController

from matching.extract import SkillMention, credited_skill_ids
from matching.roles import MATCH_THRESHOLD, RoleMatcher, skill_features
from matching.sections import layout

# -- code lists -------------------------------------------------------------------------------

# USAJOBS hiring path codes (code list "HiringPaths") in words for "You appear eligible through".
HIRING_PATH_NAMES: dict[str, str] = {
    "public": "the public",
    "vet": "veterans",
    "nguard": "National Guard and Reserves",
    "disability": "individuals with disabilities",
    "native": "Native Americans",
    "mspouse": "military spouses",
    "student": "students",
    "graduates": "recent graduates",
    "ses": "senior executives",
    "peace": "Peace Corps and AmeriCorps VISTA alumni",
    "overseas": "family of overseas employees",
    "fed-internal-search": "current employees of the hiring agency",
    "fed-competitive": "federal employees (competitive service)",
    "fed-excepted": "federal employees (excepted service)",
    "fed-transition": "federal employees in career transition (CTAP, ICTAP, RPL)",
    "land": "land and base management employees",
    "special-authorities": "special hiring authorities",
}

# Clearance levels on one scale so "held >= required" is an integer comparison. DOE's L and Q
# rest on the same investigations as Secret and Top Secret, so they share those levels.
_NONE, _PUBLIC_TRUST, _CONFIDENTIAL, _SECRET, _TOP_SECRET, _SCI = 0, 1, 2, 3, 4, 5
UNKNOWN_CLEARANCE = -1
JOB_CLEARANCE_LEVELS: dict[str, int] = {
    "not required": _NONE,
    "not applicable": _NONE,
    "none": _NONE,
    "public trust - background investigation": _PUBLIC_TRUST,
    "public trust": _PUBLIC_TRUST,
    "confidential": _CONFIDENTIAL,
    "secret": _SECRET,
    "l access authorization": _SECRET,
    "top secret": _TOP_SECRET,
    "q access authorization": _TOP_SECRET,
    "sensitive compartmented information": _SCI,
    "top secret/sci": _SCI,
    "ts/sci": _SCI,
}
# SeekerFilters.clearance values (ProfileSignals.clearance uses the same names, plus "none").
SEEKER_CLEARANCE_LEVELS: dict[str, int] = {
    "none": _NONE,
    "public_trust": _PUBLIC_TRUST,
    "confidential": _CONFIDENTIAL,
    "secret": _SECRET,
    "top_secret": _TOP_SECRET,
    "q": _TOP_SECRET,
    "ts_sci": _SCI,
}

US_STATES: dict[str, str] = {
    "al": "alabama", "ak": "alaska", "az": "arizona", "ar": "arkansas", "ca": "california",
    "co": "colorado", "ct": "connecticut", "de": "delaware", "dc": "district of columbia",
    "fl": "florida", "ga": "georgia", "hi": "hawaii", "id": "idaho", "il": "illinois",
    "in": "indiana", "ia": "iowa", "ks": "kansas", "ky": "kentucky", "la": "louisiana",
    "me": "maine", "md": "maryland", "ma": "massachusetts", "mi": "michigan", "mn": "minnesota",
    "ms": "mississippi", "mo": "missouri", "mt": "montana", "ne": "nebraska", "nv": "nevada",
    "nh": "new hampshire", "nj": "new jersey", "nm": "new mexico", "ny": "new york",
    "nc": "north carolina", "nd": "north dakota", "oh": "ohio", "ok": "oklahoma", "or": "oregon",
    "pa": "pennsylvania", "ri": "rhode island", "sc": "south carolina", "sd": "south dakota",
    "tn": "tennessee", "tx": "texas", "ut": "utah", "vt": "vermont", "va": "virginia",
    "wa": "washington", "wv": "west virginia", "wi": "wisconsin", "wy": "wyoming",
    "pr": "puerto rico", "gu": "guam", "vi": "virgin islands",
}  # fmt: skip

# Reasons a posting is excluded, in the order a posting is attributed to one of them (a posting
# failing several counts once, under the first), so the counts add up to the hidden total.
EXCLUSION_REASONS: tuple[str, ...] = (
    "closed",
    "hiring_path",
    "clearance",
    "grade",
    "location",
    "remote",
)

# A job "fits" a person when it scores at least this (0-100): only those are listed as "Open
# jobs that fit". Chosen by `python -m matching.evaluate_jobs` (the dev set texts against the
# sample jobs): the best F1 of "the job's top role is one of the text's roles". Re-chosen after
# the title, layout and domain-gate signals (issue 17), which lift titled postings' role scores:
# 0.532 at 51 against 0.442 at the former 22; F1 is flat (0.50-0.53) from 37 to 58. See that
# module's docstring.
JOB_FIT_THRESHOLD = 51.0

# The role scores (0-100) of a posting's staff-set roles, primary first; the rest score 0.
STAFF_ROLE_SCORES: tuple[float, ...] = (100.0, 90.0, 80.0)

_NO_GRADE = -1
_NO_DATE = np.iinfo(np.int32).max  # no close date: never excluded as closed


# -- data -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class JobPosting:
    """One job as the matcher sees it (fields as scrapers.records.JobRecord)."""

    id: int | str
    title: str
    organization: str | None = None
    text: str = ""  # title + summary + duties/qualifications, plain text
    series: tuple[str, ...] = ()
    grade_low: int | None = None
    grade_high: int | None = None
    hiring_paths: tuple[str, ...] = ()  # lowercase USAJOBS codes
    clearance: str | None = None  # USAJOBS code list text, e.g. "Top Secret"
    locations: tuple[str, ...] = ()  # "Arlington, Virginia"
    remote: bool | None = None
    telework: bool | None = None
    close_date: date | None = None
    url: str | None = None
    roles: tuple[str, ...] = ()  # work roles set by staff, primary first: used as given

    @classmethod
    def from_record(cls, record: Any, id: int | str | None = None) -> JobPosting:
        """Build from a JobRecord-like object or mapping (title, summary, body, ...)."""

        def get(name: str, default: Any = None) -> Any:
            if isinstance(record, Mapping):
                return record.get(name, default)
            return getattr(record, name, default)

        title = get("title") or ""
        text = "\n\n".join(p for p in (title, get("summary"), get("body")) if p)
        return cls(
            id=id if id is not None else (get("id") or get("source_id")),
            title=title,
            organization=get("organization"),
            text=get("text") or text,
            series=tuple(get("series") or ()),
            grade_low=get("grade_low"),
            grade_high=get("grade_high"),
            hiring_paths=tuple(p.lower() for p in get("hiring_paths") or ()),
            clearance=get("clearance"),
            locations=tuple(get("locations") or ()),
            remote=get("remote"),
            telework=get("telework"),
            close_date=get("close_date"),
            url=get("url"),
            roles=tuple(get("roles") or ()),
        )


@dataclass(frozen=True)
class SeekerFilters:
    """Hard filters from what the person told us. None / empty means "do not filter"."""

    hiring_paths: Collection[str] | None = None  # paths the person qualifies for ("public", ...)
    clearance: str | None = None  # held: none | public_trust | secret | top_secret | ts_sci | q
    locations: tuple[str, ...] = ()  # states or cities, e.g. ("Virginia", "Denver, CO", "MD")
    remote_only: bool = False
    grade_min: int | None = None
    grade_max: int | None = None
    today: date = field(default_factory=date.today)


@dataclass(frozen=True)
class JobMatch:
    """One ranked posting with its explanation."""

    id: int | str
    title: str
    organization: str | None
    score: float  # 0-100, one decimal
    close_date: date | None
    days_left: int | None
    url: str | None
    roles: list[dict[str, Any]]  # up to 2 shared roles: id, name, job_score, your_score
    matched_skills: list[str]  # the person's credited skills the posting names
    missing_skills: list[str]  # skills the posting names that the person lacks (up to 6)
    reasons: list[str]  # plain-language notes: eligibility, clearance, remote, deadline
    role_fit: float = 0.0  # 0-1 component
    text_similarity: float = 0.0  # 0-1 component

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class RankResult:
    """Top matches plus how many postings each hard filter hid."""

    matches: list[JobMatch]
    excluded: dict[str, int]  # reason (EXCLUSION_REASONS) -> postings hidden for it
    total: int  # postings in the index
    eligible: int = 0  # postings that passed every filter


# -- fast posting featuriser ------------------------------------------------------------------

# Mirrors matching.lexicon's tokeniser (letters/digits, '&' joins, trailing '+'/'#', '.NET'),
# plus marker tokens for its hard gaps (sentence end, semicolon, bar, tab, blank line, bullet):
# no lexicon key contains a marker, so no phrase match can run across one. Runs on lower-cased
# text; the ASCII twin is a third faster and serves almost every posting.
_LEX_SCAN = re.compile(
    r"[^\W_]+(?:&[^\W_]+)*[+#]*"
    r"|(?<![^\s(\[{\"'/,;:])\.[^\W_]+(?:&[^\W_]+)*[+#]*"
    r"|[+#&]+"
    r"|[;!?|](?=\s)|\.(?=\s+[^\s0-9])|\.$|\t|\n[ \t]*\n|[•▪●◦■□➢►✓✔·]",
    re.M,
)
_LEX_SCAN_ASCII = re.compile(
    r"[a-z0-9]+(?:&[a-z0-9]+)*[+#]*"
    r"|(?<![^\s(\[{\"'/,;:])\.[a-z0-9]+(?:&[a-z0-9]+)*[+#]*"
    r"|[+#&]+"
    r"|[;!?|](?=\s)|\.(?=\s+[^\s0-9])|\.$|\t|\n[ \t]*\n",
    re.M,
)


class _PostingFeaturizer:
    """Text -> (skill columns, word tokens) in one regex pass; word n-grams -> role terms.

    The word tokens reproduce the role vectorizer's analysis (accents stripped, lower case,
    tokens of 2+ characters starting with a letter, English stop words dropped), derived from
    the lexicon tokens so each text is scanned once.
    """

    def __init__(self, role_matcher: RoleMatcher) -> None:
        lexicon = role_matcher.profiler_.extractor_.lexicon
        column = role_matcher.profiler_.skill_index_
        self.entries = {
            key: (column[lexicon.skills[e.skill].id], e.case_sensitive, e.cased_key)
            for key, e in lexicon.entries.items()
        }
        self.prefixes = lexicon.prefixes
        # Keys that are whole entries and start no longer key resolve without the phrase loop.
        longer = {p.split(" ", 1)[0] for p in lexicon.prefixes if " " in p}
        self.single = {
            key: value[0]
            for key, value in self.entries.items()
            if " " not in key and not value[1] and key not in longer
        }
        # First token -> the tokens that can follow it in some key: most prefix hits stop
        # there, without building the two-token string.
        self.followers: dict[str, frozenset[str]] = {}
        pairs: dict[str, set[str]] = {}
        for p in lexicon.prefixes:
            parts = p.split(" ")
            if len(parts) >= 2:
                pairs.setdefault(parts[0], set()).add(parts[1])
        self.followers = {k: frozenset(v) for k, v in pairs.items()}
        self._cased: dict[str, re.Pattern[str]] = {}
        vec = role_matcher.text_similarity_.vectorizer_
        # Single letters are never word tokens (the vectorizer's pattern needs 2+ characters).
        self.stop_words = frozenset(vec.get_stop_words() or ()) | set(ascii_lowercase)
        self.role_vocab: dict[str, int] = vec.vocabulary_
        self.max_n = int(vec.ngram_range[1])
        self.min_n = int(vec.ngram_range[0])
        # Words that start some role-vocabulary bigram: other pairs are never looked up.
        self.bigram_firsts = frozenset(t.split(" ", 1)[0] for t in self.role_vocab if " " in t)

    def analyse(self, text: str) -> tuple[list[int], list[str]]:
        """(skill columns of exact alias matches, word tokens) of one text."""
        text, keys, words = self._scan(text)
        if "&" in keys:
            keys = ["and" if k == "&" else k for k in keys]
        return self._skills(text, keys), words

    def skill_columns(self, text: str) -> list[int]:
        """Skill columns of exact alias matches only (with repeats)."""
        return self.analyse(text)[0]

    def tokens(self, text: str) -> list[str]:
        """Word tokens only (for a query)."""
        return self._scan(text)[2]

    def _scan(self, text: str) -> tuple[str, list[str], list[str]]:
        if not text.isascii():
            text = strip_accents_unicode(text)
        lower = text.lower()
        keys = (_LEX_SCAN_ASCII if lower.isascii() else _LEX_SCAN).findall(lower)
        stop = self.stop_words
        words = [k for k in keys if k[0] in ascii_lowercase and k not in stop]
        if "+" in lower or "#" in lower:  # "security+" is the word "security"
            words = [w for w in (k.rstrip("+#") for k in words) if w not in stop]
        return text, keys, words

    def role_terms(self, tokens: list[str]) -> list[int]:
        """Role-vocabulary ids of the n-grams of `tokens` (with repeats)."""
        vocab = self.role_vocab
        grams: list[str] = list(tokens) if self.min_n == 1 else []
        if self.min_n <= 2 <= self.max_n:  # the usual (1, 2): pairs without slicing
            firsts = self.bigram_firsts
            grams += [f"{a} {b}" for a, b in pairwise(tokens) if a in firsts]
        for n in range(max(3, self.min_n), self.max_n + 1):
            grams += [" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]
        return [i for i in map(vocab.get, grams) if i is not None]

    def _cased_in(self, text: str, cased_key: str) -> bool:
        """Is a case-sensitive alias ("Go", "Chef") written that way somewhere in `text`?

        Checked per text rather than per position (a literal search instead of a second
        tokenisation); good enough for counting what a posting names.
        """
        pattern = self._cased.get(cased_key)
        if pattern is None:
            body = r"[^\w&+#]+".join(re.escape(part) for part in cased_key.split(" "))
            pattern = re.compile(rf"(?<![^\W_]){body}(?![^\W_])")
            self._cased[cased_key] = pattern
        return pattern.search(text) is not None

    def _skills(self, text: str, keys: list[str]) -> list[int]:
        entries, prefixes, single, followers = (
            self.entries,
            self.prefixes,
            self.single,
            self.followers,
        )
        n = len(keys)
        found: list[int] = []
        cased: dict[str, bool] = {}
        allowed = 0  # first token not yet inside a match: leftmost longest wins
        for i in [i for i, k in enumerate(keys) if k in prefixes]:
            if i < allowed:
                continue
            key = keys[i]
            column = single.get(key)
            if column is not None:
                found.append(column)
                continue
            j, best, best_end = i, -1, i
            follow = followers.get(key)
            if follow is None or i + 1 >= n or keys[i + 1] not in follow:
                entry = entries.get(key)  # a one-token key, or nothing
                if entry is not None and entry[1] and entry[2] not in cased:
                    cased[entry[2]] = self._cased_in(text, entry[2])
                if entry is not None and (not entry[1] or cased[entry[2]]):
                    found.append(entry[0])
                    allowed = i + 1
                continue
            while True:
                entry = entries.get(key)
                if entry is not None:
                    if entry[1]:
                        if entry[2] not in cased:
                            cased[entry[2]] = self._cased_in(text, entry[2])
                        if cased[entry[2]]:
                            best, best_end = entry[0], j
                    else:
                        best, best_end = entry[0], j
                j += 1
                if j >= n:
                    break
                key = f"{key} {keys[j]}"
                if key not in prefixes:
                    break
            if best >= 0:
                found.append(best)
                allowed = best_end + 1
        return found


def _counts_matrix(
    indices: array,
    indptr: array,
    n_cols: int,
    dtype: type = np.float32,
    values: array | None = None,
) -> sparse.csr_matrix:
    """CSR of counts from flat column ids per row (repeats add up; `values` default 1)."""
    idx = np.array(indices, dtype=np.int32)
    ptr = np.array(indptr, dtype=np.int64)
    if ptr[-1] < np.iinfo(np.int32).max:  # int32 indptr keeps the indices int32 (half the memory)
        ptr = ptr.astype(np.int32)
    data: np.ndarray = (
        np.ones(len(idx), dtype=dtype) if values is None else np.array(values, dtype=dtype)
    )
    matrix = sparse.csr_matrix((data, idx, ptr), shape=(len(ptr) - 1, n_cols))
    matrix.sum_duplicates()
    return matrix


# -- the index --------------------------------------------------------------------------------


class JobIndex(BaseEstimator):
    """Work-role classification + TF-IDF index of job postings, ranked for a person's text.

    Parameters: `role_matcher` (a RoleMatcher; fitted, or fitted on a clone at `fit`),
    `role_weight`/`text_weight` (score mix), `min_df`/`max_features` (TF-IDF vocabulary),
    `exact_roles` (classify with `RoleMatcher.score_texts` instead of the fast featuriser),
    `batch_size` (postings per classification batch), `max_missing` (missing skills shown).
    """

    def __init__(
        self,
        role_matcher: RoleMatcher | None = None,
        role_weight: float = 0.6,
        text_weight: float = 0.4,
        min_df: int = 1,
        max_features: int | None = None,
        exact_roles: bool = False,
        batch_size: int = 4096,
        max_missing: int = 6,
    ) -> None:
        self.role_matcher = role_matcher
        self.role_weight = role_weight
        self.text_weight = text_weight
        self.min_df = min_df
        self.max_features = max_features
        self.exact_roles = exact_roles
        self.batch_size = batch_size
        self.max_missing = max_missing

    # -- fit ----------------------------------------------------------------------------------

    def fit(self, postings: Sequence[JobPosting], y: Any = None) -> JobIndex:
        """Classify every posting into work roles and build the TF-IDF matrix."""
        if self.role_matcher is None:
            raise ValueError("JobIndex needs role_matcher (a matching.roles.RoleMatcher)")
        matcher = self.role_matcher
        try:
            check_is_fitted(matcher, "pipeline_")
        except NotFittedError:
            # sklearn's clone() hands us an unfitted copy: fit that copy, never the param.
            matcher = clone(matcher).fit()
        self.role_matcher_: RoleMatcher = matcher
        postings = list(postings)
        ids = [p.id for p in postings]
        self.id_index_ = {pid: i for i, pid in enumerate(ids)}
        if len(self.id_index_) != len(ids):
            raise ValueError("posting ids must be unique")
        self.postings_ = tuple(postings)
        self.n_postings_ = len(postings)
        catalog = matcher.catalog
        assert catalog is not None  # a fitted RoleMatcher has one: its fit() requires it
        self.role_ids_ = np.array([r.id for r in catalog.roles], dtype=object)
        self.role_names_ = tuple(r.name for r in catalog.roles)
        self.skill_names_ = tuple(s.name for s in catalog.skills)
        self._featurizer = _PostingFeaturizer(matcher)

        job_skills, vocab_counts = self._featurize(postings)
        self.job_skills_ = job_skills  # (n_jobs, n_skills) CSR of exact-alias mention counts
        self.model_roles_ = self.job_roles_.copy()  # the matcher's own, before staff's roles
        self.staff_set_ = self._apply_staff_roles(postings)
        self._build_tfidf(vocab_counts)
        self._build_filters(postings)
        return self

    def _featurize(self, postings: list[JobPosting]) -> tuple[sparse.csr_matrix, Any]:
        """One pass over the texts: skills, role scores (in batches) and index term counts."""
        feat = self._featurizer
        matcher = self.role_matcher_
        n_skills = len(self.skill_names_)
        n_role_terms = len(feat.role_vocab)
        vocab: dict[str, int] = {}
        term_idx, term_cnt, term_ptr = array("i"), array("f"), array("q", [0])
        skill_idx, skill_ptr = array("i"), array("q", [0])
        self.job_roles_ = np.zeros((len(postings), len(self.role_ids_)), dtype=np.float32)
        step = max(1, int(self.batch_size))
        for start in range(0, len(postings), step):
            batch = postings[start : start + step]
            role_idx, role_ptr = array("i"), array("q", [0])
            list_idx, list_ptr = array("i"), array("q", [0])
            texts = [p.text or p.title or "" for p in batch]
            # Repeated lines blanked, skills lists marked: the full matcher's layout.
            layouts = [layout(t) for t in texts]
            for lines in layouts:
                skills, tokens = feat.analyse(lines.text)
                counts = Counter(tokens)  # one entry per distinct term keeps memory down
                term_idx.extend([vocab.setdefault(t, len(vocab)) for t in counts])
                term_cnt.extend(counts.values())
                term_ptr.append(len(term_idx))
                skill_idx.extend(skills)
                skill_ptr.append(len(skill_idx))
                if not self.exact_roles:
                    role_idx.extend(feat.role_terms(tokens))
                    role_ptr.append(len(role_idx))
                    listed = lines.list_text()
                    if listed is not None and skills:
                        # Skills named only in skills lists (matching.sections): as often in
                        # the list lines as in the whole text.
                        in_lists = Counter(feat.skill_columns(listed))
                        if in_lists:
                            everywhere = Counter(skills)
                            list_idx.extend(c for c, k in in_lists.items() if k >= everywhere[c])
                    list_ptr.append(len(list_idx))
            if self.exact_roles:
                scores = matcher.score_texts(texts)
            else:
                lo, hi = skill_ptr[start], skill_ptr[start + len(batch)]
                skills = _counts_matrix(
                    skill_idx[lo:hi],
                    array("q", [p - lo for p in skill_ptr[start : start + len(batch) + 1]]),
                    n_skills,
                    np.float64,
                )
                scores = self._score_features(
                    skills,
                    _counts_matrix(list_idx, list_ptr, n_skills, np.float64),
                    _counts_matrix(role_idx, role_ptr, n_role_terms, np.float64),
                    matcher.title_reader_.transform_layouts(texts, layouts),
                )
            self.job_roles_[start : start + len(batch)] = scores
        job_skills = _counts_matrix(skill_idx, skill_ptr, n_skills)
        counts = _counts_matrix(term_idx, term_ptr, len(vocab), values=term_cnt)
        del term_idx, term_cnt
        return job_skills, (vocab, counts)

    def with_staff_roles(self, roles: Mapping[Any, Sequence[str]]) -> JobIndex:
        """A copy of this fitted index whose staff-set roles are `roles` ({posting id: roles}).

        Postings not in `roles` get the matcher's own classification back; ids the index does
        not hold are ignored. Nothing is classified again: it costs a copy of the role scores.
        """
        check_is_fitted(self, "model_roles_")
        changed = copy.copy(self)
        changed.job_roles_ = self.model_roles_.copy()
        changed.postings_ = tuple(
            replace(p, roles=tuple(roles.get(p.id, ()))) for p in self.postings_
        )
        changed.staff_set_ = changed._apply_staff_roles(list(changed.postings_))
        return changed

    def staff_roles(self) -> dict[Any, tuple[str, ...]]:
        """{posting id: its staff-set roles} as this index holds them."""
        return {p.id: p.roles for p in self.postings_ if p.roles}

    def _apply_staff_roles(self, postings: list[JobPosting]) -> np.ndarray:
        """Replace the classification of postings with staff-set roles; which postings had."""
        column = {str(r): j for j, r in enumerate(self.role_ids_)}
        staff = np.zeros(len(postings), dtype=bool)
        for row, posting in enumerate(postings):
            known = [column[r] for r in dict.fromkeys(posting.roles) if r in column]
            if not known:
                continue  # no roles set, or none the catalog still knows: the model's stand
            self.job_roles_[row] = 0.0
            for rank, j in enumerate(known):
                self.job_roles_[row, j] = STAFF_ROLE_SCORES[min(rank, len(STAFF_ROLE_SCORES) - 1)]
            staff[row] = True
        return staff

    def _score_features(
        self,
        skill_counts: sparse.csr_matrix,
        listed: sparse.csr_matrix,
        role_term_counts: sparse.csr_matrix,
        titles: np.ndarray,
    ) -> np.ndarray:
        """Calibrated role scores 0-100 from raw counts, as RoleMatcher builds them.

        `listed` marks the skills named only in skills lists (a subset of `skill_counts`'s
        cells), `titles` is TitleReader's output: the same features, by the same functions.
        """
        matcher = self.role_matcher_
        # Same sparsity as skill_counts (listed is a subset), so the data arrays line up.
        marks = skill_counts.copy()
        marks.data = np.ones_like(marks.data)
        marks = (marks + listed).tocsr()
        marks.sort_indices()
        skill_counts.sort_indices()
        skills = skill_features(skill_counts, marks.data > 1.0)
        vec = matcher.text_similarity_.vectorizer_
        terms = role_term_counts.copy()
        if vec.sublinear_tf:
            terms.data = 1.0 + np.log(terms.data)
        terms = normalize(terms.multiply(vec.idf_[None, :]).tocsr())
        text = np.asarray((terms @ matcher.text_similarity_.role_matrix_).todense())
        features = sparse.hstack([skills, sparse.csr_matrix(text), sparse.csr_matrix(titles)])
        return 100.0 * matcher.ranker_.predict_proba(features.tocsr())

    def _build_tfidf(self, vocab_counts: tuple[dict[str, int], sparse.csr_matrix]) -> None:
        vocab, counts = vocab_counts
        n_docs = counts.shape[0]
        keep = np.ones(counts.shape[1], dtype=bool)
        if n_docs and counts.shape[1]:
            df = np.bincount(counts.indices, minlength=counts.shape[1])
            keep = df >= self.min_df
            if self.max_features is not None and keep.sum() > self.max_features:
                order = np.lexsort((np.arange(len(df)), -df))  # most frequent, then first seen
                top = np.zeros_like(keep)
                top[[i for i in order if keep[i]][: self.max_features]] = True
                keep = top
        terms = [t for t, i in sorted(vocab.items(), key=lambda kv: kv[1]) if keep[i]]
        counts = counts[:, np.flatnonzero(keep)] if not keep.all() else counts
        self.vocabulary_ = {t: i for i, t in enumerate(terms)}
        self.tfidf_ = TfidfTransformer(sublinear_tf=True)
        if counts.shape[1] and n_docs:
            self.tfidf_.fit(counts)
            matrix = self.tfidf_.transform(counts, copy=False)  # float32 in, float32 out
        else:
            self.tfidf_.idf_ = np.ones(counts.shape[1])
            matrix = sparse.csr_matrix(counts.shape, dtype=np.float32)
        # Column-major: a query reads only the posting lists of its own terms.
        self.matrix_ = matrix.tocsc()

    def _build_filters(self, postings: list[JobPosting]) -> None:
        n = len(postings)

        def grade(value: int | None) -> int:
            return int(value) if value is not None and int(value) > 0 else _NO_GRADE

        lows = [grade(p.grade_low) for p in postings]
        highs = [grade(p.grade_high) for p in postings]
        # One known end stands for both: "GS-12" with no high grade is 12-12.
        self.grade_low_ = np.array(
            [lo if lo >= 0 else hi for lo, hi in zip(lows, highs, strict=True)], np.int16
        )
        self.grade_high_ = np.array(
            [hi if hi >= 0 else lo for lo, hi in zip(lows, highs, strict=True)], np.int16
        )
        self.close_ordinal_ = np.array(
            [p.close_date.toordinal() if p.close_date else _NO_DATE for p in postings], np.int32
        )
        self.clearance_level_ = np.array(
            [self._job_clearance_level(p.clearance) for p in postings], np.int8
        )
        self.remote_ = np.array([1 if p.remote else 0 for p in postings], dtype=bool)
        codes = sorted({c.lower() for p in postings for c in p.hiring_paths})
        self.path_codes_ = {c: i for i, c in enumerate(codes)}
        paths = np.zeros((n, len(codes)), dtype=bool)
        for row, p in enumerate(postings):
            for c in p.hiring_paths:
                paths[row, self.path_codes_[c.lower()]] = True
        self.paths_ = paths
        # np.any, not paths.any: the stubs type ndarray.any(axis=...) as maybe a scalar.
        self.has_paths_: np.ndarray = np.any(paths, axis=1) if codes else np.zeros(n, dtype=bool)
        places: dict[str, int] = {}
        rows, cols = [], []
        for row, p in enumerate(postings):
            for loc in p.locations:
                key = " ".join(loc.lower().split())
                if key:
                    rows.append(row)
                    cols.append(places.setdefault(key, len(places)))
        self.places_ = tuple(places)  # unique lower-case locations
        self.place_matrix_ = sparse.csr_matrix(
            (np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=(n, len(places))
        )
        self.has_place_ = np.asarray(self.place_matrix_.sum(axis=1)).ravel() > 0
        self._place_cache: dict[tuple[str, ...], np.ndarray] = {}

    @staticmethod
    def _job_clearance_level(text: str | None) -> int:
        if text is None or not text.strip():
            return _NONE
        return JOB_CLEARANCE_LEVELS.get(" ".join(text.lower().split()), UNKNOWN_CLEARANCE)

    # -- lookups ------------------------------------------------------------------------------

    def _row(self, key: int | str) -> int:
        check_is_fitted(self, "job_roles_")
        if key in self.id_index_:
            return self.id_index_[key]
        if isinstance(key, int | np.integer) and 0 <= int(key) < self.n_postings_:
            return int(key)
        raise KeyError(key)

    def classifications(self, job: int | str, top_k: int = 3) -> list[tuple[str, float]]:
        """A posting's best work roles as (role id, calibrated score 0-100).

        `job` is a posting id, or a position in the fitted sequence when no id equals it.
        """
        row = self._row(job)
        scores = self.job_roles_[row]
        order = np.lexsort((np.arange(len(scores)), -scores))[: max(0, top_k)]
        return [(str(self.role_ids_[j]), round(float(scores[j]), 1)) for j in order]

    # -- ranking ------------------------------------------------------------------------------

    def profile(self, text: str) -> tuple[np.ndarray, list[SkillMention]]:
        """(calibrated role scores 0-100, skill mentions) of a person's text, one extraction."""
        check_is_fitted(self, "job_roles_")
        matcher = self.role_matcher_
        mentions = matcher.extract(text)
        with _one_blas_thread():
            features = matcher.features([text], [mentions])
            scores = 100.0 * matcher.ranker_.predict_proba(features)[0]
        return scores, mentions

    def _query_vector(self, text: str) -> sparse.csr_matrix:
        """The text's TF-IDF row in the index's space (same weighting as the postings)."""
        vocab = self.vocabulary_
        counts = Counter(i for i in map(vocab.get, self._featurizer.tokens(text)) if i is not None)
        ids = np.fromiter(sorted(counts), dtype=np.int32, count=len(counts))
        tf = np.array([counts[i] for i in ids.tolist()], dtype=np.float64)
        weights = (1.0 + np.log(tf)) * self.tfidf_.idf_[ids]  # sublinear tf x idf
        norm = float(np.linalg.norm(weights))
        data = (weights / norm if norm > 0 else weights).astype(np.float32)
        return sparse.csr_matrix(
            (data, ids, np.array([0, len(ids)], dtype=np.int32)), shape=(1, len(vocab))
        )

    def _text_similarity(self, text: str) -> np.ndarray:
        sims = np.zeros(self.n_postings_, dtype=np.float32)
        query = self._query_vector(text)
        if query.nnz:
            # (1 x V) @ (V x n) CSR: touches only the posting lists of the query's terms.
            hits = (query @ self.matrix_.T).tocsr()
            sims[hits.indices] = hits.data
        return sims

    def _place_mask(self, locations: Iterable[str]) -> np.ndarray:
        terms = tuple(sorted({_normalise_place(t) for t in locations if t and t.strip()}))
        if terms not in self._place_cache:
            ok = np.array([_place_matches(p, terms) for p in self.places_], dtype=np.int8)
            hit = (self.place_matrix_ @ ok) > 0 if len(ok) else np.zeros(self.n_postings_, bool)
            if len(self._place_cache) > 256:
                self._place_cache.clear()
            self._place_cache[terms] = np.asarray(hit).ravel()
        return self._place_cache[terms]

    def _failures(self, filters: SeekerFilters) -> dict[str, np.ndarray | None]:
        """reason -> boolean mask of postings that fail it (None when the filter is off)."""
        fail: dict[str, np.ndarray | None] = dict.fromkeys(EXCLUSION_REASONS)
        fail["closed"] = self.close_ordinal_ < filters.today.toordinal()
        if filters.hiring_paths is not None:
            wanted = {c.lower() for c in filters.hiring_paths}
            cols = [i for c, i in self.path_codes_.items() if c in wanted]
            open_to_person: np.ndarray = (
                np.any(self.paths_[:, cols], axis=1) if cols else np.zeros(self.n_postings_, bool)
            )
            # A posting with no hiring paths listed is unknown, not closed to the person.
            fail["hiring_path"] = self.has_paths_ & ~open_to_person
        held = _seeker_level(filters.clearance)
        if held is not None:
            fail["clearance"] = self.clearance_level_ > held
        known = self.grade_low_ >= 0
        grade_fail = np.zeros(self.n_postings_, dtype=bool)
        if filters.grade_max is not None:
            grade_fail |= known & (self.grade_low_ > filters.grade_max)
        if filters.grade_min is not None:
            grade_fail |= known & (self.grade_high_ < filters.grade_min)
        if filters.grade_max is not None or filters.grade_min is not None:
            fail["grade"] = grade_fail
        if filters.locations:
            # Remote postings are open anywhere; postings with no location are unknown.
            fail["location"] = (
                self.has_place_ & ~self.remote_ & ~self._place_mask(filters.locations)
            )
        if filters.remote_only:
            fail["remote"] = ~self.remote_
        return fail

    def rank(
        self,
        text: str,
        filters: SeekerFilters | None = None,
        top_k: int = 20,
        role_scores: np.ndarray | None = None,
        mentions: Sequence[SkillMention] | None = None,
    ) -> RankResult:
        """The best `top_k` open postings for a person's text, with explanations.

        `role_scores` (41 calibrated 0-100 scores, catalog order) and `mentions` (the text's
        skill mentions) may be passed when already computed; otherwise they are.
        """
        check_is_fitted(self, "job_roles_")
        filters = filters or SeekerFilters()
        with _one_blas_thread():
            return self._rank(text, filters, top_k, role_scores, mentions)

    def _rank(
        self,
        text: str,
        filters: SeekerFilters,
        top_k: int,
        role_scores: np.ndarray | None,
        mentions: Sequence[SkillMention] | None,
    ) -> RankResult:
        if role_scores is None or mentions is None:
            scores, found = self.profile(text)
            role_scores = scores if role_scores is None else role_scores
            mentions = found if mentions is None else mentions
        person = np.asarray(role_scores, dtype=np.float32).ravel()
        n = self.n_postings_

        # Unit length only when the person shows at least one full role's worth of evidence:
        # scaling up a vector of near-zero scores would turn noise into a strong preference.
        weights = person / (100.0 * max(float(np.linalg.norm(person)) / 100.0, 1.0))
        role_fit = np.clip(self.job_roles_ @ (weights / 100.0).astype(np.float32), 0.0, 1.0)
        text_sim = self._text_similarity(text)
        total_weight = float(self.role_weight + self.text_weight) or 1.0
        score = (self.role_weight * role_fit + self.text_weight * text_sim) / total_weight

        excluded: dict[str, int] = {}
        hidden = np.zeros(n, dtype=bool)
        for reason, mask in self._failures(filters).items():
            if mask is None:
                continue
            new = mask & ~hidden
            excluded[reason] = int(new.sum())
            hidden |= new
        candidates = np.flatnonzero(~hidden)
        k = min(max(0, int(top_k)), len(candidates))
        if k == 0:
            return RankResult([], excluded, n, len(candidates))
        cand_scores = score[candidates]
        if k < len(candidates):
            part = np.argpartition(-cand_scores, k - 1)[:k]
            # Ties at the cut: take every posting scoring as high as the k-th, then sort, so
            # the result never depends on argpartition's internal order.
            kth = cand_scores[part].min()
            part = np.flatnonzero(cand_scores >= kth)
        else:
            part = np.arange(len(candidates))
        rounded = np.round(cand_scores[part] * 100.0, 1)
        order = np.lexsort((candidates[part], -cand_scores[part], -rounded))[:k]
        rows = candidates[part][order]

        person_skills = {
            self.role_matcher_.profiler_.skill_index_[s] for s in credited_skill_ids(list(mentions))
        }
        places = tuple(sorted({_normalise_place(t) for t in filters.locations if t.strip()}))
        matches = [
            self._explain(
                int(r),
                float(score[r]),
                float(role_fit[r]),
                float(text_sim[r]),
                person,
                person_skills,
                filters,
                places,
            )
            for r in rows
        ]
        return RankResult(matches, excluded, n, len(candidates))

    # -- explanations -------------------------------------------------------------------------

    def _explain(
        self,
        row: int,
        score: float,
        role_fit: float,
        text_sim: float,
        person: np.ndarray,
        person_skills: set[int],
        filters: SeekerFilters,
        places: tuple[str, ...] = (),
    ) -> JobMatch:
        posting = self.postings_[row]
        job = self.job_roles_[row]
        shared = person * job
        floor = MATCH_THRESHOLD / 2  # both sides must show the role, not just a trace of it
        role_order = np.lexsort((np.arange(len(shared)), -shared))
        roles = [
            {
                "id": str(self.role_ids_[j]),
                "name": self.role_names_[j],
                "job_score": round(float(job[j]), 1),
                "your_score": round(float(person[j]), 1),
            }
            for j in role_order[:2]
            if job[j] >= floor and person[j] >= floor
        ]
        matched, missing = self._skill_overlap(row, person_skills, job)
        days_left = (
            (posting.close_date - filters.today).days if posting.close_date is not None else None
        )
        return JobMatch(
            id=posting.id,
            title=posting.title,
            organization=posting.organization,
            score=round(100.0 * score, 1),
            close_date=posting.close_date,
            days_left=days_left,
            url=posting.url,
            roles=roles,
            matched_skills=matched,
            missing_skills=missing,
            reasons=self._reasons(row, posting, filters, days_left, places),
            role_fit=round(role_fit, 3),
            text_similarity=round(text_sim, 3),
        )

    def _skill_overlap(
        self, row: int, person_skills: set[int], job_roles: np.ndarray
    ) -> tuple[list[str], list[str]]:
        """(matched, missing) skill names, by weight for the posting's top 3 roles.

        Missing skills are limited to those that matter for those roles: a posting's stray
        words ("retention incentive") are not advice on what to learn. A clearance is a
        requirement shown in the reasons, not a skill, so it is in neither list.
        """
        matcher = self.role_matcher_
        start, end = self.job_skills_.indptr[row], self.job_skills_.indptr[row + 1]
        cols = self.job_skills_.indices[start:end].tolist()
        counts = self.job_skills_.data[start:end].tolist()
        top_roles = np.lexsort((np.arange(len(job_roles)), -job_roles))[:3]
        weight = matcher.strength_[np.asarray(cols, dtype=int)][:, top_roles].max(axis=1)
        assert matcher.catalog is not None  # a fitted RoleMatcher has one: fit() requires it
        skills = matcher.catalog.skills
        ranked = sorted(
            (
                (-float(w), -c, col)
                for col, c, w in zip(cols, counts, weight.tolist(), strict=True)
                if skills[col].kind != "clearance"
            )
        )
        matched = [self.skill_names_[col] for _, _, col in ranked if col in person_skills]
        missing = [
            self.skill_names_[col] for w, _, col in ranked if w < 0 and col not in person_skills
        ][: self.max_missing]
        return matched, missing

    def _reasons(
        self,
        row: int,
        posting: JobPosting,
        filters: SeekerFilters,
        days_left: int | None,
        places: tuple[str, ...],
    ) -> list[str]:
        reasons: list[str] = []
        paths = [c.lower() for c in posting.hiring_paths]
        if filters.hiring_paths is not None:
            mine = {c.lower() for c in filters.hiring_paths}
            shared = sorted((c for c in paths if c in mine), key=lambda c: (c == "public", c))
            if shared:
                names = ", ".join(HIRING_PATH_NAMES.get(c, c) for c in shared)
                reasons.append(f"You appear eligible through: {names}")
            elif not paths:
                reasons.append("Check who may apply: the posting lists no hiring paths")
        elif paths:
            names = ", ".join(HIRING_PATH_NAMES.get(c, c) for c in sorted(paths))
            reasons.append(f"Open to: {names}")
        level = int(self.clearance_level_[row])
        if level != _NONE and posting.clearance:
            label = posting.clearance.strip()
            if level in (_CONFIDENTIAL, _SECRET, _TOP_SECRET) and "access" not in label.lower():
                label = f"{label} clearance"
            elif level == _PUBLIC_TRUST:
                label = "a Public Trust background investigation"
            reasons.append(f"Requires {label}")
        if posting.remote:
            reasons.append("Remote")
        elif posting.telework:
            reasons.append("Telework eligible")
        if places and not posting.remote and posting.locations:
            near = [loc for loc in posting.locations if _place_matches(_place_key(loc), places)]
            if near:
                reasons.append(f"In your area: {'; '.join(near[:2])}")
        if days_left is not None and days_left <= 7:
            if days_left == 0:
                reasons.append("Closes today")
            else:
                reasons.append(f"Closes in {days_left} day{'s' if days_left != 1 else ''}")
        return reasons


# -- helpers ----------------------------------------------------------------------------------


@cache
def _blas_controller() -> ThreadpoolController:
    return ThreadpoolController()


def _one_blas_thread() -> AbstractContextManager[Any]:
    """One BLAS thread for a single query's small products.

    A threaded OpenBLAS matvec over (50,000 x 41) takes ~0.2 ms alone but 3-8 ms when another
    process holds a core (its threads spin waiting for each other); a web worker is never alone.
    """
    return _blas_controller().limit(limits=1, user_api="blas")


def _seeker_level(clearance: str | None) -> int | None:
    """Held clearance as a level; None when unknown (then nothing is excluded for it)."""
    if clearance is None:
        return None
    key = clearance.strip().lower().replace(" ", "_").replace("/", "_").replace("-", "_")
    if key not in SEEKER_CLEARANCE_LEVELS:
        raise ValueError(
            f"unknown clearance {clearance!r}; expected one of {sorted(SEEKER_CLEARANCE_LEVELS)}"
        )
    return SEEKER_CLEARANCE_LEVELS[key]


def _place_key(location: str) -> str:
    return " ".join(location.lower().split())


def _state(words: str) -> str:
    """A US state code ('va', 'd.c.') as its name; anything else unchanged."""
    return US_STATES.get(words.replace(".", ""), words)


def _normalise_place(term: str) -> str:
    """'VA' -> 'virginia', 'Denver, CO' -> 'denver, colorado'; other text lower-cased."""
    words = " ".join(term.lower().split())
    if "," in words:
        city, _, state = (part.strip() for part in words.rpartition(","))
        return f"{city}, {_state(state)}"
    return _state(words)


def _place_matches(place: str, terms: Sequence[str]) -> bool:
    """Does a job location ("arlington, virginia") match any term: whole, city or state?

    Whole parts only, so "virginia" does not match "west virginia".
    """
    if "," in place:
        city, _, state = (part.strip() for part in place.rpartition(","))
    else:
        city, state = place, ""
    return any(t in (place, city, state) for t in terms)
