"""A catalog form's submission carried through: preview, save, or say what stands in the way.

Between the forms (`app.staff.catalog_forms`) and the curation service
(`app.services.staff.curation`): it builds the form for an entry with the catalog's choices,
and turns a submission into an `Outcome` the route renders: saved, a rule preview, a conflict
with someone else's save, or errors by the field. Nothing is saved unless `Outcome.saved`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms.fields.choices import SelectChoice

from app.catalog.documents import ID_FIELD, EntryError
from app.models import Certification, User, WorkRole
from app.services.staff import curation, rule_preview
from app.staff.catalog_forms import FORMS, NEW_ID_FIELD, EntryForm, PathwayForm, RevertForm


@dataclass
class Outcome:
    """What a submission came to."""

    saved: curation.Entry | None = None
    preview: list[rule_preview.PreviewRow] | None = None
    conflict: curation.EditConflict | None = None
    mine: list[curation.Change] = field(default_factory=list)  # a conflict: theirs -> mine
    message: str | None = None  # an error no field of the form shows
    status: int = 200


def entry_form(session: Session, kind: str, entry: curation.Entry | None) -> EntryForm:
    """The form for a kind, with the catalog's choices; filled from the entry unless posted."""
    form = FORMS[kind]()
    if kind == "work_role":
        form["certifications"].choices = [  # type: ignore[attr-defined]
            SelectChoice(c.id, f"{c.acronym} ({c.name})")
            for c in session.scalars(select(Certification).order_by(Certification.acronym))
        ]
    if kind == "pathway":
        form["work_roles"].choices = [  # type: ignore[attr-defined]
            SelectChoice(r.id, f"{r.name} ({r.id})")
            for r in session.scalars(select(WorkRole).order_by(WorkRole.name))
        ]
    if not form.is_submitted() and entry is not None:
        form.load(entry.document, entry.number)
    return form


def submit(
    session: Session, kind: str, entry: curation.Entry | None, form: EntryForm, user: User
) -> Outcome:
    """Preview (a pathway's "Preview the rule" button) or save a posted form."""
    if isinstance(form, PathwayForm) and form.preview_requested():
        return _preview(form)
    if not form.validate():
        return Outcome(status=400)
    current = entry.document if entry else None
    document = form.document(current)
    if entry is not None:
        document[ID_FIELD[kind]] = entry.id  # ids never change
    elif kind in NEW_ID_FIELD and not document.get(NEW_ID_FIELD[kind]):
        form.fail("Give the new entry's id.", NEW_ID_FIELD[kind])
        return Outcome(status=400)
    try:
        saved = curation.save_entry(
            session, kind, document, base_number=form.base(), user=user, reason=form.reason.data
        )
    except curation.EditConflict as conflict:
        session.rollback()
        # Saving again now means "over their version": the form keeps this person's input.
        form.base_number.data = str(conflict.current.number)
        mine = curation.diff(conflict.current.document, {**conflict.current.document, **document})
        return Outcome(conflict=conflict, mine=mine, status=409)
    except EntryError as error:
        session.rollback()
        if form.fail(error.message, error.field):
            return Outcome(status=400)
        return Outcome(message=error.message, status=400)
    return Outcome(saved=saved)


def _preview(form: PathwayForm) -> Outcome:
    try:
        rule = rule_preview.parse_rule(form.eligibility.data or "")
    except EntryError as error:
        form.fail(error.message, "eligibility")
        return Outcome(status=400)
    return Outcome(preview=rule_preview.preview(rule))


def revert_entry(session: Session, entry: curation.Entry, form: RevertForm, user: User) -> Outcome:
    """Restore the version the form names (as a new version of the entry)."""
    if not form.validate():
        return Outcome(status=400)
    number = int(form.number.data or 0)
    base = str(form.base_number.data or "").strip()
    if not base.isdigit():
        # Without the version the page was opened at, a concurrent save could not be seen.
        return Outcome(message="This page is out of date: open the history again.", status=400)
    try:
        saved = curation.revert(
            session,
            entry.kind,
            entry.id,
            number,
            base_number=int(base),
            user=user,
            reason=form.reason.data,
        )
    except curation.EditConflict as conflict:
        session.rollback()
        return Outcome(conflict=conflict, status=409)
    except EntryError as error:
        session.rollback()
        return Outcome(message=error.message, status=400)
    return Outcome(saved=saved)
