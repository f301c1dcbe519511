"""Browsing open jobs: every filter and paging in SQL, on SQLite and PostgreSQL alike."""

from datetime import date, timedelta

import pytest
from werkzeug.datastructures import MultiDict

from app.models import JobStatus
from app.seekers import views
from app.services.seekers import jobs as service
from app.services.seekers.jobs import JobFilters

from .seeker_docs import add_job

TODAY = date.today()


@pytest.fixture
def jobs(db, catalog):
    return {
        "soc": add_job(db, title="A SOC analyst", close_date=TODAY + timedelta(days=3)),
        "forensics": add_job(
            db,
            title="B forensic examiner",
            series=["1811", "2210"],
            hiring_paths=["vet", "mspouse"],
            grade_low=9,
            grade_high=11,
            locations=["Parkersburg, West Virginia", "Denver, Colorado"],
            clearance="Top Secret",
            close_date=TODAY + timedelta(days=10),
        ),
        "remote": add_job(
            db,
            title="C remote engineer",
            series=["0854"],
            remote=True,
            locations=["Anywhere in the U.S. (remote job)"],
            clearance="Sensitive Compartmented Information",
            close_date=TODAY + timedelta(days=45),
        ),
        "no_date": add_job(db, title="D open continuously", close_date=None, clearance=None),
        # Never listed:
        "closed": add_job(db, title="E closed", status=JobStatus.CLOSED),
        "past": add_job(db, title="F past its date", close_date=TODAY - timedelta(days=1)),
    }


def titles(filters: JobFilters, db) -> list[str]:
    return [job.title for job in service.browse_jobs(db, filters, TODAY).jobs]


def test_open_jobs_are_listed_soonest_closing_first(db, jobs):
    duplicate = add_job(db, title="A2 duplicate", duplicate_of_id=jobs["soc"].id)
    assert duplicate.status == JobStatus.OPEN
    assert titles(JobFilters(), db) == [
        "A SOC analyst",
        "B forensic examiner",
        "C remote engineer",
        "D open continuously",  # no closing date: last
    ]  # never the closed one, the one past its date or the duplicate


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (JobFilters(series="1811"), {"B forensic examiner"}),
        (JobFilters(series="0854"), {"C remote engineer"}),
        (JobFilters(hiring_path="mspouse"), {"B forensic examiner"}),
        (JobFilters(grade=10), {"B forensic examiner"}),
        (JobFilters(grade=13), {"A SOC analyst", "C remote engineer", "D open continuously"}),
        (JobFilters(location="CO"), {"B forensic examiner"}),
        (JobFilters(location="denver"), {"B forensic examiner"}),
        (JobFilters(location="West Virginia"), {"B forensic examiner"}),
        (JobFilters(remote=True), {"C remote engineer"}),
        (JobFilters(clearance="top_secret"), {"B forensic examiner"}),
        (JobFilters(clearance="ts_sci"), {"C remote engineer"}),
        (JobFilters(closing_within=7), {"A SOC analyst"}),
        (JobFilters(closing_within=14, series="2210"), {"A SOC analyst", "B forensic examiner"}),
    ],
)
def test_each_filter_narrows_the_list(db, jobs, filters, expected):
    assert set(titles(filters, db)) == expected


def test_a_state_matches_the_state_not_a_longer_name(db, jobs):
    # "Virginia" is not "West Virginia"; the default job location is Arlington, Virginia.
    assert set(titles(JobFilters(location="Virginia"), db)) == {
        "A SOC analyst",
        "D open continuously",
    }
    assert set(titles(JobFilters(location="VA"), db)) == {"A SOC analyst", "D open continuously"}


def test_no_clearance_includes_jobs_that_state_none(db, jobs):
    assert set(titles(JobFilters(clearance="none"), db)) == {"A SOC analyst", "D open continuously"}


def test_location_text_is_matched_literally(db, jobs):
    assert titles(JobFilters(location="%"), db) == []
    assert titles(JobFilters(location="_"), db) == []


def test_pages_of_twenty(db, catalog):
    for n in range(45):
        add_job(db, title=f"Job {n:02d}", close_date=TODAY + timedelta(days=n))
    first = service.browse_jobs(db, JobFilters(), TODAY)
    assert (first.total, first.pages, len(first.jobs)) == (45, 3, 20)
    assert (first.first_index, first.last_index) == (1, 20)
    last = service.browse_jobs(db, JobFilters(page=3), TODAY)
    assert [j.title for j in last.jobs] == [f"Job {n}" for n in range(40, 45)]
    beyond = service.browse_jobs(db, JobFilters(page=99), TODAY)
    assert beyond.page == 3  # never an empty page past the end


def test_filters_from_the_query_string_ignore_junk():
    args = MultiDict(
        {"series": "2210", "hiring_path": "VET", "grade": "12", "location": " Denver ",
         "remote": "1", "clearance": "secret", "closing_within": "14", "page": "2"}
    )  # fmt: skip
    filters = JobFilters.from_args(args)
    assert filters == JobFilters("2210", "vet", 12, "Denver", True, "secret", 14, 2)
    assert filters.query_args()["hiring_path"] == "vet" and "page" not in filters.query_args()
    junk = MultiDict(
        {"series": "DROP TABLE", "hiring_path": "nobody", "grade": "99", "clearance": "x",
         "closing_within": "5", "page": "-3"}
    )  # fmt: skip
    assert JobFilters.from_args(junk) == JobFilters()
    assert not JobFilters.from_args(junk).active()


def test_filters_take_only_ascii_digits_for_numbers():
    # str.isdigit() accepts both, and int("²") raises: a page must not fail over it.
    odd = MultiDict({"series": "²²²²", "grade": "١٢", "closing_within": "²", "page": "²"})
    assert JobFilters.from_args(odd) == JobFilters()


def test_closing_soon_lists_jobs_closing_within_the_window(db, jobs):
    soon = service.closing_soon(db, TODAY, days=14)
    assert [job.title for job in soon] == ["A SOC analyst", "B forensic examiner"]
    assert [job.title for job in service.closing_soon(db, TODAY, days=7)] == ["A SOC analyst"]


def test_series_options_name_the_series_open_jobs_use(db, jobs):
    options = dict(service.series_options(db, TODAY))
    assert options["2210"] == "2210 Information Technology Management"
    assert "1811" in options and "0854" in options


def test_labels_say_it_in_words(db, jobs):
    assert views.days_left_label(TODAY, TODAY) == "Closes today"
    assert views.days_left_label(TODAY + timedelta(days=1), TODAY) == "1 day left"
    assert views.days_left_label(TODAY - timedelta(days=1), TODAY) == "Closed"
    assert views.days_left_label(None, TODAY) == "No closing date"
    assert views.grade_label(jobs["forensics"]) == "GS-9 to GS-11"
    assert (
        views.location_label(jobs["forensics"], limit=1) == "Parkersburg, West Virginia and 1 more"
    )
    assert views.clearance_label("Not Required") == "Not required"
    assert views.hiring_path_label("mspouse") == "Military spouses"
