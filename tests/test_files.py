"""Saved payloads: the kind is told from the content, and every record is read."""

import json
import zipfile

import pytest

from scrapers.errors import PayloadError, SourceError
from scrapers.files import detect_kind, iter_file

from .scraper_helpers import fixture_path


@pytest.mark.parametrize(
    ("parts", "kind"),
    [
        (("usajobs", "search_page.json"), "usajobs"),
        (("grantsgov", "search2_page1.json"), "grantsgov-search2"),
        (("grantsgov", "fetch_posted_rolling.json"), "grantsgov-fetch"),
        (("grantsgov", "extract.xml"), "grantsgov-xml"),
        (("simpler", "search_response.json"), "simpler"),
    ],
)
def test_each_payload_kind_is_detected_from_its_content(parts, kind, tmp_path):
    renamed = tmp_path / "payload.dat"  # the name says nothing
    renamed.write_bytes(fixture_path(*parts).read_bytes())
    assert detect_kind(renamed) == kind


def test_a_zipped_extract_is_detected_and_read(tmp_path):
    archive = tmp_path / "GrantsDBExtract20261122v2.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(fixture_path("grantsgov", "extract.xml"), "GrantsDBExtract20261122v2.xml")
    assert detect_kind(archive) == "grantsgov-xml"
    assert len(list(iter_file(archive))) >= 5


def test_ingest_reads_every_record_without_relevance_filtering():
    titles = {r.title for r in iter_file(fixture_path("grantsgov", "extract.xml"))}
    assert "Rural Food Security Outreach" in titles


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b'{"hello": "world"}', "not a USAJOBS, Grants.gov or simpler.grants.gov payload"),
        (b'{"SearchResult": {"SearchResultItems": [', "truncated or invalid JSON"),
        (b"\x89PNG\r\n\x1a\n....", "neither JSON nor an XML extract"),
        (b"[" * 100_000 + b"]" * 100_000, "is invalid JSON \\(nested too deeply to read\\)"),
        (b'{"SearchResult": {"SearchResultCount": NaN}}', "is invalid JSON \\(NaN is not"),
        (b"PK\x05\x06" + bytes(18), "zip holds no .xml file"),  # an empty zip
    ],
)
def test_unreadable_files_give_a_one_line_reason(tmp_path, content, message):
    path = tmp_path / "payload.json"
    path.write_bytes(content)
    with pytest.raises(PayloadError, match=message):
        list(iter_file(path))


def test_a_grantsgov_error_envelope_is_an_error(tmp_path):
    path = tmp_path / "error.json"
    path.write_text(json.dumps({"errorMessages": ["There is no record found."]}))
    with pytest.raises(SourceError):
        list(iter_file(path))
