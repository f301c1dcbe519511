"""Eligibility rules for hiring pathways: a tiny, checkable language over a person's facts.

A rule is a mapping: ``{"all": [...]}``, ``{"any": [...]}``, ``{"not": rule}`` or a fact test
``{"fact": NAME, "is": bool}`` / ``{"fact": NAME, "min": n, "max": n}`` / ``{"fact": NAME,
"in": [...]}``. Evaluation is three-valued: a fact the person has not told us makes a test
*unknown*, so the site can say "tell us X to check" instead of guessing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

FactType = Literal["bool", "number"]

FACTS: dict[str, tuple[FactType, str]] = {
    "student": ("bool", "enrolled at least half-time in a qualifying program"),
    "years_since_graduation": ("number", "years since completing a degree or certificate"),
    "years_until_graduation": ("number", "years until you finish your degree or program"),
    "us_citizen": ("bool", "a U.S. citizen"),
    "veteran": ("bool", "a veteran"),
    "disability_rating": ("number", "service-connected disability rating (percent)"),
    "campaign_veteran": ("bool", "a campaign, expedition or Armed Forces Service Medal veteran"),
    "years_since_discharge": ("number", "years since separation from active duty"),
    "active_duty_years": ("number", "years of continuous active service"),
    "preference_eligible": ("bool", "entitled to veterans' preference"),
    "days_until_separation": ("number", "days left on active duty"),
    "military_spouse": ("bool", "the spouse of an active-duty service member"),
    "sfs_scholar": ("bool", "a CyberCorps Scholarship for Service recipient"),
    "ncae_student": ("bool", "a student at a National Center of Academic Excellence in Cyber"),
    "federal_employee": ("bool", "a current federal civilian employee"),
    "competitive_status": ("bool", "holding career or career-conditional competitive status"),
    "schedule_a_disability": ("bool", "documented as having a qualifying disability"),
    "years_experience": ("number", "years of professional experience"),
    "ipa_eligible_employer": (
        "bool",
        "employed by a state, local or tribal government, university, FFRDC or eligible nonprofit",
    ),
    "apprentice": ("bool", "in a registered apprenticeship"),
    "military_kept_from_applying": (
        "bool",
        "a veteran whose military service kept you from applying within 2 years of finishing",
    ),
}


class RuleError(ValueError):
    """A rule that is not well formed; `path` says where (e.g. ``any[1].fact``)."""

    def __init__(self, message: str, path: str = "") -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.message = message


def validate_rule(rule: Any, path: str = "") -> None:
    """Raise RuleError unless `rule` is well formed and names only known facts."""
    if not isinstance(rule, Mapping):
        raise RuleError("a rule must be a mapping", path)
    keys = set(rule)
    for combinator in ("all", "any"):
        if combinator in keys:
            if keys != {combinator}:
                raise RuleError(f"'{combinator}' cannot be combined with other keys", path)
            items = rule[combinator]
            if not isinstance(items, list) or not items:
                raise RuleError(f"'{combinator}' needs a non-empty list of rules", path)
            for i, sub in enumerate(items):
                validate_rule(sub, f"{path}{'.' if path else ''}{combinator}[{i}]")
            return
    if "not" in keys:
        if keys != {"not"}:
            raise RuleError("'not' cannot be combined with other keys", path)
        validate_rule(rule["not"], f"{path}{'.' if path else ''}not")
        return
    if "fact" not in keys:
        raise RuleError("expected one of all, any, not or fact", path)
    _validate_fact_test(rule, keys - {"fact"}, path)


def _validate_fact_test(rule: Mapping[str, Any], tests: set[str], path: str) -> None:
    """A ``fact`` rule: a known fact and a test that suits its type."""
    name = rule["fact"]
    if name not in FACTS:
        raise RuleError(f"unknown fact {name!r}", f"{path}{'.' if path else ''}fact")
    if not tests or not tests <= {"is", "min", "max", "in"}:
        raise RuleError("a fact test needs 'is', 'min'/'max' or 'in'", path)
    if "is" in tests and (tests != {"is"} or not isinstance(rule["is"], bool)):
        raise RuleError("'is' takes true or false and stands alone", path)
    fact_type = FACTS[name][0]
    if "is" in tests and fact_type != "bool":
        raise RuleError(f"{name} is a number: use min/max", path)
    for bound in ("min", "max"):
        if bound in tests:
            if fact_type != "number":
                raise RuleError(f"{name} is true/false: use 'is'", path)
            if isinstance(rule[bound], bool) or not isinstance(rule[bound], int | float):
                raise RuleError(f"'{bound}' takes a number", path)
    if "in" in tests and (tests != {"in"} or not isinstance(rule["in"], list)):
        raise RuleError("'in' takes a list and stands alone", path)


@dataclass(frozen=True)
class Evaluation:
    """The outcome of a rule: True, False or None (unknown), with the reasons behind it."""

    outcome: bool | None
    reasons: tuple[str, ...] = field(default_factory=tuple)
    missing_facts: tuple[str, ...] = field(default_factory=tuple)


def evaluate(rule: Mapping[str, Any], facts: Mapping[str, Any]) -> Evaluation:
    """Evaluate a validated rule against a person's facts (absent or None means unknown)."""
    if "all" in rule:
        parts = [evaluate(r, facts) for r in rule["all"]]
        if any(p.outcome is False for p in parts):
            failed = [p for p in parts if p.outcome is False]
            return Evaluation(False, _reasons(failed))
        if all(p.outcome is True for p in parts):
            return Evaluation(True, _reasons(parts))
        return Evaluation(None, _reasons(parts), _missing(parts))
    if "any" in rule:
        parts = [evaluate(r, facts) for r in rule["any"]]
        passed = [p for p in parts if p.outcome is True]
        if passed:
            return Evaluation(True, _reasons(passed[:1]))
        if all(p.outcome is False for p in parts):
            return Evaluation(False, _reasons(parts))
        return Evaluation(None, (), _missing(parts))
    if "not" in rule:
        inner = evaluate(rule["not"], facts)
        outcome = None if inner.outcome is None else not inner.outcome
        reasons = tuple(f"not: {r}" for r in inner.reasons)
        return Evaluation(outcome, reasons, inner.missing_facts)
    return _evaluate_fact(rule, facts)


def _evaluate_fact(rule: Mapping[str, Any], facts: Mapping[str, Any]) -> Evaluation:
    name = rule["fact"]
    description = FACTS[name][1]
    value = facts.get(name)
    if value is None:
        return Evaluation(None, (), (name,))
    if "is" in rule:
        ok = bool(value) is rule["is"]
        verb = "are" if bool(value) else "are not"
        return Evaluation(ok, (f"You {verb} {description}.",))
    if "in" in rule:
        ok = value in rule["in"]
        return Evaluation(ok, (f"{description}: {value}",))
    number = float(value)
    low, high = rule.get("min"), rule.get("max")
    ok = (low is None or number >= low) and (high is None or number <= high)
    bounds = []
    if low is not None:
        bounds.append(f"at least {low:g}")
    if high is not None:
        bounds.append(f"at most {high:g}")
    reason = f"{description.capitalize()}: {number:g} (needs {' and '.join(bounds)})."
    return Evaluation(ok, (reason,))


def _reasons(parts: list[Evaluation]) -> tuple[str, ...]:
    return tuple(r for p in parts for r in p.reasons)


def _missing(parts: list[Evaluation]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for p in parts:
        if p.outcome is None:
            seen.update(dict.fromkeys(p.missing_facts))
    return tuple(seen)
