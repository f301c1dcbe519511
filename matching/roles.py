"""Rank the 41 NICE work roles for a resume or job posting, with calibrated 0-100 scores.

The model is a scikit-learn pipeline whose every step is parameterised by the catalog::

    Pipeline([
        ("features", FeatureUnion([
            ("skills", SkillProfiler(catalog)),         # text -> doc x skill (credited mentions)
            ("text", RoleTextSimilarity(catalog)),      # text -> doc x role TF-IDF cosine
        ])),
        ("rank", RoleRanker(catalog)),                  # -> doc x role calibrated probability
    ])

`RoleRanker` scores each role from (a) skill overlap: cosine between the text's credited
skills and the role's weighted skills, both scaled by skill *specificity* (a skill shared by
many roles says less), and (b) text similarity to the role's name, description and NICE
statements. Calibration is a logistic (Platt) model over that raw score, its share of the
text's best score and two evidence terms (the weight of the role's skills found, and of all
cyber skills found), so text similarity alone cannot lift a text with no cyber skills to a
match. It is fitted on pseudo-documents generated from the catalog itself (see
`make_pseudo_corpus`): sampled skill aliases and description sentences with noise, role
mixtures, and non-cyber filler as negatives. Hand-labelled texts (OPM staff's overrides of
job classifications) can be added to that corpus, weighted: `RoleMatcher.fit(X, y)`. With none,
the model is exactly the catalog-only one.

`RoleMatcher` wraps the pipeline for the site: `rank(text)` returns `RoleMatch` objects with
the score, the evidence spans, the role's most important missing skills and its
certifications.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import normalize
from sklearn.utils.validation import check_is_fitted

from matching.catalog import CatalogSpec, RoleSpec, SkillSpec
from matching.extract import SkillExtractor, SkillMention
from matching.sections import LIST_WEIGHT, Layout, layout
from matching.titles import TitleReader

DEFAULT_GENERAL_SKILLS = Path(__file__).resolve().parent.parent / "data" / "general_skills.yaml"

# A role "matches" when its calibrated score reaches this. Revisited on the enlarged dev set
# (matching/devset/*.jsonl: 229 cyber texts, 119 negatives) with `python -m matching.evaluate`
# after the title, layout and domain-gate signals: the sweep of the top score per text gave
# 50-55 -> 93.0% of cyber texts matched / 4.2% false matches, 60-75 -> 92.6-90.8% / 3.4%
# (a plateau), 80 -> 89.1% / 2.5%, 90 -> 60.3% / 0.8%. 60 keeps the most cyber texts on the
# plateau (and the gate's scale of 0.5 keeps gated texts under 50). The dev set picked this
# number, so the figures are optimistic for new text.
MATCH_THRESHOLD = 60.0

# How far a title lifts its role toward 100 (see RoleRanker): a title-only text scores
# TITLE_LIFT x 100 for the role its title names.
TITLE_LIFT = 0.85
# Cyber evidence a text needs (besides an IT or cyber title) for any role to reach a match,
# and the factor applied to every score of a text without it (see RoleRanker).
MIN_CYBER_EVIDENCE = 4.0
GATE_SCALE = 0.5

_NON_EVIDENCE_KINDS = frozenset({"certification", "clearance"})
_PRODUCT_KINDS = frozenset({"tool", "platform"})
_PROFICIENCY_ORDER = {"advanced": 0, "intermediate": 1, "basic": 2, None: 3}


# -- helpers ----------------------------------------------------------------------------------


def role_document(role: RoleSpec) -> str:
    """The text a role is compared with: its name, description and NICE statements."""
    return "\n".join([role.name, role.description, *role.statements])


def skill_specificity(catalog: CatalogSpec) -> np.ndarray:
    """Smoothed IDF over roles: log((1 + n_roles) / (1 + roles linked to the skill)) + 1."""
    n_roles = len(catalog.roles)
    role_ids = {r.id for r in catalog.roles}
    df = np.array([sum(1 for r in s.roles if r in role_ids) for s in catalog.skills], float)
    return np.log((1.0 + n_roles) / (1.0 + df)) + 1.0


def role_skill_matrix(catalog: CatalogSpec) -> np.ndarray:
    """(n_skills, n_roles) lexicon weights (1.0 core, 0.6 common, 0.3 helpful, 0 absent)."""
    index = {r.id: j for j, r in enumerate(catalog.roles)}
    matrix = np.zeros((len(catalog.skills), len(catalog.roles)))
    for i, skill in enumerate(catalog.skills):
        for role_id, weight in skill.roles.items():
            if role_id in index:
                matrix[i, index[role_id]] = float(weight)
    return matrix


@lru_cache(maxsize=8)
def load_general_skills(path: Path = DEFAULT_GENERAL_SKILLS) -> frozenset[str]:
    """The skill ids of data/general_skills.yaml (every group): no cyber evidence alone."""
    doc = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    return frozenset(str(i) for ids in doc.values() for i in (ids or ()))


def visible_mentions(lines: Layout, mentions: Sequence[SkillMention]) -> list[SkillMention]:
    """The mentions outside text `lines` blanked as repeated (all of them when none is)."""
    text = lines.text
    return [m for m in mentions if text[m.start : m.end] == m.text]


def skill_features(
    counts: sparse.csr_matrix, listed: np.ndarray | None = None
) -> sparse.csr_matrix:
    """SkillProfiler's cells from mention counts: w x (1 + log(count)).

    `counts` is a canonical CSR (sorted indices, no duplicates); `listed`, aligned with its
    `data`, is True where the skill is named only in skills lists (w = LIST_WEIGHT), else
    w = 1. The one place the weighting lives: the fast path of `matching.jobs` uses it too.
    """
    out = counts.astype(float, copy=True)
    out.data = 1.0 + np.log(out.data)
    if listed is not None and listed.any():
        out.data[listed] *= LIST_WEIGHT
    return out


def _require_catalog(catalog: CatalogSpec | None, owner: str) -> CatalogSpec:
    if catalog is None:
        raise ValueError(f"{owner} needs a catalog (a matching.catalog.CatalogSpec)")
    return catalog


def _as_texts(X: Iterable[str] | str) -> list[str]:
    if isinstance(X, str):
        raise TypeError("expected an iterable of texts, got a single string")
    return ["" if x is None else str(x) for x in X]


# -- pipeline steps ---------------------------------------------------------------------------


class SkillProfiler(TransformerMixin, BaseEstimator):
    """Texts -> sparse (n_texts, n_skills) matrix of credited skill mentions.

    A cell holds w x (1 + log(count)) for a skill the text credits (negated or aspirational
    mentions do not count), 0 otherwise. Columns follow `catalog.skills`. Repeated lines and
    sentences are blanked first (`matching.sections.layout`), so a text pasted twice counts
    each mention once; w is 1 when the skill is named in experience, duties or prose, and
    `matching.sections.LIST_WEIGHT` when it is named only in a skills list.
    """

    def __init__(self, catalog: CatalogSpec | None = None, fuzzy: bool = True) -> None:
        self.catalog = catalog
        self.fuzzy = fuzzy

    def fit(self, X: Any = None, y: Any = None) -> SkillProfiler:
        """Compile the lexicon. The texts are not needed: the catalog defines the skills."""
        catalog = _require_catalog(self.catalog, "SkillProfiler")
        self.extractor_ = SkillExtractor(catalog, fuzzy=self.fuzzy)
        self.skill_ids_ = np.array([s.id for s in catalog.skills], dtype=object)
        self.skill_index_ = {s.id: i for i, s in enumerate(catalog.skills)}
        self.n_features_out_ = len(self.skill_ids_)
        return self

    def extract(self, text: str) -> list[SkillMention]:
        """Skill mentions in one text (for explanations)."""
        check_is_fitted(self, "extractor_")
        return self.extractor_.extract(text or "")

    def mentions_to_matrix(
        self,
        mentions: Sequence[Sequence[SkillMention]],
        layouts: Sequence[Layout] | None = None,
    ) -> sparse.csr_matrix:
        """The transform's output for already-extracted mentions (one list per text).

        With `layouts` (one per text), each skill weighs its best line's weight.
        """
        check_is_fitted(self, "extractor_")
        cols: list[int] = []
        vals: list[int] = []
        listed: list[bool] = []
        indptr = [0]
        for row, doc in enumerate(mentions):
            counts: dict[int, int] = {}
            unlisted: set[int] = set()
            lines = layouts[row] if layouts is not None else None
            for m in doc:
                if m.credited:
                    col = self.skill_index_[m.skill_id]
                    counts[col] = counts.get(col, 0) + 1
                    if lines is None or lines.weight_at(m.start) >= 1.0:
                        unlisted.add(col)
            for col in sorted(counts):
                cols.append(col)
                vals.append(counts[col])
                listed.append(col not in unlisted)
            indptr.append(len(cols))
        counts_matrix = sparse.csr_matrix(
            (np.array(vals, dtype=float), np.array(cols, dtype=np.int32), indptr),
            shape=(len(mentions), self.n_features_out_),
        )
        return skill_features(counts_matrix, np.array(listed, dtype=bool))

    def transform(self, X: Iterable[str]) -> sparse.csr_matrix:
        check_is_fitted(self, "extractor_")
        layouts = [layout(t) for t in _as_texts(X)]
        return self.mentions_to_matrix([self.extractor_.extract(x.text) for x in layouts], layouts)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        check_is_fitted(self, "skill_ids_")
        return np.array([f"skill:{s}" for s in self.skill_ids_], dtype=object)


def mask_uncredited(text: str, mentions: Sequence[SkillMention]) -> str:
    """`text` with negated or aspirational skill mentions blanked out (offsets unchanged)."""
    parts, last = [], 0
    for m in mentions:
        if not m.credited and m.start >= last:
            parts += [text[last : m.start], " " * (m.end - m.start)]
            last = m.end
    return "".join([*parts, text[last:]]) if parts else text


class RoleTextSimilarity(TransformerMixin, BaseEstimator):
    """Texts -> dense (n_texts, n_roles) cosine similarity to each role's document.

    TF-IDF (word 1-2 grams, sublinear tf, English stop words) fitted on the role documents
    (name + description + statements), so the vocabulary is the catalog's own language.
    With `mask_negated`, skills the text denies or only hopes for ("no experience with
    penetration testing") are blanked first, so they do not count as text evidence either.
    """

    def __init__(
        self,
        catalog: CatalogSpec | None = None,
        ngram_range: tuple[int, int] = (1, 2),
        sublinear_tf: bool = True,
        stop_words: str | None = "english",
        mask_negated: bool = True,
    ) -> None:
        self.catalog = catalog
        self.ngram_range = ngram_range
        self.sublinear_tf = sublinear_tf
        self.stop_words = stop_words
        self.mask_negated = mask_negated

    def fit(self, X: Any = None, y: Any = None) -> RoleTextSimilarity:
        """Fit the vectorizer on the role documents (the texts in X are not used)."""
        catalog = _require_catalog(self.catalog, "RoleTextSimilarity")
        docs = [role_document(r) for r in catalog.roles]
        self.vectorizer_ = TfidfVectorizer(
            ngram_range=self.ngram_range,
            sublinear_tf=self.sublinear_tf,
            stop_words=self.stop_words,
            strip_accents="unicode",
            token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z0-9+#&]+\b",
        )
        self.role_matrix_ = normalize(self.vectorizer_.fit_transform(docs)).T.tocsc()
        self.role_ids_ = np.array([r.id for r in catalog.roles], dtype=object)
        self.extractor_ = SkillExtractor(catalog) if self.mask_negated else None
        return self

    def transform(self, X: Iterable[str]) -> np.ndarray:
        """Similarities of the texts with repeated lines blanked (`matching.sections`)."""
        check_is_fitted(self, "vectorizer_")
        texts = [layout(t).text for t in _as_texts(X)]
        mentions = [self.extractor_.extract(t) for t in texts] if self.extractor_ else None
        return self.transform_with_mentions(texts, mentions)

    def transform_with_mentions(
        self, texts: Sequence[str], mentions: Sequence[Sequence[SkillMention]] | None
    ) -> np.ndarray:
        """`transform` reusing mentions already extracted from the same texts."""
        check_is_fitted(self, "vectorizer_")
        if self.mask_negated and mentions is not None:
            texts = [mask_uncredited(t, m) for t, m in zip(texts, mentions, strict=True)]
        docs = normalize(self.vectorizer_.transform(list(texts)))
        return np.asarray((docs @ self.role_matrix_).todense())

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        check_is_fitted(self, "role_ids_")
        return np.array([f"text:{r}" for r in self.role_ids_], dtype=object)


class RoleRanker(BaseEstimator):
    """[skill matrix | text similarities | title evidence] -> calibrated per-role probability.

    `fit(X, Y)`: X is the FeatureUnion output (n, n_skills + n_roles + n_roles + 1; the title
    columns of `matching.titles.TitleReader` may be left out); Y is an (n, n_roles)
    0/1 matrix, 1 where the role fits the text (pseudo-documents from the catalog; a row of
    zeros is a text that fits no role). The role profiles come from the catalog; only the
    calibration is learned from (X, Y).

    - `decision_function(X)`: raw scores, (1 - text_weight) x skill cosine + text_weight x
      text similarity;
    - `predict_proba(X)`: calibrated probability per role (independent per role, not a
      distribution over roles), then two effects the calibration does not learn:
      1. *title lift*: p + (1 - p) x `title_lift` x t, with t the role's title evidence
         (0-1), so a title a text stands under weighs more than any skills list; a title
         that is not IT or cyber by itself (``it: false`` in data/titles.yaml) lifts only
         when the text has cyber evidence (below);
      2. *domain gate*: a text whose cyber evidence, the specificity-weighted sum of the
         distinct lexicon skills it credits that are not general domain skills
         (data/general_skills.yaml: management, legal, plant operations, audit, physical
         security, training, office), stays under `min_evidence`, and that has no IT or
         cyber title, has every probability multiplied by `gate_scale` (order kept), so
         management, legal, operations or sales language alone never reaches
         MATCH_THRESHOLD (SCADA, PLC and DCS are operations words, legal research is legal
         work: the OT and legal roles need cyber evidence beside them);
    - `predict(X)`: best role id per text; `score(X, Y)`: share of texts whose best role is a
      fitting one.
    """

    def __init__(
        self,
        catalog: CatalogSpec | None = None,
        text_weight: float = 0.35,
        C: float = 1.0,
        title_lift: float = TITLE_LIFT,
        min_evidence: float = MIN_CYBER_EVIDENCE,
        gate_scale: float = GATE_SCALE,
        general_skills_path: str | Path | None = None,
    ) -> None:
        self.catalog = catalog
        self.text_weight = text_weight
        self.C = C
        self.title_lift = title_lift
        self.min_evidence = min_evidence
        self.gate_scale = gate_scale
        self.general_skills_path = general_skills_path

    def fit(self, X: Any, Y: Any, sample_weight: Any = None) -> RoleRanker:
        """Fit the calibration; `sample_weight` (one weight per text) weighs its rows."""
        catalog = _require_catalog(self.catalog, "RoleRanker")
        self.role_ids_ = np.array([r.id for r in catalog.roles], dtype=object)
        self.n_skills_ = len(catalog.skills)
        general = load_general_skills(Path(self.general_skills_path or DEFAULT_GENERAL_SKILLS))
        self.specificity_ = skill_specificity(catalog)
        # Cyber evidence: distinct credited skills that are not general domain skills (see
        # the class docstring), scaled by specificity.
        self.cyber_weights_ = self.specificity_ * np.array(
            [s.id not in general for s in catalog.skills], dtype=float
        )
        self.role_weights_ = role_skill_matrix(catalog)
        profile = self.role_weights_ * self.specificity_[:, None]
        self.role_profiles_ = profile / np.linalg.norm(profile, axis=0, keepdims=True).clip(1e-12)
        # Evidence counts only skills that belong to some role, scaled by specificity.
        self.evidence_weights_ = self.specificity_ * (self.role_weights_.max(axis=1) > 0)
        Y = np.asarray(Y, dtype=int)
        if Y.shape != (X.shape[0], len(self.role_ids_)):
            raise ValueError(f"Y must be (n_texts, {len(self.role_ids_)}), got {Y.shape}")
        features = self._calibration_features(X)
        weights = None
        if sample_weight is not None:
            sample_weight = np.asarray(sample_weight, dtype=float).ravel()
            if sample_weight.shape != (X.shape[0],):
                raise ValueError(f"sample_weight must have {X.shape[0]} values")
            # Rows are (text, role) pairs, a text's roles together: each text's weight repeats.
            weights = np.repeat(sample_weight, len(self.role_ids_))
        self.calibrator_ = LogisticRegression(C=self.C, max_iter=1000)
        self.calibrator_.fit(
            features.reshape(-1, features.shape[-1]), Y.ravel(), sample_weight=weights
        )
        return self

    def _split(self, X: Any) -> tuple[sparse.csr_matrix, np.ndarray]:
        X = sparse.csr_matrix(X)
        n_roles = len(self.role_ids_)
        if X.shape[1] not in (self.n_skills_ + n_roles, self.n_skills_ + 2 * n_roles + 1):
            raise ValueError(
                f"expected {self.n_skills_ + n_roles} or {self.n_skills_ + 2 * n_roles + 1} "
                f"columns, got {X.shape[1]}"
            )
        skills = X[:, : self.n_skills_]
        text = np.asarray(X[:, self.n_skills_ : self.n_skills_ + n_roles].todense())
        return skills, text

    def _titles(self, X: Any) -> tuple[np.ndarray, np.ndarray]:
        """(title evidence (n, n_roles), IT-title flag (n,)); zeros without title columns."""
        X = sparse.csr_matrix(X)
        n_roles = len(self.role_ids_)
        start = self.n_skills_ + n_roles
        if X.shape[1] == start:
            return np.zeros((X.shape[0], n_roles)), np.zeros(X.shape[0], dtype=bool)
        titles = np.asarray(X[:, start:].todense())
        return titles[:, :n_roles], titles[:, n_roles] > 0

    def cyber_evidence(self, X: Any) -> np.ndarray:
        """(n,) specificity-weighted sum of the distinct non-general skills credited."""
        check_is_fitted(self, "cyber_weights_")
        skills, _ = self._split(X)
        present = skills.copy()
        present.data = (present.data > 0).astype(float)  # listed or described: present
        return np.asarray(present @ self.cyber_weights_).ravel()

    def _parts(self, X: Any) -> dict[str, np.ndarray]:
        skills, text = self._split(X)
        weighted = skills.multiply(self.specificity_[None, :]).tocsr()
        norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1))).ravel()
        skill_cos = np.asarray(weighted @ self.role_profiles_) / norms.clip(1e-12)[:, None]
        role_evidence = np.asarray(weighted @ self.role_weights_)
        evidence = np.asarray(skills @ self.evidence_weights_).ravel()
        raw = (1.0 - self.text_weight) * skill_cos + self.text_weight * text
        return {
            "raw": raw,
            "role_evidence": role_evidence,
            "evidence": evidence,
        }

    def _calibration_features(self, X: Any) -> np.ndarray:
        """(n_texts, n_roles, 4): raw score, share of the text's best, log evidence terms."""
        parts = self._parts(X)
        raw = parts["raw"]
        best = raw.max(axis=1, keepdims=True).clip(1e-12)
        n, r = raw.shape
        return np.stack(
            [
                raw,
                raw / best,
                np.log1p(parts["role_evidence"]),
                np.broadcast_to(np.log1p(parts["evidence"])[:, None], (n, r)),
            ],
            axis=-1,
        )

    def decision_function(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "calibrator_")
        return self._parts(X)["raw"]

    def calibrated_proba(self, X: Any) -> np.ndarray:
        """The calibration's probabilities alone (no title lift, no domain gate)."""
        check_is_fitted(self, "calibrator_")
        features = self._calibration_features(X)
        n, r, f = features.shape
        return self.calibrator_.predict_proba(features.reshape(-1, f))[:, 1].reshape(n, r)

    def predict_proba(self, X: Any) -> np.ndarray:
        X = sparse.csr_matrix(X)  # once: the three reads below share it
        proba = self.calibrated_proba(X)
        titles, it_title = self._titles(X)
        has_cyber = self.cyber_evidence(X) >= self.min_evidence
        lift = (it_title | has_cyber)[:, None] * titles
        proba = proba + (1.0 - proba) * self.title_lift * lift
        proba[~(it_title | has_cyber)] *= self.gate_scale
        return proba

    def predict(self, X: Any) -> np.ndarray:
        proba = self.predict_proba(X)
        return self.role_ids_[np.argmax(proba, axis=1)]

    def score(self, X: Any, Y: Any) -> float:
        proba = self.predict_proba(X)
        Y = np.asarray(Y)
        top = np.argmax(proba, axis=1)
        return float(np.mean(Y[np.arange(len(top)), top] > 0))


def build_pipeline(catalog: CatalogSpec, text_weight: float = 0.35, C: float = 1.0) -> Pipeline:
    """The unfitted model: FeatureUnion(skills, text similarity, titles) -> RoleRanker."""
    return Pipeline(
        [
            (
                "features",
                FeatureUnion(
                    [
                        ("skills", SkillProfiler(catalog=catalog)),
                        ("text", RoleTextSimilarity(catalog=catalog)),
                        ("titles", TitleReader(catalog=catalog)),
                    ]
                ),
            ),
            ("rank", RoleRanker(catalog=catalog, text_weight=text_weight, C=C)),
        ]
    )


# -- pseudo-documents for calibration ---------------------------------------------------------

# Generic working-life sentences that say nothing about cyber work (our own words).
_GENERIC_LINES = (
    "Strong written and verbal communication skills.",
    "Team player who works well under pressure and meets deadlines.",
    "Mentored junior staff and shared lessons learned with the team.",
    "Prepared weekly status updates for management.",
    "Collaborated with stakeholders across several departments.",
    "Recognized with a performance award for customer focus.",
    "Detail oriented, organized and dependable.",
    "Supported leadership with briefings and written summaries.",
    "Coordinated schedules, meetings and travel for a busy office.",
    "Volunteer tutor at the public library on weekends.",
    "Completed the annual ethics and records training.",
    "Reliable self-starter who learns quickly.",
    "Worked closely with vendors to resolve open issues.",
    "Bilingual in English and Spanish.",
    "Responsible for onboarding new team members.",
)
# Non-cyber work, for negatives: a text like these must not match any role.
_OFF_DOMAIN_LINES = (
    "Registered nurse providing bedside care to adult patients.",
    "Administered medications and monitored vital signs on a busy ward.",
    "Educated patients and families about discharge instructions.",
    "Taught fifth grade math and reading to classes of 28 students.",
    "Designed lesson plans aligned with state standards and graded homework.",
    "Led parent-teacher conferences and after-school tutoring.",
    "Prepared and plated dishes for a 120-seat restaurant.",
    "Managed kitchen inventory, food costs and health inspections.",
    "Trained line cooks on knife skills and food safety.",
    "Drove regional delivery routes with a clean driving record.",
    "Loaded and unloaded freight and completed delivery paperwork.",
    "Prepared monthly financial statements and reconciled accounts.",
    "Processed payroll and accounts payable for 200 employees.",
    "Assisted customers on the sales floor and handled returns.",
    "Opened and closed the store and balanced the cash drawer.",
    "Exceeded quarterly sales targets by building client relationships.",
    "Planned social media campaigns and wrote marketing copy.",
    "Recruited, interviewed and onboarded hourly staff.",
    "Framed walls, hung drywall and read blueprints on residential jobs.",
    "Diagnosed and repaired engines, brakes and suspensions.",
    "Filled prescriptions and counseled patients on drug interactions.",
    "Designed logos, brochures and print layouts for local clients.",
    "Answered customer calls and resolved billing questions.",
    "Scheduled appointments and greeted visitors at the front desk.",
    "Operated forklifts and kept the warehouse clean and organized.",
    "Groomed dogs and cats and advised owners on pet care.",
    "Managed a hotel front desk team and guest complaints.",
    "Coached the varsity soccer team to a regional title.",
    "Performed laboratory tests on blood and tissue samples.",
    "Wrote news stories and edited copy on deadline.",
)
_SKILL_TEMPLATES = (
    "Experience with {}.",
    "Skills: {}.",
    "Used {} in daily work.",
    "Hands-on work with {}.",
    "Responsible for {}.",
    "Knowledge of {} is required.",
    "Duties include {}.",
    "Proficient in {}.",
    "{}",
)
_TITLE_SUFFIXES = ("Specialist", "Analyst", "Manager", "Lead", "Engineer", "Officer", "")


def _skill_surfaces(skill: SkillSpec) -> list[str]:
    return [skill.name, *skill.aliases, *skill.case_sensitive_aliases]


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()]


def make_pseudo_corpus(
    catalog: CatalogSpec,
    n_per_role: int = 24,
    n_negative: int = 320,
    random_state: int = 0,
    look_alike: float = 0.3,
) -> tuple[list[str], np.ndarray]:
    """Synthetic labelled texts from the catalog alone, for calibration.

    Positives sample a role's skills (core skills more often) in varied surface forms and
    sentence frames, some of its description sentences with words dropped, sometimes its
    title, plus off-role skills and generic filler; a third mix in a second role (labelled
    too). Negatives are non-cyber work sentences with a few stray skills at most.
    Returns (texts, Y) with Y an (n_texts, n_roles) 0/1 matrix.
    """
    rng = np.random.default_rng(random_state)
    roles = catalog.roles
    role_index = {r.id: j for j, r in enumerate(roles)}
    weights = role_skill_matrix(catalog)
    skills = catalog.skills
    surfaces = [_skill_surfaces(s) for s in skills]
    # Skills with links to many roles are the "stray" skills of ordinary resumes.
    spread = (weights > 0).sum(axis=1).astype(float)
    stray_p = spread / spread.sum()

    def pick_skills(j: int, k: int) -> list[str]:
        col = weights[:, j]
        idx = np.flatnonzero(col)
        p = col[idx] ** 2
        chosen = rng.choice(idx, size=min(k, len(idx)), replace=False, p=p / p.sum())
        return [surfaces[i][rng.integers(len(surfaces[i]))] for i in chosen]

    def skill_lines(names: list[str]) -> list[str]:
        lines, pos = [], 0
        while pos < len(names):
            size = int(rng.integers(1, 5))
            template = _SKILL_TEMPLATES[rng.integers(len(_SKILL_TEMPLATES))]
            lines.append(template.format(_join(names[pos : pos + size])))
            pos += size
        return lines

    def description_lines(role: RoleSpec) -> list[str]:
        sentences = _sentences(role.description) + list(role.statements)
        k = int(rng.integers(0, 3))
        out = []
        for s in rng.choice(sentences, size=min(k, len(sentences)), replace=False):
            words = [w for w in str(s).split() if rng.random() > 0.3]
            out.append(" ".join(words))
        return out

    def filler(pool: Sequence[str], k: int) -> list[str]:
        return [pool[i] for i in rng.choice(len(pool), size=min(k, len(pool)), replace=False)]

    texts: list[str] = []
    labels: list[list[int]] = []
    for j, role in enumerate(roles):
        for _ in range(n_per_role):
            lines: list[str] = []
            label = [j]
            if rng.random() < 0.4:
                suffix = _TITLE_SUFFIXES[rng.integers(len(_TITLE_SUFFIXES))]
                lines.append(f"{role.name} {suffix}".strip())
            lines += description_lines(role)
            names = pick_skills(j, int(rng.integers(2, 14)))
            if rng.random() < 0.33:
                same_cat = [role_index[r.id] for r in roles if r.category == role.category]
                other = int(rng.choice([o for o in (same_cat or range(len(roles))) if o != j]))
                names += pick_skills(other, int(rng.integers(3, 9)))
                label.append(other)
                lines += description_lines(roles[other])
            n_stray = int(rng.integers(0, 4))
            for i in rng.choice(len(skills), size=n_stray, replace=False, p=stray_p):
                names.append(surfaces[i][rng.integers(len(surfaces[i]))])
            rng.shuffle(names)
            lines += skill_lines(names)
            lines += filler(_GENERIC_LINES, int(rng.integers(0, 5)))
            rng.shuffle(lines)
            texts.append("\n".join(lines))
            labels.append(label)
    for _ in range(n_negative):
        lines = filler(_OFF_DOMAIN_LINES, int(rng.integers(2, 9)))
        lines += filler(_GENERIC_LINES, int(rng.integers(0, 4)))
        n_stray = int(rng.choice([0, 0, 1, 1, 2, 3]))
        names = [
            surfaces[i][rng.integers(len(surfaces[i]))]
            for i in rng.choice(len(skills), size=n_stray, replace=False, p=stray_p)
        ]
        if rng.random() < look_alike:
            # A look-alike: ordinary work that happens to share a couple of one role's words.
            names += pick_skills(int(rng.integers(len(roles))), int(rng.integers(1, 3)))
        lines += skill_lines(names)
        rng.shuffle(lines)
        texts.append("\n".join(lines))
        labels.append([])
    Y = np.zeros((len(texts), len(roles)), dtype=int)
    for row, label in enumerate(labels):
        Y[row, label] = 1
    return texts, Y


def labelled_examples(
    catalog: CatalogSpec, X: Iterable[str] | None, y: Any
) -> tuple[list[str], np.ndarray]:
    """(texts, Y) of labelled texts X with role-id lists y, as `make_pseudo_corpus` returns.

    Unknown role ids are ignored; texts with no known role are left out.
    """
    index = {r.id: j for j, r in enumerate(catalog.roles)}
    if X is None:
        if y is not None:
            raise ValueError("y (role-id lists) given without the texts X")
        return [], np.zeros((0, len(index)), dtype=int)
    texts = _as_texts(X)
    if y is None:
        raise ValueError("labelled texts X need y: one list of work-role ids per text")
    labels = list(y)
    if len(labels) != len(texts):
        raise ValueError(f"y must give one role list per text ({len(texts)}), got {len(labels)}")
    kept: list[str] = []
    rows: list[list[int]] = []
    for text, roles in zip(texts, labels, strict=True):
        if isinstance(roles, str):
            raise TypeError("each y must be a list of role ids, got a single string")
        known = [index[r] for r in roles if r in index]
        if known:
            kept.append(text)
            rows.append(known)
    Y = np.zeros((len(kept), len(index)), dtype=int)
    for row, known in enumerate(rows):
        Y[row, known] = 1
    return kept, Y


# -- the public matcher -----------------------------------------------------------------------


@dataclass(frozen=True)
class RoleMatch:
    """One ranked work role with its evidence."""

    id: str
    name: str
    opm_code: str | None
    score: float  # calibrated 0-100, one decimal
    matched: list[dict[str, Any]] = field(default_factory=list)
    missing: list[dict[str, Any]] = field(default_factory=list)
    certifications: list[dict[str, Any]] = field(default_factory=list)

    @property
    def is_match(self) -> bool:
        return self.score >= MATCH_THRESHOLD

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class RoleRanking(list[RoleMatch]):
    """A ranked list of RoleMatch with `tied`: every role scored the same (e.g. all 0).

    A tied ranking's order is only catalog order, so callers must not present it as a
    ranking: say "no confident match" instead.
    """

    tied: bool = False


TIE_SPREAD = 1.0  # scores closer than this (max - min over all roles) count as tied


class RoleMatcher(BaseEstimator):
    """The fitted pipeline plus the catalog lookups that explain a ranking.

    `fit()` generates the pseudo-corpus from the catalog and fits the pipeline; it needs no
    data. `fit(X, y)` adds labelled texts X (e.g. job postings whose work roles OPM staff set)
    with y their role-id lists, primary first, to the pseudo-corpus, each weighing
    `labelled_weight` pseudo-documents. Use `build_role_matcher(catalog)` for a fitted
    instance.
    """

    def __init__(
        self,
        catalog: CatalogSpec | None = None,
        text_weight: float = 0.35,
        C: float = 1.0,
        n_per_role: int = 24,
        n_negative: int = 320,
        random_state: int = 0,
        max_missing: int = 8,
        labelled_weight: float = 5.0,
    ) -> None:
        self.catalog = catalog
        self.text_weight = text_weight
        self.C = C
        self.n_per_role = n_per_role
        self.n_negative = n_negative
        self.random_state = random_state
        self.max_missing = max_missing
        self.labelled_weight = labelled_weight

    def fit(self, X: Iterable[str] | None = None, y: Any = None) -> RoleMatcher:
        """Fit on the catalog's pseudo-corpus, plus the labelled texts X (roles y) if given.

        Role ids of y the catalog does not know are ignored, and a text left with no known
        role is dropped (it would otherwise teach that the text fits no role).
        """
        catalog = _require_catalog(self.catalog, "RoleMatcher")
        texts, Y = make_pseudo_corpus(catalog, self.n_per_role, self.n_negative, self.random_state)
        labelled_texts, labelled_Y = labelled_examples(catalog, X, y)
        self.n_labelled_ = len(labelled_texts)
        params: dict[str, Any] = {}
        if labelled_texts:  # none: the very same fit as the catalog-only model
            weights = np.ones(len(texts) + len(labelled_texts))
            weights[len(texts) :] = self.labelled_weight
            texts, Y = texts + labelled_texts, np.vstack([Y, labelled_Y])
            params["rank__sample_weight"] = weights
        self.pipeline_ = build_pipeline(catalog, self.text_weight, self.C).fit(texts, Y, **params)
        features = self.pipeline_.named_steps["features"]
        self.profiler_: SkillProfiler = features.transformer_list[0][1]
        self.text_similarity_: RoleTextSimilarity = features.transformer_list[1][1]
        self.title_reader_: TitleReader = features.transformer_list[2][1]
        self.ranker_: RoleRanker = self.pipeline_.named_steps["rank"]
        self.roles_ = catalog.roles
        self._index_catalog(catalog)
        return self

    def _index_catalog(self, catalog: CatalogSpec) -> None:
        spec = self.ranker_.specificity_
        weights = self.ranker_.role_weights_
        self.strength_ = weights * spec[:, None]  # (n_skills, n_roles): weight x specificity
        self.missing_candidates_: list[list[int]] = []
        for j in range(len(catalog.roles)):
            idx = [
                i
                for i in np.flatnonzero(weights[:, j] >= 0.6).tolist()
                if catalog.skills[i].kind not in _NON_EVIDENCE_KINDS
            ]
            # Practices before products: a SOC analyst fluent in CrowdStrike is not "missing"
            # every other EDR brand, but may well be missing detection engineering.
            idx.sort(
                key=lambda i: (
                    catalog.skills[i].kind in _PRODUCT_KINDS,
                    -self.strength_[i, j],
                    catalog.skills[i].id,
                )
            )
            self.missing_candidates_.append(idx)
        self.role_certifications_: list[list[tuple[str, str, str, str | None]]] = []
        for role in catalog.roles:
            certs = [
                (c.id, c.acronym, c.name, c.roles[role.id])
                for c in catalog.certifications
                if role.id in c.roles
            ]
            certs.sort(key=lambda c: (_PROFICIENCY_ORDER.get(c[3], 3), c[1].lower(), c[0]))
            self.role_certifications_.append(certs)

    # -- scoring ------------------------------------------------------------------------------

    def extract(self, text: str) -> list[SkillMention]:
        """Skill mentions in a text (all of them, credited or not)."""
        check_is_fitted(self, "pipeline_")
        return self.profiler_.extract(text)

    def _features(
        self, texts: list[str], mentions: list[list[SkillMention]], layouts: list[Layout]
    ) -> Any:
        """The pipeline's features; each text's layout is read once and shared by the steps."""
        skills = self.profiler_.mentions_to_matrix(mentions, layouts)
        text = self.text_similarity_.transform_with_mentions([x.text for x in layouts], mentions)
        titles = self.title_reader_.transform_layouts(texts, layouts)
        return sparse.hstack([skills, sparse.csr_matrix(text), sparse.csr_matrix(titles)]).tocsr()

    def features(
        self, texts: Iterable[str], mentions: Sequence[Sequence[SkillMention]] | None = None
    ) -> Any:
        """The RoleRanker input for texts (mentions from `extract`, when already known)."""
        check_is_fitted(self, "pipeline_")
        texts = _as_texts(texts)
        layouts = [layout(t) for t in texts]
        if mentions is None:
            found = [self.profiler_.extract(x.text) for x in layouts]
        else:
            if len(mentions) != len(texts):
                raise ValueError("mentions must give one list per text")
            found = [visible_mentions(x, m) for x, m in zip(layouts, mentions, strict=True)]
        return self._features(texts, found, layouts)

    def score_texts(self, texts: Iterable[str]) -> np.ndarray:
        """(n_texts, n_roles) calibrated scores 0-100 (unrounded), columns in catalog order."""
        return 100.0 * self.ranker_.predict_proba(self.features(texts))

    def rank(
        self,
        text: str,
        top_k: int | None = 5,
        mentions: Sequence[SkillMention] | None = None,
    ) -> RoleRanking:
        """The best `top_k` roles for one text (all roles when top_k is None); `.tied` says
        every role scored the same (see RoleRanking).

        `mentions`, when the caller already has `extract(text)`, saves extracting again.
        """
        given = None if mentions is None else [list(mentions)]
        return self.rank_many([text], top_k, mentions=given)[0]

    def rank_many(
        self,
        texts: Iterable[str],
        top_k: int | None = 5,
        mentions: Sequence[Sequence[SkillMention]] | None = None,
    ) -> list[RoleRanking]:
        """`rank` for many texts; the scoring is one vectorised pass."""
        check_is_fitted(self, "pipeline_")
        texts = _as_texts(texts)
        layouts = [layout(t) for t in texts]
        if mentions is None:
            doc_mentions_list = [self.profiler_.extract(x.text) for x in layouts]
        elif len(mentions) != len(texts):
            raise ValueError("mentions must give one list per text")
        else:
            doc_mentions_list = [
                visible_mentions(x, m) for x, m in zip(layouts, mentions, strict=True)
            ]
        features = self._features(texts, doc_mentions_list, layouts)
        scores = 100.0 * self.ranker_.predict_proba(features)
        k = scores.shape[1] if top_k is None else max(0, min(int(top_k), scores.shape[1]))
        results = []
        for row, doc_mentions in enumerate(doc_mentions_list):
            rounded = np.round(scores[row], 1)
            # Ties broken by the unrounded score, then catalog order: deterministic.
            order = sorted(range(len(rounded)), key=lambda j: (-rounded[j], -scores[row, j], j))
            ranking = RoleRanking(
                self._explain(j, float(rounded[j]), doc_mentions) for j in order[:k]
            )
            ranking.tied = bool(np.ptp(scores[row]) < TIE_SPREAD)
            results.append(ranking)
        return results

    def _explain(self, j: int, score: float, mentions: list[SkillMention]) -> RoleMatch:
        role = self.roles_[j]
        index = self.profiler_.skill_index_
        assert self.catalog is not None  # fitted: fit() requires a catalog
        skills = self.catalog.skills
        first: dict[int, SkillMention] = {}
        for m in mentions:
            i = index[m.skill_id]
            if m.credited and self.strength_[i, j] > 0 and i not in first:
                first[i] = m
        matched = [
            {
                "skill_id": m.skill_id,
                "name": skills[i].name,
                "start": m.start,
                "end": m.end,
                "text": m.text,
            }
            for i, m in sorted(
                first.items(), key=lambda kv: (-self.strength_[kv[0], j], kv[1].start)
            )
        ]
        present = {index[m.skill_id] for m in mentions if m.credited}
        missing = [
            {
                "skill_id": skills[i].id,
                "name": skills[i].name,
                "weight": float(skills[i].roles[role.id]),
            }
            for i in self.missing_candidates_[j]
            if i not in present
        ][: self.max_missing]
        held = {m.skill_id for m in mentions if m.credited and m.kind == "certification"}
        certifications = [
            {"id": cid, "acronym": acronym, "name": name, "proficiency": level, "held": cid in held}
            for cid, acronym, name, level in self.role_certifications_[j]
        ]
        certifications.sort(key=lambda c: not c["held"])  # stable: held first, then by level
        return RoleMatch(
            id=role.id,
            name=role.name,
            opm_code=role.opm_codes[0] if role.opm_codes else None,
            score=score,
            matched=matched,
            missing=missing,
            certifications=certifications,
        )


def build_role_matcher(
    catalog: CatalogSpec, X: Iterable[str] | None = None, y: Any = None, **params: Any
) -> RoleMatcher:
    """A fitted RoleMatcher for `catalog` (params as RoleMatcher's; X, y as its `fit`)."""
    return RoleMatcher(catalog=catalog, **params).fit(X, y)
