"""The base of every form: what any field typed or pasted into goes through first."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget


def without_nul(value: Any) -> Any:
    """Text without NUL characters: invisible, meaningless, and refused by PostgreSQL."""
    if isinstance(value, str) and "\x00" in value:
        return value.replace("\x00", "")
    if isinstance(value, list) and any(isinstance(v, str) and "\x00" in v for v in value):
        return [without_nul(v) for v in value]
    return value


class Form(FlaskForm):
    class Meta:
        def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Any:
            options["filters"] = (without_nul, *(options.get("filters") or ()))
            return unbound_field.bind(form=form, **options)


class MultiCheckboxField(SelectMultipleField):
    """A group of checkboxes (rendered by the templates as USWDS checkboxes)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
