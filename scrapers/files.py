"""Saved payloads: tell what a file is and read its records with the sources' own parsers.

`pathfinder ingest FILE` uses this; the records then go through the same store as a scrape.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from scrapers import grantsgov, grantsgov_xml, simpler, usajobs
from scrapers.errors import PayloadError
from scrapers.json_payload import JsonPayloadError, decode_json
from scrapers.records import FundingRecord, JobRecord

KINDS = ("usajobs", "grantsgov-search2", "grantsgov-fetch", "grantsgov-xml", "simpler")
SOURCE_OF_KIND = {
    "usajobs": "usajobs",
    "grantsgov-search2": "grantsgov",
    "grantsgov-fetch": "grantsgov",
    "grantsgov-xml": "grantsgov",
    "simpler": "simpler",
}


def _read_json(path: Path) -> Any:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PayloadError(f"cannot read {path.name}: {exc.strerror or exc}") from None
    try:
        return decode_json(data)
    except JsonPayloadError as exc:
        raise PayloadError(f"{path.name} is {exc.reason}") from None


def _kind_of_json(payload: Any) -> str | None:
    if not isinstance(payload, dict):
        return None
    if "SearchResult" in payload:
        return "usajobs"
    if "pagination_info" in payload or (
        isinstance(payload.get("data"), list)
        and payload["data"]
        and isinstance(payload["data"][0], dict)
        and "opportunity_id" in payload["data"][0]
    ):
        return "simpler"
    data = payload.get("data")
    if isinstance(data, dict):
        if "oppHits" in data or "hitCount" in data:
            return "grantsgov-search2"
        if "opportunityTitle" in data or "opportunityNumber" in data or "synopsis" in data:
            return "grantsgov-fetch"
    if "errorcode" in payload or "errorMessages" in payload or "errorMsgs" in payload:
        # A Grants.gov error envelope: let the fetch parser report the error it carries.
        return "grantsgov-fetch"
    return None


def detect_kind(path: Path) -> str:
    """One of KINDS, from the file's content (not its name)."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError as exc:
        raise PayloadError(f"cannot read {path.name}: {exc.strerror or exc}") from None
    if not head:
        raise PayloadError(f"{path.name} is empty")
    if zipfile.is_zipfile(path):
        return "grantsgov-xml"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"<"):
        return "grantsgov-xml"
    if stripped.startswith((b"{", b"[")):
        kind = _kind_of_json(_read_json(path))
        if kind:
            return kind
        raise PayloadError(
            f"{path.name} is JSON but not a USAJOBS, Grants.gov or simpler.grants.gov payload"
        )
    raise PayloadError(f"{path.name} is neither JSON nor an XML extract")


def iter_file(
    path: Path, kind: str | None = None, today: date | None = None
) -> Iterator[JobRecord | FundingRecord]:
    """Every record in the file, parsed by the source's parser (no relevance filtering)."""
    path = Path(path)
    kind = kind or detect_kind(path)
    if kind not in KINDS:
        raise PayloadError(f"unknown payload kind {kind!r}; expected one of {', '.join(KINDS)}")
    if kind == "grantsgov-xml":
        yield from grantsgov_xml.iter_extract(path, today=today)
        return
    payload = _read_json(path)
    if kind == "usajobs":
        page = usajobs.parse_search(payload, today=today)
        if page.skipped:
            # A file is imported whole or not at all: an operator can fix it and re-run.
            raise PayloadError(f"{path.name}: {page.skipped[0]}")
        yield from page.records
    elif kind == "grantsgov-search2":
        for hit in grantsgov.parse_search2(payload).hits:
            yield grantsgov.record_from_hit(hit)
    elif kind == "grantsgov-fetch":
        yield grantsgov.parse_opportunity(payload, today=today)
    else:
        yield from simpler.parse_search(payload).records
