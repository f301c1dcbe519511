"""The live check of a skill's aliases: which already name another skill, which are common words.

An alias is credited to one skill only (`data/README.md`), so one already taken is refused on
save; a common English word ("access", "go") would match text that never means the skill, so
it is flagged (staff may still use it as a case-sensitive alias).
"""

from __future__ import annotations

from dataclasses import dataclass

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.catalog import documents
from app.models import Skill

MAX_ALIASES = 200  # per check: more than any skill has


@dataclass(frozen=True)
class Collision:
    alias: str
    skill_id: str
    skill_name: str


@dataclass(frozen=True)
class AliasReport:
    collisions: list[Collision]
    common_words: list[str]

    def as_json(self) -> dict[str, object]:
        return {
            "collisions": [
                {"alias": c.alias, "skill": c.skill_id, "skill_name": c.skill_name}
                for c in self.collisions
            ],
            "common_words": self.common_words,
        }


def is_common_word(alias: str) -> bool:
    """Every word of the alias is a common English word (or it is a single letter)."""
    words = alias.casefold().split()
    return bool(words) and all(w in ENGLISH_STOP_WORDS or len(w) == 1 for w in words)


def check_aliases(session: Session, skill_id: str | None, aliases: list[str]) -> AliasReport:
    """What would collide if `skill_id` (None: a new skill) had these aliases."""
    wanted = list(dict.fromkeys(a.strip() for a in aliases[:MAX_ALIASES] if a.strip()))
    taken = documents.alias_collisions(documents.Context.of(session), skill_id, wanted)
    owners = set(taken.values())
    rows = session.execute(select(Skill.id, Skill.name).where(Skill.id.in_(owners)))
    names = {ident: name for ident, name in rows}
    return AliasReport(
        collisions=[Collision(a, owner, names.get(owner, owner)) for a, owner in taken.items()],
        common_words=[a for a in wanted if is_common_word(a)],
    )
