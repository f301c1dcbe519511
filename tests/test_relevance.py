"""relevant(): ALNs first, then whole-word, case-insensitive keywords in title or description."""

from __future__ import annotations

import pytest

from scrapers.grantsgov import CYBER_KEYWORDS
from scrapers.records import FundingRecord
from scrapers.relevance import keyword_pattern, relevant


def record(title: str = "Community grants", description: str | None = None, alns=()):
    return FundingRecord(
        source="grantsgov",
        source_id="1",
        title=title,
        description=description,
        assistance_listings=tuple(alns),
    )


def test_aln_match():
    assert relevant(record(alns=("10.310", "97.137")), {"97.137"}, [])
    assert not relevant(record(alns=("10.310",)), {"97.137"}, [])


@pytest.mark.parametrize(
    ("title", "description", "expected"),
    [
        ("Cybersecurity Grant Program", None, True),
        ("CYBERSECURITY grant", None, True),  # case-insensitive
        ("Community grants", "Improves cyber security for utilities.", True),
        ("Community grants", "Improves cyber-security for utilities.", True),  # hyphen
        ("Community grants", "Cyber\nsecurity across lines.", True),  # line break
        ("Cybersecurityish training", None, False),  # whole words only
        ("Noncybersecurity", None, False),
        ("Election security upgrades", None, True),
        ("Election securityware", None, False),
        ("Community grants", "Food security outreach.", False),
        ("Community grants", None, False),
        ("(Cybersecurity)", None, True),  # punctuation is a word edge
    ],
)
def test_keyword_match(title, description, expected):
    keywords = ["cybersecurity", "cyber security", "election security"]
    assert relevant(record(title, description), set(), keywords) is expected


def test_no_keywords_and_no_alns():
    assert not relevant(record("Cybersecurity"), set(), [])
    assert not relevant(record("Cybersecurity"), set(), ["", "   "])


def test_keywords_with_regex_characters_are_literal():
    assert relevant(record("C++ security training"), set(), ["c++ security"])
    assert not relevant(record("Cxx security"), set(), ["c.. security"])


def test_cyber_keywords_find_cyber_titles():
    assert relevant(record("Artificial Intelligence Security Research"), set(), CYBER_KEYWORDS)
    assert not relevant(record("Rural Food Security Outreach"), set(), CYBER_KEYWORDS)


def test_pattern_is_cached():
    assert keyword_pattern(("a", "b")) is keyword_pattern(("a", "b"))
