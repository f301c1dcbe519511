"""matching.sections: repeated text counts once (issue 18), skills lists weigh less (17)."""

from __future__ import annotations

import numpy as np
import pytest

from matching.roles import RoleMatcher
from matching.sections import LIST_WEIGHT, layout
from tests.matcher_helpers import SOC_RESUME, matcher


@pytest.fixture(scope="module")
def fitted() -> RoleMatcher:
    return matcher()


def test_repeated_text_does_not_raise_a_score(fitted):
    once = fitted.score_texts([SOC_RESUME])[0]
    for thrice in (
        "\n\n".join([SOC_RESUME] * 3),
        SOC_RESUME + "\n" + SOC_RESUME + "\n" + SOC_RESUME,
    ):
        scores = fitted.score_texts([thrice])[0]
        assert (scores - once).max() <= 0.5  # no role gains from the copies
        assert np.abs(scores - once).max() <= 1.0


def test_repeated_lines_are_blanked_with_offsets_kept():
    text = "Splunk alert triage\nSplunk alert triage\nOther line"
    lines = layout(text)
    assert len(lines.text) == len(text)
    assert lines.text.count("Splunk") == 1


def test_a_skills_list_weighs_less_than_duties():
    lines = layout("Jane Doe\nEXPERIENCE\nTuned Splunk searches.\nSKILLS\nSplunk, Python")
    assert lines.weight_at(lines.text.index("Tuned")) == 1.0
    assert lines.weight_at(lines.text.rindex("Splunk")) == LIST_WEIGHT


def test_the_list_text_holds_only_the_list_lines():
    lines = layout("EXPERIENCE\nTuned Splunk searches.\nSKILLS\nSplunk, Python")
    assert lines.list_text() == "SKILLS\nSplunk, Python"
    assert layout("Tuned Splunk searches.").list_text() is None


def test_a_long_line_of_one_sentence_is_kept():
    # Lower-case notes with no sentence break: the line is its own only sentence, not a repeat.
    text = "devops eng 5yrs. linux (rhel/ubuntu), terraform, ansible, jenkins, docker, k8s, " * 3
    assert layout(text.strip()).text == text.strip()
    repeated = layout("A long first sentence about Splunk tuning work. " * 6)
    assert repeated.text.count("Splunk") == 1
