"""`pathfinder`: the operator's command line (database, catalog, samples, accounts, server)."""

from __future__ import annotations

import json
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from flask import Flask
from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from app import create_app, migrate
from app.config import ConfigError


@contextmanager
def stop_on_terminate() -> Iterator[None]:
    """SIGTERM (a scheduler's time limit, a deploy) stops a run as Ctrl-C does.

    Python's default for SIGTERM ends the process on the spot, leaving the run recorded as
    running for ever; as KeyboardInterrupt the run is recorded as interrupted first.
    """

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class Context:
    """Builds the application once, on first use, so `--help` needs no database."""

    def __init__(self) -> None:
        self._app: Flask | None = None

    @property
    def app(self) -> Flask:
        if self._app is None:
            try:
                self._app = create_app()
            except ConfigError as exc:
                raise click.ClickException(str(exc)) from None
        return self._app

    @property
    def session_factory(self):
        from app.extensions import get_database

        return get_database(self.app).session_factory

    @property
    def database_url(self) -> str:
        return str(self.app.config["DATABASE_URL"])

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work on a migrated database: committed on success, rolled back on error."""
        from app.db import session_scope
        from app.extensions import get_database

        revision = migrate.current(self.database_url)
        if revision not in migrate.heads(self.database_url):
            raise click.ClickException(
                "the database is not at the latest migration; run `pathfinder db upgrade` first"
            )
        with self.app.app_context(), session_scope(get_database(self.app).session_factory) as s:
            yield s


pass_ctx = click.make_pass_decorator(Context, ensure=True)


@click.group()
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Pathfinder: federal cyber hiring pathways and AI-cybersecurity funding, matched.

    Settings come from the environment (DATABASE_URL, SECRET_KEY, PATHFINDER_ENV, ...).
    """
    ctx.ensure_object(Context)


# --- database ---------------------------------------------------------------------------


@cli.group()
def db() -> None:
    """Database schema (Alembic migrations)."""


@db.command("upgrade")
@click.argument("revision", default="head")
@pass_ctx
def db_upgrade(ctx: Context, revision: str) -> None:
    """Bring the database to REVISION (default: the latest)."""
    migrate.upgrade(ctx.database_url, revision)
    click.echo(f"Database at revision {migrate.current(ctx.database_url)}.")


@db.command("downgrade")
@click.argument("revision")
@pass_ctx
def db_downgrade(ctx: Context, revision: str) -> None:
    """Step the database back to REVISION ('base' empties it)."""
    migrate.downgrade(ctx.database_url, revision)
    click.echo(f"Database at revision {migrate.current(ctx.database_url) or 'base'}.")


@db.command("current")
@pass_ctx
def db_current(ctx: Context) -> None:
    """Print the database's current revision."""
    click.echo(migrate.current(ctx.database_url) or "base (empty)")


# --- catalog ----------------------------------------------------------------------------


@cli.group()
def catalog() -> None:
    """The reference catalog in data/: work roles, skills, pathways, funding programs."""


def _data_dir(ctx: Context, data_dir: Path | None) -> Path:
    return data_dir or Path(str(ctx.app.config["DATA_DIR"]))


@catalog.command("validate")
@click.option("--data-dir", type=click.Path(path_type=Path, file_okay=False), default=None)
@pass_ctx
def catalog_validate(ctx: Context, data_dir: Path | None) -> None:
    """Check the data files without touching the database."""
    from app.catalog.schema import CatalogError, load_catalog

    try:
        counts = load_catalog(_data_dir(ctx, data_dir)).counts()
    except CatalogError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo("Catalog is valid: " + ", ".join(f"{v} {k}" for k, v in counts.items()))


@catalog.command("load")
@click.option("--data-dir", type=click.Path(path_type=Path, file_okay=False), default=None)
@pass_ctx
def catalog_load(ctx: Context, data_dir: Path | None) -> None:
    """Load the data files, idempotently; a malformed file changes nothing."""
    from app.catalog.loader import load_catalog_into
    from app.catalog.schema import CatalogError

    try:
        with ctx.session() as session:
            report = load_catalog_into(session, _data_dir(ctx, data_dir))
    except CatalogError as exc:
        raise click.ClickException(f"catalog not loaded: {exc}") from None
    click.echo(
        "Catalog: " + ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in report.counts.items())
    )
    if report.changed:
        parts = [
            f"{label} {sum(counter.values())}"
            for label, counter in (
                ("created", report.created),
                ("updated", report.updated),
                ("deleted", report.deleted),
            )
        ]
        click.echo("Changes: " + ", ".join(parts))
    else:
        click.echo("No changes: the database already matches the data files.")


@catalog.command("export")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (the only format for now).")
@pass_ctx
def catalog_export(ctx: Context, as_json: bool) -> None:
    """Print the loaded catalog."""
    from app.catalog.export import export_catalog

    with ctx.session() as session:
        data = export_catalog(session)
    json.dump(data, sys.stdout, indent=2 if not as_json else None, ensure_ascii=False)
    sys.stdout.write("\n")


@catalog.command("import-nice")
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@pass_ctx
def catalog_import_nice(ctx: Context, file: Path) -> None:
    """Import the official NICE Framework Components workbook (.xlsx)."""
    from app.catalog.nice_import import NiceImportError, import_workbook

    try:
        with ctx.session() as session:
            report = import_workbook(session, file)
    except NiceImportError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"{report.version}: {report.work_roles} work roles, {report.statements} statements "
        f"({report.created_roles} roles created, {report.updated_roles} updated, "
        f"{report.new_statements} statements new, {report.changed_statements} changed)."
    )


# --- sample listings --------------------------------------------------------------------


@cli.group()
def samples() -> None:
    """Our own sample listings, for a first run without API keys."""


@samples.command("load")
@pass_ctx
def samples_load(ctx: Context) -> None:
    """Load every sample listing file in data/samples/, flagged as samples."""
    from app.services.ingest.samples import load_samples

    with ctx.session():
        pass  # checks the database is migrated
    results = load_samples(ctx.session_factory, Path(str(ctx.app.config["DATA_DIR"])) / "samples")
    if not results:
        click.echo("No sample listing files found.")
    failed = False
    for name, result in results.items():
        click.echo(f"{name}: {result.summary()}")
        failed = failed or result.error is not None
    if results:
        _classify_jobs(ctx)
    if failed:
        raise SystemExit(1)


# --- listings ---------------------------------------------------------------------------


@cli.command()
@click.argument(
    "source", type=click.Choice(["usajobs", "grantsgov", "grantsgov-xml", "simpler", "all"])
)
@click.option("--base-url", help="Point the source at another host (tests, mirrors).")
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Only what was posted since this date (default: since the last successful run).",
)
@pass_ctx
def scrape(ctx: Context, source: str, base_url: str | None, since: Any) -> None:
    """Gather listings from SOURCE (or all), politely and incrementally."""
    from app.services.ingest.scrape import SOURCES, ScrapeSettings, scrape_source

    with ctx.session():
        pass  # checks the database is migrated
    settings = ScrapeSettings.from_config(ctx.app.config)
    sources = SOURCES if source == "all" else (source,)
    failed = False
    for name in sources:
        with _progress(f"{name}") as tick, stop_on_terminate():
            result = scrape_source(
                ctx.session_factory,
                name,
                settings,
                base_url=base_url,
                since=since.date() if since else None,
                on_record=lambda _record: tick(),
            )
        click.echo(result.summary())
        for warning in result.warnings:
            click.echo(f"  warning: {warning}")
        failed = failed or result.error is not None
    if any(name == "usajobs" for name in sources):
        _classify_jobs(ctx)
    if failed:
        raise SystemExit(1)


@cli.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--source",
    "kind",
    type=click.Choice(
        ["usajobs", "grantsgov-search2", "grantsgov-fetch", "grantsgov-xml", "simpler"]
    ),
    help="The payload kind (detected from the content when omitted).",
)
@pass_ctx
def ingest(ctx: Context, file: Path, kind: str | None) -> None:
    """Store every record of a saved payload; a file it cannot read stores nothing."""
    from app.services.ingest.scrape import ingest_file

    with ctx.session():
        pass  # checks the database is migrated
    if not file.exists():
        raise click.ClickException(f"{file} does not exist")
    with stop_on_terminate():
        result = ingest_file(ctx.session_factory, file, kind)
    if result.error:
        message = result.error if file.name in result.error else f"{file.name}: {result.error}"
        raise click.ClickException(message)
    click.echo(f"{file.name}: {result.summary()}")
    for warning in result.warnings:
        click.echo(f"  warning: {warning}")
    counts = result.counts
    if result.source == "usajobs" and (counts.new or counts.updated or counts.reopened):
        _classify_jobs(ctx)


@cli.command()
@click.option("--kind", type=click.Choice(["jobs", "funding"]), required=True)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list (the default).")
@click.option("--all", "include_duplicates", is_flag=True, help="Include linked duplicates.")
@pass_ctx
def listings(ctx: Context, kind: str, as_json: bool, include_duplicates: bool) -> None:
    """Print stored listings as normalised records."""
    from app.services.listings import all_listings

    with ctx.session() as session:
        data = all_listings(session, kind, include_duplicates)
    json.dump(data, sys.stdout, ensure_ascii=False, indent=None if as_json else 1)
    sys.stdout.write("\n")


def _classify_jobs(ctx: Context) -> None:
    """Classify new or changed open jobs into work roles (stored, shown to staff)."""
    from app.services.matcher import classify_jobs, role_matcher

    with ctx.session() as session:
        try:
            matcher = role_matcher(session, Path(str(ctx.app.config["MODEL_CACHE_DIR"])))
        except LookupError:
            click.echo("Jobs not classified yet: load the catalog first.")
            return
        report = classify_jobs(session, matcher)
    if report.classified or report.skipped_staff:
        click.echo(
            f"Classified {report.classified} jobs into work roles"
            + (
                f" ({report.skipped_staff} kept their staff override)"
                if report.skipped_staff
                else ""
            )
            + "."
        )


@contextmanager
def _progress(label: str) -> Iterator[Any]:
    """A progress counter on a terminal; silent when output is piped."""
    if not sys.stderr.isatty():
        yield lambda: None
        return
    count = 0

    def tick() -> None:
        nonlocal count
        count += 1
        if count % 25 == 0:
            click.echo(f"\r{label}: {count} records", nl=False, err=True)

    yield tick
    click.echo(f"\r{label}: {count} records", err=True)


# --- matching ---------------------------------------------------------------------------


def _read_input(file: str) -> Any:
    """A document from FILE or standard input ("-"), read the way uploads are."""
    from matching.documents import DocumentError, read_document, read_text

    try:
        if file == "-":
            return read_text(sys.stdin.read())
        path = Path(file)
        if not path.is_file():
            raise click.ClickException(f"{file} does not exist")
        return read_document(path.read_bytes(), filename=path.name)
    except DocumentError as exc:
        raise click.ClickException(f"{file}: {exc.message}") from None


def _matcher(ctx: Context) -> Any:
    from app.services.matcher import role_matcher

    with ctx.session() as session:
        try:
            return role_matcher(session, Path(str(ctx.app.config["MODEL_CACHE_DIR"])))
        except LookupError as exc:
            raise click.ClickException(str(exc)) from None


@cli.command()
@click.argument("file")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--all", "show_all", is_flag=True, help="Include negated or wished-for mentions.")
@pass_ctx
def skills(ctx: Context, file: str, as_json: bool, show_all: bool) -> None:
    """The catalog skills found in FILE (PDF, DOCX, HTML, text, or - for stdin)."""
    document = _read_input(file)
    mentions = _matcher(ctx).extract(document.text)
    rows = [
        {
            "skill_id": m.skill_id,
            "name": m.name,
            "start": m.start,
            "end": m.end,
            "text": m.text,
            **({"credited": m.credited, "reason": m.reason} if show_all else {}),
        }
        for m in mentions
        if show_all or m.credited
    ]
    if as_json:
        json.dump(rows, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
        return
    for warning in document.warnings:
        click.echo(f"Note: {warning}")
    for row in rows:
        click.echo(f"{row['start']:>6}-{row['end']:<6} {row['name']}  ({row['text']})")


@cli.group()
def match() -> None:
    """Rank work roles, open jobs or funding for a document or profile."""


def _role_rows(matches: list[Any]) -> list[dict[str, Any]]:
    return [
        {
            "id": m.id,
            "name": m.name,
            "opm_code": m.opm_code,
            "score": m.score,
            "matched": m.matched,
            "missing": m.missing,
            "certifications": m.certifications,
        }
        for m in matches
    ]


@match.command("roles")
@click.argument("file", required=False)
@click.option("--top", "top_k", default=5, show_default=True, type=click.IntRange(1, 41))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option(
    "--batch",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help='JSON lines {"id": ..., "text": ...}; one JSON line out per line in.',
)
@pass_ctx
def match_roles(
    ctx: Context, file: str | None, top_k: int, as_json: bool, batch: Path | None
) -> None:
    """The work roles that fit FILE (or every line of --batch), best first, explained."""
    from matching.roles import MATCH_THRESHOLD

    if (file is None) == (batch is None):
        raise click.UsageError("give either FILE or --batch IN.jsonl")
    matcher = _matcher(ctx)
    if batch is not None:
        _match_batch(matcher, batch, top_k, MATCH_THRESHOLD)
        return
    document = _read_input(str(file))
    matches = matcher.rank(document.text, top_k=top_k)
    if as_json:
        json.dump(
            {"roles": _role_rows(matches), "threshold": MATCH_THRESHOLD,
             "warnings": list(document.warnings)},
            sys.stdout,
            ensure_ascii=False,
        )  # fmt: skip
        sys.stdout.write("\n")
        return
    for warning in document.warnings:
        click.echo(f"Note: {warning}")
    if not any(m.score >= MATCH_THRESHOLD for m in matches):
        click.echo(f"No confident match (no role reaches {MATCH_THRESHOLD:g}).")
    for m in matches:
        flag = "match" if m.score >= MATCH_THRESHOLD else "     "
        click.echo(f"{m.score:5.1f} {flag} {m.id} {m.name} (OPM {m.opm_code or 'TBD'})")
        if m.matched:
            click.echo("        has: " + ", ".join(s["name"] for s in m.matched[:8]))
        if m.missing:
            click.echo("    missing: " + ", ".join(s["name"] for s in m.missing[:8]))


def _jsonable(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


@match.command("jobs")
@click.argument("file")
@click.option("--top", "top_k", default=20, show_default=True, type=click.IntRange(1, 200))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--hiring-path", "hiring_paths", multiple=True, help="Paths you qualify for.")
@click.option(
    "--clearance",
    type=click.Choice(["none", "public_trust", "secret", "top_secret", "ts_sci", "q"]),
    help="The clearance you hold (jobs needing more are left out).",
)
@click.option("--location", "locations", multiple=True, help="States or cities you accept.")
@click.option("--remote-only", is_flag=True)
@click.option("--grade-max", type=click.IntRange(1, 15))
@pass_ctx
def match_jobs(
    ctx: Context,
    file: str,
    top_k: int,
    as_json: bool,
    hiring_paths: tuple[str, ...],
    clearance: str | None,
    locations: tuple[str, ...],
    remote_only: bool,
    grade_max: int | None,
) -> None:
    """Open jobs in the database for FILE, best fit first, with closing dates."""
    from datetime import date

    from app.services.seekers.job_index import job_index
    from matching.jobs import SeekerFilters

    document = _read_input(file)
    matcher = _matcher(ctx)
    filters = SeekerFilters(
        hiring_paths={p.lower() for p in hiring_paths} or None,
        clearance=clearance,
        locations=locations,
        remote_only=remote_only,
        grade_max=grade_max,
        today=date.today(),
    )
    with ctx.session() as session:
        index = job_index(session, matcher)
    if index is None:
        raise click.ClickException(
            "there are no open jobs: run `pathfinder samples load` or scrape"
        )
    result = index.rank(document.text, filters, top_k=top_k)
    if as_json:
        out = {
            "jobs": [_jsonable(m.to_dict()) for m in result.matches],
            "excluded": result.excluded,
            "total": result.total,
        }
        json.dump(out, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
        return
    click.echo(f"{len(result.matches)} of {result.total} open jobs shown.")
    for m in result.matches:
        closes = (
            f"closes {m.close_date} ({m.days_left} days)" if m.close_date else "no closing date"
        )
        click.echo(f"{m.score:5.1f} {m.title} - {m.organization or ''} - {closes}")
        if m.url:
            click.echo(f"      {m.url}")


class _FundingProfileFile(BaseModel):
    """PROFILE.json for `pathfinder match funding`."""

    model_config = ConfigDict(extra="forbid")
    applicant_types: list[str]
    needs: str
    state: str | None = None
    award_min: float | None = None
    award_max: float | None = None
    work_roles: list[str] = []


@match.command("funding")
@click.argument("profile", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--top", "top_k", default=20, show_default=True, type=click.IntRange(1, 200))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_ctx
def match_funding(ctx: Context, profile: Path, top_k: int, as_json: bool) -> None:
    """Open funding opportunities for a program office PROFILE (JSON), eligible ones only.

    PROFILE: {"applicant_types": ["01"], "needs": "...", "state": "VA", "award_min": 100000,
    "award_max": 500000, "work_roles": ["DD-WRL-009"]} (Grants.gov eligibility codes).
    """
    from datetime import date

    from pydantic import ValidationError

    from app.services.funding.matches import ranker
    from matching.funding import FundingProfile

    try:
        data = _FundingProfileFile.model_validate_json(profile.read_text(encoding="utf-8"))
    except (ValidationError, UnicodeDecodeError) as exc:
        first = exc.errors()[0] if isinstance(exc, ValidationError) else None
        where = ".".join(str(p) for p in first["loc"]) if first and first["loc"] else None
        reason = first["msg"] if first else "not UTF-8 text"
        raise click.ClickException(
            f"{profile.name}: {reason}" + (f" (field '{where}')" if where else "")
        ) from None
    today = date.today()
    with ctx.session() as session:
        fitted = ranker(session, today)
    result = fitted.rank(
        FundingProfile(
            applicant_types=tuple(data.applicant_types),
            state=data.state,
            needs=data.needs,
            award_min=data.award_min,
            award_max=data.award_max,
            work_roles=tuple(data.work_roles),
            today=today,
        ),
        top_k=top_k,
    )
    if as_json:
        out = {
            "opportunities": [_jsonable(m.to_dict()) for m in result.matches],
            "ineligible_count": result.ineligible_count,
            "closed_count": result.closed_count,
            "total": result.total,
        }
        json.dump(out, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
        return
    for m in result.matches:
        click.echo(
            f"{m.score:5.1f} {m.title} ({', '.join(m.assistance_listings)}) - {m.close_label}"
        )
    if result.ineligible_count:
        click.echo(f"{result.ineligible_count} more you are not eligible for.")


def _match_batch(matcher: Any, batch: Path, top_k: int, threshold: float) -> None:
    """Stream JSON lines: a bad line gets an error line, the rest still run."""
    chunk: list[tuple[Any, str]] = []

    def flush() -> None:
        results = matcher.rank_many([text for _, text in chunk], top_k=top_k)
        for (ident, _), matches in zip(chunk, results, strict=True):
            out = {"id": ident, "roles": _role_rows(matches), "threshold": threshold}
            sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        chunk.clear()

    with batch.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                text = item["text"]
                if not isinstance(text, str):
                    raise TypeError
            except (json.JSONDecodeError, KeyError, TypeError):
                flush()
                error = {"line": number, "error": 'expected {"id": ..., "text": "..."}'}
                sys.stdout.write(json.dumps(error) + "\n")
                continue
            chunk.append((item.get("id"), text))
            if len(chunk) >= 256:
                flush()
    if chunk:
        flush()


# --- accounts ---------------------------------------------------------------------------


@cli.group()
def users() -> None:
    """Accounts for OPM staff, agency posters, program offices and admins."""


@users.command("create")
@click.option("--email", required=True)
@click.option("--name", "display_name", required=True)
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=click.Choice(["opm_staff", "agency_poster", "program_office", "admin"]),
)
@click.password_option()
@pass_ctx
def users_create(
    ctx: Context, email: str, display_name: str, roles: tuple[str, ...], password: str
) -> None:
    """Create an account (the password is hashed, never stored)."""
    from app.services.accounts import AccountError, create_user

    try:
        with ctx.session() as session:
            user = create_user(session, email, display_name, password, list(roles))
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Created {user.email} ({', '.join(roles)}).")


@users.command("disable")
@click.option("--email", required=True)
@pass_ctx
def users_disable(ctx: Context, email: str) -> None:
    """Disable an account: it cannot sign in, and its sessions end on every instance."""
    _set_active(ctx, email, active=False)


@users.command("enable")
@click.option("--email", required=True)
@pass_ctx
def users_enable(ctx: Context, email: str) -> None:
    """Let a disabled account sign in again (with its existing password)."""
    _set_active(ctx, email, active=True)


def _set_active(ctx: Context, email: str, *, active: bool) -> None:
    from app.services.accounts import AccountError, set_active

    try:
        with ctx.session() as session:
            user = set_active(session, email, active)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{'Enabled' if active else 'Disabled'} {user.email}.")


# --- server -----------------------------------------------------------------------------


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@pass_ctx
def serve(ctx: Context, host: str, port: int) -> None:
    """Serve the site with Flask's server (production: any WSGI server on app:create_app())."""
    ctx.app.run(host=host, port=port, debug=False)


def _register_group_commands() -> None:
    from app.commands.funding import alerts
    from app.commands.seekers import purge

    cli.add_command(purge)
    cli.add_command(alerts)


_register_group_commands()


def main() -> None:  # pragma: no cover - console entry point
    cli()
