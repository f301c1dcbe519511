"""The live check of a skill's aliases: which already name another skill, which are common words.

An alias is credited to one skill only (`data/README.md`), so one already taken is refused on
save. Aliases are compared as the matcher reads them (`matching.lexicon.alias_key`: case,
hyphens, slashes and spacing aside), so "threat-hunting" is taken when "threat hunting" is. A
common English word ("access", "report", "go") would match text that never means the skill, so
it is flagged (staff may still use it as a case-sensitive alias, which is never flagged).
"Common" is measured, not listed by hand: a one-word alias is common when English uses it more
than about 30 times per million words (wordfreq's Zipf frequency of 4.5 or more); an alias of
several words is common only when each is a stop word or a single letter ("in the", "a b").
"""

from __future__ import annotations

from dataclasses import dataclass

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
from sqlalchemy import select
from sqlalchemy.orm import Session
from wordfreq import zipf_frequency

from app.catalog import documents
from app.models import Skill
from matching.lexicon import tokenize

COMMON_ZIPF = 4.5  # ~30 uses per million English words: "attorney" is, "firewall" is not
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
    """Whether the alias, as the matcher reads it, is a common English word or words."""
    words = tokenize(alias).keys
    if not words:
        return False
    if all(w in ENGLISH_STOP_WORDS or len(w) == 1 for w in words):
        return True
    # Only plain words: "C++" or "Security+" read as a letter or a word by wordfreq.
    word = words[0]
    return len(words) == 1 and word.isalpha() and zipf_frequency(word, "en") >= COMMON_ZIPF


def check_aliases(
    session: Session, skill_id: str | None, aliases: list[str], cased: list[str] = ()
) -> AliasReport:
    """What would collide if `skill_id` (None: a new skill) had these aliases.

    `aliases` are matched in any case (aliases and misspellings), `cased` only as written
    (case-sensitive aliases): both can collide, only the first can be common words.
    """
    wanted = _distinct(aliases)
    exact = _distinct(cased)
    context = documents.Context.of(session)
    taken = documents.alias_collisions(context, skill_id, wanted)
    taken.update(documents.alias_collisions(context, skill_id, exact))
    owners = set(taken.values())
    rows = session.execute(select(Skill.id, Skill.name).where(Skill.id.in_(owners)))
    names = {ident: name for ident, name in rows}
    return AliasReport(
        collisions=[Collision(a, owner, names.get(owner, owner)) for a, owner in taken.items()],
        common_words=[a for a in wanted if is_common_word(a)],
    )


def _distinct(aliases: list[str]) -> list[str]:
    return list(dict.fromkeys(a.strip() for a in list(aliases)[:MAX_ALIASES] if a.strip()))
