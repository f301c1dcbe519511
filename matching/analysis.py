"""A resume's analysis: work roles, eligibility facts, hiring pathways and hiring paths.

`analyse_resume` is pure: it takes the document read from the upload, the person's answers,
the fitted `RoleMatcher` (whose catalog holds the pathways) and today's date, and returns a
`ResumeAnalysis`. Facts come from the answers first, then from what the resume plainly
states; anything else stays unknown so the results page can ask for it.

`ResumeAnalysis.to_dict()` is the JSON shape stored with a match (format 1) and
`from_dict()` reads it back, so stored results round-trip through the typed result.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import date
from typing import Any

from matching.catalog import PathwaySpec
from matching.documents import Document, DocumentLimits
from matching.eligibility import FACTS, evaluate
from matching.extract import SkillMention
from matching.roles import MATCH_THRESHOLD, RoleMatch, RoleMatcher
from matching.signals import Evidence, ProfileSignals, extract_signals

RESULTS_FORMAT = 1
TOP_ROLES = 5
# Roles scoring at least this (below MATCH_THRESHOLD) are a "partial" fit, the rest "distant".
PARTIAL_FIT = 30.0
MAX_SKILLS_SHOWN = 8
MAX_CERTIFICATIONS_SHOWN = 4

# Facts the upload form asks about, as "tell us ..." phrases (stored with each pathway).
ASKED_FACTS: dict[str, str] = {
    "student": "whether you are a student",
    "years_since_graduation": "when you finished your degree or program",
    "us_citizen": "whether you are a U.S. citizen",
    "veteran": "whether you are a veteran",
    "disability_rating": "your service-connected disability rating",
    "military_spouse": "whether you are a military spouse",
    "federal_employee": "whether you work for the federal government",
    "sfs_scholar": "whether you are a CyberCorps (SFS) scholar",
}

# Facts the form never asks because only the person can judge them: a rule left undecided by
# these alone is "you may apply if ..." rather than "we cannot tell".
CONDITION_FACTS: dict[str, str] = {
    "military_kept_from_applying": (
        "if your military service kept you from applying within two years of finishing"
    ),
}
OPEN_TO_PUBLIC = "Open to the public; you would need to qualify for the job."

# A quote is the words around a match on its line: {"before", "match", "after"}.
Quote = dict[str, str]


# -- answers ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answers:
    """The optional questions as answered; None means not answered."""

    student: bool | None = None
    graduation: date | None = None  # first day of the month
    us_citizen: bool | None = None
    veteran: bool | None = None
    disability_rating: int | None = None  # 0-100 in tens
    military_spouse: bool | None = None
    federal: str | None = None  # current | former | no
    sfs_scholar: bool | None = None
    clearance: str | None = None  # none | public_trust | secret | top_secret | ts_sci
    locations: tuple[str, ...] = ()
    remote_only: bool = False

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["graduation"] = self.graduation.isoformat() if self.graduation else None
        data["locations"] = list(self.locations)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Answers:
        data = dict(data or {})
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        if known.get("graduation"):
            known["graduation"] = date.fromisoformat(known["graduation"])
        known["locations"] = tuple(known.get("locations") or ())
        return cls(**known)

    def facts(self, today: date) -> dict[str, Any]:
        """The eligibility facts these answers state (matching.eligibility.FACTS names)."""
        facts: dict[str, Any] = {}
        for name in ("student", "us_citizen", "veteran", "military_spouse", "sfs_scholar"):
            value = getattr(self, name)
            if value is not None:
                facts[name] = value
        if self.graduation is not None:
            months = (today.year * 12 + today.month) - (
                self.graduation.year * 12 + self.graduation.month
            )
            if months >= 0:
                facts["years_since_graduation"] = round(months / 12, 1)
            else:  # finishing later: kept, and enrolled now unless they said otherwise
                facts["years_until_graduation"] = round(-months / 12, 1)
                if self.student is None:
                    facts["student"] = True
        if self.disability_rating is not None:
            facts["disability_rating"] = self.disability_rating
            facts.setdefault("veteran", True)  # a service-connected rating means service
        if self.federal is not None:
            facts["federal_employee"] = self.federal == "current"
        return facts


# -- the typed result -------------------------------------------------------------------------


@dataclass
class DocumentInfo:
    """What was read: its kind, pages and how much text."""

    kind: str
    pages: int | None
    over_two_pages: bool
    characters: int
    little_text: bool

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DocumentInfo:
        return cls(
            kind=data.get("kind", ""),
            pages=data.get("pages"),
            over_two_pages=bool(data.get("over_two_pages", False)),
            characters=int(data.get("characters", 0)),
            little_text=bool(data.get("little_text", False)),
        )


@dataclass
class MatchedSkill:
    name: str
    quote: Quote


@dataclass
class Certification:
    acronym: str
    name: str
    proficiency: Any


@dataclass
class RoleResult:
    """One of the top work roles, with the resume quotes that support it."""

    id: str
    name: str
    opm_code: str | None
    score: float
    is_match: bool
    summary: str
    matched: list[MatchedSkill] = field(default_factory=list)
    matched_more: int = 0
    missing: list[str] = field(default_factory=list)
    certifications_held: list[Certification] = field(default_factory=list)
    certifications: list[Certification] = field(default_factory=list)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RoleResult:
        return cls(
            id=data["id"],
            name=data["name"],
            opm_code=data.get("opm_code"),
            score=data["score"],
            is_match=bool(data.get("is_match", False)),
            summary=data.get("summary", ""),
            matched=[MatchedSkill(m["name"], dict(m["quote"])) for m in data.get("matched", [])],
            matched_more=int(data.get("matched_more", 0)),
            missing=list(data.get("missing", [])),
            certifications_held=[Certification(**c) for c in data.get("certifications_held", [])],
            certifications=[Certification(**c) for c in data.get("certifications", [])],
        )


@dataclass
class Fact:
    """An eligibility fact and where it came from ("answer", "resume" or "derived").

    A derived fact is worked out from the others (veterans' preference from a disability
    rating); `note` says how, or shows a value better than its number (a month to come).
    """

    value: Any
    source: str
    quote: Quote | None = None
    note: str | None = None


@dataclass
class PathwayResult:
    """A hiring pathway checked against the facts, with what is still needed."""

    id: str
    name: str
    status: str
    eligibility_text: str
    official_page: str | None
    reasons: list[str] = field(default_factory=list)
    ask: list[str] = field(default_factory=list)  # facts to tell us on the form
    check: list[str] = field(default_factory=list)  # facts to check on the official page
    conditions: list[str] = field(default_factory=list)  # "if ...", "once you graduate ..."
    fits: list[str] = field(default_factory=list)  # matched work roles an open path covers


PATHWAY_GROUPS = ("eligible", "conditional", "open", "unknown", "not_eligible")


@dataclass
class Pathways:
    """The pathways checked, grouped: eligible; you may apply if ...; open to the public (you
    would need to qualify for the job); we need to know more; not eligible."""

    eligible: list[PathwayResult] = field(default_factory=list)
    conditional: list[PathwayResult] = field(default_factory=list)
    open: list[PathwayResult] = field(default_factory=list)
    unknown: list[PathwayResult] = field(default_factory=list)
    not_eligible: list[PathwayResult] = field(default_factory=list)

    @property
    def counted_open(self) -> list[PathwayResult]:
        """Open-to-the-public paths counted as the person's: a matched work role they cover."""
        return [p for p in self.open if p.fits]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Pathways:
        return cls(
            **{
                group: [PathwayResult(**entry) for entry in data.get(group, [])]
                for group in PATHWAY_GROUPS
            }
        )


@dataclass
class Signals:
    """Profile signals the results page shows beside the facts."""

    clearance: str | None = None
    clearance_quote: Quote | None = None
    years_experience: Any = None
    education_level: Any = None


@dataclass
class Eligibility:
    """The part of an analysis that depends on the answers (re-checked when they change)."""

    facts: dict[str, Fact]
    pathways: Pathways
    hiring_paths: list[str]
    signals: Signals


@dataclass
class ResumeAnalysis:
    """Everything shown on the results page except the (live) jobs."""

    document: DocumentInfo
    roles: list[RoleResult]
    confident: bool
    threshold: float
    role_scores: dict[str, float]
    mentions: list[SkillMention]
    facts: dict[str, Fact]
    pathways: Pathways
    hiring_paths: list[str]
    signals: Signals
    format: int = RESULTS_FORMAT
    # Every role scored the same (RoleRanking.tied): the order of `roles` is only catalog
    # order, so it must not be shown as a ranking. Stored analyses without it were ranked.
    tied: bool = False

    def with_eligibility(self, eligibility: Eligibility) -> ResumeAnalysis:
        """This analysis with its facts, pathways, hiring paths and signals replaced."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update({f.name: getattr(eligibility, f.name) for f in fields(eligibility)})
        return ResumeAnalysis(**values)

    def to_dict(self) -> dict[str, Any]:
        """The stored JSON shape (format 1), key for key."""
        return {
            "format": self.format,
            "document": asdict(self.document),
            "roles": [asdict(role) for role in self.roles],
            "confident": self.confident,
            "tied": self.tied,
            "threshold": self.threshold,
            "role_scores": dict(self.role_scores),
            "mentions": [asdict(m) for m in self.mentions],
            "facts": {name: asdict(fact) for name, fact in self.facts.items()},
            "pathways": asdict(self.pathways),
            "hiring_paths": list(self.hiring_paths),
            "signals": asdict(self.signals),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ResumeAnalysis:
        """A stored analysis again; keys it does not know are ignored."""
        names = {f.name for f in fields(SkillMention)}
        known_signals = {f.name for f in fields(Signals)}
        return cls(
            format=int(data.get("format", RESULTS_FORMAT)),
            document=DocumentInfo.from_dict(data.get("document", {})),
            roles=[RoleResult.from_dict(role) for role in data.get("roles", [])],
            confident=bool(data.get("confident", False)),
            tied=bool(data.get("tied", False)),
            threshold=data.get("threshold", MATCH_THRESHOLD),
            role_scores=dict(data.get("role_scores", {})),
            mentions=[
                SkillMention(**{k: v for k, v in m.items() if k in names})
                for m in data.get("mentions", [])
            ],
            facts={
                name: Fact(fact["value"], fact["source"], fact.get("quote"), fact.get("note"))
                for name, fact in data.get("facts", {}).items()
            },
            pathways=Pathways.from_dict(data.get("pathways", {})),
            hiring_paths=list(data.get("hiring_paths", [])),
            signals=Signals(
                **{k: v for k, v in data.get("signals", {}).items() if k in known_signals}
            ),
        )


# -- composing --------------------------------------------------------------------------------


def quote(text: str, start: int, end: int, radius: int = 60) -> Quote:
    """The words around text[start:end] on its line, for "we found it here" quotes."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    left = max(line_start, start - radius)
    right = min(line_end, end + radius)
    if left > line_start:  # start on a word boundary
        space = text.find(" ", left, start)
        left = space + 1 if space >= 0 else left
    if right < line_end:
        space = text.rfind(" ", end, right)
        right = space if space >= 0 else right
    return {
        "before": ("…" if left > line_start else "") + text[left:start],
        "match": text[start:end],
        "after": text[end:right] + ("…" if right < line_end else ""),
    }


def _join(words: Sequence[str]) -> str:
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def role_summary(role: RoleMatch) -> str:
    """One or two plain sentences on why a role scored as it did (stored with the role)."""
    found = len(role.matched)
    lead = _join([m["name"] for m in role.matched[:3]])
    skills = f"{found} skill{'s' if found != 1 else ''} this role uses"
    if role.is_match:
        text = f"A good fit: your resume shows {skills}, led by {lead}."
    elif found and role.score >= PARTIAL_FIT:
        text = f"A partial fit: your resume shows {skills}, such as {lead}."
    elif found:
        text = (
            f"A distant fit: your resume shows {skills}, such as {lead}, "
            "but little of its core work."
        )
    else:
        text = "A distant fit: your resume shows none of the skills this role relies on most."
    if role.missing:
        text += f" To grow into it, build up {_join([m['name'] for m in role.missing[:3]])}."
    return text


def _certification(data: Mapping[str, Any]) -> Certification:
    return Certification(data["acronym"], data["name"], data["proficiency"])


def role_result(role: RoleMatch, text: str) -> RoleResult:
    """A ranked role as stored: the first skills with quotes, the certifications split."""
    held = [c for c in role.certifications if c["held"]]
    helpful = [c for c in role.certifications if not c["held"]][:MAX_CERTIFICATIONS_SHOWN]
    return RoleResult(
        id=role.id,
        name=role.name,
        opm_code=role.opm_code,
        score=role.score,
        is_match=role.is_match,
        summary=role_summary(role),
        matched=[
            MatchedSkill(m["name"], quote(text, m["start"], m["end"]))
            for m in role.matched[:MAX_SKILLS_SHOWN]
        ],
        matched_more=max(0, len(role.matched) - MAX_SKILLS_SHOWN),
        missing=[m["name"] for m in role.missing],
        certifications_held=[_certification(c) for c in held],
        certifications=[_certification(c) for c in helpful],
    )


def merged_facts(
    signals: ProfileSignals, answers: Answers, text: str, today: date
) -> dict[str, dict[str, Any]]:
    """name -> {value, source ("answer" | "resume"), quote}. Answers override the resume."""
    facts: dict[str, dict[str, Any]] = {}
    for name in FACTS:
        value = getattr(signals, name, None)
        evidence = value if isinstance(value, Evidence) else signals.evidence.get(name)
        if isinstance(value, Evidence):
            value = value.value
        if value is None:
            continue
        snippet = None
        if evidence is not None and 0 <= evidence.start < evidence.end <= len(text):
            snippet = quote(text, evidence.start, evidence.end, radius=40)
        facts[name] = {"value": value, "source": "resume", "quote": snippet}
    finishing = signals.graduation_date
    if (
        finishing is not None
        and finishing.value > today
        and "years_since_graduation" not in facts
        and answers.graduation is None
    ):
        months = _months_between(today, finishing.value)
        snippet = None
        if 0 <= finishing.start < finishing.end <= len(text):
            snippet = quote(text, finishing.start, finishing.end, radius=40)
        facts["years_until_graduation"] = {
            "value": round(months / 12, 1),
            "source": "resume",
            "quote": snippet,
            "note": f"{finishing.value:%m/%Y}",
        }
    if answers.graduation is not None:  # the date they gave replaces the resume's
        facts.pop("years_since_graduation", None)
    for name, value in answers.facts(today).items():
        facts[name] = {"value": value, "source": "answer", "quote": None}
    if "years_until_graduation" in facts and answers.graduation is not None:
        facts["years_until_graduation"]["note"] = f"{answers.graduation:%m/%Y}"
    if facts.get("preference_eligible") is None:
        derived = derived_preference({name: fact["value"] for name, fact in facts.items()})
        if derived is not None:
            facts["preference_eligible"] = {
                "value": True,
                "source": "derived",
                "quote": None,
                "note": derived,
            }
    return facts


def _months_between(start: date, end: date) -> int:
    return (end.year * 12 + end.month) - (start.year * 12 + start.month)


def derived_preference(facts: Mapping[str, Any]) -> str | None:
    """The veterans' preference the facts establish, in words; None when they do not tell.

    A veteran (honorably separated, by the fact's definition) with a service-connected
    disability rated 10% or more has 10-point preference: CPS at 30% or more, CP at 10-20%.
    A campaign or expedition veteran (qualifying service) has 5-point preference (TP). A 0%
    rating, or no rating, decides nothing on its own.
    """
    if facts.get("veteran") is not True:
        return None
    rating = facts.get("disability_rating")
    if rating is not None and rating >= 30:
        return (
            f"Yes: 10-point preference (CPS), from your {rating:g}% service-connected "
            "disability rating"
        )
    if rating is not None and rating >= 10:
        return (
            f"Yes: 10-point preference (CP), from your {rating:g}% service-connected "
            "disability rating"
        )
    if facts.get("campaign_veteran") is True:
        return "Yes: 5-point preference (TP), from your campaign or expedition service"
    return None


def _missing_notes(missing: Sequence[str]) -> tuple[list[str], list[str]]:
    """(things to tell us on the form, things to check on the official page)."""
    ask = [ASKED_FACTS[name] for name in missing if name in ASKED_FACTS]
    check = []
    for name in missing:
        if name in ASKED_FACTS:
            continue
        kind, description = FACTS[name]
        check.append(f"whether you are {description}" if kind == "bool" else f"your {description}")
    return ask, check


def rule_facts(rule: Mapping[str, Any]) -> set[str]:
    """Every fact a (validated) rule tests."""
    if "all" in rule or "any" in rule:
        return set().union(*(rule_facts(r) for r in rule.get("all", rule.get("any", []))))
    if "not" in rule:
        return rule_facts(rule["not"])
    return {rule["fact"]}


def is_open_to_public(pathway: PathwaySpec) -> bool:
    """A pathway whose only personal test is citizenship: who qualifies depends on the job."""
    return rule_facts(pathway.eligibility) == {"us_citizen"}


def _graduation_bounds(rule: Mapping[str, Any]) -> list[float]:
    """The `max` bounds a rule puts on years_since_graduation, largest first."""
    if "all" in rule or "any" in rule:
        parts = rule.get("all", rule.get("any", []))
        return sorted({b for r in parts for b in _graduation_bounds(r)}, reverse=True)
    if "not" in rule or rule.get("fact") != "years_since_graduation" or "max" not in rule:
        return []
    return [float(rule["max"])]


def _once_you_graduate(
    pathway: PathwaySpec, facts: Mapping[str, Any], graduation: date | None
) -> str | None:
    """ "once you graduate (from MM/YYYY, for N years)" when finishing would make it hold."""
    if facts.get("years_until_graduation") is None or "years_since_graduation" in facts:
        return None
    after = dict(facts, years_since_graduation=0)
    if evaluate(pathway.eligibility, after).outcome is not True:
        return None
    window = next(
        (
            bound
            for bound in _graduation_bounds(pathway.eligibility)
            if evaluate(pathway.eligibility, dict(facts, years_since_graduation=bound)).outcome
        ),
        None,
    )
    parts = [f"from {graduation:%m/%Y}"] if graduation else []
    if window is not None:
        parts.append(f"for {window:g} year{'' if window == 1 else 's'}")
    return "once you graduate" + (f" ({', '.join(parts)})" if parts else "")


def evaluate_pathways(
    pathways: Sequence[PathwaySpec],
    facts: Mapping[str, Any],
    *,
    matched_roles: Mapping[str, str] | None = None,
    graduation: date | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """Every pathway that is not ended, grouped (see `Pathways`).

    `matched_roles` (id -> name) are the work roles that reached the match threshold: an
    open-to-the-public pathway covering one of them is counted as the person's. `graduation`
    is the month a current student expects to finish.
    """
    groups: dict[str, list[dict[str, Any]]] = {group: [] for group in PATHWAY_GROUPS}
    for pathway in sorted(pathways, key=lambda p: p.name.casefold()):
        if pathway.status == "ended":
            continue
        outcome = evaluate(pathway.eligibility, facts)
        ask, check = _missing_notes(outcome.missing_facts)
        entry: dict[str, Any] = {
            "id": pathway.id,
            "name": pathway.name,
            "status": pathway.status,
            "eligibility_text": pathway.eligibility_text,
            "official_page": pathway.official_page,
            "reasons": list(outcome.reasons),
            "ask": ask,
            "check": check,
            "conditions": [],
            "fits": [],
        }
        key = {True: "eligible", False: "not_eligible", None: "unknown"}[outcome.outcome]
        if outcome.outcome is True and is_open_to_public(pathway):
            key = "open"
            entry["fits"] = [
                name
                for role_id, name in (matched_roles or {}).items()
                if not pathway.work_roles or role_id in pathway.work_roles
            ]
            entry["reasons"] = [OPEN_TO_PUBLIC, *outcome.reasons]
        elif outcome.outcome is None:
            missing = outcome.missing_facts
            once = _once_you_graduate(pathway, facts, graduation)
            if once is not None:
                key, entry["conditions"] = "conditional", [once]
            elif missing and all(name in CONDITION_FACTS for name in missing):
                key = "conditional"
                entry["conditions"] = [CONDITION_FACTS[name] for name in missing]
            if key == "conditional":
                entry["ask"], entry["check"] = [], []
        groups[key].append(entry)
    return groups


def seeker_hiring_paths(facts: Mapping[str, Any], answers: Answers) -> list[str]:
    """The USAJOBS hiring paths ("who may apply") the person's known facts open to them.

    The public path is assumed unless the person says they are not a U.S. citizen; the
    others need a fact that is known to be true, so a job open only to, say, veterans is
    hidden until the person says they are one (the page says how many were hidden and why).
    """
    paths = set()
    if facts.get("us_citizen") is not False:
        paths.add("public")
    if facts.get("veteran"):
        paths.add("vet")
    if facts.get("military_spouse"):
        paths.add("mspouse")
    if facts.get("student"):
        paths.add("student")
    since = facts.get("years_since_graduation")
    if since is not None and (since <= 2 or (facts.get("veteran") and since <= 6)):
        paths.add("graduates")
    if facts.get("federal_employee"):
        paths.update({"fed-competitive", "fed-excepted", "fed-internal-search"})
    elif answers.federal == "former":
        paths.add("fed-competitive")  # former employees with status may be reinstated
    return sorted(paths)


def assess_eligibility(
    text: str,
    mentions: Sequence[SkillMention],
    answers: Answers,
    pathways: Sequence[PathwaySpec],
    today: date,
    matched_roles: Mapping[str, str] | None = None,
) -> Eligibility:
    """Facts, pathway eligibility and hiring paths for a text and the person's answers.

    `matched_roles` (id -> name) are the work roles at or above the match threshold.
    """
    signals = extract_signals(text, today, mentions)
    facts = merged_facts(signals, answers, text, today)
    values = {name: fact["value"] for name, fact in facts.items()}
    evidence = signals.evidence.get("clearance")
    graduation = answers.graduation
    if graduation is None and signals.graduation_date is not None:
        graduation = signals.graduation_date.value
    if graduation is not None and graduation <= today:
        graduation = None
    groups = evaluate_pathways(pathways, values, matched_roles=matched_roles, graduation=graduation)
    return Eligibility(
        facts={name: Fact(**fact) for name, fact in facts.items()},
        pathways=Pathways.from_dict(groups),
        hiring_paths=seeker_hiring_paths(values, answers),
        signals=Signals(
            clearance=signals.clearance,
            clearance_quote=(
                quote(text, evidence.start, evidence.end, radius=40) if evidence else None
            ),
            years_experience=signals.years_experience,
            education_level=signals.education_level,
        ),
    )


def analyse_resume(
    document: Document, answers: Answers, matcher: RoleMatcher, today: date
) -> ResumeAnalysis:
    """Rank the work roles for a document and check every current pathway for the person.

    `matcher` is the fitted role matcher; its catalog supplies the hiring pathways.
    """
    text = document.text
    mentions = matcher.extract(text)
    ranked = matcher.rank(text, top_k=None, mentions=mentions)
    top = ranked[:TOP_ROLES]
    pathways = matcher.catalog.pathways if matcher.catalog is not None else ()
    matched = {role.id: role.name for role in ranked if role.is_match}
    eligibility = assess_eligibility(text, mentions, answers, pathways, today, matched)
    return ResumeAnalysis(
        document=DocumentInfo(
            kind=document.kind,
            pages=document.pages,
            over_two_pages=document.over_two_pages,
            characters=len(text),
            little_text=len(text) < DocumentLimits().min_chars,
        ),
        roles=[role_result(role, text) for role in top],
        confident=any(role.is_match for role in top) and not ranked.tied,
        tied=ranked.tied,
        threshold=MATCH_THRESHOLD,
        role_scores={role.id: role.score for role in ranked},
        mentions=list(mentions),
        facts=eligibility.facts,
        pathways=eligibility.pathways,
        hiring_paths=eligibility.hiring_paths,
        signals=eligibility.signals,
    )
