"""The skills lexicon compiled for matching: tokenisation, alias keys and fuzzy buckets.

Text and aliases go through the same tokeniser, so punctuation variants meet on one key:

- a token is a run of letters/digits, with ``&`` joined inside (``R&D``, ``ATT&CK``, ``POA&M``
  stay one token, so ``R`` can never fire inside ``R&D``) and trailing ``+``/``#`` kept
  (``C++``, ``C#``, ``Security+``, ``CySA+``); a leading dot is kept when the token starts a
  word (``.NET``), so ``net`` in prose never matches it;
- everything else (spaces, hyphens, slashes, dots between words, commas, parentheses) only
  separates tokens: ``threat-hunting`` = ``threat hunting``, ``TS/SCI`` = ``TS SCI``,
  ``802.1X`` = ``802 1x``;
- a standalone ``&`` reads as ``and`` (``test & evaluation`` = ``test and evaluation``).

A key is the lower-cased tokens joined by one space. Matches may not cross a *hard* gap (a
sentence end, a semicolon or bar followed by a space, a bullet, a tab or a blank line)
so that the end of one list item never glues onto the start of the next.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from matching.catalog import SkillSpec

# Letters/digits joined by '&', optional trailing '+'/'#', optional leading '.' at a word start
# (the look-behind is a single character: start of text, space or opening punctuation).
TOKEN_RE = re.compile(
    r"""
    (?:(?<![^\s(\[{"'/,;:])\.(?=[^\W_]))?   # leading dot of .NET-style names
    [^\W_]+(?:&[^\W_]+)*                    # word, with R&D / ATT&CK joined
    [+#]*                                   # C++, C#, Security+
    | [+#&]+                                # standalone symbols
    """,
    re.VERBOSE,
)
# Whitespace plus one of these in a gap ends a phrase; a bare '.' between tokens (802.1X) does
# not. A colon does not either: aliases such as "Microsoft Certified: Azure ..." span one.
_HARD_PUNCT = frozenset(".;!?|")
_BULLETS = frozenset("•▪●◦■□➢►✓✔·")

MIN_FUZZY_LENGTH = 7


@dataclass(frozen=True)
class Tokens:
    """A tokenised text: parallel lists of spans, lower-cased keys and surface forms."""

    starts: list[int]
    ends: list[int]
    keys: list[str]
    surfaces: list[str]
    hard_after: list[bool]  # hard_after[i]: a phrase may not run from token i to token i+1

    def __len__(self) -> int:
        return len(self.starts)


def _gap_is_hard(gap: str, next_char: str) -> bool:
    if gap == " " or not gap:  # the common case, first
        return False
    if "\t" in gap or any(ch in _BULLETS for ch in gap):
        return True
    if gap.count("\n") >= 2:
        return True
    has_space = any(ch.isspace() for ch in gap)
    if not has_space:
        return False
    for ch in gap:
        if ch in _HARD_PUNCT:
            # "Vol. 2", "Rev. 5", "e.g. splunk": a dot before a digit or lower-case word is an
            # abbreviation, not the end of a sentence.
            return not (ch == "." and (next_char.isdigit() or next_char.islower()))
    return False


def tokenize(text: str) -> Tokens:
    """Split `text` into matching tokens with character offsets into `text`."""
    starts: list[int] = []
    ends: list[int] = []
    surfaces: list[str] = []
    for m in TOKEN_RE.finditer(text):
        start, end = m.span()
        starts.append(start)
        ends.append(end)
        surfaces.append(m.group())
    keys = [s.lower() for s in surfaces]
    for i, key in enumerate(keys):
        if key == "&":
            keys[i] = "and"
    hard_after = [
        _gap_is_hard(text[ends[i] : starts[i + 1]], text[starts[i + 1]])
        for i in range(len(starts) - 1)
    ]
    if starts:
        hard_after.append(True)
    return Tokens(starts, ends, keys, surfaces, hard_after)


def alias_key(alias: str) -> tuple[str, str, int]:
    """(lower-case key, case-preserving key, number of tokens) of a lexicon alias."""
    toks = tokenize(alias)
    return " ".join(toks.keys), " ".join(toks.surfaces), len(toks)


@dataclass(frozen=True)
class Entry:
    """One way of writing a skill: its key, and whether case must match exactly."""

    skill: int  # index into Lexicon.skills
    alias: str
    key: str
    cased_key: str
    n_tokens: int
    case_sensitive: bool
    variant: str  # "name" | "alias" | "misspelling" | "plural"


def _plural(word: str) -> str | None:
    """A regular English plural of an alias's last word, or None when it is not safe to guess."""
    if len(word) < 3 or not word.isalpha() or word.endswith("s"):
        return None
    if word.endswith(("x", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


class Lexicon:
    """The alias dictionary: key -> Entry, prefix set for the n-gram scan, fuzzy buckets."""

    def __init__(self, skills: Sequence[SkillSpec]) -> None:
        self.skills: tuple[SkillSpec, ...] = tuple(skills)
        self.entries: dict[str, Entry] = {}
        self.prefixes: set[str] = set()
        self.vocabulary: set[str] = set()
        self.max_tokens = 1
        plural_variants: list[Entry] = []
        for index, skill in enumerate(self.skills):
            forms: list[tuple[str, bool, str]] = [(skill.name, False, "name")]
            forms += [(a, False, "alias") for a in skill.aliases]
            forms += [(a, False, "misspelling") for a in skill.misspellings]
            forms += [(a, True, "alias") for a in skill.case_sensitive_aliases]
            for alias, case_sensitive, variant in forms:
                key, cased, n = alias_key(alias)
                if not key:
                    continue
                entry = Entry(index, alias, key, cased, n, case_sensitive, variant)
                self._add(entry)
                if not case_sensitive:
                    parts = key.split(" ")
                    plural = _plural(parts[-1])
                    if plural and len(key) >= 4:
                        parts[-1] = plural
                        plural_key = " ".join(parts)
                        plural_variants.append(
                            Entry(index, alias, plural_key, plural_key, n, False, "plural")
                        )
        # Plurals never displace a real alias of another skill.
        for entry in plural_variants:
            if entry.key not in self.entries:
                self._add(entry)
        self._fuzzy_pool: dict[tuple[int, str], list[tuple[int, str]]] = {}
        for key, entry in self.entries.items():
            if entry.case_sensitive or entry.variant == "plural" or len(key) < MIN_FUZZY_LENGTH:
                continue
            self._fuzzy_pool.setdefault((entry.n_tokens, key[0]), []).append((len(key), key))
        self._bucket_cache: dict[tuple[int, str, int], list[str]] = {}

    def _add(self, entry: Entry) -> None:
        if entry.key in self.entries:
            # Aliases are unique across skills (case-insensitively); when a skill lists a form
            # both ways, the case-sensitive reading wins: the authors marked it risky.
            old = self.entries[entry.key]
            if old.skill == entry.skill and entry.case_sensitive and not old.case_sensitive:
                self.entries[entry.key] = entry
            return
        self.entries[entry.key] = entry
        parts = entry.key.split(" ")
        self.vocabulary.update(parts)
        self.max_tokens = max(self.max_tokens, len(parts))
        for i in range(1, len(parts) + 1):
            self.prefixes.add(" ".join(parts[:i]))

    def fuzzy_candidates(self, n_tokens: int, query: str) -> list[str]:
        """Keys with the same token count and first letter, within two characters in length."""
        length = len(query)
        cache_key = (n_tokens, query[0], length)
        found = self._bucket_cache.get(cache_key)
        if found is None:
            pool = self._fuzzy_pool.get((n_tokens, query[0]), [])
            found = sorted(k for size, k in pool if abs(size - length) <= 2)
            self._bucket_cache[cache_key] = found
        return found


def skills_of(source: object) -> tuple[SkillSpec, ...]:
    """Accept a CatalogSpec (anything with `.skills`) or an iterable of SkillSpec."""
    skills = getattr(source, "skills", source)
    if not isinstance(skills, Iterable):
        raise TypeError("expected a CatalogSpec or an iterable of SkillSpec")
    return tuple(skills)
