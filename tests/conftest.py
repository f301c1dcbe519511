"""Shared fixtures.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set (CI does
both; on PostgreSQL only the tests that use a database and no browser run, unless
TEST_EVERY_TEST=1). The main test database is migrated once per run; each test runs inside a
transaction that is rolled back (SAVEPOINT mode), so tests never see each other's data. Tests
that need a whole database of their own (migrations, CLI) get a scratch one: a fresh SQLite
file, or a fresh PostgreSQL schema.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from app import create_app, migrate
from app.db import make_engine, normalise_url
from scrapers.http import PoliteSession

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "data"


def _backend(url: str) -> str:
    return make_url(normalise_url(url)).get_backend_name()


# The tests that use no database prove nothing more on a second backend, and the browser
# tests prove the pages (the database behind them is proven by the page and server tests);
# `make test` on PostgreSQL (TEST_DATABASE_URL) leaves both to the SQLite run, which CI makes
# first, to keep CI within its time. Set TEST_EVERY_TEST=1 to run them there too.
_DATABASE_FIXTURE = "database_url"  # every database fixture (db, app, live_server...) needs it


def _database_only_run() -> bool:
    url = os.environ.get("TEST_DATABASE_URL")
    return bool(url) and _backend(url) != "sqlite" and os.environ.get("TEST_EVERY_TEST") != "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not _database_only_run():
        return

    def on_postgresql(item: pytest.Item) -> bool:
        uses_database = _DATABASE_FIXTURE in getattr(item, "fixturenames", ())
        return uses_database and item.get_closest_marker("browser") is None

    kept = [item for item in items if on_postgresql(item)]
    left = [item for item in items if not on_postgresql(item)]
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = kept


def pytest_report_header(config: pytest.Config) -> str | None:
    if _database_only_run():
        return "database: PostgreSQL; tests without a database, and browser tests, run on SQLite"
    return None


def _worker_schema() -> str:
    """The PostgreSQL schema of this test process: `public` alone, or one per xdist worker
    (`make test` runs the suite in parallel; two workers migrating one schema would clash)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return f"worker_{worker}" if worker else "public"


def _in_schema(url: str, schema: str) -> str:
    """`url` with its search path set to `schema` (replacing any the URL already sets)."""
    if schema == "public":
        return url
    scoped = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
    return scoped.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    schema = _worker_schema()
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            # A clean slate: the test database holds nothing anyone needs.
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            if schema != "public":
                # pg_trgm belongs to the database: installed once, under a lock, so parallel
                # workers' migrations find it rather than racing to create it.
                conn.execute(text("SELECT pg_advisory_xact_lock(2210)"))
                conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"))
            conn.commit()
    except Exception as exc:
        pytest.exit(f"TEST_DATABASE_URL={url} is unreachable: {exc}", returncode=1)
    finally:
        engine.dispose()
    return _in_schema(url, schema)


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    """The main test database: migrated, with the real catalog from data/ committed once."""
    from app.catalog.loader import load_catalog_into
    from app.db import session_scope

    migrate.upgrade(database_url)
    engine = make_engine(database_url)
    with session_scope(sessionmaker(bind=engine)) as session:
        engine.catalog_report = load_catalog_into(session, DATA_DIR)  # type: ignore[attr-defined]
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    from app.db import READ_ONLY

    with engine.connect() as conn:
        # Deferred on SQLite: a test's own transaction takes the write lock only when it
        # writes, so an app started by the test (its purge at start-up) is not kept waiting.
        outer = conn.execution_options(**READ_ONLY).begin()
        yield conn
        outer.rollback()


@pytest.fixture
def session_factory(connection: Connection) -> sessionmaker[Session]:
    """Sessions whose commits become SAVEPOINTs inside the test's transaction."""
    return sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@pytest.fixture
def db(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    session = session_factory()
    yield session
    session.close()


@pytest.fixture
def catalog(engine: Engine, db: Session):
    """The real reference catalog (loaded once per run); returns that first load's report."""
    return engine.catalog_report  # type: ignore[attr-defined]


@pytest.fixture
def samples(session_factory: sessionmaker[Session], catalog) -> None:
    """The sample listings, loaded inside the test's transaction."""
    from app.services.ingest.samples import load_samples

    load_samples(session_factory, DATA_DIR / "samples")


@pytest.fixture
def empty_db(scratch_database_url: str) -> Iterator[Session]:
    """A session on a migrated database of the test's own, with no catalog loaded."""
    migrate.upgrade(scratch_database_url)
    scratch = make_engine(scratch_database_url)
    session = sessionmaker(bind=scratch, expire_on_commit=False)()
    yield session
    session.close()
    scratch.dispose()


@pytest.fixture
def run(scratch_database_url: str, tmp_path: Path):
    """Run a `pathfinder` command on a scratch database of its own; returns click's result."""
    from click.testing import CliRunner

    from app.cli import cli

    runner = CliRunner()
    env = {"DATABASE_URL": scratch_database_url, "MODEL_CACHE_DIR": str(tmp_path / "models")}

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(cli, list(args), env=env, input=input)

    return invoke


@pytest.fixture
def loaded(run):
    """A migrated scratch database with the catalog loaded, for `pathfinder` commands."""
    assert run("db", "upgrade").exit_code == 0
    assert run("catalog", "load").exit_code == 0
    return run


@pytest.fixture
def polite_session() -> Iterator[PoliteSession]:
    """A scraper session for tests against a local server: no pacing, no retries."""
    with PoliteSession(
        "PathfinderTests/0.1 (tests@example.org)",
        min_interval=0.0,
        timeout=(2.0, 5.0),
        retries=0,
        backoff_factor=0.0,
    ) as polite:
        yield polite


@pytest.fixture(scope="session")
def model_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Fitted models for the whole run, outside the repository."""
    return tmp_path_factory.mktemp("models")


@pytest.fixture
def app(
    database_url: str,
    engine: Engine,
    session_factory: sessionmaker[Session],
    model_cache_dir: Path,
):
    from app.extensions import get_database

    app = create_app(
        {
            "ENV_NAME": "testing",
            "DATABASE_URL": database_url,
            "SECRET_KEY": "t",
            "MODEL_CACHE_DIR": str(model_cache_dir),
            "MODEL_REFIT": "inline",  # requests share the test's connection: no threads
        }
    )
    # Requests share the test's transaction, so fixtures' rows are visible and rolled back.
    get_database(app).session_factory = session_factory
    return app


@pytest.fixture(autouse=True)
def _fresh_listing_choices() -> None:
    """What is cached per change of the listings by an earlier test is never served to the next.

    Each test's rows are rolled back, and SQLite then gives the next test's change-log rows
    the same ids, so the next test's tables can carry the same change stamps.
    """
    from app.services import listing_choices
    from app.services.funding import links, matches

    listing_choices.clear()
    links.clear_cache()
    matches.rankers.clear()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def app_with(database_url: str, session_factory: sessionmaker[Session], model_cache_dir: Path):
    """Build an app with settings of the test's own (a rate limit, CSRF on), in the test's
    transaction like `app`: `app_with(API_MATCH_LIMIT="2 per minute")`."""
    from app.extensions import get_database

    def build(**settings: object):
        made = create_app(
            {
                "ENV_NAME": "testing",
                "DATABASE_URL": database_url,
                "SECRET_KEY": "t",
                "MODEL_CACHE_DIR": str(model_cache_dir),
                "MODEL_REFIT": "inline",
                **settings,
            }
        )
        get_database(made).session_factory = session_factory
        return made

    return build


@contextmanager
def own_database(database_url: str, folder: Path, name: str) -> Iterator[str]:
    """An empty database of its own on the suite's backend: a SQLite file in `folder`, or a
    PostgreSQL schema (dropped afterwards)."""
    if _backend(database_url) == "sqlite":
        yield f"sqlite:///{folder / f'{name}.db'}"
        return
    schema = f"{name}_{uuid.uuid4().hex[:12]}"
    admin = make_engine(database_url)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        conn.commit()
    try:
        yield _in_schema(database_url, schema)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            conn.commit()
        admin.dispose()


@pytest.fixture
def scratch_database_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """An empty database of the test's own, on the same backend as the suite."""
    with own_database(database_url, tmp_path, "scratch") as url:
        yield url


def build_nice_workbook(path: Path, *, version: str = "v2.1.0", extra_role: bool = False) -> Path:
    """A small workbook in the layout of NIST's NICE Framework Components file."""
    from openpyxl import Workbook

    book = Workbook()
    roles = book.active
    roles.title = f"{version} Work Roles + Categories"
    roles.append(["Work Role", "Work Role Description", "Work Role ID", "OPM Code (Fed Use)",
                  "Link to TKS List"])  # fmt: skip
    roles.append(["PROTECTION and DEFENSE (PD) – Identifies, analyzes and mitigates threats."])
    roles.append(["Defensive Cybersecurity", "Watches systems and networks for threats.",
                  "PD-WRL-001", "511", "Click to view PD-WRL-001 TKS List"])  # fmt: skip
    roles.append(["Digital Forensics", "Examines digital media after incidents.", "PD-WRL-002",
                  "212", "Click to view PD-WRL-002 TKS List"])  # fmt: skip
    if extra_role:
        roles.append(["Example Future Role", "A role the reviewed catalog lacks.", "PD-WRL-099",
                      "999", ""])  # fmt: skip
    tks = book.create_sheet(f"{version} TKS Statements")
    tks.append(["TKS ID", "TKS Description", "New for v2.1.0"])
    statements = {
        "T0001": "Analyze alerts from intrusion detection sensors",
        "K0001": "Knowledge of network protocols",
        "S0001": "Skill in reading packet captures",
        "T0002": "Image storage media for examination",
    }
    for ident, statement in statements.items():
        tks.append([ident, statement, "False"])
    plan = {"PD-WRL-001": ["T0001", "K0001", "S0001"], "PD-WRL-002": ["T0002", "K0001"]}
    if extra_role:
        plan["PD-WRL-099"] = ["K0001"]
    for role_id, ids in plan.items():
        sheet = book.create_sheet(role_id)
        sheet.append(["PROTECTION and DEFENSE (PD)", f"Role ({role_id})", "OPM Code: 511"])
        sheet.append([])
        sheet.append(["v2.1.0 TKS ID", "v2.1.0 TKS Description"])
        for ident in ids:
            sheet.append([ident, statements[ident]])
    book.save(path)
    return path


@pytest.fixture
def nice_workbook(tmp_path: Path) -> Path:
    return build_nice_workbook(tmp_path / "nice.xlsx")


def check_page_structure(html: str) -> None:
    """What every page must have: lang, one h1, landmarks, a skip link, labelled inputs."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    assert soup.html.get("lang") == "en"
    assert len(soup.find_all("h1")) == 1, [h.get_text() for h in soup.find_all("h1")]
    assert soup.find("main", id="main-content") is not None
    assert soup.find("header") is not None and soup.find("footer") is not None
    skip = soup.find("a", class_="usa-skipnav")
    assert skip is not None and skip["href"] == "#main-content"
    assert soup.find("section", class_="usa-banner") is not None
    for field in soup.find_all(["input", "select", "textarea"]):
        if field.get("type") in {"hidden", "submit", "button"}:
            continue
        labelled = field.get("aria-label") or (
            field.get("id") and soup.find("label", attrs={"for": field["id"]})
        )
        assert labelled, f"unlabelled field {field}"
    for img in soup.find_all("img"):
        assert img.has_attr("alt"), f"image without alt: {img}"


def login(client, db, email: str = "user@example.gov", roles: tuple[str, ...] = ("opm_staff",)):
    from app.services.accounts import create_user

    create_user(db, email, "Test User", "a long passphrase", list(roles))
    db.commit()
    response = client.post("/account/login", data={"email": email, "password": "a long passphrase"})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


@pytest.fixture
def issue_key(db: Session):
    """Issue an API key in the test's database (committed); returns (ApiKey, plaintext)."""
    from app.services import api_keys

    def issue(limit: str = "600 per minute", name: str = "Ohio workforce board"):
        key, plaintext = api_keys.issue(db, name, "data@ohio.example.gov", limit)
        db.commit()
        return key, plaintext

    return issue


def form_values(html: str, field: str = "reason") -> dict[str, object]:
    """What a browser would post back, untouched, from the page's form that has `field`
    (a catalog form's reason by default)."""
    from bs4 import BeautifulSoup

    found = BeautifulSoup(html, "html.parser").find(attrs={"name": field})
    assert found is not None, f"the page has no form field {field!r}"
    form = found.find_parent("form")
    values: dict[str, object] = {}
    for field in form.find_all(["input", "textarea", "select"]):
        name = field.get("name")
        if not name or field.get("type") == "submit" or name == "csrf_token":
            continue
        if field.name == "textarea":
            values[name] = field.text
        elif field.name == "select":
            chosen = field.find("option", selected=True) or field.find("option")
            values[name] = chosen["value"] if chosen else ""
        elif field.get("type") == "checkbox":
            if field.has_attr("checked"):
                values.setdefault(name, []).append(field["value"])  # type: ignore[union-attr]
        else:
            values[name] = field.get("value", "")
    return values


# --- browser tests -------------------------------------------------------------------------

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = REPO_ROOT / "tests" / "artifacts"
AXE_JS = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"


@contextmanager
def populated_database(
    database_url: str, tmp_path_factory: pytest.TempPathFactory, name: str
) -> Iterator[str]:
    """A database of its own (a SQLite file, or a PostgreSQL schema), migrated, with the
    catalog and sample listings committed and classified; dropped afterwards."""
    from app.catalog.loader import load_catalog_into
    from app.db import session_scope
    from app.services.ingest.samples import load_samples
    from app.services.matcher import classify_jobs, role_matcher

    with own_database(database_url, tmp_path_factory.mktemp(name), name) as url:
        migrate.upgrade(url)
        engine = make_engine(url)
        factory = sessionmaker(bind=engine, expire_on_commit=False)
        with session_scope(factory) as session:
            load_catalog_into(session, DATA_DIR)
        load_samples(factory, DATA_DIR / "samples")
        with session_scope(factory) as session:
            classify_jobs(session, role_matcher(session, tmp_path_factory.mktemp("models")))
        engine.dispose()
        yield url


@pytest.fixture(scope="session")
def live_database_url(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database of the browser tests' own, with the catalog and sample listings committed.

    The live server answers from another thread, so it cannot share a test's transaction.
    """
    with populated_database(database_url, tmp_path_factory, "live") as url:
        yield url


@pytest.fixture(scope="module")
def instances_database_url(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A database of one module's own, populated as the live one, for app processes it starts
    and changes (so the browser tests' database is left as they expect it)."""
    with populated_database(database_url, tmp_path_factory, "instances") as url:
        yield url


@pytest.fixture(scope="session")
def live_app(live_database_url: str, tmp_path_factory: pytest.TempPathFactory):
    """The real application (CSRF on) over the live database."""
    return create_app(
        {
            "ENV_NAME": "development",
            "DATABASE_URL": live_database_url,
            "SECRET_KEY": "browser-tests",
            "MODEL_CACHE_DIR": str(tmp_path_factory.mktemp("live-models")),
        }
    )


@pytest.fixture(scope="session")
def live_server(live_app) -> Iterator[str]:
    """The live app served over HTTP on a free port; yields its base URL."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def live_session(live_app):
    """A session on the live database, for a browser test's own rows and checks."""
    from app.extensions import get_database

    session = get_database(live_app).session_factory()
    yield session
    session.close()


def sign_in(page, base: str, email: str, password: str) -> None:
    """Sign in through the site's form, as a person would."""
    page.goto(base + "/account/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright. Missing in CI is a failure, not a skip."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"Chromium not found at {CHROMIUM}: .ci/run installs it")
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A page whose test fails if the site's Content-Security-Policy refused anything."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page
    context.close()
    assert refused == [], "the page broke its own Content-Security-Policy"


def axe_violations(page, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict]:
    """Run axe-core (from npm) on the current page; the violations of the given impacts."""
    # Evaluated over the DevTools protocol, which the site's CSP (no inline script) allows;
    # add_script_tag would inject an inline <script> that the policy rightly refuses.
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in impacts
    ]  # fmt: skip


def save_screenshot(page, name: str) -> Path:
    """Full-page screenshot under tests/artifacts/ (kept by CI, ignored by git)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def at_once(*calls):
    """Run the calls in threads released at the same moment; their results, in order.

    A failure in any of them fails the test (it is raised here, not lost in its thread).
    """
    import threading

    start = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)
    failures: list[BaseException] = []

    def run(n: int) -> None:
        try:
            start.wait()
            results[n] = calls[n]()
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    if failures:
        raise failures[0]
    return results
