"""Matching a job seeker's resume: roles, hiring paths, live jobs, deadlines and privacy."""

import hashlib
import logging
from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from app.models import MatchRequest
from app.seekers import views
from app.services.matcher import role_matcher
from app.services.seekers import job_index as job_index_service
from app.services.seekers import matches as sm
from matching import analysis
from matching.catalog import PathwaySpec
from matching.documents import DocumentError, DocumentLimits

from .seeker_docs import (
    FORENSICS_JOB_TEXT,
    POLICY_JOB_TEXT,
    SECRET_PHRASE,
    SOC_RESUME,
    add_job,
    docx_resume,
    image_only_pdf,
    pdf_resume,
)

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


@pytest.fixture
def matcher(db, catalog, tmp_path):
    return role_matcher(db, tmp_path)


def create(db, matcher, upload=None, answers=None, **kwargs):
    upload = upload or sm.Upload(pasted=SOC_RESUME)
    return sm.create_match(db, upload, answers or analysis.Answers(), matcher, now=NOW, **kwargs)


# -- answers and facts ------------------------------------------------------------------------


def test_answers_become_eligibility_facts():
    today = date(2026, 11, 22)
    facts = analysis.Answers(
        graduation=date(2025, 5, 1), disability_rating=30, federal="former", us_citizen=True
    ).facts(today)
    assert facts == {
        "years_since_graduation": 1.5,
        "disability_rating": 30,
        "veteran": True,  # a service-connected rating means the person served
        "federal_employee": False,
        "us_citizen": True,
    }
    # Finishing later means enrolled now, unless the person said otherwise; the date is kept.
    assert analysis.Answers(graduation=date(2027, 5, 1)).facts(today) == {
        "student": True,
        "years_until_graduation": 0.5,
    }
    assert analysis.Answers(graduation=date(2027, 5, 1), student=False).facts(today) == {
        "student": False,
        "years_until_graduation": 0.5,
    }
    assert analysis.Answers().facts(today) == {}


def test_answers_survive_a_round_trip_through_json():
    answers = analysis.Answers(
        student=True, graduation=date(2027, 5, 1), locations=("Virginia", "Denver, CO")
    )
    assert analysis.Answers.from_dict(answers.to_dict()) == answers
    assert analysis.Answers.from_dict({"unknown_key": 1}) == analysis.Answers()


def test_answers_override_what_the_resume_says(matcher):
    text = "Proud U.S. Army veteran. Security analyst with Splunk and incident response."
    mentions = matcher.extract(text)
    from matching.signals import extract_signals

    signals = extract_signals(text, NOW.date(), mentions)
    from_resume = analysis.merged_facts(signals, analysis.Answers(), text, NOW.date())
    assert from_resume["veteran"]["value"] is True
    assert from_resume["veteran"]["source"] == "resume"
    assert "veteran" in from_resume["veteran"]["quote"]["match"].lower()

    answered = analysis.merged_facts(signals, analysis.Answers(veteran=False), text, NOW.date())
    assert answered["veteran"] == {"value": False, "source": "answer", "quote": None}


# -- hiring paths -----------------------------------------------------------------------------

VRA = PathwaySpec(
    id="vra",
    name="Veterans Recruitment Appointment",
    status="active",
    eligibility={
        "all": [
            {"fact": "veteran", "is": True},
            {
                "any": [
                    {"fact": "disability_rating", "min": 10},
                    {"fact": "campaign_veteran", "is": True},
                ]
            },
        ]
    },
    eligibility_text="Veterans with a rating or campaign service.",
)
INTERNSHIP = PathwaySpec(
    id="intern",
    name="Pathways Internship",
    status="active",
    eligibility={"any": [{"fact": "student", "is": True}, {"fact": "apprentice", "is": True}]},
    eligibility_text="Students.",
)
ENDED = PathwaySpec(
    id="pmf",
    name="Presidential Management Fellows",
    status="ended",
    eligibility={"fact": "years_since_graduation", "max": 2},
    eligibility_text="Historical.",
)


def test_pathways_are_grouped_with_reasons_and_what_to_tell_us():
    groups = analysis.evaluate_pathways(
        [VRA, INTERNSHIP, ENDED], {"veteran": True, "disability_rating": 30}
    )
    assert [p["id"] for p in groups["eligible"]] == ["vra"]
    assert "You are a veteran." in groups["eligible"][0]["reasons"]
    # Ended pathways are never offered.
    assert all(p["id"] != "pmf" for group in groups.values() for p in group)
    unknown = groups["unknown"][0]
    assert unknown["id"] == "intern"
    assert unknown["ask"] == ["whether you are a student"]  # a question on the form
    assert unknown["check"] == ["whether you are in a registered apprenticeship"]  # not asked

    groups = analysis.evaluate_pathways([VRA], {"veteran": False})
    assert groups["not_eligible"][0]["reasons"] == ["You are not a veteran."]


def test_hiring_paths_open_only_with_known_facts():
    assert analysis.seeker_hiring_paths({}, analysis.Answers()) == ["public"]
    assert analysis.seeker_hiring_paths({"us_citizen": False}, analysis.Answers()) == []
    paths = analysis.seeker_hiring_paths(
        {"veteran": True, "military_spouse": True, "years_since_graduation": 4}, analysis.Answers()
    )
    assert paths == ["graduates", "mspouse", "public", "vet"]  # veterans have 6 years
    assert "graduates" not in analysis.seeker_hiring_paths(
        {"years_since_graduation": 4}, analysis.Answers()
    )
    assert "fed-competitive" in analysis.seeker_hiring_paths(
        {"federal_employee": False}, analysis.Answers(federal="former")
    )


# -- creating and finding a match -------------------------------------------------------------


def test_a_match_stores_only_the_token_hash_and_expires(db, matcher):
    token, match = create(db, matcher, retention_hours=72)
    assert len(token) >= 40
    assert match.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in match.token_hash
    assert match.expires_at == NOW + timedelta(hours=72)
    assert match.source_kind == "pasted" and match.file_data is None and match.filename is None
    assert sm.get_match(db, token, now=NOW) is match
    assert sm.get_match(db, token, now=NOW + timedelta(hours=73)) is None  # expired
    assert sm.get_match(db, token + "x", now=NOW) is None
    assert sm.get_match(db, "../../etc/passwd", now=NOW) is None


def test_results_rank_roles_and_quote_the_resume(db, matcher):
    _, match = create(db, matcher)
    results = match.results
    assert results["confident"] is True
    top = results["roles"][0]
    assert top["id"] == "PD-WRL-001" and top["is_match"] and top["score"] >= 60
    assert len(results["roles"]) == analysis.TOP_ROLES
    assert top["summary"].startswith("A good fit")
    splunk = next(s for s in top["matched"] if "Sentinel" in s["name"])
    assert splunk["quote"]["match"] in SOC_RESUME
    assert splunk["quote"]["before"].strip() and splunk["quote"]["after"].strip()
    assert top["missing"] and top["certifications"]
    assert {c["acronym"] for c in top["certifications_held"]} >= {"CySA+"}
    assert len(results["role_scores"]) == 41


def test_a_resume_with_no_cyber_skills_gets_no_confident_match(db, matcher):
    text = "Head baker for ten years. I run a bakery, manage five staff and keep the books. " * 3
    _, match = create(db, matcher, sm.Upload(pasted=text))
    assert match.results["confident"] is False
    assert not any(role["is_match"] for role in match.results["roles"])


def test_uploaded_file_is_kept_only_when_asked(db, matcher):
    data = pdf_resume()
    upload = sm.Upload(data=data, filename="Jane Doe.pdf", content_type="application/pdf")
    _, kept = create(db, matcher, upload, keep_file=True)
    assert kept.file_data == data and kept.file_type == "application/pdf"
    assert kept.filename == "Jane Doe.pdf"

    # Not kept: nothing of the file stays, not even its name; its kind says "your PDF".
    _, dropped = create(db, matcher, upload)
    assert dropped.file_data is None and dropped.file_type is None and dropped.filename is None
    assert dropped.source_kind == "pdf"
    assert not any("Jane" in warning for warning in dropped.warnings)

    word = sm.Upload(data=docx_resume(), filename="cv.docx")
    _, match = create(db, matcher, word)
    assert match.source_kind == "docx"
    assert match.results["roles"][0]["name"] in {"Digital Evidence Analysis", "Digital Forensics"}


def test_the_file_name_is_kept_without_control_characters_and_at_most_255_long(db, matcher):
    upload = sm.Upload(data=docx_resume(), filename="my\x00 resume\r\n.docx")
    _, match = create(db, matcher, upload, keep_file=True)
    assert match.filename == "my resume.docx"
    assert sm.stored_filename("a" * 300 + ".docx") == "a" * 250 + ".docx"
    assert sm.stored_filename("\x00\t") is None


def test_a_file_wins_over_pasted_text_and_the_page_says_so(db, matcher):
    upload = sm.Upload(data=docx_resume(), filename="cv.docx", pasted=SOC_RESUME)
    _, match = create(db, matcher, upload)
    assert match.source_kind == "docx" and "Splunk" not in match.text
    assert views.other_warnings(match) == [
        "You gave us a file and pasted text too: we read the file."
    ]


def test_a_long_resume_is_flagged_for_the_usajobs_page_limit(db, matcher):
    upload = sm.Upload(data=pdf_resume(pages=3), filename="long.pdf")
    _, match = create(db, matcher, upload)
    assert match.results["document"]["over_two_pages"] is True
    assert match.pages == 3
    assert views.other_warnings(match) == []  # shown as its own alert, not twice


def test_an_unreadable_file_stores_nothing(db, matcher):
    before = db.scalar(select(func.count()).select_from(MatchRequest))
    with pytest.raises(DocumentError) as caught:
        create(db, matcher, sm.Upload(data=image_only_pdf(), filename="scan.pdf"))
    assert caught.value.code == "image_only"
    with pytest.raises(DocumentError) as caught:
        create(
            db,
            matcher,
            sm.Upload(data=b"x" * 2000, filename="big.txt"),
            limits=DocumentLimits(max_bytes=1000),
        )
    assert caught.value.code == "too_large"
    assert db.scalar(select(func.count()).select_from(MatchRequest)) == before


def test_deleting_removes_the_text_answers_and_results(db, matcher):
    token, match = create(db, matcher, keep_file=True)
    match_id = match.id
    assert sm.delete_match(db, token, now=NOW) is True
    db.expire_all()
    assert db.get(MatchRequest, match_id) is None
    assert sm.get_match(db, token, now=NOW) is None
    assert sm.delete_match(db, token, now=NOW) is False


def test_changing_answers_rechecks_eligibility_on_the_stored_text(db, matcher):
    _, match = create(db, matcher)
    eligible = {p["id"] for p in match.results["pathways"]["eligible"]}
    assert "thirty-percent-disabled-veteran" not in eligible
    roles_before = match.results["roles"]
    sm.update_answers(match, analysis.Answers(veteran=True, disability_rating=30), matcher, now=NOW)
    eligible = {p["name"] for p in match.results["pathways"]["eligible"]}
    assert any("30 Percent" in name for name in eligible)
    assert match.answers["disability_rating"] == 30
    assert match.results["roles"] == roles_before  # the resume did not change


def test_no_resume_text_reaches_the_logs(db, matcher):
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler, root = Keep(level=logging.DEBUG), logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        token, _ = create(db, matcher, sm.Upload(pasted=SOC_RESUME + "\n" + SECRET_PHRASE))
        sm.delete_match(db, token)
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
    assert records, "the service logs what it does"
    for record in records:
        message = record.getMessage()
        assert SECRET_PHRASE not in message and "Northwind" not in message
        assert token not in message


# -- live jobs and deadlines ------------------------------------------------------------------


@pytest.fixture
def jobs(db):
    job_index_service.clear_cache()
    return {
        "soc": add_job(db, title="IT Cybersecurity Specialist (Cyber Defense Analyst)"),
        "forensics": add_job(
            db,
            title="IT Specialist (Forensic Examiner)",
            summary=FORENSICS_JOB_TEXT,
            close_date=date.today() + timedelta(days=5),
            locations=["Denver, Colorado"],
        ),
        "vets_only": add_job(db, title="IT Specialist (Security Operations)", hiring_paths=["vet"]),
        "secret": add_job(
            db,
            title="IT Cybersecurity Specialist (SOC, Top Secret)",
            clearance="Top Secret",
            close_date=date.today() + timedelta(days=40),
        ),
        "policy": add_job(db, title="Privacy Analyst", summary=POLICY_JOB_TEXT),
        "closed": add_job(
            db, title="IT Specialist (SOC, closed)", close_date=date.today() - timedelta(days=1)
        ),
    }


def ranked(db, matcher, match, **kwargs):
    index = job_index_service.job_index(db, matcher)
    return sm.match_jobs(db, match, index, today=date.today(), **kwargs)


def test_jobs_are_ranked_by_fit_and_hidden_ones_are_explained(db, matcher, jobs):
    _, match = create(db, matcher)
    result = ranked(db, matcher, match)
    ids = [row.id for row in result.rows]
    assert ids[0] in {jobs["soc"].id, jobs["secret"].id}
    assert jobs["closed"].id not in ids and jobs["vets_only"].id not in ids
    assert jobs["policy"].id not in ids  # too weak a fit to suggest
    assert result.hidden == ["1 job open only to groups you have not told us you belong to."]
    row = next(r for r in result.rows if r.id == jobs["soc"].id)
    assert views.agency_label(row.job) == "Cybersecurity and Infrastructure Security Agency"
    assert views.grade_label(row.job) == "GS-12 to GS-13"
    assert views.location_label(row.job) == "Arlington, Virginia"
    assert row.days_left == 20 and row.url.startswith("https://www.usajobs.gov/job/")
    assert any("eligible through: the public" in reason for reason in row.reasons)

    _, veteran = create(db, matcher, answers=analysis.Answers(veteran=True))
    assert jobs["vets_only"].id in [row.id for row in ranked(db, matcher, veteran).rows]


def test_jobs_can_be_sorted_by_deadline_and_narrowed_by_clearance(db, matcher, jobs):
    _, match = create(db, matcher, answers=analysis.Answers(clearance="secret"))
    by_deadline = ranked(db, matcher, match, sort="deadline").rows
    dates = [row.close_date for row in by_deadline]
    assert dates == sorted(dates)
    covered = ranked(db, matcher, match, clearance_only=True)
    assert covered.clearance_filter is True
    assert jobs["secret"].id not in [row.id for row in covered.rows]
    assert "1 job need a higher clearance than you hold." in covered.hidden


def test_places_and_remote_preference_filter_jobs(db, matcher, jobs):
    remote = add_job(db, title="IT Cybersecurity Specialist (Remote SOC)", remote=True,
                     locations=["Anywhere in the U.S. (remote job)"])  # fmt: skip
    _, match = create(db, matcher, answers=analysis.Answers(locations=("Colorado",)))
    ids = [row.id for row in ranked(db, matcher, match).rows]
    assert jobs["soc"].id not in ids and remote.id in ids
    _, remote_only = create(db, matcher, answers=analysis.Answers(remote_only=True))
    assert [row.id for row in ranked(db, matcher, remote_only).rows] == [remote.id]


def test_deadlines_calendar_has_one_event_per_job_shown(db, matcher, jobs):
    _, match = create(db, matcher)
    rows = ranked(db, matcher, match).rows
    body = views.deadlines_calendar(rows, now=NOW)
    calendar = Calendar.from_ical(body)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == len([r for r in rows if r.close_date]) >= 2
    by_uid = {str(e["UID"]): e for e in events}
    soc = jobs["soc"]
    event = by_uid[f"job-{soc.id}@pathfinder"]
    assert event.decoded("DTSTART") == soc.close_date
    assert event.decoded("DTEND") == soc.close_date + timedelta(days=1)
    assert soc.title in str(event["SUMMARY"]) and str(event["URL"]) == soc.url


def test_no_open_jobs_means_no_index_and_no_rows(db, matcher):
    _, match = create(db, matcher)
    result = sm.match_jobs(db, match, None, today=date.today())
    assert result.rows == [] and result.total == 0


def test_quotes_stay_on_the_line_and_mark_ellipses():
    text = "first line\nA very long line " + "word " * 40 + "Splunk here " + "tail " * 40 + "\nlast"
    start = text.index("Splunk")
    q = analysis.quote(text, start, start + len("Splunk"), radius=30)
    assert q["match"] == "Splunk"
    assert q["before"].startswith("…") and q["after"].endswith("…")
    assert "\n" not in q["before"] + q["after"]
    short = analysis.quote("Splunk\nnext", 0, 6)
    assert short == {"before": "", "match": "Splunk", "after": ""}
