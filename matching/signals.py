"""Profile signals from a resume: clearance, experience, education and eligibility facts.

Everything here is conservative: a signal is set only when the text states it plainly, and
each eligibility fact carries the span of text that supports it, so the site can show the
person why it thinks so (and they can correct it). Posting-style requirement language ("must
be able to obtain", "U.S. citizenship required") is not evidence about the person.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from matching.eligibility import FACTS
from matching.extract import SkillMention

# -- shared helpers ---------------------------------------------------------------------------

# First three letters -> month; a season is its usual graduation month.
_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "oct": 10, "nov": 11, "dec": 12, "spr": 5, "sum": 8, "fal": 12, "aut": 12,
    "win": 12,
}  # fmt: skip
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|spring|summer|fall|autumn|winter)"
)
_YEAR = r"(?:19[6-9]\d|20\d\d)"
# "Jan 2019", "January, 2019", "01/2019", "1/2019", "2019-01", "2019"
_DATE = (
    rf"(?:{_MONTH}\.?,?\s+['’]?{_YEAR}|(?:0?[1-9]|1[0-2])\s*/\s*{_YEAR}"
    rf"|{_YEAR}\s*[-/]\s*(?:0[1-9]|1[0-2])(?!\d)|{_YEAR})"
)
_PRESENT = r"(?:present|current(?:ly)?|now|today|to\s+date|ongoing)"
_RANGE_RE = re.compile(
    rf"(?<![\w/])(?P<start>{_DATE})\s*(?:-|–|—|~|to|through|thru|until)\s*"
    rf"(?P<end>{_DATE}|{_PRESENT})(?![\w/])",
    re.I,
)
_SENTENCE_END = re.compile(r"[.!?;](?=\s|$)|\n")
# Requirement language in postings: not a statement about the reader.
_REQUIREMENT = re.compile(
    r"\b(?:must|required|requires?|requirement|preferred|ability\s+to\s+obtain|able\s+to\s+obtain|"
    r"eligible\s+to\s+obtain|obtain(?:ing)?|candidates?|applicants?|minimum|should|will\s+be|"
    r"subject\s+to)\b",
    re.I,
)
_NEGATED = re.compile(r"\b(?:not|non|never|no|nor)\b", re.I)
_ASPIRING = re.compile(
    r"\b(?:apply(?:ing)?|plan(?:ning)?\s+to|hope\s+to|want\s+to|seeking|interested\s+in|"
    r"eligible\s+for|aspir\w*)\b",
    re.I,
)

_WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "twenty-five": 25, "thirty": 30,
}  # fmt: skip


@dataclass(frozen=True)
class Evidence:
    """A signal's value and the text that supports it (`text == source[start:end]`)."""

    value: Any
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class ProfileSignals:
    """What a resume says about its author, beyond skills. None means "not stated"."""

    clearance: str | None = None  # public_trust | secret | top_secret | ts_sci | q
    years_experience: float | None = None
    education_level: str | None = None  # high_school | associate | bachelor | master | doctorate
    certifications: tuple[str, ...] = ()  # cert-* skill ids the text credits
    student: Evidence | None = None
    graduation_date: Evidence | None = None  # value: datetime.date
    years_since_graduation: Evidence | None = None
    veteran: Evidence | None = None
    disability_rating: Evidence | None = None
    military_spouse: Evidence | None = None
    federal_employee: Evidence | None = None
    sfs_scholar: Evidence | None = None
    us_citizen: Evidence | None = None
    preference_eligible: Evidence | None = None
    # Evidence for clearance, years_experience and education_level, keyed by those names.
    evidence: dict[str, Evidence] = field(default_factory=dict)

    def facts(self) -> dict[str, Any]:
        """Known facts under matching.eligibility.FACTS names (unknown facts are left out)."""
        out: dict[str, Any] = {}
        for name in FACTS:
            value = getattr(self, name, None)
            if isinstance(value, Evidence):
                value = value.value
            if value is not None:
                out[name] = value
        return out


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence (or line) around [start, end)."""
    left = 0
    for m in _SENTENCE_END.finditer(text, 0, start):
        left = m.end()
    after = _SENTENCE_END.search(text, end)
    return left, (after.start() if after else len(text))


def _line_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    left = text.rfind("\n", 0, start) + 1
    right = text.find("\n", end)
    return left, (len(text) if right < 0 else right)


def _evidence(text: str, start: int, end: int, value: Any) -> Evidence:
    return Evidence(value, start, end, text[start:end])


def _is_requirement(text: str, start: int, end: int) -> bool:
    left, right = _sentence_bounds(text, start, end)
    return bool(_REQUIREMENT.search(text, left, right))


def _preceded_by(pattern: re.Pattern[str], text: str, start: int, chars: int = 40) -> bool:
    """`pattern` occurs in the same sentence within `chars` characters before `start`."""
    left, _ = _sentence_bounds(text, start, start)
    return bool(pattern.search(text, max(left, start - chars), start))


def _month_index(year: int, month: int) -> int:
    return year * 12 + (month - 1)


def _parse_date(raw: str, today: date) -> tuple[int, int] | None:
    """(year, month) of a resume date. A bare year starts in January and ends in January of
    that year, so "2016 - 2020" counts four years."""
    raw = raw.strip().lower().replace("’", "'")
    if re.fullmatch(_PRESENT, raw):
        return today.year, today.month
    m = re.fullmatch(rf"({_MONTH})\.?,?\s+'?({_YEAR})", raw)
    if m:
        return int(m.group(2)), _MONTHS[m.group(1)[:3]]
    m = re.fullmatch(rf"(\d{{1,2}})\s*/\s*({_YEAR})", raw)
    if m:
        return int(m.group(2)), int(m.group(1))
    m = re.fullmatch(rf"({_YEAR})\s*[-/]\s*(\d\d)", raw)
    if m:
        return int(m.group(1)), int(m.group(2))
    m = re.fullmatch(_YEAR, raw)
    if m:
        return int(raw), 1
    return None


# -- clearance --------------------------------------------------------------------------------

_CLEARANCE_OF_SKILL = {
    "clearance-public-trust": "public_trust",
    "clearance-secret": "secret",
    "clearance-top-secret": "top_secret",
    "clearance-ts-sci": "ts_sci",
    "clearance-q": "q",
}
_CLEARANCE_RANK = {"public_trust": 1, "secret": 2, "q": 3, "top_secret": 4, "ts_sci": 5}
# "Clearance: Secret", "Security clearance - Top Secret (active)" (the lexicon needs more words)
_CLEARANCE_LABEL_RE = re.compile(
    r"\b(?:security\s+)?clearance(?:\s+level)?\s*[:\-–—]\s*(?:active\s+|current\s+|interim\s+)?"
    r"(?P<level>TS\s*/+\s*SCI|Top\s+Secret(?:\s*/+\s*SCI)?|Secret|Public\s+Trust|DOE\s+Q|Q)\b",
    re.I,
)
_CLEARANCE_NOT_HELD = re.compile(
    r"\b(?:obtain|obtaining|eligible\s+to|eligibility\s+to|must|required|requires|pending|"
    r"in\s+process|sponsor(?:ship|ed)?|expired|lapsed|inactive|former(?:ly)?|previously|"
    r"applied|applying|investigation\s+in\s+progress)\b",
    re.I,
)


def _clearance(text: str, mentions: list[SkillMention]) -> tuple[str | None, Evidence | None]:
    found: list[tuple[int, int, str]] = []  # (-rank, start, level)
    spans: dict[tuple[int, str], tuple[int, int]] = {}
    for m in mentions:
        level = _CLEARANCE_OF_SKILL.get(m.skill_id)
        if level is None or not m.credited:
            continue
        found.append((-_CLEARANCE_RANK[level], m.start, level))
        spans[(m.start, level)] = (m.start, m.end)
    for label in _CLEARANCE_LABEL_RE.finditer(text):
        raw = re.sub(r"\s+", " ", label.group("level").lower())
        if "sci" in raw:
            level = "ts_sci"
        elif "top" in raw:
            level = "top_secret"
        elif "trust" in raw:
            level = "public_trust"
        elif "q" in raw.split():
            level = "q"
        else:
            level = "secret"
        found.append((-_CLEARANCE_RANK[level], label.start(), level))
        spans[(label.start(), level)] = (label.start(), label.end())
    for _, start, level in sorted(found):
        begin, end = spans[(start, level)]
        left, right = _sentence_bounds(text, begin, end)
        if _CLEARANCE_NOT_HELD.search(text, left, right):
            continue  # "able to obtain a Secret clearance", "TS (expired)"
        return level, _evidence(text, begin, end, level)
    return None, None


# -- experience -------------------------------------------------------------------------------

_YEARS_STATED_RE = re.compile(
    r"(?<![\w.])(?P<n>\d{1,2}(?:\.\d)?|"
    + "|".join(sorted(_WORD_NUMBERS, key=len, reverse=True))
    + r")\s*(?:\+|plus)?\s*(?:full\s+)?(?:years?|yrs?\.?)['’]?\s*(?:of\s+)?"
    r"(?:[\w/&,-]+\s+){0,5}?(?:experience|exp\b|work\s+history)",
    re.I,
)
_EDUCATION_HEAD = re.compile(
    r"^\s*(?:education|academic|training|certifications?|licenses?|courses?|coursework|"
    r"projects?|awards?|honors?|publications?|volunteer|references?|skills?|summary|profile|"
    r"objective)\b[^\n]{0,40}$",
    re.I | re.M,
)
_EXPERIENCE_HEAD = re.compile(
    r"^\s*(?:(?:professional|work|relevant|employment|career|military|federal|technical)\s+)*"
    r"(?:experience|employment|work\s+history|history|positions|career)\b[^\n]{0,40}$",
    re.I | re.M,
)
_SCHOOL_WORDS = re.compile(
    r"\b(?:university|college|school|academy|institute\s+of|b\.?s\.?|b\.?a\.?|bachelor|master|"
    r"m\.?s\.?|mba|ph\.?d|degree|diploma|gpa|coursework|graduat\w*|associate\s+of|a\.?a\.?s\.?)\b",
    re.I,
)


def _experience_sections(text: str) -> list[tuple[int, int]] | None:
    """Character ranges under experience headings, or None when the text has no headings."""
    heads = [(m.start(), "exp") for m in _EXPERIENCE_HEAD.finditer(text)]
    heads += [(m.start(), "other") for m in _EDUCATION_HEAD.finditer(text)]
    if not any(kind == "exp" for _, kind in heads):
        return None
    heads.sort()
    sections = []
    for k, (start, kind) in enumerate(heads):
        if kind == "exp":
            end = heads[k + 1][0] if k + 1 < len(heads) else len(text)
            sections.append((start, end))
    return sections


def _years_experience(text: str, today: date) -> tuple[float | None, Evidence | None]:
    stated = []
    for m in _YEARS_STATED_RE.finditer(text):
        if _is_requirement(text, m.start(), m.end()):
            continue
        raw = m.group("n").lower()
        n = float(_WORD_NUMBERS.get(raw, raw) if raw in _WORD_NUMBERS else raw)
        if 0 < n <= 50:
            stated.append((n, m.start(), m.end()))
    if stated:
        n, start, end = max(stated)
        return n, _evidence(text, start, end, n)
    sections = _experience_sections(text)
    intervals = []
    first = last = None
    for m in _RANGE_RE.finditer(text):
        if sections is not None and not any(a <= m.start() < b for a, b in sections):
            continue
        left, right = _line_bounds(text, m.start(), m.end())
        if sections is None and _SCHOOL_WORDS.search(text, left, right):
            continue  # a degree's dates are not work experience
        began = _parse_date(m.group("start"), today)
        ended = _parse_date(m.group("end"), today)
        if began is None or ended is None:
            continue
        a, b = _month_index(*began), _month_index(*ended)
        month_precise = not re.fullmatch(_YEAR, m.group("start").strip())
        if month_precise and not re.fullmatch(_YEAR, m.group("end").strip()):
            b += 1  # "Jan 2020 - Mar 2020" is three months of work
        if b <= a or b - a > 50 * 12 or b > _month_index(today.year, today.month) + 1:
            continue
        intervals.append((a, b))
        first = m.start() if first is None else first
        last = m.end()
    if not intervals:
        return None, None
    intervals.sort()
    total, (cur_a, cur_b) = 0, intervals[0]
    for a, b in intervals[1:]:
        if a <= cur_b:  # overlapping jobs count once
            cur_b = max(cur_b, b)
        else:
            total += cur_b - cur_a
            cur_a, cur_b = a, b
    total += cur_b - cur_a
    years = round(total / 12, 1)
    assert first is not None and last is not None
    return years, _evidence(text, first, last, years)


# -- education --------------------------------------------------------------------------------

_DEGREES: list[tuple[str, str]] = [
    (
        "doctorate",
        r"\bph\.?\s?d\b\.?|\bd\.?\s?sc\b\.?|\bed\.?\s?d\b\.?|\bdoctorate\b|\bdoctoral\s+degree\b|"
        r"\bdoctor\s+of\s+(?:philosophy|science|education|engineering|business)\b|"
        r"\bj\.d\.|\bjuris\s+doctor\b|\bd\.?\s?eng\b",
    ),
    (
        "master",
        r"\bmaster['’]?s?(?:\s+degree|\s+of|\s+in)\b|\bm\.\s?s\.|\bm\.\s?a\.|\bm\.?\s?sc\b\.?|"
        r"\bmba\b|\bm\.b\.a\.|\bm\.?\s?eng\b|\bmpa\b|\bmph\b|\bm\.?s\.?\s+(?:in|of)\s|"
        r"\bms(?:c|cs|is|it|ia)?\b(?=\s*,?\s+(?:in\s+)?(?:cyber|computer|information|"
        r"data|software|electrical|network|systems?|security|engineering|it\b))",
    ),
    (
        "bachelor",
        r"\bbachelor['’]?s?(?:\s+degree|\s+of|\s+in)?\b|\bb\.\s?s\.|\bb\.\s?a\.|\bb\.?\s?sc\b\.?|"
        r"\bb\.?s\.?\s+(?:in|of)\s|\bbs(?:c|cs|ee|it)?\b(?=\s*,?\s+(?:in\s+)?(?:cyber|computer|"
        r"information|data|software|electrical|network|systems?|security|engineering|it\b))|"
        r"\bba\s+(?:in|of)\s|\bb\.?eng\b",
    ),
    (
        "associate",
        r"\bassociate['’]?s?\s+(?:degree|of\s+(?:applied\s+)?(?:arts|science))\b|"
        r"\ba\.\s?a\.\s?s\.|\baas\b(?=\s*,?\s+(?:in\s+)?\w)|\ba\.\s?s\.\s+(?:in|degree)|"
        r"\ba\.\s?a\.\s+(?:in|degree)",
    ),
    ("high_school", r"\bhigh\s+school\s+diploma\b|\bged\b|\bhigh\s+school\s+graduate\b"),
]
_DEGREE_RES = [(level, re.compile(p, re.I)) for level, p in _DEGREES]
_LEVEL_RANK = {"high_school": 1, "associate": 2, "bachelor": 3, "master": 4, "doctorate": 5}
_IN_PROGRESS = re.compile(
    r"\b(?:pursuing|in\s+progress|expected|anticipated|candidate|currently\s+enrolled|"
    r"enrolled|student|ongoing|incomplete|working\s+toward[s]?|coursework\s+toward[s]?|"
    r"to\s+be\s+completed|will\s+complete|completion\s+(?:expected|anticipated))\b",
    re.I,
)


@dataclass(frozen=True)
class _Degree:
    level: str
    start: int
    end: int
    in_progress: bool
    line: tuple[int, int]


def _degrees(text: str) -> list[_Degree]:
    found: list[_Degree] = []
    taken: list[tuple[int, int]] = []
    for level, pattern in _DEGREE_RES:
        for m in pattern.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            left, right = _line_bounds(text, m.start(), m.end())
            s_left, s_right = _sentence_bounds(text, m.start(), m.end())
            in_progress = bool(_IN_PROGRESS.search(text, max(left, s_left), min(right, s_right)))
            if _is_requirement(text, m.start(), m.end()) and not in_progress:
                continue  # "Bachelor's degree required"
            found.append(_Degree(level, m.start(), m.end(), in_progress, (left, right)))
            taken.append((m.start(), m.end()))
    return sorted(found, key=lambda d: d.start)


def _education(text: str, degrees: list[_Degree]) -> tuple[str | None, Evidence | None]:
    done = [d for d in degrees if not d.in_progress]
    if not done:
        return None, None
    best = max(done, key=lambda d: (_LEVEL_RANK[d.level], -d.start))
    return best.level, _evidence(text, best.start, best.end, best.level)


# -- student and graduation --------------------------------------------------------------------

_STUDENT_RE = re.compile(
    r"\b(?:current(?:ly)?\s+(?:a\s+)?(?:full[- ]time\s+|part[- ]time\s+)?(?:enrolled|student)|"
    r"(?:full[- ]time|part[- ]time|undergraduate|graduate|doctoral|ph\.?d\.?|master['’]?s|"
    r"college|university|senior|junior|sophomore|cybersecurity|computer\s+science)\s+student|"
    r"(?:expected|anticipated)\s+(?:graduation|completion|to\s+graduate)|"
    r"currently\s+pursuing|candidate\s+for\s+(?:a\s+|the\s+)?(?:b\.?s|m\.?s|bachelor|master|degree))"
    r"\b(?!['’])",  # "graduate students" (a teacher's) is not a student's own status
    re.I,
)
_GRAD_DATE_RE = re.compile(
    rf"(?P<cue>(?:expected|anticipated|est\.?|projected)\s+(?:graduation|completion|to\s+graduate)?"
    rf"\s*(?:date)?\s*[:\-–]?\s*(?:in\s+)?|graduat(?:ed|ion|ing)\s*(?:date)?\s*[:\-–]?\s*(?:in\s+|on\s+)?|"
    rf"class\s+of\s+|conferred\s*[:\-–]?\s*|completed\s*[:\-–]?\s*)(?P<date>{_DATE})(?!\d)",
    re.I,
)
_DATE_ONLY_RE = re.compile(rf"(?<![\w/])(?P<date>{_DATE})(?![\w/])", re.I)


def _segment_date(
    text: str, start: int, end: int, today: date
) -> tuple[int | None, int, int] | None:
    """(month index or None for "- Present", start, end) of the one date in a segment."""
    ranges = list(_RANGE_RE.finditer(text, start, end))
    if ranges:
        r = ranges[-1]
        if re.fullmatch(_PRESENT, r.group("end").strip(), re.I):
            return None, r.start(), r.end()
        raw = r.group("end")
        parsed = _parse_date(raw, today)
        if parsed is None:
            return None
        year, month = parsed
        if re.fullmatch(_YEAR, raw.strip()):
            month = 5  # a bare graduation year: most degrees are conferred in May
        return _month_index(year, month), r.start(), r.end()
    singles = list(_DATE_ONLY_RE.finditer(text, start, end))
    if len(singles) != 1:
        return None
    raw = singles[0].group("date")
    parsed = _parse_date(raw, today)
    if parsed is None:
        return None
    year, month = parsed
    if re.fullmatch(_YEAR, raw.strip()):
        month = 5  # a bare graduation year: most degrees are conferred in May
    return _month_index(year, month), singles[0].start(), singles[0].end()


def _graduation(
    text: str, today: date, degrees: list[_Degree]
) -> tuple[Evidence | None, Evidence | None, Evidence | None]:
    """(student, graduation_date, years_since_graduation)."""
    student: Evidence | None = None
    today_index = _month_index(today.year, today.month)
    dated: list[tuple[int, int, int, bool]] = []  # (month index, start, end, expected)
    for m in _GRAD_DATE_RE.finditer(text):
        parsed = _parse_date(m.group("date"), today)
        if parsed is None:
            continue
        expected = bool(re.match(r"(?:expected|anticipated|est|projected)", m.group("cue"), re.I))
        dated.append((_month_index(*parsed), m.start(), m.end(), expected))
    for k, d in enumerate(degrees):
        # The degree's own date: in the text after it up to the next degree or the line end
        # ("M.S. Cybersecurity, 2020; B.S. Physics, 2016"), else earlier on its line.
        left, right = d.line
        if k + 1 < len(degrees) and degrees[k + 1].start < right:
            right = degrees[k + 1].start
        for seg_start, seg_end in ((d.end, right), (left, d.start)):
            when = _segment_date(text, seg_start, seg_end, today)
            if when is None:
                continue
            index, start, end = when
            if index is None:  # "2022 - Present" on a degree line: enrolled now
                student = student or _evidence(text, d.start, end, True)
            else:
                dated.append((index, start, end, d.in_progress))
            break
    enrolled = _STUDENT_RE.search(text)
    if enrolled and not _preceded_by(_NEGATED, text, enrolled.start(), 12):
        student = student or _evidence(text, enrolled.start(), enrolled.end(), True)
    future = [x for x in dated if x[0] >= today_index]
    past = [x for x in dated if x[0] < today_index and not x[3]]
    graduation_date = years_since = None
    if future:
        idx, start, end, _ = min(future)
        graduation_date = _evidence(text, start, end, date(idx // 12, idx % 12 + 1, 1))
        student = student or _evidence(text, start, end, True)
    elif past:
        idx, start, end, _ = max(past)
        graduation_date = _evidence(text, start, end, date(idx // 12, idx % 12 + 1, 1))
        if student is None:
            years = round((today_index - idx) / 12, 1)
            years_since = _evidence(text, start, end, years)
    return student, graduation_date, years_since


# -- status facts -----------------------------------------------------------------------------

_BRANCH = (
    r"(?:u\.?\s?s\.?\s+|united\s+states\s+)?(?:army|navy|air\s+force|marine\s+corps|marines|"
    r"coast\s+guard|space\s+force|national\s+guard|army\s+reserve|military|armed\s+forces)"
)
_VETERAN_RE = re.compile(
    rf"\b(?:{_BRANCH}\s+(?:combat\s+)?veteran|veteran\s+of\s+(?:the\s+)?{_BRANCH}|"
    r"(?:i\s+am|i['’]m)\s+an?\s+(?:\w+\s+){0,2}veteran|"
    r"(?:disabled|combat|service[- ]disabled|protected|military)\s+veteran|"
    r"honorabl[ey]\s+discharged?|honorable\s+discharge|honorable\s+separation|"
    r"dd[- ]?214|veteran\s+status\s*[:\-–]\s*(?:yes|veteran|protected)|"
    r"(?:5|10|five|ten)[- ]point\s+(?:veterans?['’]?\s+)?preference)\b",
    re.I,
)
_NOT_VETERAN_RE = re.compile(
    r"\b(?:not\s+a\s+veteran|non[- ]veteran|veteran\s+status\s*[:\-–]\s*(?:no|none|n/a|"
    r"not\s+a\s+veteran))\b",
    re.I,
)
_PREFERENCE_RE = re.compile(
    r"\b(?:(?:5|10|five|ten)[- ]point\s+(?:veterans?['’]?\s+)?preference|"
    r"preference[- ]eligible|veterans?['’]?\s+preference\s+(?:eligible|claimed)|"
    r"\b(?:tp|cp|cps|xp)\s+preference)\b",
    re.I,
)
_DISABILITY_RES = [
    re.compile(
        r"\b(?P<n>\d{1,3})\s*%\s*(?:or\s+more\s+)?(?:service[- ]connected|(?:va\s+)?disab\w*|"
        r"va\s+(?:disability\s+)?rating|rated)",
        re.I,
    ),
    re.compile(
        r"\b(?:service[- ]connected\s+)?(?:va\s+)?disability\s+rating\s*(?:of|:|-|–|is)?\s*"
        r"(?P<n>\d{1,3})\s*%",
        re.I,
    ),
    re.compile(r"\brated\s+(?P<n>\d{1,3})\s*%\s+(?:by\s+the\s+va|service[- ]connected)", re.I),
]
_SPOUSE_RE = re.compile(
    r"\b(?:military\s+spouse(?!s)(?!\s+(?:employment\s+partnership|program))|"
    r"spouse\s+of\s+an?\s+(?:active[- ]duty\s+)?(?:service\s*member|soldier|sailor|airman|"
    r"marine|active[- ]duty\s+\w+))\b",
    re.I,
)
_SFS_RE = re.compile(
    r"\b(?:cybercorps(?:®)?(?:\s*[:\-–]?\s*scholarship\s+for\s+service)?|"
    r"scholarship\s+for\s+service|sfs\s+(?:scholar|scholarship|recipient|program|fellow))\b",
    re.I,
)
_FEDERAL_RE = re.compile(
    r"\b(?:current(?:ly)?\s+(?:an?\s+)?(?:federal|civil\s+service|federal\s+civilian|"
    r"dod\s+civilian|government)\s+(?:employee|civil\s+servant|civilian)|"
    r"(?:career|career[- ]conditional)\s+(?:federal\s+)?employee|"
    r"federal\s+employee\s*(?:\(current\)|since|-\s*current))\b",
    re.I,
)
_GRADE_RE = re.compile(
    r"\b(?:GS|GG|GL|GM|NH|ND|NT|NO|ZP|ZA|ZT|IA|IR|ES|SL|ST)[- ]?(?:\d{4}[- ])?\d{1,2}\b"
    r"|\b(?:GS|GG)[- ]\d{4}[- ]\d{1,2}\b"
)
_CITIZEN_RE = re.compile(
    r"\b(?:u\.?\s?s\.?a?\.?\s+citizen(?:ship)?|united\s+states\s+citizen(?:ship)?|"
    r"american\s+citizen|citizenship\s*[:\-–]\s*(?:u\.?\s?s\.?a?\.?|united\s+states|usa|american))",
    re.I,
)
_NOT_CITIZEN_RE = re.compile(
    r"\b(?:not\s+a\s+(?:u\.?\s?s\.?|united\s+states)\s+citizen|(?:lawful\s+)?permanent\s+resident|"
    r"green\s+card\s+holder)\b",
    re.I,
)


def _flag(
    text: str, pattern: re.Pattern[str], *, allow_requirement: bool = False
) -> Evidence | None:
    for m in pattern.finditer(text):
        if _preceded_by(_NEGATED, text, m.start(), 12) or _preceded_by(_ASPIRING, text, m.start()):
            continue
        if not allow_requirement and _is_requirement(text, m.start(), m.end()):
            continue
        return _evidence(text, m.start(), m.end(), True)
    return None


def _veteran(text: str) -> Evidence | None:
    m = _NOT_VETERAN_RE.search(text)
    if m:
        return _evidence(text, m.start(), m.end(), False)
    return _flag(text, _VETERAN_RE)


def _disability(text: str) -> Evidence | None:
    for pattern in _DISABILITY_RES:
        for m in pattern.finditer(text):
            n = int(m.group("n"))
            if 0 <= n <= 100 and n % 10 == 0 and not _is_requirement(text, m.start(), m.end()):
                return _evidence(text, m.start(), m.end(), n)
    return None


def _federal_employee(text: str, today: date) -> Evidence | None:
    found = _flag(text, _FEDERAL_RE)
    if found:
        return found
    # "IT Specialist (INFOSEC), GS-2210-12, Department of X, Mar 2020 - Present"
    for m in _GRADE_RE.finditer(text):
        left, right = _line_bounds(text, m.start(), m.end())
        nxt = text.find("\n", right + 1)
        right2 = len(text) if nxt < 0 else nxt  # the date often sits on the next line
        for r in _RANGE_RE.finditer(text, left, right2):
            if re.fullmatch(_PRESENT, r.group("end").strip(), re.I):
                return _evidence(text, min(m.start(), r.start()), max(m.end(), r.end()), True)
    return None


def _us_citizen(text: str) -> Evidence | None:
    m = _NOT_CITIZEN_RE.search(text)
    if m and not _is_requirement(text, m.start(), m.end()):
        return _evidence(text, m.start(), m.end(), False)
    return _flag(text, _CITIZEN_RE)


# -- entry point ------------------------------------------------------------------------------


def extract_signals(
    text: str, today: date, mentions: Iterable[SkillMention] | None = None
) -> ProfileSignals:
    """Read the signals stated in a resume. `mentions` (from SkillExtractor) supply the
    clearance and certifications; without them only the clearance label patterns are used."""
    text = text or ""
    mentions = list(mentions or ())
    clearance, clearance_ev = _clearance(text, mentions)
    years, years_ev = _years_experience(text, today)
    degrees = _degrees(text)
    level, level_ev = _education(text, degrees)
    student, grad_date, years_since = _graduation(text, today, degrees)
    certs = tuple(
        dict.fromkeys(m.skill_id for m in mentions if m.credited and m.skill_id.startswith("cert-"))
    )
    disability = _disability(text)
    veteran = _veteran(text)
    if veteran is None and disability is not None:
        left, right = _sentence_bounds(text, disability.start, disability.end)
        if re.search(r"service[- ]connected|\bva\b|veteran", text[left:right], re.I):
            veteran = Evidence(True, disability.start, disability.end, disability.text)
    preference = _flag(text, _PREFERENCE_RE)
    evidence = {
        name: ev
        for name, ev in (
            ("clearance", clearance_ev),
            ("years_experience", years_ev),
            ("education_level", level_ev),
        )
        if ev is not None
    }
    return ProfileSignals(
        clearance=clearance,
        years_experience=years,
        education_level=level,
        certifications=certs,
        student=student,
        graduation_date=grad_date,
        years_since_graduation=years_since,
        veteran=veteran,
        disability_rating=disability,
        military_spouse=_flag(text, _SPOUSE_RE),
        federal_employee=_federal_employee(text, today),
        sfs_scholar=_flag(text, _SFS_RE),
        us_citizen=_us_citizen(text),
        preference_eligible=preference,
        evidence=evidence,
    )
