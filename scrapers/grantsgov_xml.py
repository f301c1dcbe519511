"""The Grants.gov daily XML extract (``GrantsDBExtractYYYYMMDDv2.zip``), streamed.

The extract is about 300 MB of XML: it is read with lxml's ``iterparse`` and every
opportunity element is dropped from the tree once turned into a record, so memory stays flat
however large the file. A zip is read through its member stream, never unpacked.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections.abc import Collection, Iterator
from contextlib import ExitStack
from datetime import date
from pathlib import Path
from typing import IO, Any

from lxml import etree

from scrapers.errors import PayloadError
from scrapers.records import FundingRecord
from scrapers.text import STAND_IN_YEARS, html_to_text, parse_bool, parse_date, parse_money

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
_ZIP_MAGIC = b"PK\x03\x04"


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
    head, raw = _peek(raw, len(_ZIP_MAGIC))
    if head != _ZIP_MAGIC:
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
        stream = io.BufferedReader(stream)  # type: ignore[arg-type]
    return stream.peek(size)[:size], stream


def _parse(stream: IO[bytes], today: date, keep: frozenset[str] | None) -> Iterator[FundingRecord]:
    synopsis_ids: set[str] = set()
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
            wanted = keep is None or _quick_status(elem, is_synopsis, today) in keep
            if wanted:
                fields = _fields(elem)
                opp_id = fields.get("OpportunityID")
            else:
                fields = {}
                opp_id = (elem.findtext("{*}OpportunityID") or "").strip()
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


def _unescape(value: str | None) -> str | None:
    """Titles and names: entities decoded even when escaped twice, no HTML parsing."""
    if value is None:
        return None
    for _ in range(3):
        unescaped = html.unescape(value)
        if unescaped == value:
            break
        value = unescaped
    return value.strip() or None


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
    return float(value) if value is not None and value.isdigit() else parse_money(value)


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


def _quick_status(elem: Any, is_synopsis: bool, today: date) -> str:
    """The status from the two dates alone, read before the rest of the element."""
    close = elem.findtext("{*}CloseDate" if is_synopsis else "{*}EstimatedSynopsisCloseDate")
    archive = elem.findtext("{*}ArchiveDate")
    return _status(
        is_synopsis,
        _deadline(close.strip() if close else None),
        _date(archive.strip() if archive else None),
        today,
    )


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
        title=_unescape(fields.get("OpportunityTitle")) or "",
        number=fields.get("OpportunityNumber"),
        agency_code=fields.get("AgencyCode"),
        agency=_unescape(fields.get("AgencyName")),
        assistance_listings=_codes(fields.get("CFDANumbers")),
        status=status,  # type: ignore[arg-type]
        open_date=open_date,
        close_date=close_date,
        close_date_note=fast_html_to_text(note),
        archive_date=archive_date,
        award_ceiling=_money(fields.get("AwardCeiling")),
        award_floor=_money(fields.get("AwardFloor")),
        total_funding=_money(fields.get("EstimatedTotalProgramFunding")),
        expected_awards=None if awards is None else int(awards),
        eligible_applicants=_codes(fields.get("EligibleApplicants"), pad=2),
        eligibility_note=fast_html_to_text(fields.get("AdditionalInformationOnEligibility")),
        categories=_codes(fields.get("CategoryOfFundingActivity")),
        funding_instruments=_codes(fields.get("FundingInstrumentType")),
        cost_sharing=parse_bool(fields.get("CostSharingOrMatchingRequirement")),
        url=DETAIL_URL.format(id=opp_id),
        description=fast_html_to_text(fields.get("Description")),
        raw=fields,
    )


# --- HTML to text, fast -------------------------------------------------------------------
# `scrapers.text.html_to_text` builds a BeautifulSoup tree: about half a millisecond for a
# typical description, which would make the extract's ~100k descriptions the whole cost of a
# run. The fast path below gives the same text for well-nested markup using a few C-level
# regex passes, and hands anything else (unbalanced tags, comments, scripts, a stray "<")
# to html_to_text. tests/test_grantsgov_xml.py checks the two agree.

# Block elements html_to_text puts on lines of their own; br becomes a line break.
_BLOCK_TAGS = ("p", "div", "li", "tr", "h1", "h2", "h3", "h4", "ul", "ol")
# BeautifulSoup's void elements: they have no end tag and no content.
_VOID_TAGS = frozenset(
    [
        "area",
        "base",
        "basefont",
        "bgsound",
        "br",
        "col",
        "command",
        "embed",
        "frame",
        "hr",
        "image",
        "img",
        "input",
        "isindex",
        "keygen",
        "link",
        "menuitem",
        "meta",
        "nextid",
        "param",
        "source",
        "spacer",
        "track",
        "wbr",
    ]
)
# Elements whose content html.parser or get_text() treat specially: always the slow path.
_SPECIAL_TAGS = frozenset(
    [
        "script",
        "style",
        "template",
        "rt",
        "rp",
        "textarea",
        "title",
        "xmp",
        "iframe",
        "noembed",
        "noframes",
        "noscript",
        "plaintext",
    ]
)
_ATTRS = r"""(?:\s+[^\s"'<>/=]+(?:\s*=\s*(?:"[^"<>]*"|'[^'<>]*'|[^\s"'=<>`/]+))?)*\s*"""
_TAG = re.compile(r"<(/?)([a-zA-Z][^\t\n\r\f />\x00<]*)" + _ATTRS + r"(/?)>")
_LINE_TAG = re.compile(
    r"</?(?:" + "|".join(_BLOCK_TAGS) + r"|br)(?=[\t\n\r\f />])" + _ATTRS + r"/?>", re.IGNORECASE
)
_BR = re.compile(r"<br[\t\n\r\f ]*/?>", re.IGNORECASE)
_NOT_BR = re.compile(r"<(?!br[\t\n\r\f ]*/?>)", re.IGNORECASE)
_MULTI_SPACES = re.compile(r"  +")
# What html.unescape can change: a numeric reference or a name (names start with a letter).
_ENTITY = re.compile(r"&[#A-Za-z]")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def _well_nested(text: str) -> bool:
    """Every tag closed in order (void tags aside), none with special content."""
    stack: list[str] = []
    for closing, name, self_closing in _TAG.findall(text):
        name = name.lower()
        if name in _SPECIAL_TAGS:
            return False
        if closing:
            if self_closing or not stack or stack.pop() != name:
                return False
        elif name in _VOID_TAGS:
            continue
        elif self_closing:
            return False  # <p/> is an element in BeautifulSoup, not a tag to drop
        else:
            stack.append(name)
    return not stack


def fast_html_to_text(value: str | None) -> str | None:
    """``html_to_text(value)``, computed without a parse tree whenever that is safe.

    Equal to html_to_text for every input except text escaped more than three times, which
    this decodes further.
    """
    if value is None:
        return None
    text = value
    if "&" in text:
        # Plain replaces first: html.unescape calls back into Python for every entity, and
        # an escaped description has hundreds of &lt;/&gt;. Both reach the same fixpoint.
        text = text.replace("&lt;", "<").replace("&gt;", ">")
        for _ in range(3):
            if _ENTITY.search(text) is None:
                break  # nothing html.unescape would change
            text = html.unescape(text)
    if "<" in text and ">" in text:
        if _NOT_BR.search(text) is None:
            # Only line breaks, the commonest markup: no nesting to check.
            text = _BR.sub("\n", text)
        else:
            if not _well_nested(text):
                return html_to_text(value)
            text = _TAG.sub("", _LINE_TAG.sub("\n", text))
        if "<" in text:
            return html_to_text(value)  # a "<" that is text, or markup we did not read
    # Single-character replaces are memchr-fast when there is nothing to replace.
    text = text.replace("\xa0", " ").replace("\t", " ").replace("\r", " ")
    text = text.replace("\f", " ").replace("\v", " ")
    if "  " in text:
        text = _MULTI_SPACES.sub(" ", text)
    if "\n" in text:
        text = "\n".join([line.strip() for line in text.split("\n")])
        text = _BLANK_LINES.sub("\n\n", text)
    return text.strip() or None
