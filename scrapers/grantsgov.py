"""Grants.gov legacy REST API: search2 (search) and fetchOpportunity (detail).

Both endpoints answer HTTP 200 even for errors; the parsers here turn every error shape seen
in real responses into :class:`SourceError`, and payloads that are not what they claim to be
into :class:`PayloadError`. The client is paced by the session it is given.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, get_args

from scrapers.errors import PayloadError, ScraperError, SourceError
from scrapers.html_text import html_to_text, unescape_text
from scrapers.json_api import OPEN_STATUSES, FundingQuery, JsonApiClient, JsonSession
from scrapers.records import FundingRecord, FundingStatus
from scrapers.text import (
    clean,
    deadline,
    parse_bool,
    parse_date,
    parse_int,
    parse_money,
    source_id,
)

SOURCE = "grantsgov"
DETAIL_URL = "https://www.grants.gov/search-results-detail/{id}"
FUNDING_STATUSES: frozenset[str] = frozenset(get_args(FundingStatus))

# Keywords that find cyber and AI-security opportunities: Grants.gov has no cyber category.
CYBER_KEYWORDS: tuple[str, ...] = (
    "cybersecurity",
    "cyber security",
    "cyber",
    "artificial intelligence security",
    "AI security",
    "critical infrastructure security",
    "information security",
    "election security",
    "network security",
    "cyber workforce",
    "cyber resilience",
    "secure and trustworthy cyberspace",
    "ransomware",
    "operational technology security",
)


@dataclass(frozen=True)
class Search2Hit:
    """One row of a search2 result (``data.oppHits[]``)."""

    id: str
    number: str | None
    title: str
    agency_code: str | None
    agency: str | None
    open_date: date | None
    close_date: date | None  # None when blank (forecasts, rolling) or a stand-in year
    status: str | None  # "posted", "forecasted", "closed", "archived" (lower-cased)
    doc_type: str | None  # "synopsis" or "forecast"
    alns: tuple[str, ...] = ()
    raw: dict[str, Any] | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Search2Page:
    """One page of search2 results and the total number of hits for the query."""

    hits: list[Search2Hit]
    hit_count: int


@dataclass(frozen=True)
class FetchFailure:
    """An opportunity whose detail could not be read; ``partial`` comes from its search hit."""

    opportunity_id: str
    error: str
    partial: FundingRecord | None = None


def check_error_shapes(payload: Any, what: str) -> None:
    """Raise SourceError for every error Grants.gov sends with HTTP 200."""
    if not isinstance(payload, dict):
        raise PayloadError(
            f"Grants.gov {what}: expected a JSON object, got {type(payload).__name__}"
        )
    data = payload.get("data")
    # The errors live at the top level or inside `data` (the "no record" skeleton).
    for holder in (payload, data if isinstance(data, dict) else {}):
        for key in ("errorMessages", "errorMsgs"):
            messages = holder.get(key)
            if messages:
                text = (
                    "; ".join(str(m) for m in messages) if isinstance(messages, list) else messages
                )
                raise SourceError(f"Grants.gov {what} failed: {text}")
    errorcode = payload.get("errorcode")
    if errorcode not in (None, 0, "0"):
        raise SourceError(f"Grants.gov {what} failed (errorcode {errorcode}): {payload.get('msg')}")
    if data is None and "message" in payload:
        # {"message": "No response received ... backend server ... not available."}
        raise SourceError(f"Grants.gov {what} failed: {payload['message']}")


def _status(value: Any) -> str | None:
    text = clean(value)
    return text.lower() if text else None


def _codes(values: Any, key: str | None = None, *, pad: int = 0) -> tuple[str, ...]:
    """Codes from a list of strings or of ``{key: code}`` objects, blanks skipped, order kept."""
    if not isinstance(values, list):
        return ()
    out: list[str] = []
    for item in values:
        code = item.get(key) if key is not None and isinstance(item, dict) else item
        text = clean(code) if code is not None else None
        if not text:
            continue
        if pad and text.isdigit():
            text = text.zfill(pad)
        if text not in out:
            out.append(text)
    return tuple(out)


def parse_search2(payload: Any) -> Search2Page:
    """Hits and hit count of a search2 response envelope."""
    check_error_shapes(payload, "search2")
    data = payload.get("data")
    if not isinstance(data, dict) or "hitCount" not in data:
        raise PayloadError("Grants.gov search2: response has no data.hitCount")
    hit_count = parse_int(data.get("hitCount"))
    if hit_count is None:
        raise PayloadError(f"Grants.gov search2: hitCount {data.get('hitCount')!r} is not a number")
    hits_raw = data.get("oppHits") or []
    if not isinstance(hits_raw, list):
        raise PayloadError("Grants.gov search2: data.oppHits is not a list")
    hits = [_parse_hit(item) for item in hits_raw]
    return Search2Page(hits=hits, hit_count=hit_count)


def _parse_hit(item: Any) -> Search2Hit:
    if not isinstance(item, dict):
        raise PayloadError(f"Grants.gov search2: a hit is not a JSON object: {str(item)[:200]}")
    hit_id = source_id(item.get("id"), "Grants.gov search2: a hit's id")
    # The official sample spells these `agencyName` and `alnist`; live responses do not.
    agency = item.get("agency") if item.get("agency") is not None else item.get("agencyName")
    alns = item.get("cfdaList") if item.get("cfdaList") is not None else item.get("alnist")
    return Search2Hit(
        id=hit_id,
        number=clean(item.get("number")),
        title=unescape_text(item.get("title")) or "",
        agency_code=clean(item.get("agencyCode")),
        agency=unescape_text(agency),
        open_date=parse_date(item.get("openDate")),
        close_date=deadline(item.get("closeDate")),
        status=_status(item.get("oppStatus")),
        doc_type=_status(item.get("docType")),
        alns=_codes(alns),
        raw=item,
    )


def record_from_hit(hit: Search2Hit) -> FundingRecord:
    """A partial record from a search hit (no amounts, eligibility or description)."""
    status = hit.status if hit.status in FUNDING_STATUSES else None
    if status is None:
        status = "forecasted" if hit.doc_type == "forecast" else "posted"
    return FundingRecord(
        source=SOURCE,
        source_id=hit.id,
        legacy_id=hit.id,
        title=hit.title,
        number=hit.number,
        agency_code=hit.agency_code,
        agency=hit.agency,
        assistance_listings=hit.alns,
        status=status,  # type: ignore[arg-type]
        open_date=hit.open_date,
        close_date=hit.close_date,
        url=DETAIL_URL.format(id=hit.id),
        raw=hit.raw,
    )


def _first_date(parse: Callable[[Any], date | None], *values: Any) -> date | None:
    """Parse the first value that is a readable date (the ``*Str`` twin first)."""
    for value in values:
        if parse_date(value) is not None:
            return parse(value)
    return None


def _agency_name(data: dict[str, Any], section: dict[str, Any]) -> str | None:
    for holder in (data, section):
        for key in ("agencyDetails", "topAgencyDetails"):
            details = holder.get(key)
            if isinstance(details, dict) and clean(details.get("agencyName")):
                return unescape_text(details["agencyName"])
    return unescape_text(section.get("agencyName"))


def parse_opportunity(payload: Any, *, today: date | None = None) -> FundingRecord:
    """A full record from a fetchOpportunity response.

    The synopsis wins over a (possibly stale) forecast. Status comes from ``ost``/``docType``;
    when ``today`` is given a posted synopsis past its archive or close date is reported as
    archived or closed.
    """
    check_error_shapes(payload, "fetchOpportunity")
    data = payload.get("data")
    if not isinstance(data, dict):
        raise PayloadError("Grants.gov fetchOpportunity: response has no data object")
    opp_id = source_id(data.get("id"), "Grants.gov fetchOpportunity: data.id")
    if opp_id == "0" or not clean(data.get("opportunityTitle")):
        raise PayloadError("Grants.gov fetchOpportunity: data has no id or opportunityTitle")
    synopsis = data.get("synopsis") if isinstance(data.get("synopsis"), dict) else None
    forecast = data.get("forecast") if isinstance(data.get("forecast"), dict) else None
    section: dict[str, Any] = synopsis or forecast or {}

    if synopsis is not None:
        open_date = _first_date(
            parse_date, section.get("postingDateStr"), section.get("postingDate")
        )
        close_date = _first_date(
            deadline, section.get("responseDateStr"), section.get("responseDate")
        )
        description = html_to_text(section.get("synopsisDesc"))
    else:
        open_date = _first_date(
            parse_date,
            section.get("estSynopsisPostingDateStr"),
            section.get("estSynopsisPostingDate"),
        )
        close_date = _first_date(
            deadline,
            section.get("estApplicationResponseDateStr"),
            section.get("estApplicationResponseDate"),
        )
        description = html_to_text(section.get("forecastDesc"))
    archive_date = _first_date(
        parse_date, section.get("archiveDateStr"), section.get("archiveDate")
    )

    status = _status(data.get("ost"))
    if status not in FUNDING_STATUSES:
        doc_type = _status(data.get("docType"))
        if doc_type == "forecast" or (synopsis is None and forecast is not None):
            status = "forecasted"
        else:
            status = "posted"
    if today is not None and status == "posted":
        if archive_date is not None and archive_date < today:
            status = "archived"
        elif close_date is not None and close_date < today:
            status = "closed"

    note = html_to_text(
        section.get("responseDateDesc") or section.get("estApplicationResponseDateDesc")
    )
    return FundingRecord(
        source=SOURCE,
        source_id=opp_id,
        legacy_id=opp_id,
        title=unescape_text(data.get("opportunityTitle")) or "",
        number=clean(data.get("opportunityNumber")),
        agency_code=clean(data.get("owningAgencyCode")) or clean(section.get("agencyCode")),
        agency=_agency_name(data, section),
        assistance_listings=_codes(data.get("cfdas"), "cfdaNumber"),
        status=status,  # type: ignore[arg-type]
        open_date=open_date,
        close_date=close_date,
        close_date_note=None if note in (None, "undefined") else note,
        archive_date=archive_date,
        award_ceiling=parse_money(section.get("awardCeiling")),
        award_floor=parse_money(section.get("awardFloor")),
        total_funding=parse_money(section.get("estimatedFunding")),
        expected_awards=parse_int(section.get("numberOfAwards")),
        eligible_applicants=_codes(section.get("applicantTypes"), "id", pad=2),
        eligibility_note=html_to_text(section.get("applicantEligibilityDesc")),
        categories=_codes(section.get("fundingActivityCategories"), "id"),
        funding_instruments=_codes(section.get("fundingInstruments"), "id"),
        cost_sharing=parse_bool(section.get("costSharing")),
        url=DETAIL_URL.format(id=opp_id),
        description=description,
        raw=data,
    )


class GrantsGovClient(JsonApiClient):
    """search2 and fetchOpportunity over a paced session (``scrapers.http.PoliteSession``).

    ``failures`` lists the opportunities whose detail could not be read in the last
    :meth:`iter_opportunities` run.
    """

    def __init__(self, session: JsonSession, base_url: str = "https://api.grants.gov") -> None:
        super().__init__(session, base_url)
        self.failures: list[FetchFailure] = []

    def search(self, query: FundingQuery, rows: int = 100, start: int = 0) -> Search2Page:
        """One page of search2 results (``start`` counts records from 0)."""
        body: dict[str, Any] = {
            "rows": rows,
            "startRecordNum": start,
            "oppStatuses": "|".join(query.statuses),
        }
        if query.text:
            body["keyword"] = query.text
        if query.alns:
            body["aln"] = "|".join(query.alns)
        return parse_search2(self.post("/v1/api/search2", body))

    def search_all(self, query: FundingQuery, rows: int = 100) -> Iterator[Search2Hit]:
        """Every hit of a query, page by page (``startRecordNum += rows`` until ``hitCount``)."""
        start = 0
        while True:
            page = self.search(query, rows=rows, start=start)
            yield from page.hits
            start += rows
            # An empty page means hitCount overstated the results: stop rather than loop.
            if start >= page.hit_count or not page.hits:
                return

    def fetch(self, opportunity_id: int | str, *, today: date | None = None) -> FundingRecord:
        """The full record of one opportunity."""
        try:
            numeric_id = int(opportunity_id)
        except (TypeError, ValueError):
            raise ValueError(
                f"Grants.gov opportunity id must be digits: {opportunity_id!r}"
            ) from None
        payload = self.post("/v1/api/fetchOpportunity", {"opportunityId": numeric_id})
        return parse_opportunity(payload, today=today)

    def iter_opportunities(
        self,
        keywords: Iterable[str],
        alns: Iterable[str],
        on_progress: Callable[[int, int], None] | None = None,
        *,
        statuses: Sequence[str] = OPEN_STATUSES,
        rows: int = 100,
        today: date | None = None,
    ) -> Iterator[FundingRecord]:
        """Full records of every opportunity found by any keyword or ALN, each once.

        Searches run first (a search error aborts the run: the result would be incomplete);
        then details are fetched one by one. A detail that fails is added to ``failures``
        and skipped. ``on_progress(done, total)`` is called after each detail.
        """
        self.failures = []
        hits: dict[str, Search2Hit] = {}
        statuses = tuple(statuses)
        queries = [FundingQuery(kw, (), statuses) for kw in keywords]
        queries += [FundingQuery(None, (aln,), statuses) for aln in alns]
        for query in queries:
            for hit in self.search_all(query, rows=rows):
                hits.setdefault(hit.id, hit)
        total = len(hits)
        for done, (opp_id, hit) in enumerate(hits.items(), start=1):
            try:
                record = self.fetch(opp_id, today=today)
            except (ScraperError, ValueError) as exc:
                self.failures.append(FetchFailure(opp_id, str(exc), record_from_hit(hit)))
                record = None
            if on_progress is not None:
                on_progress(done, total)
            if record is not None:
                yield record
