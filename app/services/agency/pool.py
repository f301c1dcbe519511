"""An opening's anonymous candidate pool: how many job seekers match it, never who.

Over the matches still inside their retention window (not yet expired), a seeker counts when
their stored results score any of the opening's work roles at or above the match threshold;
among those, each hiring path counts the seekers who appeared eligible for it. Only counts
leave this module, and each is hidden (None, "fewer than 5") below `MIN_COUNT`, so a small
pool cannot point at a person. Only the `results` column is read: no text, answers or tokens.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import AgencyOpening, MatchRequest, WorkRole
from matching.roles import MATCH_THRESHOLD

MIN_COUNT = 5
DEFAULT_WINDOW_HOURS = 72  # app.config MATCH_RETENTION_HOURS


@dataclass(frozen=True)
class CandidatePool:
    total: int | None
    by_role: list[tuple[str, str, int | None]]  # (role id, role name, count)
    hiring_paths: list[tuple[str, int | None]]  # (USAJOBS hiring path code, count)
    window_hours: int


def shown(count: int) -> int | None:
    """The count, or None when it is too small to show."""
    return count if count >= MIN_COUNT else None


def _window_hours() -> int:
    from flask import current_app, has_app_context

    if has_app_context():
        return int(current_app.config.get("MATCH_RETENTION_HOURS", DEFAULT_WINDOW_HOURS))
    return DEFAULT_WINDOW_HOURS


def candidate_pool(
    session: Session, opening: AgencyOpening, now: datetime, window_hours: int | None = None
) -> CandidatePool:
    """The opening's pool among live matches; `window_hours` defaults to the app's retention."""
    roles = list(dict.fromkeys(opening.work_roles or ()))
    names = {
        role_id: name
        for role_id, name in session.execute(
            select(WorkRole.id, WorkRole.name).where(WorkRole.id.in_(roles))
        )
    }
    per_role: Counter[str] = Counter()
    per_path: Counter[str] = Counter()
    total = 0
    if roles:
        for results in session.scalars(
            select(MatchRequest.results).where(MatchRequest.expires_at > now)
        ):
            scores = (results or {}).get("role_scores") or {}
            matched = [r for r in roles if _score(scores.get(r)) >= MATCH_THRESHOLD]
            if not matched:
                continue
            total += 1
            per_role.update(matched)
            per_path.update({str(p) for p in (results or {}).get("hiring_paths") or ()})
    return CandidatePool(
        total=shown(total),
        by_role=[(r, names.get(r, r), shown(per_role[r])) for r in roles],
        hiring_paths=[(path, shown(count)) for path, count in sorted(per_path.items())],
        window_hours=window_hours if window_hours is not None else _window_hours(),
    )


def _score(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0
