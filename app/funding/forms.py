"""Program offices' forms: funding search, profile, saved searches and the small action buttons."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qs

from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from app.forms import Form, MultiCheckboxField
from app.services.funding.saved import FREQUENCIES
from app.services.funding.search import (
    APPLICANT_GROUPS,
    CLOSING_CHOICES,
    ORGANIZATION_TYPES,
    SEARCH_EXAMPLES,
    SORTS,
    STATUS_LABELS,
    SearchQuery,
)

try:  # WTForms 3.3 prefers SelectChoice to (value, label) tuples
    from wtforms.fields.choices import SelectChoice
except ImportError:  # pragma: no cover - older WTForms
    SelectChoice = None


def options(pairs: Iterable[tuple[str, str]]) -> list[Any]:
    """Choices for a select, radio or checkbox field, in the installed WTForms' preferred form."""
    if SelectChoice is None:
        return list(pairs)
    return [SelectChoice(value, label) for value, label in pairs]


STATES: tuple[tuple[str, str], ...] = (
    ("AL", "Alabama"), ("AK", "Alaska"), ("AS", "American Samoa"), ("AZ", "Arizona"),
    ("AR", "Arkansas"), ("CA", "California"), ("CO", "Colorado"), ("CT", "Connecticut"),
    ("DE", "Delaware"), ("DC", "District of Columbia"), ("FL", "Florida"), ("GA", "Georgia"),
    ("GU", "Guam"), ("HI", "Hawaii"), ("ID", "Idaho"), ("IL", "Illinois"), ("IN", "Indiana"),
    ("IA", "Iowa"), ("KS", "Kansas"), ("KY", "Kentucky"), ("LA", "Louisiana"), ("ME", "Maine"),
    ("MD", "Maryland"), ("MA", "Massachusetts"), ("MI", "Michigan"), ("MN", "Minnesota"),
    ("MS", "Mississippi"), ("MO", "Missouri"), ("MT", "Montana"), ("NE", "Nebraska"),
    ("NV", "Nevada"), ("NH", "New Hampshire"), ("NJ", "New Jersey"), ("NM", "New Mexico"),
    ("NY", "New York"), ("NC", "North Carolina"), ("ND", "North Dakota"),
    ("MP", "Northern Mariana Islands"), ("OH", "Ohio"), ("OK", "Oklahoma"), ("OR", "Oregon"),
    ("PA", "Pennsylvania"), ("PR", "Puerto Rico"), ("RI", "Rhode Island"),
    ("SC", "South Carolina"), ("SD", "South Dakota"), ("TN", "Tennessee"), ("TX", "Texas"),
    ("VI", "U.S. Virgin Islands"), ("UT", "Utah"), ("VT", "Vermont"), ("VA", "Virginia"),
    ("WA", "Washington"), ("WV", "West Virginia"), ("WI", "Wisconsin"), ("WY", "Wyoming"),
)  # fmt: skip

MAX_AWARD = 10**10


def award_field(label: str) -> IntegerField:
    """An optional dollar amount, bounded so a typo cannot overflow a query."""
    return IntegerField(
        label,
        validators=[
            Optional(),
            NumberRange(min=0, max=MAX_AWARD, message="Enter a dollar amount."),
        ],
    )


class SearchForm(Form):
    """The public search and its filters (GET, so no CSRF token)."""

    class Meta:
        csrf = False

    q = StringField(
        "Search words",
        description="For example: " + ", ".join(SEARCH_EXAMPLES),
        validators=[Optional(), Length(max=200)],
    )
    who = MultiCheckboxField(
        "Who can apply",
        choices=options((g.id, g.label) for g in APPLICANT_GROUPS),
        validate_choice=False,
    )
    agency = SelectField("Agency", choices=options([("", "Any agency")]), validate_choice=False)
    aln = SelectField(
        "Assistance listing", choices=options([("", "Any listing")]), validate_choice=False
    )
    category = SelectField(
        "Category", choices=options([("", "Any category")]), validate_choice=False
    )
    status = MultiCheckboxField(
        "Status", choices=options(STATUS_LABELS.items()), validate_choice=False
    )
    award_min = award_field("Smallest award you want (dollars)")
    award_max = award_field("Largest award you want (dollars)")
    closing_within = SelectField(
        "Closing within",
        choices=options([("", "Any time"), *((str(d), f"{d} days") for d in CLOSING_CHOICES)]),
        validate_choice=False,
    )
    sort = SelectField(
        "Sort by", choices=options([("", "Best match, or closing soonest"), *SORTS.items()]),
        validate_choice=False,
    )  # fmt: skip

    def set_options(self, agencies: list[str], listings: list[tuple[str, str]],
                    categories: list[tuple[str, str]]) -> None:  # fmt: skip
        self.agency.choices = options([("", "Any agency"), *((a, a) for a in agencies)])
        self.aln.choices = options([("", "Any listing"), *listings])
        self.category.choices = options([("", "Any category"), *categories])

    def validate_award_max(self, field: IntegerField) -> None:
        if (
            field.data is not None
            and self.award_min.data is not None
            and field.data < self.award_min.data
        ):
            raise ValidationError("The largest award must be at least the smallest.")

    def search_query(self, params: Mapping[str, Any]) -> SearchQuery:
        """The query in `params`; values this (validated) form rejected are left out."""
        query = SearchQuery.from_params(params)
        if not self.errors:
            return query
        # Malformed amounts are ignored, and explained next to the field.
        kept = {k: v for k, v in query.to_params().items() if k not in self.errors}
        return SearchQuery.from_params(kept)


class ActionForm(Form):
    """A button that changes something (save, not interested, delete, revoke): CSRF only."""


class SaveSearchForm(Form):
    query = HiddenField()
    name = StringField(
        "Name this search",
        description="Shown in your list and in your alert e-mails.",
        validators=[Optional(), Length(max=200)],
    )
    frequency = RadioField(
        "E-mail me new results",
        choices=options(FREQUENCIES.items()),
        default="daily",
        validators=[DataRequired("Choose how often.")],
    )

    def search_query(self) -> SearchQuery:
        return SearchQuery.from_params(parse_qs(self.query.data or ""))

    def settings(self) -> dict[str, str]:
        return {"name": self.name.data or "", "frequency": self.frequency.data or "daily"}


class SearchSettingsForm(Form):
    name = StringField(
        "Name",
        validators=[DataRequired("Give the search a name."), Length(max=200)],
    )
    alerts_enabled = BooleanField("E-mail me when there is something new")
    frequency = RadioField(
        "How often",
        choices=options(FREQUENCIES.items()),
        validators=[DataRequired("Choose how often.")],
    )

    def settings(self) -> dict[str, Any]:
        return {
            "alerts_enabled": bool(self.alerts_enabled.data),
            "frequency": self.frequency.data or "daily",
            "name": self.name.data,
        }


class OpportunityAlertsForm(Form):
    alerts_enabled = BooleanField("Remind me 14 and 3 days before it closes")


class ProfileForm(Form):
    """What the office is and needs: the input of its funding matches."""

    organization_type = SelectField(
        "Type of organization",
        description="This decides which opportunities you are eligible for.",
        choices=options([("", "- Select -"), *((k, v[0]) for k, v in ORGANIZATION_TYPES.items())]),
        validators=[DataRequired("Choose the type of organization.")],
    )
    state = SelectField(
        "State or territory",
        choices=options([("", "- Select -"), *STATES]),
        validators=[DataRequired("Choose a state or territory.")],
    )
    needs = TextAreaField(
        "What do you need funding for?",
        description=(
            "Describe the work in your own words, for example: AI-assisted vulnerability "
            "detection for our water utility's OT network."
        ),
        validators=[
            DataRequired("Describe what you need funding for."),
            Length(min=10, max=4000, message="Use between 10 and 4,000 characters."),
        ],
    )
    award_min = award_field("Smallest award worth applying for (dollars)")
    award_max = award_field("Largest award you could manage (dollars)")
    work_roles = MultiCheckboxField(
        "Work roles you need to staff",
        description="Optional. We show hiring paths and open jobs for these roles.",
        choices=[],
        validators=[Optional()],
    )

    def set_roles(self, roles: list[tuple[str, str]]) -> None:
        self.work_roles.choices = options(roles)

    def validate_award_max(self, field: IntegerField) -> None:
        if (
            field.data is not None
            and self.award_min.data is not None
            and field.data < self.award_min.data
        ):
            raise ValidationError("The largest award must be at least the smallest.")

    def profile_data(self) -> dict[str, Any]:
        return {
            "organization_type": self.organization_type.data,
            "state": self.state.data,
            "needs": (self.needs.data or "").strip(),
            "award_min": self.award_min.data,
            "award_max": self.award_max.data,
            "work_roles": list(self.work_roles.data or []),
        }
