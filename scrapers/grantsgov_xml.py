"""The Grants.gov daily XML extract (``GrantsDBExtractYYYYMMDDv2.zip``), streamed.

The extract is about 300 MB of XML: it is read with lxml's ``iterparse`` and every
opportunity element is dropped from the tree once turned into a record, so memory stays flat
however large the file. A zip is read through its member stream, never unpacked. Text
fields go through ``scrapers.html_text`` (the extract escapes its HTML twice).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Collection, Iterator
from contextlib import ExitStack
from datetime import date
from pathlib import Path
from typing import IO, Any

from lxml import etree

from scrapers.errors import PayloadError
from scrapers.html_text import html_to_text, unescape_text
from scrapers.records import FundingRecord
from scrapers.text import STAND_IN_YEARS, parse_bool, parse_date, parse_money
from vocabulary.text import is_ascii_digits

NAMESPACE = "http://apply.grants.gov/system/OpportunityDetail-V1.0"
SYNOPSIS = "OpportunitySynopsisDetail_1_0"
FORECAST = "OpportunityForecastDetail_1_0"
DETAIL_URL = "https://www.grants.gov/search-results-detail/{id}"

# Elements the schema allows more than once: collected as lists.
REPEATED = frozenset(
    {"FundingInstrumentType", "CategoryOfFundingActivity", "CFDANumbers", "EligibleApplicants"}
)
# "{*}" matches the namespaced tags and, in hand-made files, the bare ones.
_TAG_FILTER = (f"{{*}}{SYNOPSIS}", f"{{*}}{FORECAST}")
_CHILD_NAMES = [
    "OpportunityID",
    "OpportunityTitle",
    "OpportunityNumber",
    "OpportunityCategory",
    "OpportunityCategoryExplanation",
    "FundingInstrumentType",
    "CategoryOfFundingActivity",
    "CategoryExplanation",
    "CFDANumbers",
    "EligibleApplicants",
    "AdditionalInformationOnEligibility",
    "AgencyCode",
    "AgencyName",
    "PostDate",
    "CloseDate",
    "CloseDateExplanation",
    "LastUpdatedDate",
    "EstimatedSynopsisPostDate",
    "FiscalYear",
    "EstimatedSynopsisCloseDate",
    "EstimatedSynopsisCloseDateExplanation",
    "EstimatedAwardDate",
    "EstimatedProjectStartDate",
    "AwardCeiling",
    "AwardFloor",
    "EstimatedTotalProgramFunding",
    "ExpectedNumberOfAwards",
    "Description",
    "Version",
    "CostSharingOrMatchingRequirement",
    "ArchiveDate",
    "AdditionalInformationURL",
    "AdditionalInformationText",
    "GrantorContactEmail",
    "GrantorContactEmailDescription",
    "GrantorContactText",
    "GrantorContactName",
    "GrantorContactPhoneNumber",
]
# Namespaced tag -> local name, so the common case skips string splitting.
_LOCAL_NAMES: dict[Any, str] = {f"{{{NAMESPACE}}}{name}": name for name in _CHILD_NAMES}
_QUICK_TAGS = (
    "{*}OpportunityID",
    "{*}CloseDate",
    "{*}EstimatedSynopsisCloseDate",
    "{*}ArchiveDate",
)
# A zip starts with a file entry, or with the end record when it holds nothing at all.
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")


def iter_extract(
    source: Path | str | IO[bytes],
    *,
    today: date | None = None,
    statuses: Collection[str] | None = None,
) -> Iterator[FundingRecord]:
    """Records for every synopsis and forecast in an extract (.zip or .xml, path or stream).

    Synopses are posted unless past their archive date (archived) or close date (closed),
    judged against ``today`` (default: the current date). Forecasts are forecasted (archived
    past their archive date); a forecast whose opportunity already appeared as a synopsis is
    skipped, since the synopsis supersedes it. ``statuses`` keeps only records with those
    statuses (the extract is mostly closed and archived history; skipping it early is
    cheap). Raises PayloadError for a truncated or malformed file; records before the fault
    have been yielded by then, so a caller must not treat the run as complete.
    """
    today = today or date.today()
    keep = frozenset(statuses) if statuses is not None else None
    with ExitStack() as stack:
        stream = _open_xml(source, stack)
        yield from _parse(stream, today, keep)


def _open_xml(source: Path | str | IO[bytes], stack: ExitStack) -> IO[bytes]:
    """A binary stream of the XML document, unwrapping a zip when there is one."""
    if isinstance(source, str | Path):
        path = Path(source)
        try:
            raw: IO[bytes] = stack.enter_context(path.open("rb"))
        except OSError as exc:
            raise PayloadError(f"cannot open XML extract {path}: {exc.strerror}") from None
    else:
        raw = source
    head, raw = _peek(raw, len(_ZIP_MAGICS[0]))
    if head not in _ZIP_MAGICS:
        return raw
    try:
        archive = stack.enter_context(zipfile.ZipFile(raw))
    except (zipfile.BadZipFile, io.UnsupportedOperation, OSError) as exc:
        raise PayloadError(f"XML extract zip cannot be read: {exc}") from None
    members = [
        info
        for info in archive.infolist()
        if not info.is_dir() and info.filename.lower().endswith(".xml")
    ]
    if not members:
        raise PayloadError("XML extract zip holds no .xml file")
    if len(members) > 1:
        names = ", ".join(info.filename for info in members)
        raise PayloadError(f"XML extract zip holds several .xml files, expected one: {names}")
    return stack.enter_context(archive.open(members[0]))


def _peek(stream: IO[bytes], size: int) -> tuple[bytes, IO[bytes]]:
    """The first bytes of a stream without consuming them (wrapping it if unseekable)."""
    if stream.seekable():
        position = stream.tell()
        head = stream.read(size)
        stream.seek(position)
        return head, stream
    if not isinstance(stream, io.BufferedReader):
        # typeshed wants a raw stream (one with readinto) and IO[bytes] does not declare it;
        # the unseekable streams that reach here (HTTP bodies, zip members) all have it.
        stream = io.BufferedReader(stream)  # type: ignore[type-var]
    return stream.peek(size)[:size], stream


def _over_size_limit(exc: etree.XMLSyntaxError) -> bool:
    """True when libxml2 stopped on a size limit rather than on broken XML."""
    return exc.code == etree.ErrorTypes.ERR_RESOURCE_LIMIT or "huge" in str(exc).lower()


def _parse(stream: IO[bytes], today: date, keep: frozenset[str] | None) -> Iterator[FundingRecord]:
    synopsis_ids: set[str] = set()
    opp_id: str | None  # the schema requires it, but a malformed extract may leave it out
    # lxml hands back only the opportunity elements (its tag filter runs in C), which is
    # most of why this is fast; entities are never resolved and nothing is fetched.
    events = etree.iterparse(
        stream, events=("end",), tag=_TAG_FILTER, resolve_entities=False, no_network=True
    )
    try:
        for _event, elem in events:
            is_synopsis = elem.tag.endswith(SYNOPSIS)
            # Filtering by status looks at two dates only: most of the extract is closed
            # and archived history, and reading it whole would be most of the run's cost.
            if keep is None:
                wanted = True
            else:
                opp_id, status = _quick_look(elem, is_synopsis, today)
                wanted = status in keep
            if wanted:
                fields = _fields(elem)
                opp_id = fields.get("OpportunityID")
            else:
                fields = {}
            # Drop the finished opportunity and the ones before it: memory stays flat.
            elem.clear()
            parent = elem.getparent()
            if parent is not None:
                while elem.getprevious() is not None:
                    del parent[0]
            if not opp_id:
                continue  # required by the schema; nothing to key a record on without it
            if is_synopsis:
                synopsis_ids.add(opp_id)
            elif opp_id in synopsis_ids:
                continue  # the synopsis supersedes this opportunity's forecast
            if wanted:
                yield _record(is_synopsis, opp_id, fields, today)
    except etree.XMLSyntaxError as exc:
        line = max(1, exc.lineno or exc.position[0] or 1)  # libxml2 says 0 for an empty file
        if _over_size_limit(exc):
            # libxml2 refuses a text node over 10 MB unless told `huge_tree`, which we do
            # not: no real field is that long, and an unbounded one is a memory attack.
            raise PayloadError(
                f"XML extract: a text value at line {line} is larger than the 10 MB limit"
                " for one field; the extract is refused"
            ) from None
        raise PayloadError(f"XML extract is truncated or malformed at line {line}") from None
    except (zipfile.BadZipFile, EOFError) as exc:
        # A damaged zip member surfaces while streaming, not when opening.
        raise PayloadError(f"XML extract zip is damaged: {exc}") from None


def _fields(elem: Any) -> dict[str, Any]:
    """Child text by local name; repeated elements as lists, blanks skipped."""
    fields: dict[str, Any] = {}
    for child in elem:
        tag = child.tag
        name = _LOCAL_NAMES.get(tag)
        if name is None:
            if not isinstance(tag, str):
                continue  # a comment or processing instruction
            name = tag.rpartition("}")[2]
        text = child.text
        if not text:
            continue
        text = text.strip()
        if not text:
            continue
        if name in REPEATED:
            fields.setdefault(name, []).append(text)
        else:
            fields[name] = text
    return fields


def _codes(values: list[str] | None, *, pad: int = 0) -> tuple[str, ...]:
    if not values:
        return ()
    out: list[str] = []
    for value in values:
        code = value.zfill(pad) if pad and value.isdigit() else value
        if code not in out:
            out.append(code)
    return tuple(out)


def _date(value: str | None) -> date | None:
    """MMDDYYYY without the regex tour of parse_date (three dates per record add up)."""
    if value is not None and len(value) == 8 and value.isdigit():
        try:
            return date(int(value[4:]), int(value[:2]), int(value[2:4]))
        except ValueError:
            return None
    return parse_date(value)


def _deadline(value: str | None) -> date | None:
    parsed = _date(value)
    return None if parsed is None or parsed.year in STAND_IN_YEARS else parsed


def _money(value: str | None) -> float | None:
    if value is not None and len(value) < 16 and is_ascii_digits(value):
        return float(value)  # the common case, without parse_money's clean-up
    return parse_money(value)


def _status(
    is_synopsis: bool, close_date: date | None, archive_date: date | None, today: date
) -> str:
    if archive_date is not None and archive_date < today:
        return "archived"
    if not is_synopsis:
        return "forecasted"
    if close_date is not None and close_date < today:
        return "closed"
    return "posted"


def _quick_look(elem: Any, is_synopsis: bool, today: date) -> tuple[str, str]:
    """(opportunity id, status) from three children, read before the rest of the element."""
    found: dict[str, str] = {}
    # lxml filters the children by tag in C: three proxies instead of forty.
    for child in elem.iterchildren(*_QUICK_TAGS):
        found.setdefault(child.tag.rpartition("}")[2], (child.text or "").strip())
    close = found.get("CloseDate" if is_synopsis else "EstimatedSynopsisCloseDate")
    archive = found.get("ArchiveDate")
    status = _status(is_synopsis, _deadline(close or None), _date(archive or None), today)
    return found.get("OpportunityID", ""), status


def _record(is_synopsis: bool, opp_id: str, fields: dict[str, Any], today: date) -> FundingRecord:
    archive_date = _date(fields.get("ArchiveDate"))
    if is_synopsis:
        open_date = _date(fields.get("PostDate"))
        close_date = _deadline(fields.get("CloseDate"))
        note = fields.get("CloseDateExplanation")
    else:
        open_date = _date(fields.get("EstimatedSynopsisPostDate"))
        close_date = _deadline(fields.get("EstimatedSynopsisCloseDate"))
        note = fields.get("EstimatedSynopsisCloseDateExplanation")
    status = _status(is_synopsis, close_date, archive_date, today)
    fields["kind"] = "synopsis" if is_synopsis else "forecast"
    awards = _money(fields.get("ExpectedNumberOfAwards"))
    return FundingRecord(
        source="grantsgov",
        source_id=opp_id,
        legacy_id=opp_id,
        title=unescape_text(fields.get("OpportunityTitle")) or "",
        number=fields.get("OpportunityNumber"),
        agency_code=fields.get("AgencyCode"),
        agency=unescape_text(fields.get("AgencyName")),
        assistance_listings=_codes(fields.get("CFDANumbers")),
        status=status,  # type: ignore[arg-type]
        open_date=open_date,
        close_date=close_date,
        close_date_note=html_to_text(note),
        archive_date=archive_date,
        award_ceiling=_money(fields.get("AwardCeiling")),
        award_floor=_money(fields.get("AwardFloor")),
        total_funding=_money(fields.get("EstimatedTotalProgramFunding")),
        expected_awards=None if awards is None else int(awards),
        eligible_applicants=_codes(fields.get("EligibleApplicants"), pad=2),
        eligibility_note=html_to_text(fields.get("AdditionalInformationOnEligibility")),
        categories=_codes(fields.get("CategoryOfFundingActivity")),
        funding_instruments=_codes(fields.get("FundingInstrumentType")),
        cost_sharing=parse_bool(fields.get("CostSharingOrMatchingRequirement")),
        url=DETAIL_URL.format(id=opp_id),
        description=html_to_text(fields.get("Description")),
        raw=fields,
    )
