"""The Grants.gov code lists the scrapers, matching and the app share."""

from vocabulary.codes import APPLICANT_TYPES, FUNDING_CATEGORIES
from vocabulary.text import is_ascii_digits


def test_applicant_types_are_two_digit_codes_with_words():
    assert APPLICANT_TYPES["00"] == "State governments"
    assert APPLICANT_TYPES["99"] == "Unrestricted (anyone may apply)"
    assert all(len(code) == 2 and is_ascii_digits(code) for code in APPLICANT_TYPES)
    assert all(name.strip() for name in APPLICANT_TYPES.values())


def test_funding_categories_are_upper_case_codes_with_words():
    assert FUNDING_CATEGORIES["ST"] == ("Science and Technology and other Research and Development")
    assert all(code.isascii() and code.isupper() for code in FUNDING_CATEGORIES)
    assert len(set(FUNDING_CATEGORIES.values())) == len(FUNDING_CATEGORIES)
