"""A pathway's eligibility rule as staff type it, checked and tried on sample people.

Staff write the rule in YAML, the format of `data/pathways.yaml` (JSON is YAML too). Before it
is saved, `preview` evaluates it with `matching.eligibility` against a handful of sample
profiles (a student, a recent graduate, a veteran, ...) and says, for each, eligible, not
eligible or unknown, and why, so a rule that shuts out the people it is meant for is caught
before any job seeker meets it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from app.catalog.documents import EntryError
from matching.eligibility import FACTS, RuleError, evaluate, validate_rule

RULE_FIELD = "eligibility"


@dataclass(frozen=True)
class SampleProfile:
    """A made-up person: what they would tell us in the eligibility questions."""

    key: str
    label: str
    facts: dict[str, Any]


# Each states only what such a person would typically tell us; a fact left out is unknown,
# as it is for a job seeker who skipped the question.
SAMPLE_PROFILES: tuple[SampleProfile, ...] = (
    SampleProfile(
        "student",
        "Student",
        {"student": True, "us_citizen": True, "veteran": False, "federal_employee": False},
    ),
    SampleProfile(
        "recent_graduate",
        "Recent graduate (1 year ago)",
        {
            "student": False,
            "years_since_graduation": 1,
            "us_citizen": True,
            "veteran": False,
            "federal_employee": False,
            "years_experience": 1,
        },
    ),
    SampleProfile(
        "veteran",
        "Veteran (separated 2 years ago)",
        {
            "veteran": True,
            "us_citizen": True,
            "years_since_discharge": 2,
            "active_duty_years": 6,
            "preference_eligible": True,
            "campaign_veteran": False,
            "disability_rating": 0,
            "federal_employee": False,
            "years_experience": 8,
        },
    ),
    SampleProfile(
        "disabled_veteran",
        "Disabled veteran (40% rating)",
        {
            "veteran": True,
            "us_citizen": True,
            "years_since_discharge": 5,
            "active_duty_years": 4,
            "preference_eligible": True,
            "disability_rating": 40,
            "federal_employee": False,
            "years_experience": 9,
        },
    ),
    SampleProfile(
        "military_spouse",
        "Military spouse",
        {"military_spouse": True, "us_citizen": True, "veteran": False, "federal_employee": False},
    ),
    SampleProfile(
        "federal_employee",
        "Federal employee with competitive status",
        {
            "federal_employee": True,
            "competitive_status": True,
            "us_citizen": True,
            "veteran": False,
            "years_experience": 7,
        },
    ),
    SampleProfile(
        "sfs_scholar",
        "CyberCorps SFS scholar",
        {"sfs_scholar": True, "student": True, "us_citizen": True, "veteran": False},
    ),
    SampleProfile("none", "Someone who told us nothing", {}),
)

OUTCOMES = {True: "Eligible", False: "Not eligible", None: "Unknown"}


@dataclass(frozen=True)
class PreviewRow:
    """How the rule judges one sample profile, and why."""

    profile: SampleProfile
    outcome: str  # "Eligible", "Not eligible" or "Unknown"
    reasons: tuple[str, ...]
    missing: tuple[str, ...]  # what the person would have to tell us, in words


def rule_text(rule: dict[str, Any] | None) -> str:
    """A stored rule as staff edit it: block-style YAML, as in `data/pathways.yaml`."""
    if not rule:
        return ""
    return yaml.safe_dump(rule, sort_keys=False, default_flow_style=False, allow_unicode=True)


def parse_rule(text: str) -> dict[str, Any]:
    """The rule staff typed, checked; EntryError (on the eligibility field) saying what is wrong."""
    if not (text or "").strip():
        raise EntryError(
            "Give the eligibility rule, for example “fact: student” and “is: true”.", RULE_FIELD
        )
    try:
        rule = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise EntryError(f"The rule is not valid YAML{where}.", RULE_FIELD) from None
    if not isinstance(rule, dict):
        raise EntryError("The rule must be a mapping such as “fact: student”.", RULE_FIELD)
    try:
        validate_rule(rule)
    except RuleError as exc:
        unknown_fact = exc.message.startswith("unknown fact")
        hint = f" Known facts: {', '.join(sorted(FACTS))}." if unknown_fact else ""
        raise EntryError(f"The rule is not valid: {exc}.{hint}", RULE_FIELD) from None
    return rule


def preview(rule: dict[str, Any]) -> list[PreviewRow]:
    """The (valid) rule evaluated for every sample profile, in SAMPLE_PROFILES' order."""
    rows = []
    for profile in SAMPLE_PROFILES:
        result = evaluate(rule, profile.facts)
        missing = tuple(FACTS[name][1] for name in result.missing_facts if name in FACTS)
        rows.append(PreviewRow(profile, OUTCOMES[result.outcome], result.reasons, missing))
    return rows
