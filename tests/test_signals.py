"""Profile signals: clearance, experience, education and eligibility facts with evidence."""

from __future__ import annotations

from datetime import date

import pytest

from matching.eligibility import FACTS, evaluate
from matching.signals import Evidence, ProfileSignals, extract_signals
from tests.matcher_helpers import NURSE_RESUME, SOC_RESUME, catalog, extractor

TODAY = date(2026, 6, 1)


def signals(text: str) -> ProfileSignals:
    return extract_signals(text, TODAY, extractor().extract(text))


def assert_evidence(text: str, ev: Evidence | None) -> None:
    assert ev is not None
    assert text[ev.start : ev.end] == ev.text


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("Active TS/SCI with CI poly", "ts_sci"),
        ("Clearance: Top Secret//SCI", "ts_sci"),
        ("Holds an active Top Secret clearance", "top_secret"),
        ("Clearance: Secret", "secret"),
        ("Active Secret clearance", "secret"),
        ("Moderate risk public trust (Tier 2)", "public_trust"),
        ("DOE Q clearance", "q"),
        ("Active Secret clearance; previously held Top Secret", "secret"),
    ],
)
def test_clearance_variants(text, level):
    s = signals(text)
    assert s.clearance == level
    assert_evidence(text, s.evidence["clearance"])


@pytest.mark.parametrize(
    "text",
    [
        "Must be able to obtain a Top Secret clearance.",
        "Eligible to obtain a Secret clearance.",
        "Would like to obtain a TS/SCI clearance.",
        "Security clearance: none",
        "",
    ],
)
def test_no_clearance_without_clear_evidence(text):
    assert signals(text).clearance is None


def test_years_from_an_explicit_statement():
    s = signals("Network engineer with 12+ years of experience in federal IT.")
    assert s.years_experience == 12.0
    assert s.evidence["years_experience"].text.startswith("12+ years")


def test_years_from_date_ranges_union_overlaps_and_skip_education():
    text = (
        "EXPERIENCE\n"
        "Analyst, Acme, Jan 2016 - Dec 2019\n"
        "Contractor (part-time), Beta, 2018 - 2019\n"
        "Engineer, Gamma, Jan 2020 - Present\n"
        "EDUCATION\n"
        "B.S. Computer Science, 2011 - 2015\n"
    )
    s = signals(text)
    # 2016-01 .. 2019-12 (48 months, the overlap counted once) + 2020-01 .. 2026-06 (78 months)
    assert s.years_experience == pytest.approx(10.5, abs=0.1)


def test_years_requirement_in_a_posting_is_not_the_reader():
    assert signals("Requires 5 years of experience with firewalls.").years_experience is None


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("B.S. in Cybersecurity, 2019", "bachelor"),
        ("Bachelor of Science, Information Systems", "bachelor"),
        ("Master of Science in Information Assurance; B.A. History", "master"),
        ("MBA, Georgetown University", "master"),
        ("Ph.D. Computer Science", "doctorate"),
        ("Associate of Applied Science in Network Administration", "associate"),
        ("High School Diploma", "high_school"),
    ],
)
def test_education_levels(text, level):
    assert signals(text).education_level == level


def test_degree_in_progress_is_not_completed():
    s = signals("Pursuing a Master of Science in Cybersecurity; B.S. Physics 2018")
    assert s.education_level == "bachelor"
    assert signals("MS Excel and MS Project power user").education_level is None
    assert signals("Scrum Master for two teams").education_level is None


def test_student_with_expected_graduation():
    text = "Junior at UMBC. B.S. Cybersecurity, expected graduation May 2027."
    s = signals(text)
    assert s.student is not None and s.student.value is True
    assert s.graduation_date is not None and s.graduation_date.value == date(2027, 5, 1)
    assert s.years_since_graduation is None
    assert s.facts()["student"] is True


def test_years_since_graduation():
    text = "B.S. Information Technology, George Mason University, May 2023"
    s = signals(text)
    assert s.student is None
    assert s.years_since_graduation is not None
    assert s.years_since_graduation.value == pytest.approx(3.1, abs=0.05)
    assert_evidence(text, s.years_since_graduation)


def test_veteran_and_disability_rating():
    text = "U.S. Army veteran (honorably discharged 2019) with a 30% service-connected disability."
    s = signals(text)
    assert s.veteran is not None and s.veteran.value is True
    assert s.disability_rating is not None and s.disability_rating.value == 30
    assert_evidence(text, s.veteran)
    assert_evidence(text, s.disability_rating)
    facts = s.facts()
    assert facts["veteran"] is True and facts["disability_rating"] == 30


def test_not_a_veteran_and_the_va_as_employer():
    assert signals("I am not a veteran.").facts()["veteran"] is False
    assert "veteran" not in signals("IT specialist at the Department of Veterans Affairs").facts()


def test_sfs_federal_employee_military_spouse_citizen():
    text = (
        "CyberCorps Scholarship for Service recipient. Military spouse; U.S. citizen.\n"
        "IT Specialist (INFOSEC), GS-2210-11, Department of the Interior, Oct 2022 - Present"
    )
    s = signals(text)
    for name in ("sfs_scholar", "military_spouse", "us_citizen", "federal_employee"):
        ev = getattr(s, name)
        assert ev is not None and ev.value is True, name
        assert_evidence(text, ev)


def test_posting_language_is_not_about_the_reader():
    text = (
        "U.S. citizenship is required. Military spouses are encouraged to apply. "
        "Applicants must be able to obtain a Secret clearance."
    )
    s = signals(text)
    assert s.facts() == {}
    assert s.clearance is None


def test_certifications_are_credited_cert_mentions():
    s = signals("Certifications: CompTIA Security+, CISSP (in progress), CySA+")
    assert s.certifications == ("cert-security-plus", "cert-cysa-plus")


def test_facts_use_eligibility_names_and_only_known_values():
    facts = signals(SOC_RESUME).facts()
    assert set(facts) <= set(FACTS)
    assert all(v is not None for v in facts.values())
    assert signals("").facts() == {}
    assert signals(NURSE_RESUME).clearance is None


def test_facts_feed_the_eligibility_rules():
    text = (
        "Navy veteran with a 40% service-connected disability rating, honorably discharged.\n"
        "Senior at Towson University, B.S. Cybersecurity, expected graduation December 2026.\n"
        "CyberCorps SFS scholar."
    )
    facts = signals(text).facts()
    assert evaluate({"fact": "disability_rating", "min": 30}, facts).outcome is True
    assert evaluate({"fact": "student", "is": True}, facts).outcome is True
    assert evaluate({"fact": "sfs_scholar", "is": True}, facts).outcome is True
    # Unknown facts stay unknown rather than false.
    assert evaluate({"fact": "federal_employee", "is": True}, facts).outcome is None
    pathways = {p.id: p for p in catalog().pathways}
    outcomes = [evaluate(p.eligibility, facts).outcome for p in pathways.values()]
    assert True in outcomes


def test_teaching_students_is_not_being_one():
    assert "student" not in signals("Mentored graduate students and taught two courses.").facts()
    s = signals("B.S. Computer Science, completed in 2019")
    assert s.education_level == "bachelor" and "student" not in s.facts()
