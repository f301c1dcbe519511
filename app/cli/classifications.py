"""`pathfinder classifications`: OPM staff's classification overrides, for evaluating the matcher.

    pathfinder classifications export overrides.jsonl
    python -m matching.evaluate --overrides overrides.jsonl

`export` writes one line per job whose work roles staff overrode: {"id", "text", "roles"}
(the job's id and text, the roles of its latest override, primary first), the format
`matching.evaluate --overrides` reads. "-" writes to standard output.
"""

from __future__ import annotations

import json
from typing import TextIO

import click

from app.cli.context import Context, pass_ctx


@click.group()
def classifications() -> None:
    """Staff reviews of job classifications."""


@classifications.command("export")
@click.argument("file", type=click.File("w", encoding="utf-8"))
@pass_ctx
def export(ctx: Context, file: TextIO) -> None:
    """Write staff's overrides as JSON lines {"id", "text", "roles"} to FILE."""
    from app.services.matcher import override_examples

    with ctx.session() as session:
        examples = override_examples(session)
    for example in examples:
        line = {"id": example.job_id, "text": example.text, "roles": example.roles}
        file.write(json.dumps(line, ensure_ascii=False) + "\n")
    click.echo(f"Wrote {len(examples)} overridden jobs.", err=True)
