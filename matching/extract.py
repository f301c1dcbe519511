"""Skill extraction: find lexicon skills in free text, with exact spans and context.

`SkillExtractor(catalog).extract(text)` returns every mention, sorted by position:

1. exact matches of names, aliases and misspellings on token boundaries (see
   `matching.lexicon` for the tokeniser), case-insensitive except the lexicon's
   `case_sensitive_aliases`; when matches overlap the longest wins ("aws govcloud" beats "aws");
2. fuzzy matches (rapidfuzz ratio >= 90) for typos of aliases of 7+ characters, tried only on
   windows that no exact match covers and that contain a word the lexicon does not know;
3. context: a mention that follows a negation or aspiration cue in the same clause ("no
   experience with", "want to learn", ...) is kept as evidence but not credited, as is a
   certification or clearance marked "(in progress)" or "expected".
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from matching.catalog import CatalogSpec, SkillSpec
from matching.lexicon import MIN_FUZZY_LENGTH, Lexicon, Tokens, skills_of, tokenize

FUZZY_SCORE = 90.0
MAX_FUZZY_TOKENS = 3
CUE_WINDOW = 6  # words between a cue and the mention it governs

# Words that never start or end a fuzzy window: they are too common to be half of a typo.
_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "our",
        "the",
        "their",
        "to",
        "was",
        "were",
        "will",
        "with",
        "within",
        "using",
        "used",
        "use",
    ]
)
# List glue: "no experience with Splunk, QRadar or Sentinel" governs all three.
_CONNECTORS = frozenset({"and", "or", "nor", "&", "/", "as", "well"})

_NEGATION_CUES = [
    r"\bno\s+(?:(?:prior|previous|formal|hands-on|hands\s+on|professional|direct|real|"
    r"working|practical|real-world|production|significant|much|actual)\s+)*"
    r"(?:experience|exposure|background|knowledge|familiarity|expertise|skills?)"
    r"(?:\s+(?:with|in|of|using|on|in\s+using))?",
    r"\bnot\s+(?:yet\s+|very\s+|really\s+|at\s+all\s+|currently\s+)?"
    r"(?:familiar|experienced|proficient|comfortable|trained|certified|skilled|versed)"
    r"(?:\s+(?:with|in|on|using))?",
    r"\bunfamiliar(?:\s+with)?",
    r"\black(?:s|ing)?(?:\s+(?:of|any|in))*",
    r"\blimited\s+(?:to|or)\s+no(?:\s+(?:experience|exposure|knowledge|familiarity))?"
    r"(?:\s+(?:with|in|of|using))?",
    r"\bnever\s+(?:\w+\s+)?(?:used|worked|touched|configured|administered|deployed|operated|"
    r"managed|run|written|performed|done)(?:\s+(?:with|on|in))?",
    r"\bhave(?:\s+not|n['’]t)\s+(?:yet\s+)?(?:used|worked|touched)(?:\s+(?:with|on|in))?",
]
# "without" only reaches the next word or two: "without downtime using Terraform" credits it.
_WITHOUT_CUE = (
    r"\bwithout(?:\s+(?:any|prior|formal|using|much|access\s+to|experience\s+(?:in|with)))?"
)

_ASPIRATION_CUES = [
    r"\b(?:want|wants|wanting|would\s+like|['’]d\s+like|eager|keen|excited|hope|hopes|hoping|"
    r"plan|plans|planning|intend|intends|intending|aim|aims|aiming)\s+to"
    r"(?:\s+(?:learn|gain|develop|build|acquire|study|obtain|earn|pursue|get|grow|explore|"
    r"expand|deepen|master|become|start|begin|try)(?:\s+(?:more\s+)?(?:about|in|with))?)?",
    r"\b(?:seeking|seek|seeks|looking)\s+to\s+(?:learn|gain|develop|build|acquire|grow|obtain|"
    r"earn|study|explore|expand)(?:\s+(?:more\s+)?(?:about|in|with))?",
    r"\binterested\s+in\s+(?:learning|gaining|developing|studying|pursuing|obtaining|earning|"
    r"exploring|acquiring|building)(?:\s+(?:about|more\s+about))?",
    r"\baspir(?:e|es|ing|ation|ations)\b(?:\s+(?:to|of))?",
    r"\b(?:studying|preparing|prepping|working)\s+(?:for|toward|towards)\b",
    r"\bpursuing\b",
]
# One pattern, one scan: the named group says which kind of cue matched.
_CUE_RE = re.compile(
    "|".join(
        [
            f"(?P<negated>{'|'.join(_NEGATION_CUES)})",
            f"(?P<without>{_WITHOUT_CUE})",
            f"(?P<aspiration>{'|'.join(_ASPIRATION_CUES)})",
        ]
    ),
    re.I,
)
_CUE_KIND = {
    "negated": ("negated", CUE_WINDOW),
    "without": ("negated", 0),
    "aspiration": ("aspiration", CUE_WINDOW),
}
# A clause ends at a sentence end, a semicolon, a line break, a bullet or a contrast word:
# "no experience with Splunk, but strong in QRadar" credits QRadar.
_CLAUSE_END = re.compile(
    r"[.!?;](?=\s|$)|\n|[•▪●◦■➢►]|\b(?:but|however|although|though|whereas|except|yet)\b",
    re.I,
)
# A certification or clearance followed by "(in progress)", "- expected 2026", "pending" ...
_IN_PROGRESS_AFTER = re.compile(
    r"\s*[(\[,:\-–—]?\s*(?:in[\s-]progress|pending|expected|anticipated|planned|scheduled|"
    r"ongoing|studying|target(?:ed)?\b|est\.)",
    re.I,
)
_HELD_KINDS = frozenset({"certification", "clearance"})
# Words before a capitalised common-word tool name that show it is the tool ("in Excel").
_TOOL_CONTEXT_BEFORE = frozenset(
    [
        "using",
        "use",
        "used",
        "uses",
        "with",
        "in",
        "via",
        "through",
        "into",
        "on",
        "from",
        "of",
        "leveraging",
        "leveraged",
    ]
)


@dataclass(frozen=True)
class SkillMention:
    """One place in a text where a skill is named. `text == source[start:end]`."""

    skill_id: str
    name: str
    kind: str
    start: int
    end: int
    text: str
    credited: bool = True
    reason: str | None = None  # "negated" | "aspiration" when not credited
    fuzzy: bool = False  # found by typo tolerance rather than an exact alias


def credited_skill_ids(mentions: list[SkillMention]) -> set[str]:
    """Skills the text credits: a skill counts when any one of its mentions is credited."""
    return {m.skill_id for m in mentions if m.credited}


class SkillExtractor:
    """Finds lexicon skills in text. Build once (it compiles the lexicon); extract many times."""

    def __init__(
        self,
        catalog: CatalogSpec | tuple[SkillSpec, ...] | list[SkillSpec],
        *,
        fuzzy: bool = True,
        fuzzy_score: float = FUZZY_SCORE,
    ) -> None:
        self.lexicon = Lexicon(skills_of(catalog))
        self.skills = self.lexicon.skills
        self.fuzzy = fuzzy
        self.fuzzy_score = fuzzy_score
        self._fuzzy_cache: dict[tuple[int, str], str | None] = {}

    # -- public -------------------------------------------------------------------------------

    def extract(self, text: str) -> list[SkillMention]:
        """All skill mentions in `text`, sorted by start offset."""
        if not text:
            return []
        tokens = tokenize(text)
        n = len(tokens)
        spans = self._exact(tokens)
        spans = self._drop_prose_words(text, tokens, spans)
        if self.fuzzy:
            covered = [False] * n
            for i, j, _, _ in spans:
                for t in range(i, j + 1):
                    covered[t] = True
            spans += self._fuzzy(tokens, covered)
        spans.sort()
        mentions = []
        for i, j, skill_index, is_fuzzy in spans:
            skill = self.skills[skill_index]
            start, end = tokens.starts[i], tokens.ends[j]
            mentions.append(
                SkillMention(
                    skill.id, skill.name, skill.kind, start, end, text[start:end], fuzzy=is_fuzzy
                )
            )
        return self._apply_context(text, tokens, spans, mentions)

    # -- exact --------------------------------------------------------------------------------

    def _exact(self, tokens: Tokens) -> list[tuple[int, int, int, bool]]:
        entries, prefixes = self.lexicon.entries, self.lexicon.prefixes
        keys, surfaces, hard = tokens.keys, tokens.surfaces, tokens.hard_after
        n = len(keys)
        found: list[tuple[int, int, int, int]] = []  # (-n_tokens, -chars, i, j) for sorting
        skill_of: dict[tuple[int, int], int] = {}
        for i in range(n):
            key = keys[i]
            if key not in prefixes:
                continue
            j = i
            while True:
                entry = entries.get(key)
                if entry is not None and (
                    not entry.case_sensitive or " ".join(surfaces[i : j + 1]) == entry.cased_key
                ):
                    found.append((i - j, tokens.starts[i] - tokens.ends[j], i, j))
                    skill_of[(i, j)] = entry.skill
                if hard[j] or j + 1 >= n:
                    break
                j += 1
                key = f"{key} {keys[j]}"
                if key not in prefixes:
                    break
        found.sort()  # longest (most tokens, then most characters) first, then leftmost
        taken = [False] * n
        result = []
        for _, _, i, j in found:
            if any(taken[i : j + 1]):
                continue
            for t in range(i, j + 1):
                taken[t] = True
            result.append((i, j, skill_of[(i, j)], False))
        return result

    def _is_common_word(self, tokens: Tokens, span: tuple[int, int, int, bool]) -> bool:
        """A one-word, capitalised, case-sensitive alias: Excel, Chef, Remedy, Jenkins."""
        i, j, _, _ = span
        if i != j:
            return False
        entry = self.lexicon.entries.get(tokens.keys[i])
        surface = tokens.surfaces[i]
        return (
            entry is not None
            and entry.case_sensitive
            and len(surface) > 2
            and surface[0].isupper()
            and surface[1:].islower()  # acronyms and mixed case (SIEM, iOS, ePO) are not prose
        )

    def _drop_prose_words(
        self, text: str, tokens: Tokens, spans: list[tuple[int, int, int, bool]]
    ) -> list[tuple[int, int, int, bool]]:
        """Keep a capitalised common word only where it reads as the tool.

        "Head Chef", "Excel at teamwork" and "Mr. Jenkins" are prose; the same words in a
        skills list, on a line with other skills or after "in"/"using" are the tools.
        """
        common = [self._is_common_word(tokens, s) for s in spans]
        if not any(common):
            return spans
        anchors = [tokens.starts[s[0]] for s, c in zip(spans, common, strict=True) if not c]
        kept = []
        for span, is_common in zip(spans, common, strict=True):
            i = span[0]
            if not is_common:
                kept.append(span)
                continue
            if i > 0 and not tokens.hard_after[i - 1]:
                before = tokens.keys[i - 1]
                if before in _TOOL_CONTEXT_BEFORE:
                    kept.append(span)
                    continue
            line_start = text.rfind("\n", 0, tokens.starts[i]) + 1
            line_end = text.find("\n", tokens.ends[i])
            line_end = len(text) if line_end < 0 else line_end
            n_words = bisect_left(tokens.starts, line_end) - bisect_left(tokens.starts, line_start)
            if n_words <= 4 or any(line_start <= a < line_end for a in anchors):
                kept.append(span)
        return kept

    # -- fuzzy --------------------------------------------------------------------------------

    def _fuzzy(self, tokens: Tokens, covered: list[bool]) -> list[tuple[int, int, int, bool]]:
        keys, hard = tokens.keys, tokens.hard_after
        vocabulary = self.lexicon.vocabulary
        n = len(keys)
        found: list[tuple[int, float, int, int, int]] = []
        for i in range(n):
            if covered[i] or keys[i] in _STOP:
                continue
            unknown = False
            for j in range(i, min(n, i + MAX_FUZZY_TOKENS)):
                if covered[j] or (j > i and hard[j - 1]):
                    break
                word = keys[j]
                if word not in vocabulary and len(word) >= 4 and word.isalpha():
                    unknown = True
                if not unknown or word in _STOP:
                    continue
                query = " ".join(keys[i : j + 1])
                if len(query) < MIN_FUZZY_LENGTH:
                    continue
                hit = self._fuzzy_lookup(j - i + 1, query)
                if hit is not None:
                    entry = self.lexicon.entries[hit]
                    score = fuzz.ratio(query, hit)
                    found.append((i - j, -score, i, j, entry.skill))
        found.sort()
        taken = covered[:]
        result = []
        for _, _, i, j, skill in found:
            if any(taken[i : j + 1]):
                continue
            for t in range(i, j + 1):
                taken[t] = True
            result.append((i, j, skill, True))
        return result

    def _fuzzy_lookup(self, n_tokens: int, query: str) -> str | None:
        cache_key = (n_tokens, query)
        if cache_key in self._fuzzy_cache:
            return self._fuzzy_cache[cache_key]
        candidates = self.lexicon.fuzzy_candidates(n_tokens, query)
        hit = None
        if candidates:
            best = process.extractOne(
                query, candidates, scorer=fuzz.ratio, score_cutoff=self.fuzzy_score
            )
            if best is None and len(query) >= 8:
                # The ratio counts a swapped or wrong letter twice, so "wiershark" would score
                # 88.9: also accept one edit (OSA: insert, delete, substitute, swap) in a
                # long alias.
                # rapidfuzz's stubs match no overload for an int-valued scorer that is itself
                # overloaded (OSA.distance); the call is the documented one.
                best = process.extractOne(query, candidates, scorer=OSA.distance, score_cutoff=1)  # type: ignore[call-overload]
            if best is not None:
                hit = best[0]
        if len(self._fuzzy_cache) < 100_000:  # bounded: a long-lived extractor sees much text
            self._fuzzy_cache[cache_key] = hit
        return hit

    # -- context ------------------------------------------------------------------------------

    def _apply_context(
        self,
        text: str,
        tokens: Tokens,
        spans: list[tuple[int, int, int, bool]],
        mentions: list[SkillMention],
    ) -> list[SkillMention]:
        if not mentions:
            return mentions
        cues = sorted(
            (m.end(), m.start(), *_CUE_KIND[m.lastgroup or "negated"])
            for m in _CUE_RE.finditer(text)
        )
        boundaries = [m.start() for m in _CLAUSE_END.finditer(text)]
        cue_ends = [c[0] for c in cues]
        mention_of_token: dict[int, int] = {}
        for index, (i, j, _, _) in enumerate(spans):
            for t in range(i, j + 1):
                mention_of_token[t] = index

        clauses = _Clauses(tokens, mention_of_token, boundaries)
        result: list[SkillMention] = []
        previous: tuple[int, str | None] | None = None  # (index of last mention, its reason)
        for index, mention in enumerate(mentions):
            i = spans[index][0]
            reason = None
            k = bisect_right(cue_ends, mention.start) - 1
            if k >= 0:
                cue_end, cue_start, cue_reason, window = cues[k]
                if (
                    cue_start < mention.start
                    and clauses.same(cue_end, mention.start)
                    and clauses.words_between(cue_end, i) <= window
                ):
                    reason = cue_reason
            if reason is None and previous is not None and previous[1] is not None:
                # A list continues the cue of its first item: "no Splunk, QRadar or Sentinel".
                prev = mentions[previous[0]]
                if (
                    clauses.same(prev.end, mention.start)
                    and clauses.words_between(prev.end, i) == 0
                ):
                    reason = previous[1]
            if reason is None and mention.kind in _HELD_KINDS:
                after = _IN_PROGRESS_AFTER.match(text, mention.end)
                if after is not None and clauses.same(mention.end, after.end()):
                    reason = "aspiration"
            if reason is not None:
                mention = SkillMention(
                    mention.skill_id,
                    mention.name,
                    mention.kind,
                    mention.start,
                    mention.end,
                    mention.text,
                    credited=False,
                    reason=reason,
                    fuzzy=mention.fuzzy,
                )
            result.append(mention)
            previous = (index, reason)
        return result


@dataclass(frozen=True)
class _Clauses:
    """Distances in one text: words between places, and whether two places share a clause."""

    tokens: Tokens
    mention_of_token: dict[int, int]
    boundaries: list[int]  # char offsets where a clause ends

    def words_between(self, start_char: int, first_token: int) -> int:
        """Words from a char offset up to a token, each other mention counting once."""
        t = bisect_left(self.tokens.starts, start_char)
        count, last_mention = 0, -1
        while t < first_token:
            m = self.mention_of_token.get(t)
            if m is not None:
                if m != last_mention:
                    count += 1
                    last_mention = m
            elif self.tokens.keys[t] not in _CONNECTORS:
                count += 1
            t += 1
        return count

    def same(self, a: int, b: int) -> bool:
        """No clause boundary starts in [a, b)."""
        return bisect_left(self.boundaries, a) == bisect_left(self.boundaries, b)
