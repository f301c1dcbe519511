"""Rank funding opportunities for an office: eligibility and deadlines as hard filters,
relevance of the office's needs to each opportunity as the score.

`FundingRanker().fit(opportunities, programs)` builds a TF-IDF (word 1-2 grams) of each
opportunity's title and description, with the catalog's program summary folded in for each of
its Assistance Listings. `rank(profile)` then

- excludes closed, archived and past-deadline opportunities (counted as closed) and those
  whose eligible applicant types share nothing with the office's (counted as ineligible;
  "99" unrestricted is open to all, "25" others and an empty list are kept and flagged);
- scores the rest: 100 x (cosine of the needs text with the opportunity document
  + `award_bonus` when the award range overlaps the wanted size
  + `boosts[aln]` for the opportunity's best-boosted listing (e.g. tier-A cyber programs)
  - a small penalty when fewer than `prep_days` remain), clipped to 0-100;
- orders by score, then the earlier deadline (rolling last), then input order.

The deadline never adds to a score: closing soon is not a reason to rank higher, only a
tie-breaker, and a very short runway costs a little because an office cannot write a proposal
in three days.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from scipy import sparse
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize
from sklearn.utils.validation import check_is_fitted

from vocabulary.codes import APPLICANT_TYPES as GRANTS_GOV_APPLICANT_TYPES

# Grants.gov eligible applicant codes: one list, kept with the source's other code lists.
APPLICANT_TYPES = GRANTS_GOV_APPLICANT_TYPES
UNRESTRICTED = "99"
OTHERS = "25"
_CLOSED_STATUSES = frozenset({"closed", "archived"})
_NO_DATE = np.iinfo(np.int64).max


@dataclass(frozen=True)
class Opportunity:
    """One funding opportunity as the ranker sees it (fields as scrapers FundingRecord)."""

    id: int | str
    title: str
    agency: str | None = None
    text: str = ""  # title + description, plain text
    eligible_applicants: tuple[str, ...] = ()  # Grants.gov codes "00".."99"
    assistance_listings: tuple[str, ...] = ()  # ALNs, e.g. "97.137"
    award_floor: float | None = None
    award_ceiling: float | None = None
    close_date: date | None = None  # None: rolling or unknown
    status: str = "posted"  # forecasted | posted | closed | archived
    categories: tuple[str, ...] = ()
    url: str | None = None

    @classmethod
    def from_record(cls, record: Any, id: int | str | None = None) -> Opportunity:
        """Build from a FundingRecord-like object or mapping (title, description, ...)."""

        def get(name: str, default: Any = None) -> Any:
            if isinstance(record, Mapping):
                return record.get(name, default)
            return getattr(record, name, default)

        title = get("title") or ""
        text = "\n\n".join(p for p in (title, get("description")) if p)
        return cls(
            id=id if id is not None else (get("id") or get("source_id")),
            title=title,
            agency=get("agency"),
            text=get("text") or text,
            eligible_applicants=tuple(get("eligible_applicants") or ()),
            assistance_listings=tuple(get("assistance_listings") or ()),
            award_floor=get("award_floor"),
            award_ceiling=get("award_ceiling"),
            close_date=get("close_date"),
            status=get("status") or "posted",
            categories=tuple(get("categories") or ()),
            url=get("url"),
        )


@dataclass(frozen=True)
class FundingProfile:
    """What an office is and what it needs funded."""

    applicant_types: tuple[str, ...] = ()  # Grants.gov codes the office is, e.g. ("01",)
    state: str | None = None  # kept for display; opportunities carry no state to filter on
    needs: str = ""  # free text
    award_min: float | None = None  # the award size wanted
    award_max: float | None = None
    work_roles: tuple[str, ...] = ()  # NICE role ids to staff (text via FundingRanker.role_texts)
    today: date = field(default_factory=date.today)


@dataclass(frozen=True)
class FundingMatch:
    """One ranked opportunity with its explanation."""

    id: int | str
    title: str
    agency: str | None
    score: float  # 0-100, one decimal
    matched_terms: list[str]  # need terms the opportunity shares, strongest first
    assistance_listings: tuple[str, ...]
    award_floor: float | None
    award_ceiling: float | None
    close_date: date | None  # None: rolling (see close_label)
    close_label: str  # ISO date, or "rolling"
    days_left: int | None
    eligibility_note: str  # "Eligible as County governments" / "Check eligibility: ..."
    status: str
    url: str | None
    reasons: list[str]  # award fit, priority program, forecast, short runway

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class FundingResult:
    """Top matches plus what was filtered out."""

    matches: list[FundingMatch]
    ineligible_count: int
    closed_count: int  # closed, archived or past deadline (counted before eligibility)
    total: int


def load_funding_programs(
    data_dir: Path, tier_boosts: Mapping[str, float] | None = None
) -> tuple[dict[str, str], dict[str, float]]:
    """(ALN -> program text, ALN -> boost) from the catalog's funding_programs.yaml.

    The text is title, short name, summary, cyber/AI use and keywords; boosts come from the
    program tier (default: tier A +0.05).
    """
    tier_boosts = {"A": 0.05} if tier_boosts is None else tier_boosts
    path = Path(data_dir) / "funding_programs.yaml"
    programs: dict[str, str] = {}
    boosts: dict[str, float] = {}
    for entry in yaml.safe_load(path.read_text(encoding="utf-8")) or ():
        aln = str(entry["aln"])
        parts = [entry.get(k) for k in ("title", "short_name", "summary", "cyber_ai_use")]
        parts.append(", ".join(entry.get("keywords") or ()))
        programs[aln] = "\n".join(str(p) for p in parts if p)
        boost = tier_boosts.get(str(entry.get("tier")), 0.0)
        if boost:
            boosts[aln] = float(boost)
    return programs, boosts


def _money(value: float) -> str:
    return f"${value:,.0f}"


class FundingRanker(BaseEstimator):
    """TF-IDF relevance of an office's needs to funding opportunities, with hard filters.

    Parameters: `ngram_range`, `min_df`, `sublinear_tf` (the TF-IDF), `award_bonus` (added
    when the award range overlaps the wanted size), `boosts` (ALN -> bonus, e.g. tier-A cyber
    programs), `prep_days` / `deadline_penalty` (at most this much is taken off when fewer than
    prep_days remain), `role_texts` (role id -> text appended to the needs for
    profile.work_roles), `max_terms` (matched terms shown).
    """

    def __init__(
        self,
        ngram_range: tuple[int, int] = (1, 2),
        min_df: int = 1,
        sublinear_tf: bool = True,
        award_bonus: float = 0.05,
        boosts: Mapping[str, float] | None = None,
        prep_days: int = 14,
        deadline_penalty: float = 0.03,
        role_texts: Mapping[str, str] | None = None,
        max_terms: int = 6,
    ) -> None:
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.sublinear_tf = sublinear_tf
        self.award_bonus = award_bonus
        self.boosts = boosts
        self.prep_days = prep_days
        self.deadline_penalty = deadline_penalty
        self.role_texts = role_texts
        self.max_terms = max_terms

    def fit(
        self,
        opportunities: Sequence[Opportunity],
        programs: Mapping[str, str] | None = None,
    ) -> FundingRanker:
        """Index the opportunities; `programs` (ALN -> text) is folded into their documents."""
        opportunities = list(opportunities)
        programs = programs or {}
        self.opportunities_ = tuple(opportunities)
        docs = [
            "\n".join(
                [o.text or o.title, *(programs[a] for a in o.assistance_listings if a in programs)]
            )
            for o in opportunities
        ]
        self.vectorizer_ = TfidfVectorizer(
            ngram_range=self.ngram_range,
            min_df=self.min_df,
            sublinear_tf=self.sublinear_tf,
            stop_words="english",
            strip_accents="unicode",
            token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z0-9+#&]+\b",
        )
        try:
            self.matrix_ = self.vectorizer_.fit_transform(docs).tocsr()
            self.terms_ = self.vectorizer_.get_feature_names_out()
            self.columns_ = self.matrix_.tocsc()  # ranking reads a query's terms' columns
        except ValueError:  # no documents, or nothing but stop words: relevance is 0
            self.matrix_ = sparse.csr_matrix((len(docs), 0))
            self.columns_ = self.matrix_.tocsc()
            self.terms_ = np.array([], dtype=object)
        n = len(opportunities)
        self.close_ordinal_ = np.array(
            [o.close_date.toordinal() if o.close_date else _NO_DATE for o in opportunities],
            dtype=np.int64,
        )
        self.closed_status_ = np.array(
            [o.status.lower() in _CLOSED_STATUSES for o in opportunities], dtype=bool
        )
        codes = sorted({c for o in opportunities for c in o.eligible_applicants})
        self.applicant_codes_ = {c: i for i, c in enumerate(codes)}
        eligible = np.zeros((n, len(codes)), dtype=bool)
        for row, o in enumerate(opportunities):
            for c in o.eligible_applicants:
                eligible[row, self.applicant_codes_[c]] = True
        self.eligible_ = eligible
        self.open_to_all_ = self._has(eligible, UNRESTRICTED)
        # "Others" and an empty list both mean "read the eligibility text": never excluded.
        self.check_text_ = self._has(eligible, OTHERS) | ~eligible.any(axis=1)
        boosts = self.boosts or {}
        # An opportunity under several listings takes its best boost, not their sum.
        self.boost_ = np.array(
            [
                max([boosts.get(a, 0.0) for a in o.assistance_listings], default=0.0)
                for o in opportunities
            ],
            dtype=float,
        )
        # Award ranges as arrays, so ranking tens of thousands is array work, not a loop.
        self.award_floor_ = np.array([o.award_floor or 0.0 for o in opportunities], dtype=float)
        self.award_ceiling_ = np.array(
            [np.inf if o.award_ceiling is None else o.award_ceiling for o in opportunities],
            dtype=float,
        )
        return self

    def _has(self, eligible: np.ndarray, code: str) -> np.ndarray:
        col = self.applicant_codes_.get(code)
        return eligible[:, col] if col is not None else np.zeros(len(eligible), dtype=bool)

    # -- ranking ------------------------------------------------------------------------------

    def _query(self, profile: FundingProfile) -> sparse.csr_matrix:
        roles = self.role_texts or {}
        text = "\n".join([profile.needs, *(roles[r] for r in profile.work_roles if r in roles)])
        if not self.matrix_.shape[1]:
            return sparse.csr_matrix((1, 0))
        return normalize(self.vectorizer_.transform([text])).tocsr()

    def _award_fits(self, profile: FundingProfile) -> np.ndarray | None:
        """Per opportunity, does its award range overlap the wanted size: 1.0 yes, 0.0 no, NaN
        when its range is unknown; None when the office gave no size."""
        if profile.award_min is None and profile.award_max is None:
            return None
        want_lo = profile.award_min or 0.0
        want_hi = profile.award_max if profile.award_max is not None else np.inf
        overlap = (self.award_floor_ <= want_hi) & (want_lo <= self.award_ceiling_)
        # Grants.gov writes 0 for "no floor stated": no floor and no ceiling is no range.
        unknown = (self.award_floor_ == 0.0) & np.isinf(self.award_ceiling_)
        return np.where(unknown, np.nan, overlap.astype(float))

    def _raw_scores(self, sims: np.ndarray, fits: np.ndarray | None, today: int) -> np.ndarray:
        """Relevance plus boost and award bonus, less a short runway's penalty, for every row."""
        raw = sims + self.boost_
        if fits is not None:
            raw = np.where(fits == 1.0, raw + self.award_bonus, raw)
        if self.prep_days > 0:
            dated = self.close_ordinal_ != _NO_DATE
            days_left = np.where(dated, self.close_ordinal_ - today, self.prep_days)
            short = dated & (days_left < self.prep_days)
            penalty = self.deadline_penalty * (1.0 - days_left / self.prep_days)
            raw = np.where(short, raw - penalty, raw)
        return raw

    def rank(self, profile: FundingProfile, top_k: int = 20) -> FundingResult:
        """The best `top_k` open opportunities the office may apply for, explained."""
        check_is_fitted(self, "matrix_")
        n = len(self.opportunities_)
        today = profile.today.toordinal()
        closed = self.closed_status_ | (self.close_ordinal_ < today)
        types = {c for c in profile.applicant_types if c}
        if types:
            cols = [self.applicant_codes_[c] for c in types if c in self.applicant_codes_]
            overlap = self.eligible_[:, cols].any(axis=1) if cols else np.zeros(n, dtype=bool)
            eligible = overlap | self.open_to_all_ | self.check_text_
        else:  # the office has not said what it is: nothing to exclude on
            eligible = np.ones(n, dtype=bool)
        ineligible = ~eligible & ~closed
        keep = np.flatnonzero(~closed & eligible)

        query = self._query(profile)
        sims = np.zeros(n)
        if query.nnz:
            # Only the query's terms' columns: a few columns of the index, not all of it.
            columns = self.columns_[:, query.indices]
            sims = np.asarray(columns @ query.data).ravel()
        award_fits = self._award_fits(profile)
        raw = self._raw_scores(sims, award_fits, today)
        values = 100.0 * np.minimum(1.0, np.maximum(0.0, raw))
        # Only rows that may round into the top k are scored and sorted one by one: a score
        # rounded to 0.1 that ties or beats the k-th best was at most 0.1 below it unrounded.
        k = max(0, int(top_k))
        candidates = keep
        if 0 < k < len(keep):
            kept = values[keep]
            kth = np.partition(kept, len(kept) - k)[len(kept) - k]
            candidates = keep[kept >= kth - 0.1 - 1e-9]
        scored = []
        for row in candidates.tolist() if k else []:
            o = self.opportunities_[row]
            days_left = (o.close_date - profile.today).days if o.close_date else None
            score = round(float(values[row]), 1)
            fit = np.nan if award_fits is None else award_fits[row]
            fits = None if np.isnan(fit) else bool(fit)
            scored.append((-score, int(self.close_ordinal_[row]), row, fits, days_left))
        scored.sort()
        matches: list[FundingMatch] = []
        for neg_score, _, row, fits, days_left in scored[:k]:
            matches.append(self._explain(row, -neg_score, fits, days_left, query, types))
        return FundingResult(
            matches=matches,
            ineligible_count=int(ineligible.sum()),
            closed_count=int(closed.sum()),
            total=n,
        )

    # -- explanations -------------------------------------------------------------------------

    def _matched_terms(self, row: int, query: sparse.csr_matrix) -> list[str]:
        """Shared need terms by contribution to the cosine; a bigram hides its own words."""
        if not query.nnz:
            return []
        contrib = query.multiply(self.matrix_[row]).tocsr()
        order = np.argsort(-contrib.data, kind="stable")
        chosen: list[str] = []
        for term in (str(self.terms_[contrib.indices[i]]) for i in order):
            words = set(term.split())
            if any(words <= set(c.split()) for c in chosen):
                continue  # "water" after "water utility"
            chosen = [c for c in chosen if not set(c.split()) <= words]  # and the reverse
            chosen.append(term)
            if len(chosen) >= self.max_terms:
                break
        return chosen

    def _eligibility_note(self, o: Opportunity, types: set[str]) -> str:
        listed = set(o.eligible_applicants)
        shared = sorted(types & listed - {UNRESTRICTED, OTHERS})
        if shared:
            return "Eligible as " + ", ".join(APPLICANT_TYPES.get(c, c) for c in shared)
        if UNRESTRICTED in listed:
            return "Eligible: open to all applicant types (unrestricted)"
        if OTHERS in listed:
            return "Check eligibility: 'Others' listed"
        if not listed:
            return "Check eligibility: no applicant types listed"
        names = ", ".join(APPLICANT_TYPES.get(c, c) for c in sorted(listed)[:3])
        more = "" if len(listed) <= 3 else f" and {len(listed) - 3} more"
        return f"Check eligibility: open to {names}{more}"

    def _explain(
        self,
        row: int,
        score: float,
        fits: bool | None,
        days_left: int | None,
        query: sparse.csr_matrix,
        types: set[str],
    ) -> FundingMatch:
        o = self.opportunities_[row]
        reasons: list[str] = []
        if fits:
            if o.award_ceiling is not None:
                reasons.append(f"Award size fits: up to {_money(o.award_ceiling)}")
            else:
                reasons.append(f"Award size fits: from {_money(o.award_floor or 0.0)}")
        elif fits is False:
            reasons.append("Award size differs from what you want")
        if self.boost_[row] > 0:
            reasons.append("Priority cyber/AI security program")
        if o.status.lower() == "forecasted":
            reasons.append("Forecasted: not open for applications yet")
        if days_left is not None and days_left < self.prep_days:
            reasons.append(f"Closes in {days_left} days: little time to prepare")
        return FundingMatch(
            id=o.id,
            title=o.title,
            agency=o.agency,
            score=score,
            matched_terms=self._matched_terms(row, query),
            assistance_listings=o.assistance_listings,
            award_floor=o.award_floor,
            award_ceiling=o.award_ceiling,
            close_date=o.close_date,
            close_label=o.close_date.isoformat() if o.close_date else "rolling",
            days_left=days_left,
            eligibility_note=self._eligibility_note(o, types),
            status=o.status,
            url=o.url,
            reasons=reasons,
        )


def opportunities_from_records(records: Iterable[Any]) -> list[Opportunity]:
    """Opportunities from FundingRecord-like objects or mappings."""
    return [Opportunity.from_record(r) for r in records]
