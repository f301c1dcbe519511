"""Skill extraction: boundaries, case, longest match, punctuation, typos, negation, speed."""

from __future__ import annotations

import time

import pytest

from matching.catalog import SkillSpec
from matching.extract import SkillExtractor, SkillMention, credited_skill_ids
from matching.lexicon import tokenize
from tests.matcher_helpers import SOC_RESUME, catalog, extractor


@pytest.fixture(scope="module")
def ex() -> SkillExtractor:
    return extractor()


def ids(mentions: list[SkillMention]) -> list[str]:
    return [m.skill_id for m in mentions]


def found(ex: SkillExtractor, text: str) -> dict[str, SkillMention]:
    return {m.text: m for m in ex.extract(text)}


def test_spans_index_the_text_and_are_sorted(ex):
    mentions = ex.extract(SOC_RESUME)
    assert mentions
    assert [m.start for m in mentions] == sorted(m.start for m in mentions)
    for m in mentions:
        assert SOC_RESUME[m.start : m.end] == m.text
        assert m.name and m.kind


def test_no_match_inside_words(ex):
    text = "Going forward, our R&D team in space was going strong; the ace pilot said so."
    assert "r-language" not in ids(ex.extract(text))
    assert all("ace" not in m.text.lower() or m.text.lower() == "ace" for m in ex.extract(text))
    assert not [m for m in ex.extract(text) if m.start > 0 and text[m.start - 1].isalpha()]


def test_short_aliases_only_match_whole_tokens():
    skills = [
        SkillSpec("ace-tool", "ACE", "tool", roles={"PD-WRL-001": 1.0}),
        SkillSpec("golang", "Golang", "language", case_sensitive_aliases=("Go",), roles={}),
    ]
    small = SkillExtractor(skills)
    assert ids(small.extract("Space, race and grace; going, ago, cargo.")) == []
    assert ids(small.extract("Ran ACE scans; services written in Go.")) == ["ace-tool", "golang"]
    assert ids(small.extract("let's go")) == []  # case-sensitive alias, wrong case


def test_standalone_r_matches_but_not_in_r_and_d(ex):
    assert ids(ex.extract("Statistical models in R and Python.")).count("r-language") == 1
    assert "r-language" not in ids(ex.extract("Led R&D for a sensor program."))


def test_case_sensitive_aliases_need_exact_case(ex):
    assert "r-language" not in ids(ex.extract("r is a letter"))
    assert "cyber-defense-analysis" in ids(ex.extract("Worked in the SOC on night shift."))
    assert "cyber-defense-analysis" not in ids(ex.extract("soc hop"))


def test_longest_match_wins(ex):
    hits = found(ex, "Managed Azure AD and AWS GovCloud tenants, plus plain Azure and AWS.")
    assert hits["Azure AD"].skill_id == "entra-id"
    assert hits["AWS GovCloud"].skill_id == "aws-govcloud"
    assert hits["Azure"].skill_id == "microsoft-azure"
    assert hits["AWS"].skill_id == "aws"
    assert "Azure AD and AWS GovCloud" not in hits


@pytest.mark.parametrize(
    ("text", "skill_id"),
    [
        ("Wrote services in C++ daily", "cpp"),
        ("Built C# tools", "csharp"),
        ("Maintained .NET apps", "dotnet"),
        ("Holds TS/SCI", "clearance-ts-sci"),
        ("Holds TS SCI", "clearance-ts-sci"),
        ("CompTIA Security+ certified", "cert-security-plus"),
        ("Configured 802.1X on switches", "ieee-802-1x"),
        ("Earned CySA+ last year", "cert-cysa-plus"),
        ("Audited against ISO 27001", "iso-27001"),
        ("Audited against ISO/IEC 27001", "iso-27001"),
        ("Led threat-hunting sprints", "threat-hunting"),
        ("Led threat hunting sprints", "threat-hunting"),
        ("Mapped detections to MITRE ATT&CK", "mitre-attack"),
    ],
)
def test_punctuation_variants(ex, text, skill_id):
    assert skill_id in ids(ex.extract(text))


def test_dot_net_needs_its_dot(ex):
    assert "dotnet" not in ids(ex.extract("a net gain of ten percent"))


def test_fuzzy_typo_of_a_long_alias(ex):
    text = "Captured traffic with Wiershark; deployed on Kubernetse clusters."
    hits = {m.skill_id: m for m in ex.extract(text)}
    assert hits["wireshark"].fuzzy and hits["wireshark"].text == "Wiershark"
    assert hits["kubernetes"].fuzzy and hits["kubernetes"].text == "Kubernetse"


def test_fuzzy_skips_short_words_and_exact_spans(ex):
    assert ids(ex.extract("Splnk")) == []  # too short for typo tolerance
    exact = [m for m in ex.extract("Wireshark") if m.skill_id == "wireshark"]
    assert exact and not exact[0].fuzzy


def test_prose_capitalised_words_are_not_tools(ex):
    assert ids(ex.extract("Head Chef at a downtown hotel for six years")) == []
    assert ids(ex.extract("Excel at building relationships with customers")) == []
    assert "ms-excel" in ids(ex.extract("Built pivot reports in Excel every week for managers"))
    assert {"chef", "puppet"} <= set(ids(ex.extract("Tools: Chef, Puppet, Ansible")))


def test_negation_is_kept_but_not_credited(ex):
    text = "No experience with Kubernetes, Terraform or Ansible, but strong in Python."
    hits = {m.skill_id: m for m in ex.extract(text)}
    for skill in ("kubernetes", "terraform", "ansible"):
        assert hits[skill].credited is False
        assert hits[skill].reason == "negated"
    assert hits["python"].credited is True


@pytest.mark.parametrize(
    "text",
    [
        "I am not familiar with Splunk.",
        "Unfamiliar with Splunk dashboards.",
        "Limited to no exposure to Splunk.",
        "I have never used Splunk.",
        "Lack of experience in Splunk.",
        "Completed the project without Splunk.",
    ],
)
def test_negation_cues(ex, text):
    assert [m.credited for m in ex.extract(text) if m.skill_id == "splunk"] == [False]


@pytest.mark.parametrize(
    "text",
    [
        "I want to learn Kubernetes.",
        "Would like to learn Kubernetes next year.",
        "Eager to learn Kubernetes.",
        "I hope to use Kubernetes.",
        "Interested in learning Kubernetes.",
        "Seeking to gain Kubernetes experience.",
        "Aspiring Kubernetes administrator.",
    ],
)
def test_aspiration_cues(ex, text):
    hits = [m for m in ex.extract(text) if m.skill_id == "kubernetes"]
    assert [(m.credited, m.reason) for m in hits] == [(False, "aspiration")]


def test_cue_scope_ends_at_clause_and_distance(ex):
    far = "No experience with the night shift rota, which we later moved to Splunk."
    assert [m.credited for m in ex.extract(far) if m.skill_id == "splunk"] == [True]
    other_sentence = "No experience with budgets. Built Splunk dashboards."
    assert [m.credited for m in ex.extract(other_sentence) if m.skill_id == "splunk"] == [True]
    assert [
        m.credited
        for m in ex.extract("Migrated without downtime using Terraform.")
        if m.skill_id == "terraform"
    ] == [True]


def test_certification_in_progress_not_credited(ex):
    hits = {m.skill_id: m for m in ex.extract("Certifications: CISSP (in progress), Security+")}
    assert hits["cert-cissp"].credited is False
    assert hits["cert-security-plus"].credited is True


def test_repeated_skill_credited_if_any_mention_is(ex):
    mentions = ex.extract("Want to learn Splunk. Later built Splunk dashboards daily.")
    splunk = [m for m in mentions if m.skill_id == "splunk"]
    assert len(splunk) == 2
    assert [m.credited for m in splunk] == [False, True]
    assert "splunk" in credited_skill_ids(mentions)


def test_accepts_a_list_of_skills_and_empty_text():
    small = SkillExtractor([s for s in catalog().skills if s.id in {"splunk", "r-language"}])
    assert ids(small.extract("Splunk and R")) == ["splunk", "r-language"]
    assert small.extract("") == []


def test_tokenizer_keeps_symbols_that_change_meaning():
    assert tokenize("C++ C# .NET R&D Security+ a & b").keys == [
        "c++",
        "c#",
        ".net",
        "r&d",
        "security+",
        "a",
        "and",
        "b",
    ]


def test_deterministic_and_fast(ex):
    text = SOC_RESUME * 3  # about two pages
    first = ex.extract(text)
    started = time.perf_counter()
    for _ in range(20):
        assert ex.extract(text) == first
    assert (time.perf_counter() - started) / 20 < 0.010
