"""Coding help for an opening: the work roles and OPM cyber codes its text suggests.

The fitted role matcher (`app.services.matcher.role_matcher`) ranks the catalog's work roles
for the opening's title, duties and qualifications. A suggestion keeps up to three roles above
a floor, each with its score, OPM code and the skills found as evidence, and an overall
confidence from the top score and its margin over the second. When no role clears the
matcher's threshold the suggestion says so (`confident` is False); when every role scores the
same (text with nothing the matcher knows) there is no ranking, and no role is suggested.
Labels are the agency views' (`app.agency.views`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from app.services.matcher import role_matcher
from matching.roles import MATCH_THRESHOLD, RoleMatch

MAX_ROLES = 3
# Roles scoring below this are not suggested at all, even as weak candidates.
SUGGESTION_FLOOR = 10.0
# A high confidence: a top score this strong, this far ahead of the second.
HIGH_SCORE, HIGH_MARGIN = 80.0, 30.0
# A medium one: over the match threshold and at least this far ahead.
MEDIUM_MARGIN = 10.0
# The text the matcher reads, at most (an opening's duties are long, not unbounded).
MAX_TEXT = 20_000


@dataclass(frozen=True)
class Evidence:
    """A skill found in the text that counts for a role: its id, name and the words found."""

    skill_id: str
    name: str
    text: str


@dataclass(frozen=True)
class SuggestedRole:
    id: str
    name: str
    opm_code: str | None
    score: float  # 0-100
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def is_match(self) -> bool:
        return self.score >= MATCH_THRESHOLD


@dataclass(frozen=True)
class CodingSuggestion:
    """What the text suggests; `roles` empty when nothing does."""

    roles: list[SuggestedRole] = field(default_factory=list)
    opm_codes: list[str] = field(default_factory=list)  # in the roles' order, no repeats
    confidence: str = "none"  # high | medium | low | none
    top_score: float | None = None
    margin: float | None = None  # the top score less the second's
    read_text: bool = False  # False: there was no text to read

    @property
    def confident(self) -> bool:
        """Some role clears the matcher's threshold."""
        return bool(self.roles) and self.roles[0].is_match

    def role_ids(self) -> list[str]:
        return [role.id for role in self.roles]

    def as_json(self) -> dict[str, object]:
        return {
            "roles": [
                {
                    "id": r.id,
                    "name": r.name,
                    "opm_code": r.opm_code,
                    "score": r.score,
                    "is_match": r.is_match,
                    "evidence": [{"skill_id": e.skill_id, "name": e.name} for e in r.evidence],
                }
                for r in self.roles
            ],
            "opm_codes": self.opm_codes,
            "confidence": self.confidence,
            "confident": self.confident,
            "read_text": self.read_text,
        }


def opening_text(title: str, duties: str, qualifications: str = "") -> str:
    """The text the matcher reads for an opening."""
    parts = (title or "", duties or "", qualifications or "")
    return "\n\n".join(p.strip() for p in parts if p and p.strip())[:MAX_TEXT]


def confidence_of(top: float, second: float | None) -> str:
    """high / medium / low from the top score and its margin over the second."""
    margin = top - (second or 0.0)
    if top >= HIGH_SCORE and margin >= HIGH_MARGIN:
        return "high"
    if top >= MATCH_THRESHOLD and margin >= MEDIUM_MARGIN:
        return "medium"
    return "low"


def suggestion_from(ranked: list[RoleMatch], read_text: bool = True) -> CodingSuggestion:
    """A suggestion from a whole ranking (best first), as `RoleMatcher.rank` gives it."""
    if not ranked or len({m.score for m in ranked}) == 1:
        return CodingSuggestion(read_text=read_text)  # all tied: not a ranking
    top = ranked[0].score
    second = ranked[1].score if len(ranked) > 1 else None
    kept = [m for m in ranked[:MAX_ROLES] if m.score >= SUGGESTION_FLOOR]
    roles = [
        SuggestedRole(
            id=m.id,
            name=m.name,
            opm_code=m.opm_code,
            score=m.score,
            evidence=[
                Evidence(str(s["skill_id"]), str(s["name"]), str(s.get("text") or ""))
                for s in m.matched
            ],
        )
        for m in kept
    ]
    if not roles:
        return CodingSuggestion(top_score=top, read_text=read_text)
    codes = list(dict.fromkeys(r.opm_code for r in roles if r.opm_code))
    return CodingSuggestion(
        roles=roles,
        opm_codes=codes,
        confidence=confidence_of(top, second),
        top_score=top,
        margin=round(top - (second or 0.0), 1),
        read_text=read_text,
    )


def suggest_codes(
    session: Session, title: str, duties: str, qualifications: str = ""
) -> CodingSuggestion:
    """The work roles (up to 3) and OPM codes an opening's text suggests, with evidence."""
    text = opening_text(title, duties, qualifications)
    if not text:
        return CodingSuggestion()
    return suggestion_from(role_matcher(session).rank(text, top_k=None))
