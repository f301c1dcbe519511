"""The Grants.gov daily XML extract: streaming, zips, quirks, truncation."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from pathlib import Path

import pytest

from scrapers.errors import PayloadError
from scrapers.grantsgov_xml import iter_extract

FIXTURES = Path(__file__).parent / "fixtures" / "grantsgov"
EXTRACT = FIXTURES / "extract.xml"
TODAY = date(2026, 7, 1)


def by_id(records):
    return {record.source_id: record for record in records}


def test_extract_synopses_and_forecasts():
    records = list(iter_extract(EXTRACT, today=TODAY))
    # The forecast for 355001 is skipped: its synopsis supersedes it.
    assert [(r.source_id, r.status) for r in records] == [
        ("355001", "posted"),
        ("320536", "posted"),
        ("290001", "archived"),
        ("360002", "closed"),
        ("365100", "forecasted"),
    ]


def test_extract_synopsis_fields():
    record = by_id(iter_extract(EXTRACT, today=TODAY))["355001"]
    assert record.source == "grantsgov" and record.legacy_id == "355001"
    assert record.title == "Fiscal Year 2025 State and Local Cybersecurity Grant Program – SLCGP"
    assert record.number == "DHS-25-GPD-137-00-99"
    assert record.agency_code == "DHS-DHS"
    assert record.agency == "Department of Homeland Security - FEMA"
    # Repeated elements keep their order.
    assert record.funding_instruments == ("G", "CA")
    assert record.categories == ("DPR", "ST")
    assert record.assistance_listings == ("97.137", "97.156")
    assert record.eligible_applicants == ("00", "07", "25")
    # MMDDYYYY dates.
    assert record.open_date == date(2025, 8, 1)
    assert record.close_date == date(2026, 9, 30)
    assert record.archive_date == date(2026, 10, 30)
    assert record.close_date_note == "Applications are due by 5 p.m. ET."
    assert record.award_ceiling is None  # "none"
    assert record.award_floor == 0.0
    assert record.total_funding == 279_900_000.0
    assert record.expected_awards == 56
    assert record.cost_sharing is True
    # Double-escaped HTML: entities decoded twice, tags gone, blocks on their own lines.
    assert record.eligibility_note == (
        'Only the State Administrative Agency (SAA) may apply.\nTribes apply under "TCGP".'
    )
    assert record.description == (
        "The SLCGP helps states address cybersecurity risks and threats."
        "\n\nGovernance & planning\n\nAssessment"
    )
    assert record.url == "https://www.grants.gov/search-results-detail/355001"
    assert record.raw is not None and record.raw["Version"] == "Synopsis 2"
    assert record.raw["kind"] == "synopsis"


def test_extract_rolling_and_sparse_synopses():
    records = by_id(iter_extract(EXTRACT, today=TODAY))
    rolling = records["320536"]
    assert rolling.close_date is None  # 01012099 stand-in
    assert rolling.close_date_note == "Proposals accepted anytime"
    assert rolling.archive_date is None
    assert rolling.eligible_applicants == ("99",)
    assert rolling.cost_sharing is False
    sparse = records["360002"]
    assert sparse.eligible_applicants == ("00",)  # "0" zero-padded
    assert sparse.cost_sharing is None and sparse.award_floor is None
    assert sparse.eligibility_note is None and sparse.close_date_note is None


def test_extract_forecast_fields():
    record = by_id(iter_extract(EXTRACT, today=TODAY))["365100"]
    assert record.status == "forecasted"
    assert record.open_date == date(2026, 7, 15)  # EstimatedSynopsisPostDate
    assert record.close_date == date(2026, 10, 15)  # EstimatedSynopsisCloseDate
    assert record.close_date_note == "Estimated; see the NOFO when posted."
    assert record.eligible_applicants == ("07", "11")
    assert record.description == "Funds tribal cyber programs."
    assert record.raw is not None and record.raw["kind"] == "forecast"


def test_extract_status_depends_on_today():
    early = by_id(iter_extract(EXTRACT, today=date(2026, 1, 1)))
    assert early["360002"].status == "posted"
    late = by_id(iter_extract(EXTRACT, today=date(2027, 1, 15)))
    assert late["355001"].status == "archived"
    assert late["365100"].status == "archived"
    assert late["320536"].status == "posted"  # rolling: never closes by date


def test_extract_statuses_filter():
    records = list(iter_extract(EXTRACT, today=TODAY, statuses={"posted", "forecasted"}))
    assert [r.source_id for r in records] == ["355001", "320536", "365100"]


def test_a_synopsis_filtered_out_still_supersedes_its_forecast():
    extract = b"""<?xml version="1.0" encoding="UTF-8"?>
<Grants xmlns="http://apply.grants.gov/system/OpportunityDetail-V1.0">
<OpportunitySynopsisDetail_1_0><OpportunityID>7</OpportunityID>
<OpportunityTitle>Closed synopsis</OpportunityTitle><CloseDate>01152026</CloseDate>
<LastUpdatedDate>01012026</LastUpdatedDate></OpportunitySynopsisDetail_1_0>
<OpportunityForecastDetail_1_0><OpportunityID>7</OpportunityID>
<OpportunityTitle>Its old forecast</OpportunityTitle>
<LastUpdatedDate>01012025</LastUpdatedDate></OpportunityForecastDetail_1_0>
<OpportunityForecastDetail_1_0><OpportunityID>8</OpportunityID>
<OpportunityTitle>A forecast of its own</OpportunityTitle>
<EstimatedSynopsisCloseDate>12012026</EstimatedSynopsisCloseDate>
<LastUpdatedDate>01012026</LastUpdatedDate></OpportunityForecastDetail_1_0>
</Grants>"""
    records = list(iter_extract(io.BytesIO(extract), today=TODAY, statuses={"forecasted"}))
    assert [(r.source_id, r.status) for r in records] == [("8", "forecasted")]
    plain = extract.replace(b' xmlns="http://apply.grants.gov/system/OpportunityDetail-V1.0"', b"")
    records = list(iter_extract(io.BytesIO(plain), today=TODAY, statuses={"forecasted"}))
    assert [r.source_id for r in records] == ["8"]
    everything = list(iter_extract(io.BytesIO(extract), today=TODAY))
    assert [(r.source_id, r.status) for r in everything] == [("7", "closed"), ("8", "forecasted")]


@pytest.mark.parametrize("odd", ["1" + "0" * 400, "1e999", "inf", "NaN", "\u00b2"])
def test_amounts_that_are_no_finite_number_are_unknown(odd):
    # "²" passes str.isdigit(), and 400 digits overflow a float: neither may stop the run.
    text = EXTRACT.read_text(encoding="utf-8")
    for element in ("AwardCeiling", "AwardFloor", "EstimatedTotalProgramFunding"):
        text = re.sub(f"<{element}>[^<]*<", f"<{element}>{odd}<", text)
    text = text.replace("<ExpectedNumberOfAwards>56<", f"<ExpectedNumberOfAwards>{odd}<")
    records = list(iter_extract(io.BytesIO(text.encode()), today=TODAY))
    assert len(records) == 5
    assert {(r.award_ceiling, r.award_floor, r.total_funding) for r in records} == {
        (None, None, None)
    }
    assert by_id(records)["355001"].expected_awards is None


def test_extract_without_namespace():
    text = EXTRACT.read_text(encoding="utf-8").replace(
        ' xmlns="http://apply.grants.gov/system/OpportunityDetail-V1.0"', ""
    )
    records = list(iter_extract(io.BytesIO(text.encode()), today=TODAY))
    assert len(records) == 5 and records[0].eligible_applicants == ("00", "07", "25")


# --- zips and streams -------------------------------------------------------------------


def make_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_extract_from_zip_path_and_stream(tmp_path):
    expected = list(iter_extract(EXTRACT, today=TODAY))
    archive = make_zip(tmp_path / "GrantsDBExtract20260701v2.zip", {
        "GrantsDBExtract20260701v2.xml": EXTRACT.read_bytes(),
    })  # fmt: skip
    assert list(iter_extract(archive, today=TODAY)) == expected
    assert list(iter_extract(str(archive), today=TODAY)) == expected
    with archive.open("rb") as fh:
        assert list(iter_extract(fh, today=TODAY)) == expected


def test_extract_from_unseekable_xml_stream():
    class Pipe(io.RawIOBase):
        def __init__(self, data: bytes) -> None:
            self._data = io.BytesIO(data)

        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:
            chunk = self._data.read(min(len(buffer), 97))
            buffer[: len(chunk)] = chunk
            return len(chunk)

    records = list(iter_extract(Pipe(EXTRACT.read_bytes()), today=TODAY))
    assert len(records) == 5


def test_zip_without_xml_member(tmp_path):
    archive = make_zip(tmp_path / "empty.zip", {"README.txt": b"no xml here"})
    with pytest.raises(PayloadError, match=r"no \.xml file"):
        list(iter_extract(archive))


def test_zip_with_several_xml_members(tmp_path):
    archive = make_zip(tmp_path / "two.zip", {"a.xml": b"<Grants/>", "b.xml": b"<Grants/>"})
    with pytest.raises(PayloadError, match="several"):
        list(iter_extract(archive))


def test_damaged_zip(tmp_path):
    archive = make_zip(tmp_path / "x.zip", {"x.xml": EXTRACT.read_bytes()})
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(archive.read_bytes()[:600])
    with pytest.raises(PayloadError):
        list(iter_extract(damaged))


def test_missing_file(tmp_path):
    with pytest.raises(PayloadError, match="cannot open"):
        list(iter_extract(tmp_path / "nope.xml"))


# --- truncated and malformed files ------------------------------------------------------


def test_truncated_extract_names_the_line():
    records = []
    with pytest.raises(PayloadError, match="truncated or malformed at line 51"):
        for record in iter_extract(FIXTURES / "extract_truncated.xml", today=TODAY):
            records.append(record)
    # Records before the fault were read; the caller knows the run is incomplete.
    assert [r.source_id for r in records] == ["355001"]


def test_truncated_zip_member(tmp_path):
    data = (FIXTURES / "extract_truncated.xml").read_bytes()
    archive = make_zip(tmp_path / "t.zip", {"t.xml": data})
    with pytest.raises(PayloadError, match="line 51"):
        list(iter_extract(archive, today=TODAY))


def test_every_truncation_point_is_an_error():
    data = EXTRACT.read_bytes()
    end = data.rindex(b"</Grants>")
    for cut in range(1, end, 173):
        with pytest.raises(PayloadError, match="truncated or malformed at line"):
            list(iter_extract(io.BytesIO(data[:cut]), today=TODAY))


def test_a_text_value_over_the_parser_limit_is_refused_as_too_large(tmp_path):
    data = EXTRACT.read_bytes()
    start = data.index(b"<OpportunityTitle>") + len(b"<OpportunityTitle>")
    line = data[:start].count(b"\n") + 1
    huge = tmp_path / "huge.xml"
    huge.write_bytes(data[:start] + b"A" * (11 * 1024 * 1024) + data[start:])

    with pytest.raises(PayloadError) as caught:
        list(iter_extract(huge, today=TODAY))
    assert str(caught.value) == (
        f"XML extract: a text value at line {line} is larger than the 10 MB limit for one"
        " field; the extract is refused"
    )


def test_malformed_extract():
    data = EXTRACT.read_bytes().replace(b"</AgencyName>", b"</AgencyNam>", 1)
    with pytest.raises(PayloadError, match="line 19"):
        list(iter_extract(io.BytesIO(data), today=TODAY))
    with pytest.raises(PayloadError, match="line 1"):
        list(iter_extract(io.BytesIO(b"")))
