"""Helpers for the scraper tests: fixture files, USAJOBS payload builders, a fake clock."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def fixture_path(*parts: str) -> Path:
    return FIXTURES.joinpath(*parts)


def load_json(*parts: str) -> Any:
    return json.loads(fixture_path(*parts).read_text(encoding="utf-8"))


def usajobs_item(object_id: str, title: str = "IT Specialist (INFOSEC)", **desc: Any) -> dict:
    """A small Search result item in the real (2024, Fields=Full) shape."""
    descriptor: dict[str, Any] = {
        "PositionID": f"ANN-{object_id}",
        "PositionTitle": title,
        "PositionURI": f"https://www.usajobs.gov:443/GetJob/ViewDetails/{object_id}",
        "PositionLocationDisplay": "Washington, District of Columbia",
        "PositionLocation": [{"LocationName": "Washington, District of Columbia"}],
        "OrganizationName": "Cybersecurity and Infrastructure Security Agency",
        "DepartmentName": "Department of Homeland Security",
        "JobCategory": [{"Name": "Information Technology Management", "Code": "2210"}],
        "JobGrade": [{"Code": "GS"}],
        "PositionRemuneration": [
            {
                "MinimumRange": "99200.0",
                "MaximumRange": "153354.0",
                "RateIntervalCode": "PA",
                "Description": "Per Year",
            }
        ],
        "PublicationStartDate": "2025-03-03T00:00:00.0000",
        "ApplicationCloseDate": "2025-03-17T23:59:59.9970",
        "UserArea": {
            "Details": {"OrganizationCodes": "HS/HSEB", "LowGrade": "12", "HighGrade": "13"},
            "IsRadialSearch": False,
        },
    }
    descriptor.update(desc)
    return {"MatchedObjectId": object_id, "MatchedObjectDescriptor": descriptor}


def usajobs_page(ids: Iterable[str], *, total: int | None = None, pages: int | None = None) -> dict:
    """A Search response whose items have the given control numbers."""
    items = [usajobs_item(object_id) for object_id in ids]
    user_area: dict[str, Any] = {"IsRadialSearch": False}
    if pages is not None:
        user_area["NumberOfPages"] = str(pages)
    return {
        "LanguageCode": "EN",
        "SearchParameters": {},
        "SearchResult": {
            "SearchResultCount": len(items),
            "SearchResultCountAll": len(items) if total is None else total,
            "SearchResultItems": items,
            "UserArea": user_area,
        },
    }


class FakeClock:
    """A monotonic clock that only moves when something sleeps on it."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def advance(self, seconds: float) -> None:
        self.now += seconds
