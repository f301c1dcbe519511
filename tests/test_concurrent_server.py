"""Many people at once, against a real server: gunicorn with two worker processes.

Job seekers upload resumes and program offices save searches and opportunities at the same
moment, on the suite's database (SQLite, the embedded default, or PostgreSQL). Every request
must be answered without a 5xx and every write must be stored: this is what failed with
"database is locked" before SQLite ran in WAL mode with writers that wait their turn.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import NamedTuple

import pytest
import redis
import requests
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from app.db import make_engine
from app.models import FundingOpportunity, MatchRequest, SavedOpportunity, SavedSearch, User

from .app_servers import PASSWORD, csrf_token, edit_form, free_port, signed_in
from .conftest import _backend
from .seeker_docs import SOC_RESUME, docx_resume, pdf_resume

REDIS_URL = "redis://127.0.0.1:6379/0"
UPLOADERS, UPLOADS_EACH = 4, 5
OFFICES, SAVES_EACH = 2, 5
UNEXPECTED: list[tuple[int, str]] = []  # uploads not sent on to their results, and why


def page_message(html: str) -> str:
    """The error a page shows (its alerts and field messages), as text, for a failure report."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    found = soup.select(".usa-alert__text, .usa-error-message, .usa-alert__heading")
    texts = [re.sub(r"\s+", " ", f.get_text(" ")).strip() for f in found]
    return " | ".join(t for t in texts if t) or html[:300]


class Server(NamedTuple):
    base: str  # http://127.0.0.1:<port>
    access_log: Path
    error_log: Path  # gunicorn's own log: worker timeouts, restarts and crashes


@pytest.fixture(scope="module")
def server(live_database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """gunicorn -w 2 on the live database, limits in Redis; yields its base URL."""
    port, prefix = free_port(), f"pathfinder-test-{time.time_ns()}"
    env = {
        **os.environ,
        "DATABASE_URL": live_database_url,
        "SECRET_KEY": "concurrency-tests",
        "PATHFINDER_ENV": "development",
        "MODEL_CACHE_DIR": str(tmp_path_factory.mktemp("server-models")),
        # Rate limits shared by the two workers, as by several instances in production.
        "REDIS_URL": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": prefix,  # this run's counts only, removed afterwards
        "PYTHONFAULTHANDLER": "1",  # a worker that crashes says where, in the log below
    }
    logs = tmp_path_factory.mktemp("server-log")
    log, access = logs / "gunicorn.log", logs / "access.log"
    # The repository's production configuration, with a port and log files of the test's own.
    command = [
        sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py",
        "--workers", "2", "--threads", "2", "--bind", f"127.0.0.1:{port}", "--timeout", "120",
        "--error-logfile", str(log), "--access-logfile", str(access), "--capture-output",
    ]  # fmt: skip
    process = subprocess.Popen(command, env=env, cwd=Path(__file__).resolve().parent.parent)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{base}/healthz", timeout=5).status_code == 200:
                    break
            except requests.RequestException:  # not listening yet, or still booting
                time.sleep(0.2)
        else:
            pytest.fail(f"gunicorn did not start: {log.read_text()}")
        yield Server(base, access, log)
    finally:
        process.terminate()
        process.wait(timeout=30)
        store = redis.Redis.from_url(REDIS_URL)
        for key in store.scan_iter(f"*{prefix}*"):
            store.delete(key)
    errors = [line for line in log.read_text().splitlines() if "Traceback" in line]
    assert not errors, log.read_text()


def count(url: str, model, *where) -> int:
    engine = make_engine(url)
    try:
        with sessionmaker(bind=engine)() as session:
            return session.scalar(select(func.count()).select_from(model).where(*where))
    finally:
        engine.dispose()


def run_together(jobs: list, server_log: Path) -> list[int]:
    """Start every job at the same moment; the statuses of all their requests."""
    start = threading.Barrier(len(jobs))
    statuses: list[int] = []
    failures: list[BaseException] = []

    def worker(job) -> None:
        try:
            start.wait()
            statuses.extend(job())
        except BaseException as exc:  # reported below, not lost in the thread
            failures.append(exc)

    threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not failures, f"{failures}\n--- gunicorn log ---\n{server_log.read_text()[-4000:]}"
    return statuses


def tolerate_sqlite_311_crash(request: pytest.FixtureRequest, url: str) -> None:
    """xfail (not strict) on SQLite under Python 3.11, where a worker may crash in sqlite3."""
    if sys.version_info < (3, 12) and _backend(url) == "sqlite":
        request.applymarker(
            pytest.mark.xfail(
                reason="CPython 3.11.7's sqlite3 module corrupts memory in a gunicorn worker "
                "after this module's traffic (SIGSEGV in _pysqlite_fetch_one_row; none on "
                "3.12.1 or PostgreSQL)",
                strict=False,
            )
        )


def save_at_once(clients: list[requests.Session], url: str, forms: list[dict]):
    """One job per client posting its form to `url`; each returns its status."""

    def save(n: int):
        def job() -> list[int]:
            response = clients[n].post(url, data=forms[n], allow_redirects=False, timeout=120)
            return [response.status_code]

        return job

    return [save(n) for n in range(len(clients))]


def uploader(base: str, n: int):
    files = [
        None,
        ("resume.pdf", pdf_resume(), "application/pdf"),
        ("resume.docx", docx_resume(), "application/octet-stream"),
    ]

    def job() -> list[int]:
        client, statuses = requests.Session(), []
        client.post = partial(client.post, allow_redirects=False)  # type: ignore[method-assign]
        for i in range(UPLOADS_EACH):
            data = {"csrf_token": csrf_token(client, f"{base}/match"), "us_citizen": "yes"}
            upload = files[(n + i) % len(files)]
            if upload is None:
                data["resume_text"] = SOC_RESUME
                response = client.post(f"{base}/match", data=data, timeout=120)
            else:
                response = client.post(
                    f"{base}/match", data=data, files={"resume": upload}, timeout=120
                )
            statuses.append(response.status_code)
            if response.status_code != 303:  # the page says why: keep it for the report
                UNEXPECTED.append((response.status_code, page_message(response.text)))
        results = client.get(f"{base}{response.headers['Location']}", timeout=60)
        assert results.status_code == 200 and "Your matches" in results.text
        return statuses

    return job


def office(base: str, email: str, opportunity_ids: list[int]):
    def job() -> list[int]:
        client, statuses = requests.Session(), []
        client.post = partial(client.post, allow_redirects=False)  # type: ignore[method-assign]
        token = csrf_token(client, f"{base}/account/register")
        registered = client.post(
            f"{base}/account/register",
            data={
                "csrf_token": token, "display_name": "Concurrent Office", "email": email,
                "organization": "Test", "password": PASSWORD, "confirm": PASSWORD,
            },
            timeout=60,
        )  # fmt: skip
        statuses.append(registered.status_code)
        for i in range(SAVES_EACH):
            token = csrf_token(client, f"{base}/funding/?q=cyber")
            search = client.post(
                f"{base}/funding/searches",
                data={"csrf_token": token, "query": f"q=cyber+{i}", "name": f"Search {i}",
                      "frequency": "daily"},
                timeout=60,
            )  # fmt: skip
            saved = client.post(
                f"{base}/funding/opportunities/{opportunity_ids[i]}/save",
                data={"csrf_token": token},
                timeout=60,
            )
            statuses += [search.status_code, saved.status_code]
        return statuses

    return job


def operator(url: str, model_cache_dir: str):
    """An operator reloading the listings meanwhile: a scrape's writes, from another process."""

    def job() -> list[int]:
        env = {**os.environ, "DATABASE_URL": url, "MODEL_CACHE_DIR": model_cache_dir}
        command = [str(Path(sys.executable).parent / "pathfinder"), "samples", "load"]
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        return []

    return job


def test_simultaneous_uploads_and_saves_are_all_answered_and_stored(
    server, live_database_url, tmp_path
):
    url = live_database_url
    before = count(url, MatchRequest)
    engine = make_engine(url)
    with sessionmaker(bind=engine)() as session:
        opportunity_ids = list(
            session.scalars(
                select(FundingOpportunity.id)
                .where(FundingOpportunity.duplicate_of_id.is_(None))
                .order_by(FundingOpportunity.id)
                .limit(SAVES_EACH)
            )
        )
    engine.dispose()
    assert len(opportunity_ids) == SAVES_EACH
    suffix = time.time_ns()
    emails = [f"office{n}-{suffix}@example.gov" for n in range(OFFICES)]
    jobs = [uploader(server.base, n) for n in range(UPLOADERS)]
    jobs += [office(server.base, email, opportunity_ids) for email in emails]
    jobs.append(operator(url, str(tmp_path / "models")))

    statuses = run_together(jobs, server.error_log)

    # The server's log names the request that failed and why (a busy database says so).
    assert [s for s in statuses if s >= 500] == [], server.error_log.read_text()[-4000:]
    assert UNEXPECTED == []
    assert statuses.count(303) == UPLOADERS * UPLOADS_EACH  # every upload to its results
    assert statuses.count(302) == OFFICES * (1 + 2 * SAVES_EACH)  # registered, then saved
    assert count(url, MatchRequest) - before == UPLOADERS * UPLOADS_EACH
    users = select(User.id).where(User.email.in_(emails))
    assert count(url, User, User.email.in_(emails)) == OFFICES
    assert count(url, SavedSearch, SavedSearch.user_id.in_(users)) == OFFICES * SAVES_EACH
    assert count(url, SavedOpportunity, SavedOpportunity.user_id.in_(users)) == (
        OFFICES * SAVES_EACH
    )


def test_the_sign_in_limit_holds_across_worker_processes(server):
    """Each attempt on a new connection, so the two workers share them: Redis counts them all."""
    email = f"target-{time.time_ns()}@example.gov"
    statuses = []
    for _ in range(7):
        with requests.Session() as client:
            token = csrf_token(client, f"{server.base}/account/login")
            response = client.post(
                f"{server.base}/account/login",
                data={"csrf_token": token, "email": email, "password": "guess"},
                headers={"Connection": "close"},
                allow_redirects=False,
                timeout=60,
            )
            statuses.append(response.status_code)
    assert statuses == [400] * 5 + [429] * 2


def test_the_access_log_keeps_no_result_link(server):
    with requests.Session() as client:
        token = csrf_token(client, f"{server.base}/match")
        posted = client.post(
            f"{server.base}/match",
            data={"csrf_token": token, "resume_text": SOC_RESUME},
            allow_redirects=False,
            timeout=120,
        )
        link = posted.headers["Location"]
        assert client.get(f"{server.base}{link}", timeout=60).status_code == 200
    time.sleep(0.5)  # the access log is written after the response
    logged = server.access_log.read_text()
    assert "/match/results/[redacted]" in logged
    assert link.rsplit("/", 1)[1] not in logged


def test_two_staff_saving_one_entry_at_once_one_wins_the_other_is_told(
    server, live_database_url, request
):
    """Both opened the same version; both save at the same moment, on two worker processes."""
    tolerate_sqlite_311_crash(request, live_database_url)
    from app.catalog import documents
    from app.models import CatalogVersion
    from app.services.accounts import create_user
    from app.services.staff.curation import get_entry, revert

    url, edit = live_database_url, f"{server.base}/staff/catalog/skills/wireshark/edit"
    engine = make_engine(url)
    factory = sessionmaker(bind=engine)
    emails = [f"curator{n}-{time.time_ns()}@example.gov" for n in range(2)]
    with factory() as session:
        for email in emails:
            create_user(session, email, "Curator", PASSWORD, ["opm_staff"])
        session.commit()
        loaded = get_entry(session, "skill", "wireshark")
    clients = [signed_in(server.base, email) for email in emails]
    forms = [edit_form(client, edit) for client in clients]

    for n, form in enumerate(forms):
        form.update(misspellings=f"wireshrk{n}", reason=f"Curator {n}.")
    try:
        statuses = run_together(save_at_once(clients, edit, forms), server.error_log)
        assert sorted(statuses) == [302, 409]
        with factory() as session:
            numbers = session.scalars(
                select(CatalogVersion.number).where(
                    CatalogVersion.entity_type == "skill", CatalogVersion.entity_id == "wireshark"
                )
            ).all()
            assert len(numbers) == len(set(numbers)) == loaded.number + 1  # one new version
            kept = documents.document(session, "skill", "wireshark")["misspellings"]
            assert kept in (["wireshrk0"], ["wireshrk1"])
    finally:
        with factory() as session:  # the other browser and server tests read this catalog
            current = get_entry(session, "skill", "wireshark")
            curator = session.scalars(select(User).where(User.email == emails[0])).one()
            if current.number != loaded.number:
                revert(
                    session, "skill", "wireshark", loaded.number,
                    base_number=current.number, user=curator, reason="Test clean-up.",
                )  # fmt: skip
                session.commit()
        engine.dispose()


def test_two_posters_saving_one_opening_at_once_one_wins_the_other_is_told(
    server, live_database_url, request
):
    """Two posters of one agency opened its published opening at one version; both save."""
    tolerate_sqlite_311_crash(request, live_database_url)
    from datetime import date, timedelta

    from sqlalchemy import delete

    from app.models import (
        Agency,
        AgencyOpening,
        AgencyOpeningVersion,
        JobListing,
        JobRoleClassification,
    )
    from app.services.accounts import create_user
    from app.services.agency import openings

    engine = make_engine(live_database_url)
    factory = sessionmaker(bind=engine)
    tag = f"{time.time_ns()}"[-8:]
    today = date.today()
    with factory() as session:
        agency = Agency(code=f"CS{tag}", name=f"Concurrent Test Agency {tag}")
        session.add(agency)
        session.flush()
        posters = []
        for n in range(2):
            user = create_user(
                session, f"poster{n}-{tag}@example.gov", "Poster", PASSWORD, ["agency_poster"]
            )
            user.agency_id = agency.id
            posters.append(user)
        session.flush()
        opening = openings.create_draft(
            session,
            posters[0],
            {
                "title": "SOC Analyst", "announcement_number": f"CS-{tag}",
                "series": ["2210"], "pay_plan": "GS", "grade_low": 11, "grade_high": 12,
                "salary_min": 80000.0, "salary_max": 120000.0, "locations": ["Boston, MA"],
                "hiring_paths": ["public"], "open_date": today,
                "close_date": today + timedelta(days=20), "duties": "Monitor SIEM alerts.",
                "qualifications": "A year in a SOC.", "apply_url": "https://www.usajobs.gov/",
                "work_roles": ["PD-WRL-001"], "opm_codes": ["511"],
            },
        )  # fmt: skip
        openings.publish(session, opening, posters[0], base_version=1, today=today)
        session.commit()
        opening_id, agency_id, emails = opening.id, agency.id, [u.email for u in posters]
    edit = f"{server.base}/agency/openings/{opening_id}/edit"
    try:
        clients = [signed_in(server.base, email) for email in emails]
        forms = [edit_form(client, edit, "title") for client in clients]
        for n, form in enumerate(forms):
            form.update(title=f"SOC Analyst, edited by poster {n}", save="1")
        statuses = run_together(save_at_once(clients, edit, forms), server.error_log)
        assert sorted(statuses) == [302, 409]
        with factory() as session:
            saved = session.get(AgencyOpening, opening_id)
            numbers = session.scalars(
                select(AgencyOpeningVersion.number).where(
                    AgencyOpeningVersion.opening_id == opening_id
                )
            ).all()
            assert sorted(numbers) == [1, 2, 3]  # created, published, one edit
            edited_by = session.scalar(
                select(AgencyOpeningVersion.actor).where(
                    AgencyOpeningVersion.opening_id == opening_id, AgencyOpeningVersion.number == 3
                )
            )
            winner = emails.index(edited_by)
            assert saved.title == f"SOC Analyst, edited by poster {winner}"  # the winner's, whole
            assert session.get(JobListing, saved.job_id).title == saved.title  # the job follows
    finally:
        with factory() as session:  # the other server tests share this database
            job_id = session.scalar(
                select(AgencyOpening.job_id).where(AgencyOpening.id == opening_id)
            )
            session.execute(delete(AgencyOpening).where(AgencyOpening.id == opening_id))
            session.execute(
                delete(JobRoleClassification).where(JobRoleClassification.job_id == job_id)
            )
            session.execute(delete(JobListing).where(JobListing.id == job_id))
            for user in session.scalars(select(User).where(User.email.in_(emails))):
                user.agency_id = None
            session.execute(delete(Agency).where(Agency.id == agency_id))
            session.commit()
        engine.dispose()
