"""`pathfinder samples synthetic`: many listings through the normal ingest path, and gone again."""

import json

from sqlalchemy import text

from app.db import make_engine


def _listings(run, kind: str) -> list[dict]:
    result = run("listings", "--kind", kind, "--all", "--json")
    assert result.exit_code == 0, result.output
    return [row for row in json.loads(result.output) if row["source"] == "synthetic"]


def test_synthetic_listings_are_stored_flagged_as_samples(loaded):
    result = loaded("samples", "synthetic", "--jobs", "40", "--funding", "30", "--seed", "5")
    assert result.exit_code == 0, result.output
    assert "synthetic jobs: 40 new" in result.output
    assert "synthetic funding: 30 new" in result.output
    assert "Stored: 40 synthetic jobs, 30 synthetic opportunities." in result.output
    assert "Classified " in result.output  # the open ones, as a scrape's would be
    jobs, funding = _listings(loaded, "jobs"), _listings(loaded, "funding")
    assert len(jobs) == 40 and len(funding) == 30
    assert all(row["is_sample"] for row in [*jobs, *funding])


def test_a_rerun_with_the_same_seed_adds_nothing_and_another_seed_adds(loaded):
    assert loaded("samples", "synthetic", "--jobs", "25", "--funding", "25").exit_code == 0
    again = loaded("samples", "synthetic", "--jobs", "25", "--funding", "25")
    assert again.exit_code == 0, again.output
    assert "synthetic jobs: 0 new, 0 updated, 25 unchanged" in again.output
    assert "synthetic funding: 0 new, 0 updated, 25 unchanged" in again.output
    more = loaded("samples", "synthetic", "--jobs", "10", "--seed", "2", "--no-classify")
    assert "synthetic jobs: 10 new" in more.output
    assert "Stored: 35 synthetic jobs, 25 synthetic opportunities." in more.output


def test_remove_deletes_the_synthetic_listings_and_nothing_else(loaded, scratch_database_url):
    assert loaded("samples", "load").exit_code == 0
    real_jobs = len(json.loads(loaded("listings", "--kind", "jobs", "--all", "--json").output))
    assert loaded("samples", "synthetic", "--jobs", "30", "--funding", "20").exit_code == 0
    removed = loaded("samples", "synthetic", "--remove")
    assert removed.exit_code == 0, removed.output
    assert "Removed 30 synthetic jobs and 20 synthetic funding opportunities." in removed.output
    assert _listings(loaded, "jobs") == [] and _listings(loaded, "funding") == []
    left = json.loads(loaded("listings", "--kind", "jobs", "--all", "--json").output)
    assert len(left) == real_jobs
    # Their work-role classifications went with them, and a new load works again.
    engine = make_engine(scratch_database_url)
    with engine.connect() as conn:
        orphans = conn.scalar(
            text(
                "SELECT count(*) FROM job_role_classifications WHERE job_id NOT IN "
                "(SELECT id FROM job_listings)"
            )
        )
        classified = conn.scalar(text("SELECT count(*) FROM job_role_classifications"))
    engine.dispose()
    assert orphans == 0 and classified > 0  # the sample jobs keep theirs
    assert loaded("samples", "synthetic", "--jobs", "5", "--no-classify").exit_code == 0


def test_nothing_to_store_is_a_usage_error(loaded):
    result = loaded("samples", "synthetic")
    assert result.exit_code == 2
    assert "give --jobs N and/or --funding N" in result.output
