"""Read a text's layout once: repeated lines, skills-list sections and title lines.

`layout(text)` classifies every line of a resume or posting in one pass and returns a
`Layout` the matcher's steps share (it is cached per text, so the skill profile, the text
similarity and the title reader do not classify the same lines again). Its effects:

- **Repeated text counts once.** A line (or, in a long prose line, a sentence) whose
  normalised wording already appeared earlier is blanked with spaces in `Layout.text`, so a
  resume pasted three times has exactly the evidence of one copy. Blanking keeps every
  character offset, so skill spans found in `Layout.text` point into the original text.
- **Skills dumps weigh less than duties.** Lines under a skills-style heading ("Skills",
  "Technical Skills", "Core Competencies", "Tools", "Technologies", "Keywords", ...) up to
  the next heading, a line that starts "Skills:", and a long comma-separated list are *list*
  lines: a skill found only there weighs `LIST_WEIGHT` instead of 1 in the skill profile.
  Experience and duties lines keep the full weight.
- **Title lines.** The first lines of the text (a posting's title, a resume's name and
  headline), lines labelled "Title:", "Position:" or "Headline:", and short position lines
  (at most `MAX_TITLE_TOKENS` words, no full stop, not a bullet, not in a list) are where a
  job title stands; `matching.titles` reads titles only there.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

LIST_WEIGHT = 0.5  # weight of a skill named only in a skills list (1.0 in experience/duties)
MAX_TITLE_TOKENS = 12  # a longer line is a sentence, not a title
HEAD_TITLE_LINES = 3  # the first non-blank lines that may carry the title or headline
_MIN_SENTENCE_KEY = 8  # shorter sentence fragments ("e.g.") are never blanked inside a line

_WORD = re.compile(r"[^\W_]+")
_BULLET = re.compile(r"^\s*(?:[-*•▪●◦■□➢►✓✔·]|\d{1,2}[.)])\s")
_SKILLS_HEAD = re.compile(
    r"^\W*(?:(?:technical|core|key|relevant|additional|professional|computer|it|software)\s+)*"
    r"(?:skills?(?:\s+set)?|competenc(?:y|ies)|technolog(?:y|ies)|tools(?:\s+(?:and|&)\s+"
    r"technologies)?|proficienc(?:y|ies)|areas\s+of\s+expertise|expertise|keywords|"
    r"tech(?:nical)?\s+stack|qualifications\s+summary)\s*:?\s*$",
    re.I,
)
_SKILLS_PREFIX = re.compile(
    r"^\W*(?:(?:technical|core|key|other)\s+)?(?:skills?|tools|technologies|keywords|"
    r"tech\s+stack|competencies|proficient\s+in)\s*[:\-–—]",
    re.I,
)
_TITLE_PREFIX = re.compile(
    r"^\W*(?:(?:job|position|working|official)\s+)?(?:title|position|role|headline)\s*[:\-–—]\s*",
    re.I,
)
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(\"'•])")


@dataclass(frozen=True)
class Layout:
    """One text's layout (see the module docstring). Offsets are the original text's."""

    text: str  # the text with repeated lines and sentences blanked (same length)
    line_starts: tuple[int, ...]  # offset of each line's first character
    line_weights: tuple[float, ...]  # evidence weight of a skill on each line
    title_lines: tuple[tuple[int, int, bool], ...]  # (start, end, at the head of the text)

    def weight_at(self, offset: int) -> float:
        """The evidence weight of the line holding `offset`."""
        if not self.line_starts:
            return 1.0
        return self.line_weights[max(0, bisect_right(self.line_starts, offset) - 1)]

    def list_text(self) -> str | None:
        """The list lines of `text` (repeats blanked), one a line; None when it has none.

        A skill named as often here as in the whole text is named only in skills lists; the
        fast path of `matching.jobs` reads it to weigh skills as `weight_at` does, without
        offsets (and scans only these lines a second time).
        """
        if LIST_WEIGHT not in self.line_weights:
            return None
        ends = (*(s - 1 for s in self.line_starts[1:]), len(self.text))
        return "\n".join(
            self.text[start:end]
            for start, end, weight in zip(self.line_starts, ends, self.line_weights, strict=True)
            if weight < 1.0
        )


# Punctuation -> space: a line's key is its words (str.translate + split is several times
# faster than a regex over every line, and layout runs on every posting of the job index).
_PUNCT = str.maketrans(
    {c: " " for c in "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~•▪●◦■□➢►✓✔·–—‘’“”…«»§¶†‡°±×÷"}
)


def _key(segment: str) -> str:
    key = " ".join(segment.lower().translate(_PUNCT).split())
    if not key.isascii() and not all(w.isalnum() for w in key.split(" ")):
        return " ".join(_WORD.findall(segment.lower()))  # other symbols: the exact rule
    return key


def _is_heading(stripped: str, n_words: int) -> bool:
    if n_words == 0 or n_words > 5 or stripped.endswith((".", ",")):
        return False
    return stripped.endswith(":") or (stripped.isupper() and len(stripped) > 3)


def _blank_repeated_sentences(
    text: str, start: int, end: int, seen: set[str], chars: list[str]
) -> bool:
    """Blank the sentences of a long prose line already seen; True when any was."""
    blanked = False
    offset = start
    for sentence in _SENTENCE_SPLIT.split(text[start:end]):
        at = text.find(sentence, offset, end + 1)
        if at < 0:
            continue
        offset = at + len(sentence)
        key = _key(sentence)
        if len(key) < _MIN_SENTENCE_KEY:
            continue
        if key in seen:
            chars[at : at + len(sentence)] = " " * len(sentence)
            blanked = True
        else:
            seen.add(key)
    return blanked


@lru_cache(maxsize=512)
def layout(text: str) -> Layout:
    """Classify the lines of `text` once (cached per text)."""
    text = text or ""
    chars = list(text) if text else []
    seen: set[str] = set()
    starts: list[int] = []
    weights: list[float] = []
    titles: list[tuple[int, int, bool]] = []
    in_list = False
    head_left = HEAD_TITLE_LINES
    blanked = False
    pos = 0
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        starts.append(start)
        stripped = line.strip()
        if not stripped:
            weights.append(1.0)
            continue
        key = _key(stripped)
        words = key.count(" ") + 1 if key else 0
        heading = _is_heading(stripped, words)
        skills_head = words <= 8 and bool(_SKILLS_HEAD.match(stripped))
        if skills_head:
            in_list = True
        elif heading:
            in_list = False
        if key and key in seen:
            chars[start:end] = " " * (end - start)
            blanked = True
            weights.append(LIST_WEIGHT if in_list else 1.0)
            continue
        if len(line) > 200:
            # Before the line's own key is seen: a line that is one long sentence is new.
            blanked = _blank_repeated_sentences(text, start, end, seen, chars) or blanked
        if key:
            seen.add(key)
        if skills_head:
            weights.append(LIST_WEIGHT)
            continue
        is_list = (
            in_list
            or bool(_SKILLS_PREFIX.match(stripped))
            or (stripped.count(",") + stripped.count("|") + stripped.count(";") >= 6)
        )
        weights.append(LIST_WEIGHT if is_list else 1.0)
        labelled = _TITLE_PREFIX.match(line)
        if labelled:
            titles.append((start + labelled.end(), end, True))
            head_left = 0
            continue
        if head_left > 0:
            head_left -= 1
            if words <= 2 * MAX_TITLE_TOKENS:
                titles.append((start, end, True))
            continue
        if (
            not is_list
            and not heading
            and words <= MAX_TITLE_TOKENS
            and not stripped.endswith(".")
            and not _BULLET.match(line)
            and stripped.count(",") <= 3
        ):
            titles.append((start, end, False))
    return Layout(
        text="".join(chars) if blanked else text,
        line_starts=tuple(starts),
        line_weights=tuple(weights),
        title_lines=tuple(titles),
    )
