"""Saved opportunities: keeping one is idempotent, even when two requests race to keep it."""

import pytest
from sqlalchemy import func, select

from app.models import SavedOpportunity
from app.services.funding import saved

from .funding_helpers import make_office, make_opportunity


def saved_rows(db) -> int:
    return db.scalar(select(func.count()).select_from(SavedOpportunity))


def test_saving_twice_keeps_one(db):
    user, opportunity = make_office(db), make_opportunity(db)
    first = saved.save_opportunity(db, user.id, opportunity.id)
    assert saved.save_opportunity(db, user.id, opportunity.id) is first
    assert saved_rows(db) == 1


def test_a_save_that_loses_the_race_to_another_request_keeps_the_winners_row(
    db, session_factory, monkeypatch
):
    user, opportunity = make_office(db), make_opportunity(db)
    db.commit()
    # The other request looked, found nothing, and saved first; this one looked at the same
    # moment (so it found nothing either) and now inserts the same row.
    with session_factory() as other:
        saved.save_opportunity(other, user.id, opportunity.id)
        other.commit()
    looks = []

    def look(*args):
        looks.append(args)
        return None if len(looks) == 1 else lookup(*args)

    lookup = saved.get_saved_opportunity
    monkeypatch.setattr(saved, "get_saved_opportunity", look)
    kept = saved.save_opportunity(db, user.id, opportunity.id)
    db.commit()
    assert len(looks) == 2  # it did insert, and found the winner's row after the refusal
    assert kept.id is not None and saved_rows(db) == 1


def test_saving_an_opportunity_that_is_gone_says_so(db):
    user = make_office(db)
    with pytest.raises(saved.SavedError, match="no longer exists"):
        saved.save_opportunity(db, user.id, 999_999)


def test_turning_alerts_on_starts_from_what_the_search_finds_now(db):
    from datetime import date

    from app.services.funding.search import SearchQuery

    today = date.today()
    user = make_office(db)
    search = saved.save_search(db, user.id, SearchQuery(), today, alerts_enabled=False)
    later = make_opportunity(db)
    assert str(later.id) not in search.snapshot
    saved.change_settings(db, search, today, alerts_enabled=False, frequency="weekly", name="X")
    assert (search.frequency, search.name, str(later.id) in search.snapshot) == (
        "weekly",
        "X",
        False,
    )
    saved.change_settings(db, search, today, alerts_enabled=True, frequency="daily")
    assert search.alerts_enabled and str(later.id) in search.snapshot
