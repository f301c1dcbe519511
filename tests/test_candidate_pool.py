"""An opening's candidate pool: counts of matching seekers only, each hidden below 5."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

import pytest

from app.models import AgencyOpening, MatchRequest
from app.services.agency.pool import MIN_COUNT, CandidatePool, candidate_pool
from matching.roles import MATCH_THRESHOLD

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
FORENSICS = "IN-WRL-002"  # Digital Evidence Analysis
SOC = "PD-WRL-001"  # Defensive Cybersecurity
POLICY = "OG-WRL-013"


@pytest.fixture
def opening(db, catalog):
    from app.models import Agency

    agency = Agency(code="ZZPOOL", name="Pool Agency")
    db.add(agency)
    db.flush()
    row = AgencyOpening(agency_id=agency.id, title="Forensics", work_roles=[FORENSICS, SOC])
    db.add(row)
    db.flush()
    return row


def seeker(db, scores: dict[str, float], paths=("public",), expires=NOW + timedelta(hours=1)):
    db.add(
        MatchRequest(
            token_hash=secrets.token_hex(32),
            created_at=expires - timedelta(hours=72),
            expires_at=expires,
            source_kind="pasted",
            text="A resume the pool never reads.",
            results={"role_scores": scores, "hiring_paths": list(paths)},
        )
    )
    db.flush()


def test_four_matching_seekers_are_fewer_than_five(db, opening):
    for _ in range(MIN_COUNT - 1):
        seeker(db, {FORENSICS: 80.0})
    pool = candidate_pool(db, opening, NOW)
    assert pool.total is None
    assert pool.by_role == [
        (FORENSICS, "Digital Evidence Analysis", None),
        (SOC, pool.by_role[1][1], None),
    ]
    assert pool.hiring_paths == [("public", None)]
    assert pool.window_hours == 72


def test_five_matching_seekers_are_counted(db, opening):
    for _ in range(MIN_COUNT):
        seeker(db, {FORENSICS: 80.0, POLICY: 99.0})
    seeker(db, {FORENSICS: MATCH_THRESHOLD - 0.1, SOC: 10.0})  # below the threshold
    seeker(db, {POLICY: 99.0})  # another role altogether
    pool = candidate_pool(db, opening, NOW)
    assert pool == CandidatePool(
        total=5,
        by_role=[(FORENSICS, "Digital Evidence Analysis", 5), (SOC, pool.by_role[1][1], None)],
        hiring_paths=[("public", 5)],
        window_hours=72,
    )


def test_the_threshold_itself_counts_and_a_seeker_counts_once(db, opening):
    for _ in range(MIN_COUNT):
        seeker(db, {FORENSICS: MATCH_THRESHOLD, SOC: 95.0})
    pool = candidate_pool(db, opening, NOW)
    assert pool.total == 5 and [count for _, _, count in pool.by_role] == [5, 5]


def test_expired_requests_are_outside_the_window(db, opening):
    for _ in range(MIN_COUNT - 1):
        seeker(db, {SOC: 90.0})
    seeker(db, {SOC: 90.0}, expires=NOW)  # expires at this moment: gone
    seeker(db, {SOC: 90.0}, expires=NOW - timedelta(days=3))
    assert candidate_pool(db, opening, NOW).total is None
    seeker(db, {SOC: 90.0}, expires=NOW + timedelta(seconds=1))
    assert candidate_pool(db, opening, NOW).total == 5


def test_each_role_and_hiring_path_is_hidden_below_five(db, opening):
    for _ in range(5):
        seeker(db, {FORENSICS: 70.0}, paths=("public", "vet"))
    for _ in range(2):
        seeker(db, {SOC: 70.0}, paths=("public", "student"))
    seeker(db, {SOC: 70.0, FORENSICS: 20.0}, paths=())
    pool = candidate_pool(db, opening, NOW, window_hours=24)
    assert pool.total == 8
    assert [count for _, _, count in pool.by_role] == [5, None]  # SOC: 3
    assert pool.hiring_paths == [("public", 7), ("student", None), ("vet", 5)]
    assert pool.window_hours == 24


def test_an_opening_without_roles_has_an_empty_pool(db, opening):
    opening.work_roles = []
    for _ in range(MIN_COUNT):
        seeker(db, {FORENSICS: 80.0})
    assert candidate_pool(db, opening, NOW) == CandidatePool(None, [], [], 72)


def test_malformed_results_are_not_counted(db, opening):
    for _ in range(MIN_COUNT):
        seeker(db, {FORENSICS: 80.0})
    db.add(
        MatchRequest(
            token_hash=secrets.token_hex(32),
            expires_at=NOW + timedelta(hours=1),
            source_kind="pasted",
            text="",
            results={"role_scores": {FORENSICS: "high"}},
        )
    )
    db.flush()
    assert candidate_pool(db, opening, NOW).total == 5
