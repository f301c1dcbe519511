"""What a job seeker sends to be matched, and the rules it must meet: one set of rules, with
their messages, for the site's upload form (`app.seekers.forms`) and the API's
`POST /api/v1/match` (`app.api.match`).

A resume is a file (PDF, Word .docx or plain text, at most the file limit) or pasted text;
the optional answers become a `matching.analysis.Answers`. Messages are written for the
person sending, and say what to do.
"""

from __future__ import annotations

import math
import re
from datetime import date

from matching.analysis import Answers
from vocabulary.text import is_ascii_digits

ALLOWED_EXTENSIONS = ("pdf", "docx", "txt")
MAX_PASTED_CHARS = 100_000
# A body may be this many times the file limit (the form's fields and multipart framing
# around the file), so an oversized file is answered with its size and the limit; anything
# larger is refused unread.
UPLOAD_BODY_FACTOR = 4
MAX_PLACES = 5
MAX_LOCATION_CHARS = 200

WRONG_TYPE = "Choose a PDF, Word (.docx) or plain text (.txt) file, or paste your resume as text."
TOO_MUCH_TEXT = f"Paste at most {MAX_PASTED_CHARS:,} characters: just your resume."
LOCATION_TOO_LONG = f"Use at most {MAX_LOCATION_CHARS} characters."
RATING_RULE = "Enter a rating from 0 to 100 in steps of 10, such as 30."
RATING_WITHOUT_SERVICE = (
    "You answered that you are not a veteran. Leave the rating empty, "
    "or answer Yes to the veteran question."
)
FEDERAL_ANSWERS = ("current", "former", "no")
CLEARANCE_ANSWERS = ("none", "public_trust", "secret", "top_secret", "ts_sci")

_GRADUATION = re.compile(r"^\s*(\d{1,2})\s*/\s*(\d{4})\s*$")
_GRADUATION_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


def human_size(n: int) -> str:
    """A byte count as people say it, rounded up so a file just over a limit never looks equal."""
    if n < 1024 * 1024:
        return f"{math.ceil(n / 1024)} KB"
    return f"{math.ceil(n * 10 / (1024 * 1024)) / 10:g} MB"


# -- the resume -------------------------------------------------------------------------------


def allowed_file(filename: str | None) -> bool:
    """Whether a file's name has one of the extensions we read (as Flask-WTF's FileAllowed)."""
    name = (filename or "").lower()
    return any(name.endswith(f".{ext}") for ext in ALLOWED_EXTENSIONS)


def file_too_large(size: int, limit: int) -> str:
    """The message for a file over the limit (the body itself was small enough to read)."""
    return (
        f"This file is {human_size(size)}; the limit is {human_size(limit)}. "
        "Upload a smaller file (for example a PDF without large pictures), or paste "
        "your resume as text."
    )


def body_far_too_large(limit: int) -> str:
    """The message for a body over `UPLOAD_BODY_FACTOR` times the file limit (not read)."""
    return (
        "This upload is far too large, so we did not read it: the limit for a resume file is "
        f"{human_size(limit)}. Choose a smaller file, or paste your resume as text."
    )


# -- the answers ------------------------------------------------------------------------------


def parse_graduation(raw: str | None, today: date | None = None) -> date | None:
    """'05/2025' or '2025-05' as the first day of that month; None when empty.

    Raises ValueError with a plain-language message when the text is not such a date.
    """
    raw = (raw or "").strip()
    if not raw:
        return None
    match = _GRADUATION.match(raw)
    if match:
        month, year = int(match.group(1)), int(match.group(2))
    elif match := _GRADUATION_ISO.match(raw):
        year, month = int(match.group(1)), int(match.group(2))
    else:
        raise ValueError("Enter the month and year as MM/YYYY, for example 05/2025.")
    if not 1 <= month <= 12:
        raise ValueError("The month must be a number from 01 to 12, for example 05/2025.")
    this_year = (today or date.today()).year
    if not this_year - 60 <= year <= this_year + 8:
        raise ValueError(f"Enter a year between {this_year - 60} and {this_year + 8}.")
    return date(year, month, 1)


def parse_disability_rating(raw: str | int | None, veteran: bool | None) -> int | None:
    """A service-connected rating ("30", "30%", 30) in percent; None when empty.

    Raises ValueError with a plain-language message for anything but 0 to 100 in tens,
    or for a rating given by someone who answered that they are not a veteran.
    """
    text = str(raw if raw is not None else "").strip().rstrip("%").strip()
    if not text:
        return None
    if not is_ascii_digits(text) or int(text) > 100 or int(text) % 10:
        raise ValueError(RATING_RULE)
    if veteran is False:
        raise ValueError(RATING_WITHOUT_SERVICE)
    return int(text)


def split_places(text: str | None) -> tuple[str, ...]:
    """The places someone would like to work: ';' or line breaks separate, the first five."""
    places = [p.strip() for p in re.split(r"[;\n]", text or "") if p.strip()]
    return tuple(places[:MAX_PLACES])


def make_answers(
    *,
    student: bool | None = None,
    graduation: str | None = None,
    us_citizen: bool | None = None,
    veteran: bool | None = None,
    disability_rating: str | int | None = None,
    military_spouse: bool | None = None,
    federal: str | None = None,
    sfs_scholar: bool | None = None,
    clearance: str | None = None,
    location: str | None = None,
    remote_only: bool = False,
) -> Answers:
    """The answers of someone's questions, already checked against the rules above."""
    return Answers(
        student=student,
        graduation=parse_graduation(graduation),
        us_citizen=us_citizen,
        veteran=veteran,
        disability_rating=parse_disability_rating(disability_rating, veteran),
        military_spouse=military_spouse,
        federal=federal if federal in FEDERAL_ANSWERS else None,
        sfs_scholar=sfs_scholar,
        clearance=clearance if clearance in CLEARANCE_ANSWERS else None,
        locations=split_places(location),
        remote_only=remote_only,
    )
