"""USAJOBS Search API and code lists: fetch, page, slice under the cap, normalise to JobRecord.

API notes (shapes, quirks, limits) are in the project's data-source reference, section 1.
Parsing is pure (`parse_search`, `parse_codelist`); `UsajobsClient` does the HTTP through a
`PoliteSession`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from scrapers.errors import ConfigurationError, PayloadError
from scrapers.html_text import html_to_text
from scrapers.http import PoliteSession
from scrapers.records import JobRecord
from scrapers.text import (
    clean,
    parse_bool,
    parse_date,
    parse_int,
    parse_money,
    source_id,
)
from vocabulary.text import is_ascii_digits

SOURCE = "usajobs"
DEFAULT_BASE_URL = "https://data.usajobs.gov"
JOB_URL = "https://www.usajobs.gov/job/{id}"
RESULTS_PER_PAGE = 500  # the API maximum; the default is smaller and varies
QUERY_CAP = 10_000  # the API never returns more than this many items for one query
MAX_DATE_POSTED = 60  # DatePosted accepts 0..60 days
# Cumulative DatePosted windows tried, widest first, when a slice is over the cap.
DATE_POSTED_WINDOWS: tuple[int, ...] = (60, 30, 14, 7, 3, 1, 0)

CYBER_SERIES: tuple[str, ...] = (
    "2210",
    "0080",
    "1550",
    "0854",
    "0855",
    "1530",
    "0132",
    "0391",
    "1811",
    "2299",
    "1560",
)
CYBER_KEYWORDS: tuple[str, ...] = (
    "cybersecurity",
    "information security",
    "cyber",
    "INFOSEC",
    "vulnerability",
    "incident response",
    "security operations",
)

# remunerationrateintervalcodes code list. 2022 payloads put the words in RateIntervalCode.
RATE_INTERVALS: dict[str, str] = {
    "BW": "Bi-weekly",
    "FB": "Fee Basis",
    "PA": "Per Year",
    "PD": "Per Day",
    "PH": "Per Hour",
    "PM": "Per Month",
    "PW": "Piece Work",
    "ST": "Student Stipend Paid",
    "SY": "School Year",
    "WC": "Without Compensation",
}
_RATE_WORDS = {words.lower(): words for words in RATE_INTERVALS.values()}
_CODELIST_NAME = re.compile(r"[A-Za-z0-9_-]+")
_MULTIPLE_LOCATIONS = "multiple locations"  # a display placeholder, not a place


@dataclass(frozen=True)
class SearchPage:
    """One page of Search results, normalised."""

    records: list[JobRecord]
    total: int  # SearchResultCountAll: every match of the query, not just this page
    pages: int | None  # UserArea.NumberOfPages, when given
    # Items that could not be read, one message each: the record fails, the page does not.
    skipped: list[str] = field(default_factory=list)

    @property
    def size(self) -> int:
        """Items on the page, read or not: what says whether this was the last page."""
        return len(self.records) + len(self.skipped)


PageCallback = Callable[[dict[str, str], SearchPage], None]


# --------------------------------------------------------------------------- parsing


def parse_search(payload: Any, today: date | None = None) -> SearchPage:
    """Normalise a Search API response; raises PayloadError on a malformed payload.

    An item that cannot be read (no id, an id that is not a string or integer, no title) is
    left out and described in `SearchPage.skipped`.
    """
    if not isinstance(payload, dict):
        raise PayloadError(
            f"USAJOBS search response is a {type(payload).__name__}, not a JSON object"
        )
    result = payload.get("SearchResult")
    items = result.get("SearchResultItems") if isinstance(result, dict) else None
    if not isinstance(result, dict) or not isinstance(items, list):
        raise PayloadError("USAJOBS search response has no SearchResult.SearchResultItems list")
    today = today or date.today()
    records: list[JobRecord] = []
    skipped: list[str] = []
    for index, item in enumerate(items):
        try:
            records.append(parse_item(item, index, today))
        except PayloadError as exc:
            skipped.append(str(exc))
    total = parse_int(result.get("SearchResultCountAll"))
    if total is None:
        total = parse_int(result.get("SearchResultCount"))
    user_area = result.get("UserArea")
    pages = parse_int(user_area.get("NumberOfPages")) if isinstance(user_area, dict) else None
    total = len(records) if total is None else total
    return SearchPage(records=records, total=total, pages=pages, skipped=skipped)


def parse_item(item: Any, index: int = 0, today: date | None = None) -> JobRecord:
    """One SearchResultItems entry as a JobRecord (`index` names the item in errors)."""
    if not isinstance(item, dict):
        raise PayloadError(f"USAJOBS search item {index} is not a JSON object")
    job_id = source_id(item.get("MatchedObjectId"), f"USAJOBS search item {index} MatchedObjectId")
    desc = _dict(item.get("MatchedObjectDescriptor"))
    title = clean(desc.get("PositionTitle"))
    if title is None:
        raise PayloadError(f"USAJOBS search item {index} ({job_id}) has no PositionTitle")
    # Fields=Min responses carry no UserArea.Details: every Details-based field is None.
    details = _dict(_dict(desc.get("UserArea")).get("Details"))
    pay = _first_dict(desc.get("PositionRemuneration"))
    close_date = parse_date(desc.get("ApplicationCloseDate")) or parse_date(
        desc.get("PositionEndDate")
    )
    summary = html_to_text(_text(details.get("JobSummary"))) or html_to_text(
        _text(desc.get("QualificationSummary"))
    )
    return JobRecord(
        source=SOURCE,
        source_id=job_id,
        title=title,
        organization=clean(desc.get("OrganizationName")),
        department=clean(desc.get("DepartmentName")),
        agency_code=agency_code(details.get("OrganizationCodes")),
        announcement_number=clean(desc.get("PositionID")),
        series=_series(desc.get("JobCategory")),
        pay_plan=clean(_first_dict(desc.get("JobGrade")).get("Code")),
        grade_low=_grade(details.get("LowGrade")),
        grade_high=_grade(details.get("HighGrade")),
        salary_min=parse_money(pay.get("MinimumRange")),
        salary_max=parse_money(pay.get("MaximumRange")),
        salary_interval=salary_interval(pay.get("RateIntervalCode"), pay.get("Description")),
        locations=_locations(desc),
        remote=parse_bool(details.get("RemoteIndicator")),
        telework=parse_bool(details.get("TeleworkEligible")),
        clearance=clean(details.get("SecurityClearance")),
        hiring_paths=hiring_paths(details.get("HiringPath")),
        open_date=parse_date(desc.get("PublicationStartDate"))
        or parse_date(desc.get("PositionStartDate")),
        close_date=close_date,
        url=JOB_URL.format(id=job_id),
        summary=summary,
        body=_body(desc, details),
        status="closed" if close_date and close_date < (today or date.today()) else "open",
        raw=item,
    )


def agency_code(value: Any) -> str | None:
    """Agency sub-element code from OrganizationCodes: "DN/DN03" -> "DN03", "TR" -> "TR"."""
    parts = [part.strip() for part in str(value or "").split("/") if part.strip()]
    if not parts:
        return None
    return parts[1] if len(parts) > 1 else parts[0]


def salary_interval(code: Any, description: Any = None) -> str | None:
    """Rate interval in words from a code ("PA") or words ("Per Year"), else the Description."""
    text = clean(code)
    if text:
        if text.upper() in RATE_INTERVALS:
            return RATE_INTERVALS[text.upper()]
        if text.lower() in _RATE_WORDS:
            return _RATE_WORDS[text.lower()]
    return clean(description)


def hiring_paths(value: Any) -> tuple[str, ...]:
    """Lowercase hiring-path codes from a list of strings, one string, or {"Code"/"Name"} dicts."""
    if value is None:
        return ()
    entries = value if isinstance(value, list) else [value]
    paths: list[str] = []
    for entry in entries:
        if isinstance(entry, dict):
            text = clean(entry.get("Code")) or clean(entry.get("Name"))
        else:
            text = clean(entry)
        if not text:
            continue
        # A single string may hold several codes ("public;vet"); codes contain neither.
        paths.extend(part.strip().lower() for part in re.split(r"[;,]", text) if part.strip())
    return _unique(paths)


def position_sensitivity(item: Mapping[str, Any]) -> str | None:
    """Position sensitivity text from a raw item; the API spells the key PositionSensitivitiy."""
    desc = _dict(item.get("MatchedObjectDescriptor"))
    details = _dict(_dict(desc.get("UserArea")).get("Details"))
    return clean(details.get("PositionSensitivitiy")) or clean(details.get("PositionSensitivity"))


def parse_codelist(payload: Any) -> dict[str, str]:
    """Code -> value for the enabled entries of a code list response."""
    lists = payload.get("CodeList") if isinstance(payload, dict) else None
    if not isinstance(lists, list):
        raise PayloadError("USAJOBS code list response has no CodeList list")
    codes: dict[str, str] = {}
    for block in lists:
        for entry in _dict(block).get("ValidValue") or []:
            if not isinstance(entry, dict) or parse_bool(entry.get("IsDisabled")) is True:
                continue
            code = clean(entry.get("Code"))
            # Most lists use Value; cyberworkgroupings uses GroupingName.
            value = clean(entry.get("Value")) or clean(entry.get("GroupingName"))
            if code is not None and value is not None:
                codes[code] = value
    return codes


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _first_dict(value: Any) -> dict[str, Any]:
    if isinstance(value, list):
        return next((entry for entry in value if isinstance(entry, dict)), {})
    return _dict(value)


def _text(value: Any) -> str | None:
    """A text field that may be a string or a list of strings (MajorDuties, KeyRequirements)."""
    if value is None:
        return None
    if isinstance(value, list):
        parts = [str(part) for part in value if part is not None and str(part).strip()]
        return "\n\n".join(parts) or None
    return str(value)


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def _series(categories: Any) -> tuple[str, ...]:
    codes: list[str] = []
    for category in categories if isinstance(categories, list) else []:
        code = clean(_dict(category).get("Code"))
        if code and code.isdigit() and len(code) <= 4:
            codes.append(code.zfill(4))
    return _unique(codes)


def _grade(value: Any) -> int | None:
    text = clean(value)
    return int(text) if text and is_ascii_digits(text) else None


def _locations(desc: dict[str, Any]) -> tuple[str, ...]:
    places = desc.get("PositionLocation")
    names = [
        name
        for place in (places if isinstance(places, list) else [])
        if (name := clean(_dict(place).get("LocationName")))
    ]
    if names:
        return _unique(names)
    display = clean(desc.get("PositionLocationDisplay"))
    if display and display.lower() != _MULTIPLE_LOCATIONS:
        return (display,)
    return ()


def _body(desc: dict[str, Any], details: dict[str, Any]) -> str | None:
    sources = (
        details.get("MajorDuties"),
        desc.get("QualificationSummary"),
        details.get("Requirements"),
        details.get("Education"),
        details.get("KeyRequirements"),
        details.get("Evaluations"),
    )
    parts = [text for value in sources if (text := html_to_text(_text(value)))]
    return "\n\n".join(parts) or None


# --------------------------------------------------------------------------- client


@dataclass
class _Slice:
    """One query's collection state (used for the cap warning)."""

    label: str
    total: int = 0
    ids: set[str] = field(default_factory=set)


class UsajobsClient:
    """USAJOBS Search and code-list client.

    `warnings` lists the slices of the latest `iter_jobs` run that could not be fully read
    because of the 10,000-per-query cap.
    """

    def __init__(
        self,
        session: PoliteSession,
        base_url: str = DEFAULT_BASE_URL,
        api_key: str | None = None,
        email: str | None = None,
        *,
        results_per_page: int = RESULTS_PER_PAGE,
        query_cap: int = QUERY_CAP,
        today: Callable[[], date] = date.today,
    ) -> None:
        self.session = session
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.email = email
        self.results_per_page = results_per_page
        self.query_cap = query_cap
        self._today = today
        self.warnings: list[str] = []

    def _auth_headers(self) -> dict[str, str]:
        key, email = clean(self.api_key), clean(self.email)
        if not key:
            raise ConfigurationError(
                "USAJOBS API key is missing: set USAJOBS_API_KEY (request one at "
                "developer.usajobs.gov)"
            )
        if not email:
            raise ConfigurationError(
                "USAJOBS e-mail is missing: set USAJOBS_EMAIL to the address the key was issued to"
            )
        # The ToS want the registered e-mail as User-Agent; Host comes from the URL.
        return {"User-Agent": email, "Authorization-Key": key}

    def search(self, params: Mapping[str, Any]) -> SearchPage:
        """One Search request (always Fields=Full and the full page size)."""
        headers = self._auth_headers()
        query = {key: str(value) for key, value in params.items() if value is not None}
        query["Fields"] = "Full"
        query["ResultsPerPage"] = str(self.results_per_page)
        payload = self.session.get_json(
            f"{self.base_url}/api/Search", params=query, headers=headers
        )
        return parse_search(payload, today=self._today())

    def codelist(self, name: str) -> dict[str, str]:
        """Enabled code -> value entries of a code list (no key needed)."""
        if not _CODELIST_NAME.fullmatch(name):
            raise ValueError(f"not a code list name: {name!r}")
        return parse_codelist(self.session.get_json(f"{self.base_url}/api/codelist/{name}"))

    def iter_jobs(
        self,
        series: Sequence[str] = CYBER_SERIES,
        keywords: Sequence[str] = CYBER_KEYWORDS,
        since_days: int | None = None,
        on_page: PageCallback | None = None,
    ) -> Iterator[JobRecord]:
        """Every job matching any series (JobCategoryCode) or keyword, each once.

        One slice per series and per keyword, paged until a short page, the last page or the
        cap. `since_days` (0..60, larger values capped) limits every slice to jobs posted in
        the last N days, for incremental runs. `on_page(query, page)` is called after every
        request. Raises ConfigurationError at once when the key or e-mail is missing.

        Over the cap: the API serves only the first `query_cap` items of a query, so an
        over-cap slice is paged to the cap (that keeps older jobs no narrower query reaches),
        then DatePosted windows are probed widest first (60, 30, 14, 7, 3, 1, 0 days; only
        those narrower than `since_days`) and the first one under the cap is read in full:
        the windows are cumulative, so every job posted in it is then complete. If even the
        0-day window is over the cap, its first `query_cap` items are kept. Any shortfall
        (matches minus distinct jobs read) is reported in `warnings`.
        """
        self._auth_headers()  # fail before the first request, not halfway through a run
        self.warnings = []
        window = None if since_days is None else max(0, min(int(since_days), MAX_DATE_POSTED))
        return self._iter_jobs(series, keywords, window, on_page)

    def _iter_jobs(
        self,
        series: Sequence[str],
        keywords: Sequence[str],
        window: int | None,
        on_page: PageCallback | None,
    ) -> Iterator[JobRecord]:
        seen: set[str] = set()  # MatchedObjectIds already yielded, across slices
        slices = [{"JobCategoryCode": code} for code in series]
        slices += [{"Keyword": word} for word in keywords]
        for base in slices:
            if window is not None:
                base = {**base, "DatePosted": str(window)}
            yield from self._iter_slice(base, window, seen, on_page)

    def _iter_slice(
        self,
        base: dict[str, str],
        window: int | None,
        seen: set[str],
        on_page: PageCallback | None,
    ) -> Iterator[JobRecord]:
        state = _Slice(label=" ".join(f"{k}={v}" for k, v in base.items()))
        yield from self._page_query(base, state, seen, on_page)
        if state.total <= self.query_cap:
            return
        windows = [d for d in DATE_POSTED_WINDOWS if window is None or d < window]
        for days in windows:
            sub = _Slice(label=state.label)
            narrowest = days == windows[-1]
            yield from self._page_query(
                {**base, "DatePosted": str(days)}, sub, seen, on_page, probe=not narrowest
            )
            state.ids |= sub.ids
            if sub.total <= self.query_cap:
                break
        missing = state.total - len(state.ids)
        if missing > 0:
            self.warnings.append(
                f"USAJOBS {state.label}: {state.total} matches but the API serves at most "
                f"{self.query_cap} per query; read {len(state.ids)}, {missing} not reachable"
            )

    def _page_query(
        self,
        params: dict[str, str],
        state: _Slice,
        seen: set[str],
        on_page: PageCallback | None,
        *,
        probe: bool = False,
    ) -> Iterator[JobRecord]:
        """Page one query until a short page, the last page, or the cap.

        With `probe`, stop after page 1 when the query is over the cap: paging it would only
        re-read an arbitrary 10,000 (its page-1 records are still yielded).
        """
        page_number = 1
        fetched = 0
        while True:
            query = {**params, "Page": str(page_number)}
            page = self.search(query)
            if on_page is not None:
                on_page(query, page)
            if page_number == 1:
                state.total = page.total
            fetched += page.size
            self.warnings.extend(
                f"USAJOBS {state.label} page {page_number}: {problem}; not stored"
                for problem in page.skipped
            )
            for record in page.records:
                state.ids.add(record.source_id)
                if record.source_id not in seen:
                    seen.add(record.source_id)
                    yield record
            if probe and page.total > self.query_cap:
                return
            if page.size < self.results_per_page:
                return  # a short (or empty) page is the last one
            if page.pages is not None and page_number >= page.pages:
                return
            if fetched >= self.query_cap:
                return  # the API serves nothing past the cap
            page_number += 1
