"""`pathfinder skills` and `pathfinder match roles|jobs|funding`: a document or profile, matched."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from pydantic import BaseModel, ConfigDict

from app.cli.context import Context, pass_ctx
from app.cli.role_model import role_matcher_for


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


def _print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")


def _jsonable(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


@click.command()
@click.argument("file")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--all", "show_all", is_flag=True, help="Include negated or wished-for mentions.")
@pass_ctx
def skills(ctx: Context, file: str, as_json: bool, show_all: bool) -> None:
    """The catalog skills found in FILE (PDF, DOCX, HTML, text, or - for stdin)."""
    document = _read_input(file)
    mentions = role_matcher_for(ctx).extract(document.text)
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
        _print_json(rows)
        return
    for warning in document.warnings:
        click.echo(f"Note: {warning}")
    for row in rows:
        click.echo(f"{row['start']:>6}-{row['end']:<6} {row['name']}  ({row['text']})")


@click.group()
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
    matcher = role_matcher_for(ctx)
    if batch is not None:
        _match_batch(matcher, batch, top_k, MATCH_THRESHOLD)
        return
    document = _read_input(str(file))
    matches = matcher.rank(document.text, top_k=top_k)
    if as_json:
        _print_json(
            {"roles": _role_rows(matches), "threshold": MATCH_THRESHOLD,
             "warnings": list(document.warnings)}
        )  # fmt: skip
        return
    for warning in document.warnings:
        click.echo(f"Note: {warning}")
    _print_roles(matches, MATCH_THRESHOLD)


def _print_roles(matches: list[Any], threshold: float) -> None:
    if not any(m.score >= threshold for m in matches):
        click.echo(f"No confident match (no role reaches {threshold:g}).")
    for m in matches:
        flag = "match" if m.score >= threshold else "     "
        click.echo(f"{m.score:5.1f} {flag} {m.id} {m.name} (OPM {m.opm_code or 'TBD'})")
        if m.matched:
            click.echo("        has: " + ", ".join(s["name"] for s in m.matched[:8]))
        if m.missing:
            click.echo("    missing: " + ", ".join(s["name"] for s in m.missing[:8]))


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
    matcher = role_matcher_for(ctx)
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
        _print_json(
            {
                "jobs": [_jsonable(m.to_dict()) for m in result.matches],
                "excluded": result.excluded,
                "total": result.total,
            }
        )
        return
    _print_jobs(result)


def _print_jobs(result: Any) -> None:
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


def _read_profile(profile: Path) -> _FundingProfileFile:
    """PROFILE parsed, or a usage error naming the first bad field."""
    from pydantic import ValidationError

    try:
        return _FundingProfileFile.model_validate_json(profile.read_text(encoding="utf-8"))
    except (ValidationError, UnicodeDecodeError) as exc:
        first = exc.errors()[0] if isinstance(exc, ValidationError) else None
        where = ".".join(str(p) for p in first["loc"]) if first and first["loc"] else None
        reason = first["msg"] if first else "not UTF-8 text"
        raise click.ClickException(
            f"{profile.name}: {reason}" + (f" (field '{where}')" if where else "")
        ) from None


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

    from app.services.funding.matches import ranker
    from matching.funding import FundingProfile

    data = _read_profile(profile)
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
        _print_json(
            {
                "opportunities": [_jsonable(m.to_dict()) for m in result.matches],
                "ineligible_count": result.ineligible_count,
                "closed_count": result.closed_count,
                "total": result.total,
            }
        )
        return
    for m in result.matches:
        click.echo(
            f"{m.score:5.1f} {m.title} ({', '.join(m.assistance_listings)}) - {m.close_label}"
        )
    if result.ineligible_count:
        click.echo(f"{result.ineligible_count} more you are not eligible for.")
