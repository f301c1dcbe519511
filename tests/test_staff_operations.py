"""Scrape operations: each source's runs for staff, re-runs queued once, and taken once."""

import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from app import migrate
from app.db import make_engine
from app.models import AuditEntry, RunStatus, ScrapeRequest, ScrapeRun, User
from app.services.ingest.store import RunCounts, RunResult, execute_run
from app.services.staff import operations
from scrapers.errors import PayloadError
from scrapers.records import JobRecord
from scrapers.sources import REGISTRY

from .conftest import check_page_structure, login


def staff(client, db) -> User:
    login(client, db)
    return db.scalar(select(User).where(User.email == "user@example.gov"))


def scrape_run(factory, source: str, records=(), error: Exception | None = None):
    """A recorded scrape of a registered source, as `scrape_source` records it."""

    def produce():
        if error:
            raise error
        yield from records

    return execute_run(
        factory, REGISTRY[source].store_name, produce, kind="scrape", params={"source": source}
    )


# -- the page -----------------------------------------------------------------------------------


def test_the_page_is_for_staff_only(client, db):
    assert client.get("/staff/operations").status_code == 302
    login(client, db, "po@example.gov", ("program_office",))
    assert client.get("/staff/operations").status_code == 403
    assert client.post("/staff/operations/usajobs/queue").status_code == 403
    assert db.scalar(select(func.count()).select_from(ScrapeRequest)) == 0


def test_every_registered_source_has_a_section_and_a_queue_button(client, db):
    login(client, db)
    response = client.get("/staff/operations")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    check_page_structure(html)
    for name in REGISTRY:
        assert f'<h2 id="source-{name}">{name}</h2>' in html
        assert f"Queue a re-run of {name}" in html
        assert f'action="/staff/operations/{name}/queue"' in html
    assert "No successful scrape yet." in html


def test_runs_show_their_counts_errors_and_the_last_success(client, db, session_factory):
    ok = scrape_run(session_factory, "grantsgov")
    scrape_run(session_factory, "grantsgov", error=PayloadError("search2 said: backend down"))
    scrape_run(session_factory, "grantsgov-xml")  # stored as grantsgov, shown as its own
    login(client, db)
    html = client.get("/staff/operations").get_data(as_text=True)
    check_page_structure(html)
    grantsgov = html.split('id="source-grantsgov"')[1].split('id="source-grantsgov-xml"')[0]
    assert grantsgov.count('<td data-label="Kind">scrape</td>') == 2
    assert '<td data-label="Outcome">Failed</td>' in grantsgov
    assert "search2 said: backend down" in grantsgov
    started = db.get(ScrapeRun, ok.run_id).started_at.strftime("%Y-%m-%d %H:%M")
    assert f"Last successful scrape started {started} UTC." in grantsgov
    xml = html.split('id="source-grantsgov-xml"')[1].split('id="source-simpler"')[0]
    assert xml.count('<td data-label="Kind">scrape</td>') == 1


def test_ingests_show_when_they_finished_and_which_records_failed(client, db, session_factory):
    def records():
        yield JobRecord(source="usajobs", source_id="820000009", title="<b>x</b>" * 100)

    execute_run(session_factory, "usajobs", records, kind="ingest")
    login(client, db)
    html = client.get("/staff/operations").get_data(as_text=True)
    check_page_structure(html)
    assert '<td data-label="Failed">1</td>' in html
    assert "<summary>1 warning</summary>" in html
    assert "usajobs 820000009: title is 800 characters" in html
    assert "<b>x</b>" not in html  # warnings are escaped like everything else
    assert "Not yet" not in html  # the run is finished, and says when


def test_runs_show_how_many_jobs_they_reopened(client, db, session_factory):
    closes = date.today() + timedelta(days=30)
    jobs = [
        JobRecord(
            source="usajobs", source_id=f"82000010{i}", title="IT Specialist", close_date=closes
        )
        for i in range(3)
    ]
    execute_run(session_factory, "usajobs", lambda: iter(jobs), kind="ingest")
    execute_run(session_factory, "usajobs", lambda: iter(jobs[:1]), full_sweep=True)
    execute_run(session_factory, "usajobs", lambda: iter(jobs), kind="ingest")
    login(client, db)
    html = client.get("/staff/operations").get_data(as_text=True)
    assert '<th scope="col">Reopened</th>' in html
    assert '<td data-label="Closed">2</td>' in html
    assert '<td data-label="Reopened">2</td>' in html


def test_the_dashboard_summarises_runs_and_links_to_the_page(client, db, session_factory):
    scrape_run(session_factory, "grantsgov", error=PayloadError("search2 said: backend down"))
    login(client, db)
    html = client.get("/staff/").get_data(as_text=True)
    check_page_structure(html)
    assert "The latest run, a scrape of grantsgov" in html
    assert "Failed (search2 said: backend down)" in html
    assert "1 of the 1 most recent runs failed." in html
    assert 'href="/staff/operations"' in html
    assert 'href="/staff/nice"' in html
    assert '<td data-label="Reopened">' not in html  # the table moved to the operations page


# -- queueing -----------------------------------------------------------------------------------


def test_queueing_a_rerun_is_audited_and_shown(client, db):
    user = staff(client, db)
    response = client.post("/staff/operations/simpler/queue")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/staff/operations")
    request = db.scalar(select(ScrapeRequest))
    assert request.source == "simpler" and request.requested_by_id == user.id
    assert request.picked_at is None and request.run_id is None
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "scrape.queue"))
    assert entry.actor == "user@example.gov" and entry.user_id == user.id
    assert entry.changes == {"source": "simpler"} and entry.entity_id == str(request.id)

    html = client.get("/staff/operations").get_data(as_text=True)
    check_page_structure(html)
    assert "A re-run of simpler is queued" in html  # the flash message
    queued = request.requested_at.strftime("%Y-%m-%d %H:%M")
    assert f"A re-run was queued at {queued} UTC and has not started yet." in html
    assert "Queue a re-run of simpler" not in html
    assert "Queue a re-run of usajobs" in html


def test_a_source_is_not_queued_twice(client, db):
    staff(client, db)
    client.post("/staff/operations/usajobs/queue")
    response = client.post("/staff/operations/usajobs/queue", follow_redirects=True)
    assert "was already queued at" in response.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(ScrapeRequest)) == 1
    audits = select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "scrape.queue")
    assert db.scalar(audits) == 1


def test_a_source_can_be_queued_again_once_its_request_was_picked(client, db, session_factory):
    staff(client, db)
    client.post("/staff/operations/usajobs/queue")
    first = db.scalar(select(ScrapeRequest))
    assert operations.claim(session_factory, first.id)
    client.post("/staff/operations/usajobs/queue")
    assert db.scalar(select(func.count()).select_from(ScrapeRequest)) == 2


def test_an_unknown_source_is_not_found(client, db):
    staff(client, db)
    assert client.post("/staff/operations/nowhere/queue").status_code == 404
    assert db.scalar(select(func.count()).select_from(ScrapeRequest)) == 0


def test_queueing_needs_the_csrf_token(app, client, db):
    staff(client, db)
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post("/staff/operations/usajobs/queue").status_code == 400
    assert db.scalar(select(func.count()).select_from(ScrapeRequest)) == 0


# -- running queued requests -------------------------------------------------------------------


def queue(db, *sources: str) -> list[ScrapeRequest]:
    from datetime import UTC, datetime

    start = datetime(2026, 1, 1, tzinfo=UTC)
    requests = [
        ScrapeRequest(source=s, requested_at=start + timedelta(minutes=i))
        for i, s in enumerate(sources)
    ]
    db.add_all(requests)
    db.commit()
    return requests


def recording_runner(factory, ran: list[str]):
    def run(source: str) -> RunResult:
        ran.append(source)
        return scrape_run(factory, source)

    return run


def test_a_request_is_claimed_once(db, session_factory):
    [request] = queue(db, "usajobs")
    assert operations.claim(session_factory, request.id)
    assert not operations.claim(session_factory, request.id)


def test_queued_requests_run_oldest_first_and_are_linked_to_their_run(db, session_factory):
    later, earlier, again = queue(db, "simpler", "usajobs", "simpler")
    later.requested_at, earlier.requested_at = earlier.requested_at, later.requested_at
    db.commit()
    ran: list[str] = []
    outcome = operations.run_queued(session_factory, recording_runner(session_factory, ran))
    assert ran == ["usajobs", "simpler"]  # one run for both simpler requests
    assert [(r.source, sorted(r.request_ids)) for r in outcome.runs] == [
        ("usajobs", [earlier.id]),
        ("simpler", sorted([later.id, again.id])),
    ]
    assert not outcome.failed
    for request in (later, earlier, again):
        db.refresh(request)
        assert request.picked_at is not None
        run = db.get(ScrapeRun, request.run_id)
        assert run.params["source"] == request.source and run.status == RunStatus.SUCCEEDED
    assert operations.run_queued(session_factory, recording_runner(session_factory, ran)).runs == []
    assert ran == ["usajobs", "simpler"]


def test_a_run_that_did_not_start_leaves_its_request_queued(db, session_factory):
    [request] = queue(db, "usajobs")

    def locked(source: str) -> RunResult:
        error = f"another run of {source} is in progress; this one did not start"
        return RunResult(source, None, RunStatus.FAILED, RunCounts(), error)

    outcome = operations.run_queued(session_factory, locked)
    assert outcome.failed and outcome.runs[0].released
    db.refresh(request)
    assert request.picked_at is None and request.run_id is None


def test_an_interrupted_run_releases_its_request(db, session_factory):
    [request] = queue(db, "usajobs")

    def interrupted(source: str) -> RunResult:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        operations.run_queued(session_factory, interrupted)
    db.refresh(request)
    assert request.picked_at is None


def test_a_run_of_all_sources_takes_their_pending_requests(db, session_factory):
    [request] = queue(db, "grantsgov")
    ran: list[str] = []
    done = operations.run_with_requests(
        session_factory, "grantsgov", recording_runner(session_factory, ran)
    )
    assert done.request_ids == [request.id] and not done.released
    db.refresh(request)
    assert request.run_id == done.result.run_id
    nothing = operations.run_with_requests(
        session_factory, "usajobs", recording_runner(session_factory, ran)
    )
    assert nothing.request_ids == [] and ran == ["grantsgov", "usajobs"]


def test_two_workers_never_take_one_request(scratch_database_url):
    """Real concurrency, on a database of the test's own (PostgreSQL in the suite's PG run)."""
    migrate.upgrade(scratch_database_url)
    engine = make_engine(scratch_database_url)
    try:
        factory = sessionmaker(bind=engine, expire_on_commit=False)
        with factory() as session:
            requests = [ScrapeRequest(source="usajobs") for _ in range(20)]
            session.add_all(requests)
            session.commit()
            ids = [r.id for r in requests]
        won: list[list[int]] = [[], []]
        barrier = threading.Barrier(2)

        def worker(slot: int) -> None:
            barrier.wait()
            won[slot] = [i for i in ids if operations.claim(factory, i)]

        threads = [threading.Thread(target=worker, args=(slot,)) for slot in (0, 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert sorted(won[0] + won[1]) == ids  # each request taken exactly once
    finally:
        engine.dispose()


def test_a_run_row_keeps_its_cells_short():
    """A run that ended the day it started shows the finishing time alone, and an ingest's file
    is its own value (it wraps anywhere on the page), not glued to the kind."""
    from datetime import datetime

    from app.staff.views import run_row

    started = datetime(2026, 12, 7, 22, 41, 5)
    ingest = ScrapeRun(
        source="usajobs", kind="ingest", status=RunStatus.SUCCEEDED, started_at=started,
        finished_at=started + timedelta(seconds=73), params={"file": "usajobs-export.json"},
    )  # fmt: skip
    row = run_row(ingest)
    assert (row.started, row.finished) == ("2026-12-07 22:41", "22:42:18")
    assert (row.kind, row.file) == ("ingest", "usajobs-export.json")

    overnight = ScrapeRun(
        source="usajobs", kind="scrape", status=RunStatus.SUCCEEDED, started_at=started,
        finished_at=started + timedelta(hours=2), params={"source": "usajobs"},
    )  # fmt: skip
    row = run_row(overnight)
    assert row.finished == "2026-12-08 00:41:05" and (row.kind, row.file) == ("scrape", "")
