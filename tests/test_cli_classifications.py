"""`pathfinder classifications export`: staff's overrides as the evaluation's JSON lines."""

import json

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from app.db import make_engine, session_scope
from app.models import ClassificationReview, JobListing
from matching.evaluate import main as evaluate_main

FORENSICS = "IN-WRL-002"
POLICY = "OG-WRL-002"


def override(url: str, roles: list[str], reason: str) -> int:
    """Record an override of the first sample job straight in the database; its id."""
    engine = make_engine(url)
    try:
        with session_scope(sessionmaker(bind=engine)) as session:
            job = session.scalars(select(JobListing).order_by(JobListing.id)).first()
            session.add(
                ClassificationReview(
                    job_id=job.id, action="override", work_roles=roles, reason=reason
                )
            )
            return job.id
    finally:
        engine.dispose()


def test_export_writes_each_overridden_job_once_with_its_latest_roles(
    loaded, scratch_database_url, tmp_path
):
    assert loaded("samples", "load").exit_code == 0
    empty = loaded("classifications", "export", "-")
    assert empty.exit_code == 0 and "Wrote 0 overridden jobs." in empty.output

    job_id = override(scratch_database_url, [POLICY], "First look.")
    override(scratch_database_url, [FORENSICS, POLICY], "The duties are forensics.")
    out = tmp_path / "overrides.jsonl"
    result = loaded("classifications", "export", str(out))
    assert result.exit_code == 0, result.output
    assert "Wrote 1 overridden jobs." in result.output
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 1
    assert lines[0]["id"] == job_id and lines[0]["roles"] == [FORENSICS, POLICY]
    assert len(lines[0]["text"]) > 100  # the job's title, duties and qualifications


def test_the_export_is_what_the_evaluation_reads(loaded, scratch_database_url, tmp_path, capsys):
    assert loaded("samples", "load").exit_code == 0
    override(scratch_database_url, [FORENSICS], "The duties are forensics.")
    out = tmp_path / "overrides.jsonl"
    assert loaded("classifications", "export", str(out)).exit_code == 0
    assert evaluate_main(["--overrides", str(out), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["overrides"]["n"] == 1 and report["overrides"]["skipped"] == 0
