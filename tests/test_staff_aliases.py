"""Which skill aliases count as common words (app/services/staff/aliases.py)."""

from __future__ import annotations

import pytest

from app.services.staff import aliases


@pytest.mark.parametrize(
    ("alias", "common"),
    [
        ("access", True),
        ("report", True),
        ("in the", True),
        ("Go", True),
        ("firewall", False),
        ("Splunk", False),
        ("C++", False),
        ("risk management", False),
        ("", False),
    ],
)
def test_a_common_word_is_a_frequent_english_word_not_a_listed_one(alias, common):
    assert aliases.is_common_word(alias) is common
