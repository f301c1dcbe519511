"""Site-wide: no address, query or form value makes a page fail with a server error.

Every route, as every kind of user, gets values that have broken pages before on
PostgreSQL (a NUL, an integer beyond the columns) and others a page should shrug off
(invalid UTF-8, an overlong string, markup, "NaN", digits that are not ASCII). Each must
get an answer below 500.
"""

import re

import pytest
from wtforms.fields.core import UnboundField

from app.forms import Form
from app.models import Role

from .conftest import login

# Percent-encoded as they would arrive in an address.
HOSTILE = [
    "%00", "%ff%fe", "99999999999999999999", "-1", "x" * 3000, "%F0%9F%92%A9",
    "%27%22%3Cscript%3E", "1e309", "NaN",
    "%C2%B2", "%D9%A1%D9%A2",  # "²" and Arabic-Indic "12": str.isdigit() says yes to both
]  # fmt: skip
# Query parameters routes read themselves, on top of every form field.
QUERY_NAMES = {"page", "saved", "days", "next", "grade", "hiring_path", "series", "award_min"}
ROLES = [None, *(role.value for role in Role)]
_ARGUMENT = re.compile(r"<(?:[^:>]+:)?[^>]+>")


def _field_names() -> set[str]:
    names: set[str] = set()
    pending = [Form]
    while pending:
        form = pending.pop()
        pending.extend(form.__subclasses__())
        names.update(n for n in dir(form) if isinstance(getattr(form, n, None), UnboundField))
    return names


def _addresses(rule: str, value: str) -> list[str]:
    """The route with ordinary arguments and hostile values, then with hostile arguments."""
    plain = _ARGUMENT.sub("1", rule)
    query = "&".join(f"{name}={value}" for name in sorted(_field_names() | QUERY_NAMES))
    addresses = [f"{plain}?{query}"]
    if _ARGUMENT.search(rule):
        addresses.append(_ARGUMENT.sub(value, rule))
    return addresses


def _rules(app, method: str) -> list[str]:
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if method in rule.methods and rule.endpoint not in {"static", "account.logout"}
    )


@pytest.mark.parametrize("role", ROLES)
def test_no_page_fails_on_hostile_addresses(app, client, db, catalog, role):
    if role:
        login(client, db, f"{role}@example.gov", (role,))
    failures = [
        (address[:90], response.status_code)
        for rule in _rules(app, "GET")
        for value in HOSTILE
        for address in _addresses(rule, value)
        if (response := client.get(address)).status_code >= 500
    ]
    assert failures == []


@pytest.mark.parametrize("role", ROLES)
def test_no_form_fails_on_hostile_values(app, client, db, catalog, role):
    if role:
        login(client, db, f"{role}@example.gov", (role,))
    fields = sorted(_field_names())
    failures = []
    for rule in _rules(app, "POST"):
        for value in HOSTILE:
            body = "&".join(f"{name}={value}" for name in fields)
            for address in (_ARGUMENT.sub("1", rule), _ARGUMENT.sub(value, rule)):
                response = client.post(
                    address, data=body, content_type="application/x-www-form-urlencoded"
                )
                if response.status_code >= 500:
                    failures.append((address[:90], value[:12], response.status_code))
    assert failures == []
