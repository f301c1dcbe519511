"""simpler.grants.gov API: ``POST /v1/opportunities/search``, paged, normalised to FundingRecord.

Opportunity fields live under ``summary`` (the wiki's flattened example is wrong). Enum
names (applicant types, categories, instruments) are mapped back to the Grants.gov codes the
rest of Pathfinder uses, so records from both sources compare.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, get_args

from scrapers.errors import ConfigurationError, PayloadError, SourceError
from scrapers.html_text import html_to_text
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
from vocabulary.codes import FUNDING_CATEGORIES

SOURCE = "simpler"
DETAIL_URL = "https://simpler.grants.gov/opportunity/{id}"
MAX_RESULTS = 10_000  # the search never returns more than this many results for one query
MAX_QUERY_LENGTH = 100
FUNDING_STATUSES: frozenset[str] = frozenset(get_args(FundingStatus))

APPLICANT_TYPES: dict[str, str] = {
    "state_governments": "00",
    "county_governments": "01",
    "city_or_township_governments": "02",
    "special_district_governments": "04",
    "independent_school_districts": "05",
    "public_and_state_institutions_of_higher_education": "06",
    "federally_recognized_native_american_tribal_governments": "07",
    "public_and_indian_housing_authorities": "08",
    "other_native_american_tribal_organizations": "11",
    "nonprofits_non_higher_education_with_501c3": "12",
    "nonprofits_non_higher_education_without_501c3": "13",
    "private_institutions_of_higher_education": "20",
    "individuals": "21",
    "for_profit_organizations_other_than_small_businesses": "22",
    "small_businesses": "23",
    "other": "25",
    "unrestricted": "99",
}
FUNDING_INSTRUMENTS: dict[str, str] = {
    "cooperative_agreement": "CA",
    "grant": "G",
    "procurement_contract": "PC",
    "other": "O",
}


def _snake(name: str) -> str:
    return "_".join(re.findall(r"[a-z0-9]+", name.lower()))


def _loose(name: str) -> str:
    # The API drops some "and"s ("science_technology_and_other_research_and_development"
    # for "Science and Technology and other ..."): compare without them as a fallback.
    return "_".join(word for word in _snake(name).split("_") if word != "and")


FUNDING_CATEGORY_CODES: dict[str, str] = {_snake(n): c for c, n in FUNDING_CATEGORIES.items()}
_LOOSE_CATEGORY_CODES: dict[str, str] = {_loose(n): c for c, n in FUNDING_CATEGORIES.items()}


def category_code(name: str) -> str | None:
    """The Grants.gov code of a simpler.grants.gov funding category enum name."""
    return FUNDING_CATEGORY_CODES.get(name) or _LOOSE_CATEGORY_CODES.get(_loose(name))


@dataclass(frozen=True)
class SimplerPage:
    """One page of search results and the totals for the whole query."""

    records: list[FundingRecord]
    total_pages: int
    total_records: int


def _error_text(error: Any) -> str:
    if not isinstance(error, dict):
        return str(error)
    field = error.get("field")
    message = error.get("message", "")
    return f"{field}: {message}" if field else str(message)


def _check(payload: Any) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise PayloadError(
            f"simpler.grants.gov search: expected a JSON object, got {type(payload).__name__}"
        )
    status = payload.get("status_code")
    message = payload.get("message")
    # status_code decides when present; otherwise a message must say success.
    if status is not None:
        failed = status != 200
    else:
        failed = message is not None and str(message).lower() != "success"
    if failed:
        detail = "; ".join(_error_text(e) for e in payload.get("errors") or [])
        text = f"{message or 'error'} (status {status})" + (f": {detail}" if detail else "")
        raise SourceError(f"simpler.grants.gov search failed: {text}")
    return payload


def parse_search(payload: Any) -> SimplerPage:
    """Records and totals of a ``/v1/opportunities/search`` response."""
    _check(payload)
    data = payload.get("data")
    if not isinstance(data, list):
        raise PayloadError("simpler.grants.gov search: response has no data list")
    info = payload.get("pagination_info")
    if not isinstance(info, dict):
        raise PayloadError("simpler.grants.gov search: response has no pagination_info")
    total_pages = parse_int(info.get("total_pages"))
    total_records = parse_int(info.get("total_records"))
    if total_pages is None or total_records is None:
        raise PayloadError("simpler.grants.gov search: pagination_info lacks totals")
    return SimplerPage(
        records=[parse_opportunity(item) for item in data],
        total_pages=total_pages,
        total_records=total_records,
    )


def _mapped(values: Any, mapping: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """Codes for a list of enum names; names without a code are dropped, order kept."""
    if not isinstance(values, list):
        return ()
    out: list[str] = []
    for value in values:
        name = str(value).strip().lower()
        code = mapping.get(name) if mapping is not None else category_code(name)
        if code is not None and code not in out:
            out.append(code)
    return tuple(out)


def parse_opportunity(item: Any) -> FundingRecord:
    """One opportunity object (search result or detail ``data``) as a record."""
    if not isinstance(item, dict):
        raise PayloadError(f"simpler.grants.gov: opportunity is not a JSON object: {item!r:.200}")
    uuid = source_id(item.get("opportunity_id"), "simpler.grants.gov: an opportunity_id")
    title = clean(item.get("opportunity_title"))
    if title is None:
        raise PayloadError(f"simpler.grants.gov: opportunity {uuid} has no opportunity_title")
    raw_summary = item.get("summary")
    summary: dict[str, Any] = raw_summary if isinstance(raw_summary, dict) else {}
    is_forecast = parse_bool(summary.get("is_forecast")) is True
    # close_date is only set on non-forecasts; forecasts carry forecasted_* instead.
    if is_forecast:
        open_date = parse_date(summary.get("forecasted_post_date"))
        close_date = deadline(summary.get("forecasted_close_date"))
        note = summary.get("forecasted_close_date_description")
    else:
        open_date = parse_date(summary.get("post_date"))
        close_date = deadline(summary.get("close_date"))
        note = summary.get("close_date_description")
    status = clean(item.get("opportunity_status"))
    status = status.lower() if status else None
    if status not in FUNDING_STATUSES:
        status = "forecasted" if is_forecast else "posted"
    legacy = item.get("legacy_opportunity_id")
    listings = item.get("opportunity_assistance_listings")
    alns: list[str] = []
    for listing in listings if isinstance(listings, list) else []:
        number = (
            clean(listing.get("assistance_listing_number")) if isinstance(listing, dict) else None
        )
        if number and number not in alns:
            alns.append(number)
    return FundingRecord(
        source=SOURCE,
        source_id=uuid,
        legacy_id=None if legacy in (None, "") else str(legacy),
        title=title,
        number=clean(item.get("opportunity_number")),
        agency_code=clean(item.get("agency_code")),
        agency=clean(item.get("agency_name")) or clean(item.get("top_level_agency_name")),
        assistance_listings=tuple(alns),
        status=status,  # type: ignore[arg-type]
        open_date=open_date,
        close_date=close_date,
        close_date_note=html_to_text(note),
        archive_date=parse_date(summary.get("archive_date")),
        award_ceiling=parse_money(summary.get("award_ceiling")),
        award_floor=parse_money(summary.get("award_floor")),
        total_funding=parse_money(summary.get("estimated_total_program_funding")),
        expected_awards=parse_int(summary.get("expected_number_of_awards")),
        eligible_applicants=_mapped(summary.get("applicant_types"), APPLICANT_TYPES),
        eligibility_note=html_to_text(summary.get("applicant_eligibility_description")),
        categories=_mapped(summary.get("funding_categories")),
        funding_instruments=_mapped(summary.get("funding_instruments"), FUNDING_INSTRUMENTS),
        cost_sharing=parse_bool(summary.get("is_cost_sharing")),
        url=DETAIL_URL.format(id=uuid),
        description=html_to_text(summary.get("summary_description")),
        raw=item,
    )


class SimplerClient(JsonApiClient):
    """Opportunity search on simpler.grants.gov over a paced session (10 req/s at most).

    ``capped`` lists ``(query, total_records)`` for the queries of the last
    :meth:`iter_opportunities` run that matched more than the API will return.
    """

    def __init__(
        self,
        session: JsonSession,
        base_url: str = "https://api.simpler.grants.gov",
        api_key: str | None = None,
    ) -> None:
        if not api_key or not api_key.strip():
            raise ConfigurationError(
                "simpler.grants.gov needs an API key (X-API-Key): create one at "
                "https://simpler.grants.gov/developer"
            )
        super().__init__(session, base_url)
        self._headers = {"X-API-Key": api_key.strip()}
        self.capped: list[tuple[str, int]] = []

    def search(
        self, query: FundingQuery, page_offset: int = 1, page_size: int = 100
    ) -> SimplerPage:
        """One page of results (``page_offset`` counts from 1)."""
        body: dict[str, Any] = {
            "pagination": {
                "page_offset": page_offset,
                "page_size": page_size,
                # A stable order, so pages neither skip nor repeat results.
                "sort_order": [{"order_by": "opportunity_id", "sort_direction": "ascending"}],
            },
        }
        if query.text:
            if len(query.text) > MAX_QUERY_LENGTH:
                raise ValueError(f"simpler.grants.gov query is over {MAX_QUERY_LENGTH} characters")
            body["query"] = query.text
        filters: dict[str, Any] = {}
        if query.statuses:
            filters["opportunity_status"] = {"one_of": list(query.statuses)}
        if query.alns:
            filters["assistance_listing_number"] = {"one_of": list(query.alns)}
        if filters:
            body["filters"] = filters
        return parse_search(self.post("/v1/opportunities/search", body, self._headers))

    def search_all(
        self, query: FundingQuery, page_size: int = 100, *, first: SimplerPage | None = None
    ) -> Iterator[FundingRecord]:
        """Every record the API will return for a query (at most MAX_RESULTS)."""
        last_page = max(1, MAX_RESULTS // page_size)
        page = first or self.search(query, 1, page_size)
        offset = 1
        while True:
            yield from page.records
            if offset >= min(page.total_pages, last_page) or not page.records:
                return
            offset += 1
            page = self.search(query, offset, page_size)

    def iter_opportunities(
        self,
        query_terms: Iterable[str],
        alns: Iterable[str],
        page_size: int = 100,
        *,
        statuses: Sequence[str] = OPEN_STATUSES,
    ) -> Iterator[FundingRecord]:
        """Records found by any query term or ALN, each once (first seen wins).

        A query matching more than MAX_RESULTS is sliced by ALN (query AND each ALN, each
        slice small enough to read whole) and its first MAX_RESULTS results are read too;
        it is noted in ``capped`` because results beyond the cap outside those ALNs are lost.
        """
        self.capped = []
        aln_list = list(dict.fromkeys(alns))
        seen: set[str] = set()

        def fresh(records: Iterable[FundingRecord]) -> Iterator[FundingRecord]:
            for record in records:
                if record.source_id not in seen:
                    seen.add(record.source_id)
                    yield record

        statuses = tuple(statuses)
        for term in dict.fromkeys(query_terms):
            query = FundingQuery(term, (), statuses)
            first = self.search(query, 1, page_size)
            if first.total_records > MAX_RESULTS:
                self.capped.append((term, first.total_records))
                for aln in aln_list:
                    sliced = FundingQuery(term, (aln,), statuses)
                    yield from fresh(self.search_all(sliced, page_size))
            yield from fresh(self.search_all(query, page_size, first=first))
        for aln in aln_list:
            yield from fresh(self.search_all(FundingQuery(None, (aln,), statuses), page_size))
