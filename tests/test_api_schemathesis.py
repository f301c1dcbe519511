"""Schemathesis against the served OpenAPI document: 0 failures on every operation.

The document is read from the app (`/api/v1/openapi.json`), and Schemathesis generates
requests from it for every operation, valid and invalid. Each answer is checked against the
document: no 5xx, a documented status code, content type and headers, a body that fits the
response schema, valid requests accepted and invalid ones refused.
It runs on both databases, as the suite does. (Schemathesis's own pytest plugin does not run
on pytest 9 yet, so the operations are driven from one test through Hypothesis.)
"""

from __future__ import annotations

import copy

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.specs.openapi.checks import positive_data_acceptance

from app.extensions import limiter

from .seeker_docs import add_job

EXAMPLES = 15  # per operation: enough to reach each parameter, in seconds
# Whether a resume can be read is not a matter of schema (any bytes fit `format: binary`, any
# text fits a string): a match that is refused with a documented 400/415/422 is not a failure.
EXCUSED = {"POST /api/v1/match": [positive_data_acceptance]}
# Invalid multipart bodies are sent as JSON only: Schemathesis cannot yet send an invalid file
# value ("Unsupported type: 'Binary'"). Valid forms are generated; invalid forms are pinned by
# tests/test_api_match.py.
NEGATIVE_MEDIA = {"POST /api/v1/match": "application/json"}


@pytest.fixture
def api_schema(app, db, catalog, monkeypatch):
    add_job(db)  # a job to list, find and put in a calendar
    db.commit()
    monkeypatch.setattr(limiter, "enabled", False)  # limits have tests of their own
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def _check(operation, mode: schemathesis.GenerationMode) -> None:
    negative = mode is schemathesis.GenerationMode.NEGATIVE
    media = NEGATIVE_MEDIA.get(operation.label) if negative else None

    if media is not None:
        operation = copy.copy(operation)
        kept = [body for body in operation.body.items if body.media_type == media]
        operation.body = type(operation.body)(kept)

    @given(case=operation.as_strategy(mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,  # no example database in the repository
        derandomize=True,  # the same examples every run: CI is reproducible, never a lottery
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def answers_as_documented(case) -> None:
        case.call_and_validate(excluded_checks=EXCUSED.get(operation.label, []))

    answers_as_documented()


def test_every_operation_answers_as_its_document_says(api_schema):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 10, [op.label for op in operations]
    failures = []
    for operation in operations:
        for mode in schemathesis.GenerationMode:  # valid requests, then invalid ones
            try:
                _check(operation, mode)
            except Unsatisfiable:
                pass  # nothing it takes can be sent invalid (a free-text path id, no query)
            except Exception as exc:  # every operation is tried; all failures are reported
                failures.append(f"{operation.label} ({mode.value}):\n{exc}")
    assert not failures, "\n\n".join(failures)
