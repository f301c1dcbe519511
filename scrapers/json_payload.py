"""JSON payloads decoded strictly, with one plain reason when they cannot be.

Python's ``json`` reads more than JSON: the words ``NaN`` and ``Infinity``, and numbers such
as ``1e999`` that become infinite. No source sends them, PostgreSQL refuses them in a JSON
column, and an infinite amount is no amount, so a payload holding one is refused whole.
So are a payload nested too deeply to decode and an integer too long to read.
"""

from __future__ import annotations

import json
import math
from typing import Any

from scrapers.errors import PayloadError


class JsonPayloadError(PayloadError):
    """A payload that is not strict JSON. ``reason`` reads after "is" or before "from"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class _NotJson(ValueError):
    pass


def _refuse_constant(name: str) -> Any:
    raise _NotJson(f"{name} is not a JSON value")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _NotJson(f"the number {text[:20]} is too large")
    return value


def decode_json(data: bytes | str) -> Any:
    """The decoded payload; JsonPayloadError when it is not strict, readable JSON.

    Bytes may be UTF-8 (with or without a BOM), UTF-16 or UTF-32, as ``json.loads`` detects.
    """
    try:
        return json.loads(data, parse_constant=_refuse_constant, parse_float=_finite)
    except UnicodeDecodeError:
        raise JsonPayloadError("not UTF-8 JSON") from None
    except json.JSONDecodeError as exc:
        reason = f"truncated or invalid JSON (line {exc.lineno}, column {exc.colno})"
        raise JsonPayloadError(reason) from None
    except _NotJson as exc:
        raise JsonPayloadError(f"invalid JSON ({exc})") from None
    except RecursionError:
        raise JsonPayloadError("invalid JSON (nested too deeply to read)") from None
    except ValueError:
        # int() refuses integers of more than sys.get_int_max_str_digits() digits.
        raise JsonPayloadError("invalid JSON (a number too long to read)") from None
