"""The small normalisers every parser shares: amounts and counts."""

import pytest

from scrapers.errors import PayloadError
from scrapers.text import parse_int, parse_money, source_id


@pytest.mark.parametrize(
    ("value", "amount"),
    [
        ("$1,250,000", 1_250_000.0),
        ("0", 0.0),
        (75_000, 75_000.0),
        (12.5, 12.5),
        ("none", None),
        ("", None),
        ("TBD", None),
        (True, None),
        (None, None),
    ],
)
def test_amounts_are_numbers_or_none(value, amount):
    assert parse_money(value) == amount


@pytest.mark.parametrize(
    "value",
    ["inf", "-Infinity", "nan", "NaN", "1e999", float("inf"), float("nan"),
     pytest.param("1" + "0" * 400, id="400-digit-text"), pytest.param(10**400, id="10**400")],
)  # fmt: skip
def test_anything_not_a_finite_number_is_no_amount(value):
    assert parse_money(value) is None


@pytest.mark.parametrize("value", ["inf", "nan", "1e999", pytest.param(10**400, id="10**400")])
def test_counts_that_are_not_finite_are_unknown_not_an_error(value):
    assert parse_int(value) is None


def test_counts_are_whole_numbers():
    assert parse_int("12") == 12
    assert parse_int("2,500") == 2500
    assert parse_int(None) is None


@pytest.mark.parametrize(("value", "expected"), [(" 640112233 ", "640112233"), (42, "42")])
def test_source_id_takes_strings_and_integers(value, expected):
    assert source_id(value, "id") == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "id is missing"),
        ("   ", "id is missing"),
        ({"x": 1}, "id is a JSON object, not a string or integer"),
        ([1], "id is a JSON list, not a string or integer"),
        (False, "id is a boolean, not a string or integer"),
        (1.0, "id is a fraction, not a string or integer"),
    ],
)
def test_source_id_refuses_everything_else_by_name(value, message):
    with pytest.raises(PayloadError, match=f"^{message}$"):
        source_id(value, "id")
