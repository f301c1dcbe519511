import pytest

from matching.eligibility import RuleError, evaluate, validate_rule

RECENT_GRADUATE = {
    "any": [
        {"fact": "years_since_graduation", "max": 2},
        {"all": [{"fact": "veteran", "is": True}, {"fact": "years_since_graduation", "max": 6}]},
    ]
}


def test_a_recent_graduate_is_eligible_and_told_why():
    result = evaluate(RECENT_GRADUATE, {"years_since_graduation": 1})
    assert result.outcome is True
    assert "at most 2" in result.reasons[0]


def test_a_veteran_gets_the_longer_window():
    assert evaluate(RECENT_GRADUATE, {"years_since_graduation": 5, "veteran": True}).outcome
    assert (
        evaluate(RECENT_GRADUATE, {"years_since_graduation": 5, "veteran": False}).outcome is False
    )


def test_unknown_facts_give_an_unknown_outcome_naming_what_to_ask():
    result = evaluate(RECENT_GRADUATE, {"years_since_graduation": 5})
    assert result.outcome is None
    assert result.missing_facts == ("veteran",)


def test_not_inverts_and_all_needs_every_part():
    rule = {"all": [{"fact": "us_citizen", "is": True}, {"not": {"fact": "student", "is": True}}]}
    assert evaluate(rule, {"us_citizen": True, "student": False}).outcome is True
    assert evaluate(rule, {"us_citizen": True, "student": True}).outcome is False


def test_disability_rating_threshold_is_inclusive():
    rule = {"all": [{"fact": "veteran", "is": True}, {"fact": "disability_rating", "min": 30}]}
    assert evaluate(rule, {"veteran": True, "disability_rating": 30}).outcome is True
    assert evaluate(rule, {"veteran": True, "disability_rating": 20}).outcome is False


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"fact": "astronaut", "is": True}, "unknown fact 'astronaut'"),
        ({"fact": "veteran", "min": 1}, "use 'is'"),
        ({"fact": "disability_rating", "is": True}, "use min/max"),
        ({"any": []}, "non-empty list"),
        ({"all": [{"fact": "veteran"}]}, "all[0]"),
        ({"fact": "veteran", "is": "yes"}, "true or false"),
        (["veteran"], "mapping"),
    ],
)
def test_malformed_rules_are_rejected_with_their_location(rule, message):
    with pytest.raises(RuleError, match=message.replace("[", r"\[").replace("]", r"\]")):
        validate_rule(rule)
