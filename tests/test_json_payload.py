"""Strict JSON: what Python's json would wrongly accept, or chokes on, is one plain reason."""

import json

import pytest

from scrapers.errors import PayloadError
from scrapers.json_payload import JsonPayloadError, decode_json


def test_ordinary_json_decodes_in_any_encoding_json_allows():
    payload = {"title": "Cyber Défense", "amount": 2.5, "count": 3, "none": None}
    text = json.dumps(payload, ensure_ascii=False)
    assert decode_json(text) == payload
    for encoding in ("utf-8", "utf-8-sig", "utf-16", "utf-32"):
        assert decode_json(text.encode(encoding)) == payload


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ('{"id": NaN}', "invalid JSON (NaN is not a JSON value)"),
        ('{"id": Infinity}', "invalid JSON (Infinity is not a JSON value)"),
        ('{"id": -Infinity}', "invalid JSON (-Infinity is not a JSON value)"),
        ('{"award": 1e999}', "invalid JSON (the number 1e999 is too large)"),
        ('{"award": -1e999}', "invalid JSON (the number -1e999 is too large)"),
        ("[" * 100_000 + "]" * 100_000, "invalid JSON (nested too deeply to read)"),
        ('{"a":' * 100_000 + "1" + "}" * 100_000, "invalid JSON (nested too deeply to read)"),
        ('{"count": ' + "7" * 5_000 + "}", "invalid JSON (a number too long to read)"),
        ('{"title": "cut sh', "truncated or invalid JSON (line 1, column 11)"),
        (b'{"title": "\xff\xfe"}', "not UTF-8 JSON"),
    ],
)
def test_what_is_not_strict_json_is_refused_with_its_reason(body, reason):
    with pytest.raises(JsonPayloadError) as caught:
        decode_json(body)
    assert caught.value.reason == reason
    assert isinstance(caught.value, PayloadError)  # a run fails cleanly on it


def test_large_but_finite_numbers_are_numbers():
    assert decode_json('{"a": 1.5e308, "b": 123456789012345678901234567890}') == {
        "a": 1.5e308,
        "b": 123456789012345678901234567890,
    }
