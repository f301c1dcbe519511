"""An opening's form submission carried through: suggest codes, save, publish, or say why not.

Between the form (`app.agency.forms.OpeningForm`) and the services
(`app.services.agency.openings`, `app.services.agency.coding`): it builds the form with the
catalog's choices and turns a submission into an `Outcome` the route renders: saved (and
perhaps published), coding suggestions (nothing saved), a conflict with someone else's save,
or errors by the field. The actions on an opening's page (publish, close, withdraw, delete)
go through `act`. The caller commits when `Outcome.saved` (or `done`) is set.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.agency.forms import OpeningActionForm, OpeningForm
from app.models import AgencyOpening, AgencyOpeningVersion, JobSeries, User, WorkRole
from app.services.agency import coding, openings


@dataclass
class Outcome:
    """What a submission came to."""

    saved: AgencyOpening | None = None
    done: str | None = None  # the action on an opening's page that went through
    suggestion: coding.CodingSuggestion | None = None
    conflict: openings.OpeningConflict | None = None
    message: str | None = None  # an error no field of the form shows
    base: int | None = None  # a conflict: the version the form was opened at
    status: int = 200


def opening_form(session: Session, opening: AgencyOpening | None) -> OpeningForm:
    """The form with the catalog's series and work roles; filled from the opening unless posted."""
    form = OpeningForm()
    series = [
        (s.series, f"{s.series} {s.title}")
        for s in session.scalars(select(JobSeries).order_by(JobSeries.series))
    ]
    roles = [
        (r.id, f"{r.name} ({r.id})")
        for r in session.scalars(select(WorkRole).order_by(WorkRole.name))
    ]
    form.set_choices(series, roles)
    if not form.is_submitted() and opening is not None:
        form.load(opening)
    return form


def suggestion_for(session: Session, form: OpeningForm) -> coding.CodingSuggestion:
    return coding.suggest_codes(
        session, form.title.data or "", form.duties.data or "", form.qualifications.data or ""
    )


def use_suggestion(form: OpeningForm, suggestion: coding.CodingSuggestion) -> None:
    """A "Use these" button: all the suggested roles and codes, or the one role it names."""
    wanted = form.use_suggestion.data
    chosen = [r for r in suggestion.roles if wanted in ("all", r.id)]
    if chosen:
        codes = list(dict.fromkeys(r.opm_code for r in chosen if r.opm_code))
        form.fill_roles([r.id for r in chosen], codes)


def submit(
    session: Session, opening: AgencyOpening | None, form: OpeningForm, user: User, today: date
) -> Outcome:
    """Suggest, use a suggestion, save (a new draft or a new version) or save and publish."""
    action = form.action()
    if action in ("suggest", "use"):
        suggestion = suggestion_for(session, form)
        if action == "use":
            use_suggestion(form, suggestion)
        return Outcome(suggestion=suggestion)
    if not form.validate():
        return Outcome(status=400)
    base = _number(form.base_version.data, opening.version) if opening else 0
    try:
        values = form.values()
        if opening is None:
            saved = openings.create_draft(session, user, values)
        elif action == "publish" and not _changes(opening, values):
            saved = opening  # publishing the draft as it is
        else:
            saved = openings.update_opening(
                session, opening, user, values, base_version=base, today=today
            )
        if action == "publish":
            saved = openings.publish(session, saved, user, base_version=saved.version, today=today)
    except openings.OpeningConflict as conflict:
        session.rollback()
        # Saving again now means "over their version": the form keeps this person's input.
        form.base_version.data = str(conflict.current.version)
        return Outcome(conflict=conflict, base=base if opening else None, status=409)
    except openings.OpeningError as error:
        session.rollback()
        if form.fail(error.message, error.field):
            return Outcome(status=400)
        return Outcome(message=error.message, status=400)
    return Outcome(saved=saved, done="publish" if action == "publish" else "save")


def conflict_details(
    session: Session, outcome: Outcome
) -> tuple[list[AgencyOpeningVersion], list[tuple[str, object, object]]]:
    """A conflict's versions (newest first) and what was saved since the form's version."""
    assert outcome.conflict is not None
    history = openings.versions(session, outcome.conflict.current)
    if not history:
        return [], []
    older = next((v for v in history if v.number == outcome.base), None)
    if older is None and len(history) > 1:
        older = history[1]
    if older is None:
        return history, []
    return history, openings.version_changes(older.document, history[0].document)


ACTIONS = ("publish", "close", "withdraw", "delete")


def act(
    session: Session,
    opening: AgencyOpening,
    action: str,
    form: OpeningActionForm,
    user: User,
    today: date,
) -> Outcome:
    """One of the buttons on an opening's page, at the version the page showed."""
    if not form.validate():
        return Outcome(message="The form expired: reload the page and try again.", status=400)
    given = form.base()
    base = opening.version if given is None else given
    try:
        if action == "publish":
            openings.publish(session, opening, user, base_version=base, today=today)
        elif action == "close":
            openings.close(session, opening, user, base_version=base)
        elif action == "withdraw":
            openings.withdraw(session, opening, user, base_version=base)
        else:
            openings.delete_draft(session, opening, user)
    except openings.OpeningConflict as conflict:
        session.rollback()
        return Outcome(conflict=conflict, base=base, status=409)
    except openings.OpeningError as error:
        session.rollback()
        return Outcome(message=error.message, status=400)
    return Outcome(saved=None if action == "delete" else opening, done=action)


def _changes(opening: AgencyOpening, values: dict[str, object]) -> bool:
    """Whether saving `values` would change the opening."""
    return any(getattr(opening, k) != v for k, v in openings.clean(values).items())


def _number(value: str | None, default: int) -> int:
    text = (value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else default
