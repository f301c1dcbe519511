"""OPM staff in a real browser: queue a re-run of a source, then upload a NICE workbook, read
its diff and confirm it, with axe-core on every page.

The import changes the catalog, so these tests have a live server and database of their own
rather than the session's shared one (which the other browser tests read).
"""

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from app import create_app, migrate
from app.db import make_engine, session_scope
from app.models import AuditEntry, ScrapeRequest, TksStatement

from .conftest import DATA_DIR, axe_violations, build_nice_workbook, own_database, save_screenshot

pytestmark = pytest.mark.browser

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EMAIL, PASSWORD = "ops.staff@example.gov", "a long staff passphrase"


@pytest.fixture(scope="module")
def ops_database_url(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database with the catalog and one staff account, for this module only."""
    from app.catalog.loader import load_catalog_into
    from app.services.accounts import create_user

    with own_database(database_url, tmp_path_factory.mktemp("ops"), "ops") as url:
        migrate.upgrade(url)
        engine = make_engine(url)
        with session_scope(sessionmaker(bind=engine, expire_on_commit=False)) as session:
            load_catalog_into(session, DATA_DIR)
            create_user(session, EMAIL, "Olu Staff", PASSWORD, ["opm_staff"])
        engine.dispose()
        yield url


@pytest.fixture(scope="module")
def ops_app(ops_database_url: str, tmp_path_factory: pytest.TempPathFactory):
    return create_app(
        {
            "ENV_NAME": "development",  # CSRF on, as in production
            "DATABASE_URL": ops_database_url,
            "SECRET_KEY": "browser-tests-ops",
            "MODEL_CACHE_DIR": str(tmp_path_factory.mktemp("ops-models")),
        }
    )


@pytest.fixture(scope="module")
def ops_server(ops_app) -> Iterator[str]:
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, ops_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def ops_session(ops_app):
    from app.extensions import get_database

    session = get_database(ops_app).session_factory()
    yield session
    session.close()


def sign_in(page, base: str) -> None:
    page.goto(base + "/account/login")
    page.get_by_label("E-mail address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_staff_queue_a_rerun_once(page, ops_server, ops_session):
    sign_in(page, ops_server)
    page.goto(ops_server + "/staff/")
    page.get_by_role(
        "link", name="Scrape operations: each source's runs, and re-runs to queue"
    ).click()
    assert page.locator("h1").inner_text() == "Scrape operations"
    assert axe_violations(page) == []

    page.get_by_role("button", name="Queue a re-run of usajobs").click()
    page.wait_for_url("**/staff/operations")
    assert "A re-run of usajobs is queued" in page.locator("main").inner_text()
    section = page.locator("section", has=page.locator("#source-usajobs"))
    assert "has not started yet" in section.inner_text()
    assert section.get_by_role("button").count() == 0  # no second request from the page
    assert page.get_by_role("button", name="Queue a re-run of simpler").is_visible()
    assert axe_violations(page) == []
    save_screenshot(page, "staff-operations")
    [request] = ops_session.scalars(select(ScrapeRequest)).all()
    assert request.source == "usajobs" and request.picked_at is None
    audit = ops_session.scalar(select(AuditEntry).where(AuditEntry.action == "scrape.queue"))
    assert audit.actor == EMAIL


def test_staff_upload_a_workbook_see_its_diff_and_confirm(page, ops_server, ops_session, tmp_path):
    sign_in(page, ops_server)
    page.goto(ops_server + "/staff/")
    page.get_by_role("link", name="Import a NICE workbook").click()
    assert page.locator("h1").inner_text() == "Import the NICE workbook"
    assert axe_violations(page) == []

    # A wrong file first: the error summary and the field's message. (The USWDS file input
    # already drops a file of another type, so this one has the right name and wrong content.)
    page.set_input_files(
        "#workbook",
        files=[{"name": "notes.xlsx", "mimeType": XLSX, "buffer": b"just some notes"}],
    )
    page.get_by_role("button", name="Upload and show the differences").click()
    page.wait_for_load_state()
    summary = page.get_by_role("alert")
    assert "Please correct 1 problem" in summary.inner_text()
    assert "is not an .xlsx workbook" in page.locator("#workbook-error").inner_text()
    assert axe_violations(page) == []

    workbook = build_nice_workbook(tmp_path / "nice-v2.1.0.xlsx", extra_role=True)
    page.set_input_files("#workbook", str(workbook))
    page.get_by_role("button", name="Upload and show the differences").click()
    page.wait_for_url("**/staff/nice/*")
    assert page.locator("h1").inner_text() == "What nice-v2.1.0.xlsx would change"
    diff = page.get_by_role("table", name="Differences with the catalog").inner_text()
    assert "PD-WRL-099 Example Future Role" in diff
    assert "T0001: Analyze alerts from intrusion detection sensors" in diff
    assert ops_session.scalar(select(TksStatement).limit(1)) is None  # not applied yet
    ops_session.rollback()  # no read transaction left open for the server's write to wait on
    assert axe_violations(page) == []
    save_screenshot(page, "staff-nice-diff")

    page.get_by_role("button", name="Confirm and apply nice-v2.1.0.xlsx").click()
    page.wait_for_load_state()
    assert "Applied NICE v2.1.0: 1 work roles created" in page.locator("main").inner_text()
    assert "This workbook was applied on" in page.locator("main").inner_text()
    assert page.get_by_role("button", name="Confirm and apply nice-v2.1.0.xlsx").count() == 0
    assert axe_violations(page) == []
    ops_session.expire_all()
    assert len(ops_session.scalars(select(TksStatement)).all()) == 4
    audit = ops_session.scalar(select(AuditEntry).where(AuditEntry.action == "catalog.import_nice"))
    assert audit.actor == EMAIL and audit.note == "nice-v2.1.0.xlsx"
