"""Job seekers' page views: labels and the results page's view object."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

from app.models import JobStatus
from app.seekers import views
from matching.analysis import ResumeAnalysis

from .test_analysis import STORED

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def results_view(**changes) -> views.ResultsView:
    match = SimpleNamespace(expires_at=NOW + timedelta(hours=71, minutes=40), warnings=[],
                            results=STORED)  # fmt: skip
    values = dict(
        token="t",
        match=match,
        analysis=ResumeAnalysis.from_dict(STORED),
        jobs=None,
        sort="fit",
        clearance_only=False,
        held_clearance="ts_sci",
        questions=None,
        delete_form=None,
        today=NOW.date(),
        now=NOW,
    )
    values.update(changes)
    return views.ResultsView(**values)


def test_results_view_labels():
    page = results_view()
    assert page.expires_label == "November 25, 2026 at 11:40 UTC"
    assert page.hours_left == 72
    assert page.held_clearance_label == "Top Secret/SCI"
    assert results_view(held_clearance=None).held_clearance_label is None
    assert page.fact_label("veteran") == "Veteran" and page.fact_label("odd") == "odd"
    assert page.fact_value("disability_rating", 30) == "30%"
    assert page.fact_value("veteran", False) == "No"
    assert page.other_warnings == []


def test_a_job_is_closed_by_status_or_date():
    today = date(2026, 11, 22)
    open_job = SimpleNamespace(status=JobStatus.OPEN, close_date=today)
    assert not views.is_closed(open_job, today)
    assert views.is_closed(SimpleNamespace(status=JobStatus.OPEN, close_date=date(2026, 11, 21)),
                           today)  # fmt: skip
    assert views.is_closed(SimpleNamespace(status=JobStatus.CLOSED, close_date=None), today)


def test_browse_choices_cover_every_filter():
    choices = views.BROWSE_CHOICES
    assert ("mspouse", "Military spouses") in choices.path_options
    assert choices.grades[0] == 1 and 14 in choices.closing_options
    assert choices.clearance_options[0] == ("none", "No clearance needed")
    assert views.JOB_LABELS.date_label(date(2026, 1, 5)) == "January 5, 2026"


def skill(name: str, kind: str = "technique", ident: str | None = None) -> SimpleNamespace:
    return SimpleNamespace(id=ident or name.lower().replace(" ", "-"), name=name, kind=kind)


def role_detail(bands: dict[str, list[SimpleNamespace]], certified: tuple[str, ...] = ()):
    links = [
        SimpleNamespace(certification=SimpleNamespace(id=i, name=i.upper())) for i in certified
    ]
    return SimpleNamespace(
        skill_bands=[SimpleNamespace(label=label, skills=s) for label, s in bands.items()],
        certifications=links,
    )


def test_a_roles_certifications_are_listed_apart_from_its_skills():
    gcia = skill("GIAC Certified Intrusion Analyst", "certification", "cert-gcia")
    togaf = skill("TOGAF Certification", "certification", "cert-togaf")
    page = views.role_skills(role_detail(
        {"Core": [skill("Security Architecture"), gcia], "Helpful": [togaf]},
        certified=("cert-gcia",),
    ))  # fmt: skip
    assert page.bands == [views.SkillBandView("Core", ["Security Architecture"])]
    # GCIA is in the role's qualifying table already; TOGAF is not, so it is listed on its own.
    assert page.other_certifications == ["TOGAF Certification"]


def test_a_name_and_the_same_name_with_its_acronym_are_one_entry():
    page = views.role_skills(role_detail({
        "Common": [skill("Cloud Security"), skill("Public Key Infrastructure (PKI)", "platform")],
        "Helpful": [skill("Firewalls"), skill("public key infrastructure"),
                    skill("Wiz (cloud security)"), skill("Cloud Security (CS)")],
    }))  # fmt: skip
    assert page.bands == [
        views.SkillBandView("Common", ["Cloud Security (CS)", "Public Key Infrastructure (PKI)"]),
        # A bracket that is not an acronym ("cloud security") is a different name.
        views.SkillBandView("Helpful", ["Firewalls", "Wiz (cloud security)"]),
    ]
    assert page.other_certifications == []
