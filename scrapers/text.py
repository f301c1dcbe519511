"""Small normalisers shared by the parsers: dates, money, booleans (HTML: html_text.py)."""

from __future__ import annotations

import html
import math
import re
from datetime import date, datetime
from typing import Any

from scrapers.errors import PayloadError

# Grants.gov and others use far-future dates to mean "open until further notice".
STAND_IN_YEARS = frozenset({2076, 2099})


def parse_date(value: Any) -> date | None:
    """Dates in every shape the sources use; None when blank or unreadable.

    Handles ISO (``2024-06-16``, ``2024-06-16T23:59:59.9970``, ``...Z``), ``MM/DD/YYYY``,
    ``MMDDYYYY`` (XML extract), ``YYYY-MM-DD-HH-MM-SS`` (Grants.gov ``*Str`` fields) and
    ``Aug 03, 2026 12:00:00 AM EDT``.
    """
    if value is None:
        return None
    text = str(value).strip()
    if not text or text.lower() in {"none", "null", "undefined", "n/a"}:
        return None
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:[T -].*)?", text)
    if match:
        return _safe_date(*map(int, match.groups()))
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    if match:
        month, day, year = map(int, match.groups())
        return _safe_date(year, month, day)
    match = re.fullmatch(r"(\d{2})(\d{2})(\d{4})", text)
    if match:
        month, day, year = map(int, match.groups())
        return _safe_date(year, month, day)
    match = re.match(r"([A-Z][a-z]{2}) (\d{1,2}), (\d{4})", text)
    if match:
        try:
            return datetime.strptime(" ".join(match.groups()), "%b %d %Y").date()
        except ValueError:
            return None
    return None


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def deadline(value: Any) -> date | None:
    """A closing date, or None when the source used a stand-in year for "rolling"."""
    parsed = parse_date(value)
    if parsed is None or parsed.year in STAND_IN_YEARS:
        return None
    return parsed


def parse_money(value: Any) -> float | None:
    """Amounts as numbers; "none", blanks and words are None. "0" stays 0.

    So is anything that is not a finite number ("inf", "nan", "1e999", an integer beyond
    any float): an infinite amount is no amount, and an integer column cannot take it.
    """
    if value is None or isinstance(value, bool):
        return None
    number: float | str
    if isinstance(value, int | float):
        number = value
    else:
        number = str(value).strip().replace(",", "").replace("$", "")
        if not number or number.lower() in {"none", "n/a", "null", "undefined"}:
            return None
    try:
        amount = float(number)
    except (ValueError, OverflowError):
        return None
    return amount if math.isfinite(amount) else None


def parse_int(value: Any) -> int | None:
    number = parse_money(value)
    return None if number is None else int(number)


def parse_bool(value: Any) -> bool | None:
    """JSON booleans and the strings "True"/"False"/"Yes"/"No"/"Y"/"N"."""
    if isinstance(value, bool):
        return value
    if value is None:
        return None
    text = str(value).strip().lower()
    if text in {"true", "yes", "y", "1"}:
        return True
    if text in {"false", "no", "n", "0"}:
        return False
    return None


def source_id(value: Any, what: str) -> str:
    """A record id from a JSON payload: a trimmed string, or an integer's digits.

    Anything else (an object, a list, a boolean, a fraction, a blank) raises `PayloadError`
    naming `what` (e.g. "USAJOBS search item 3 MatchedObjectId"), so that record fails
    instead of being stored under ``{'x': 1}`` or ``True``.
    """
    if isinstance(value, str | int) and not isinstance(value, bool):
        text = clean(value)
        if text is not None:
            return text
    if value is None or isinstance(value, str):
        raise PayloadError(f"{what} is missing")
    kinds = {dict: "a JSON object", list: "a JSON list", bool: "a boolean", float: "a fraction"}
    kind = kinds.get(type(value), f"a {type(value).__name__}")
    raise PayloadError(f"{what} is {kind}, not a string or integer")


def clean(value: Any) -> str | None:
    """A trimmed string, or None for blanks."""
    if value is None:
        return None
    text = html.unescape(str(value)).strip()
    return text or None
