"""Agency posters' forms: an opening (draft, edit, publish) and the buttons on its page.

`OpeningForm.load(opening)` fills the form from an opening and `values()` reads it back as the
Python values `app.services.agency.openings` takes (lists, dates, numbers). The form checks
each field's format; what needs the opening's state (a close date in the past on publish, the
fields a published opening must have) is checked by the service, which names the field at
fault; `fail` puts that message by the field.
"""

from __future__ import annotations

from typing import Any

from wtforms import (
    BooleanField,
    DateField,
    Field,
    FloatField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)

from app.forms import Form, MultiCheckboxField
from matching.jobs import HIRING_PATH_NAMES

ROLE_FIELDS = ("role_1", "role_2", "role_3")
# USAJOBS's security clearance values, as job listings store them.
CLEARANCES = (
    "Not Required",
    "Public Trust - Background Investigation",
    "Confidential",
    "Secret",
    "Top Secret",
    "Top Secret/SCI",
    "L Access Authorization",
    "Q Access Authorization",
)
DATE_FORMATS = ["%Y-%m-%d", "%m/%d/%Y"]  # the date input's, and what people type without it


def lines(text: str | None) -> list[str]:
    """One item a line, blanks and repeats dropped, order kept."""
    items = (line.strip() for line in (text or "").splitlines())
    return list(dict.fromkeys(item for item in items if item))


def codes(text: str | None) -> list[str]:
    """OPM codes typed with commas, spaces or lines between them."""
    items = (part for part in (text or "").replace(",", " ").split())
    return list(dict.fromkeys(items))


class _Plain:
    """A field whose unreadable input gets a message in plain words (not WTForms' own)."""

    invalid: str = ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if valuelist and not str(valuelist[0]).strip():
            self.data = None  # left blank, as a browser sends an empty field: not given
            return
        try:
            super().process_formdata(valuelist)  # type: ignore[misc]
        except ValueError:
            self.data = None
            raise ValueError(self.invalid) from None

    def pre_validate(self, form: Any) -> None:
        if self.process_errors:  # unreadable: that one message, not a range check's too
            raise StopValidation()
        super().pre_validate(form)  # type: ignore[misc]


class WholeNumberField(_Plain, IntegerField):
    invalid = "Give a whole number, such as 12."


class DollarsField(_Plain, FloatField):
    invalid = "Give an amount in dollars, such as 120000."

    def process_formdata(self, valuelist: list[Any]) -> None:
        cleaned = [str(v).replace(",", "").replace("$", "").strip() for v in valuelist]
        super().process_formdata(cleaned)


class DayField(_Plain, DateField):
    invalid = "Give a date as month/day/year, such as 10/31/2026."


def _optional(value: Any) -> Any:
    return (value.strip() or None) if isinstance(value, str) else value


class OpeningForm(Form):
    """An opening's fields, the version it was opened at, and its buttons."""

    base_version = HiddenField()
    title = StringField(
        "Job title",
        validators=[
            InputRequired("Give the job title."),
            Length(max=500, message="Keep the title under 500 characters."),
        ],
    )
    announcement_number = StringField(
        "Announcement number",
        description="Your agency's control number for the announcement, if it has one.",
        validators=[Length(max=128, message="Keep the announcement number under 128 characters.")],
    )
    series = MultiCheckboxField(
        "Occupational series",
        description="The series the job is classified in; most jobs have one.",
        choices=[],
    )
    pay_plan = StringField(
        "Pay plan",
        description="Two letters, such as GS or GG.",
        validators=[Length(max=8, message="A pay plan is a short code such as GS.")],
    )
    grade_low = WholeNumberField(
        "Lowest grade",
        validators=[Optional(), NumberRange(1, 15, "A grade is a whole number from 1 to 15.")],
    )
    grade_high = WholeNumberField(
        "Highest grade",
        validators=[Optional(), NumberRange(1, 15, "A grade is a whole number from 1 to 15.")],
    )
    salary_min = DollarsField(
        "Lowest salary (dollars a year)",
        validators=[Optional(), NumberRange(0, 10_000_000, "Give the salary in dollars a year.")],
    )
    salary_max = DollarsField(
        "Highest salary (dollars a year)",
        validators=[Optional(), NumberRange(0, 10_000_000, "Give the salary in dollars a year.")],
    )
    locations = TextAreaField(
        "Locations",
        description="One a line, as city and state, e.g. “Washington, DC”.",
        validators=[Length(max=4000, message="Keep the locations under 4,000 characters.")],
    )
    remote = BooleanField("Remote: the job can be done from anywhere")
    telework = BooleanField("Telework eligible")
    who_may_apply = TextAreaField(
        "Who may apply",
        description="In plain words, as the announcement puts it.",
        validators=[Length(max=4000, message="Keep this under 4,000 characters.")],
    )
    hiring_paths = MultiCheckboxField(
        "Hiring paths",
        description="The groups the announcement is open to (USAJOBS hiring paths).",
        choices=[
            SelectChoice(code, name[:1].upper() + name[1:])
            for code, name in HIRING_PATH_NAMES.items()
        ],
    )
    clearance = SelectField(
        "Security clearance",
        choices=[SelectChoice("", "Not stated"), *(SelectChoice(c, c) for c in CLEARANCES)],
    )
    open_date = DayField(
        "Open date",
        format=DATE_FORMATS,
        description="The first day applications are accepted.",
        validators=[Optional()],
    )
    close_date = DayField(
        "Close date",
        format=DATE_FORMATS,
        description="The last day applications are accepted.",
        validators=[Optional()],
    )
    duties = TextAreaField(
        "Duties",
        description="What the job does day to day. Coding help reads it to suggest work roles.",
        validators=[Length(max=20_000, message="Keep the duties under 20,000 characters.")],
    )
    qualifications = TextAreaField(
        "Qualifications",
        validators=[Length(max=20_000, message="Keep the qualifications under 20,000 characters.")],
    )
    apply_url = URLField(
        "How to apply",
        description="The https:// address where people apply, such as the USAJOBS announcement.",
        validators=[Length(max=500, message="Keep the address under 500 characters.")],
    )
    role_1 = SelectField("Primary work role", validate_choice=False)
    role_2 = SelectField("Second work role (optional)", validate_choice=False)
    role_3 = SelectField("Third work role (optional)", validate_choice=False)
    opm_codes = StringField(
        "OPM cyber codes",
        description="Three digits each, primary first, separated by commas, e.g. “511, 531”.",
        validators=[Length(max=100, message="Give at most a few three-digit codes.")],
    )
    save = SubmitField("Save draft")
    suggest = SubmitField("Suggest work roles")
    use_suggestion = HiddenField()  # the "Use these" buttons' name: "all" or a role id
    publish = SubmitField("Publish")

    def set_choices(self, series: list[tuple[str, str]], roles: list[tuple[str, str]]) -> None:
        """The series and work roles to choose from, as (value, label)."""
        self.series.choices = [SelectChoice(v, label) for v, label in series]
        options = [SelectChoice(v, label) for v, label in roles]
        self.role_1.choices = [SelectChoice("", "Choose a work role"), *options]
        self.role_2.choices = [SelectChoice("", "None"), *options]
        self.role_3.choices = [SelectChoice("", "None"), *options]
        self._role_ids = {v for v, _ in roles}

    # -- which button ------------------------------------------------------------------------

    def action(self) -> str:
        """save | suggest | use | publish (a press of Enter saves)."""
        if self.use_suggestion.data:
            return "use"
        if self.suggest.data:
            return "suggest"
        if self.publish.data:
            return "publish"
        return "save"

    # -- checks across fields ----------------------------------------------------------------

    def validate_pay_plan(self, field: Field) -> None:
        value = (field.data or "").strip()
        if value and not (value.isascii() and value.isalpha() and len(value) == 2):
            raise ValidationError("A pay plan is two letters, such as GS.")

    def validate_grade_high(self, field: Field) -> None:
        low, high = self.grade_low.data, field.data
        if low is not None and high is not None and low > high:
            raise ValidationError("The highest grade is below the lowest.")

    def validate_salary_max(self, field: Field) -> None:
        low, high = self.salary_min.data, field.data
        if low is not None and high is not None and low > high:
            raise ValidationError("The highest salary is below the lowest.")

    def validate_close_date(self, field: Field) -> None:
        opens, closes = self.open_date.data, field.data
        if opens is not None and closes is not None and closes <= opens:
            raise ValidationError("The close date must be after the open date.")

    def validate_apply_url(self, field: Field) -> None:
        value = (field.data or "").strip()
        if value and not (value.startswith("https://") and len(value) > len("https://")):
            raise ValidationError("Give an address starting with https://.")

    def validate_opm_codes(self, field: Field) -> None:
        bad = [c for c in codes(field.data) if not (len(c) == 3 and c.isascii() and c.isdigit())]
        if bad:
            raise ValidationError(f"OPM cyber codes are three digits each: {', '.join(bad)}.")

    def validate_role_1(self, field: Field) -> None:
        chosen = [self[name].data for name in ROLE_FIELDS if self[name].data]
        unknown = [r for r in chosen if r not in getattr(self, "_role_ids", set())]
        if unknown:
            raise ValidationError("Choose work roles from the lists.")
        if len(set(chosen)) < len(chosen):
            raise ValidationError("Choose each work role once.")
        if not field.data and chosen:
            raise ValidationError("Choose the primary work role first.")

    # -- to and from an opening ----------------------------------------------------------------

    def load(self, opening: Any) -> None:
        """Fill the form in from an opening (an `AgencyOpening`)."""
        for name in ("title", "announcement_number", "pay_plan", "grade_low", "grade_high",
                     "salary_min", "salary_max", "remote", "telework", "who_may_apply",
                     "clearance", "open_date", "close_date", "duties", "qualifications",
                     "apply_url"):  # fmt: skip
            value = getattr(opening, name)
            self[name].data = "" if value is None and name == "clearance" else value
        self.series.data = list(opening.series or [])
        self.hiring_paths.data = list(opening.hiring_paths or [])
        self.locations.data = "\n".join(opening.locations or [])
        self.opm_codes.data = ", ".join(opening.opm_codes or [])
        self.fill_roles(list(opening.work_roles or []))
        self.base_version.data = str(opening.version)

    def fill_roles(self, role_ids: list[str], opm_codes: list[str] | None = None) -> None:
        """Put work roles (primary first) in the selects, and the OPM codes if given."""
        for name, role_id in zip(ROLE_FIELDS, [*role_ids, "", "", ""], strict=False):
            self[name].data = role_id
        if opm_codes is not None:
            self.opm_codes.data = ", ".join(opm_codes)

    def values(self) -> dict[str, Any]:
        """The opening's fields as the service takes them (`openings.EDITABLE_FIELDS`)."""
        return {
            "title": (self.title.data or "").strip(),
            "announcement_number": _optional(self.announcement_number.data),
            "series": list(self.series.data or []),
            "pay_plan": (_optional(self.pay_plan.data) or "").upper() or None,
            "grade_low": self.grade_low.data,
            "grade_high": self.grade_high.data,
            "salary_min": self.salary_min.data,
            "salary_max": self.salary_max.data,
            "locations": lines(self.locations.data),
            "remote": bool(self.remote.data),
            "telework": bool(self.telework.data),
            "hiring_paths": list(self.hiring_paths.data or []),
            "who_may_apply": _optional(self.who_may_apply.data),
            "clearance": _optional(self.clearance.data),
            "open_date": self.open_date.data,
            "close_date": self.close_date.data,
            "duties": _optional(self.duties.data),
            "qualifications": _optional(self.qualifications.data),
            "apply_url": _optional(self.apply_url.data),
            "work_roles": [self[n].data for n in ROLE_FIELDS if self[n].data],
            "opm_codes": codes(self.opm_codes.data),
        }

    def fail(self, message: str, field: str | None) -> bool:
        """Show a service's error by its field; False if the form has no such field."""
        target = "role_1" if field == "work_roles" else field
        if not target or target not in self or target in ("save", "suggest", "publish"):
            return False
        self[target].errors = [*self[target].errors, message]  # type: ignore[list-item]
        return True


class OpeningActionForm(Form):
    """Publish, Close, Withdraw or Delete on an opening's page: the version it was shown at."""

    base_version = HiddenField()

    def base(self) -> int | None:
        value = (self.base_version.data or "").strip()
        return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None
