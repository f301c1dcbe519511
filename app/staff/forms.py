"""OPM staff's forms."""

from __future__ import annotations

from flask_wtf.file import FileAllowed, FileField, FileRequired
from werkzeug.datastructures import FileStorage
from wtforms.validators import ValidationError

from app.forms import Form

# -- operations ---------------------------------------------------------------------------


class QueueScrapeForm(Form):
    """The button that queues a re-run of one source: nothing to fill in but the CSRF token."""


# -- NICE workbook imports ----------------------------------------------------------------

# Under the app's MAX_CONTENT_LENGTH (5 MB), so a file over it gets this form's message.
NICE_MAX_BYTES = 4 * 1024 * 1024
XLSX_MAGIC = b"PK\x03\x04"


def _size(upload: FileStorage) -> int:
    """The uploaded file's size in bytes, without reading it."""
    stream = upload.stream
    position = stream.tell()
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(position)
    return size


class NiceUploadForm(Form):
    """Upload the NICE Framework Components workbook; it applies only once its diff is confirmed."""

    workbook = FileField(
        "NICE Framework Components workbook",
        description="The .xlsx file NIST publishes, at most 4 MB. Nothing changes until you "
        "confirm the differences on the next page.",
        validators=[
            FileRequired("Choose the NICE Framework Components workbook (.xlsx) to upload."),
            FileAllowed(["xlsx"], "Choose an Excel workbook ending in .xlsx."),
        ],
    )

    def validate_workbook(self, field: FileField) -> None:
        size = _size(field.data)
        if size > NICE_MAX_BYTES:
            raise ValidationError(
                f"This file is {size / (1024 * 1024):.1f} MB; the limit is "
                f"{NICE_MAX_BYTES // (1024 * 1024)} MB. Is it the NICE Framework Components "
                "workbook?"
            )
        if size == 0:
            raise ValidationError("This file is empty: choose the workbook again.")
        head = field.data.stream.read(4)
        field.data.stream.seek(0)
        if head != XLSX_MAGIC:
            raise ValidationError("This file is not an .xlsx workbook, whatever its name says.")

    def upload(self) -> tuple[str, bytes]:
        """The file's name (without any folder) and its bytes."""
        name = (self.workbook.data.filename or "workbook.xlsx").replace("\\", "/")
        return name.rsplit("/", 1)[-1][:255], self.workbook.data.read()


class ConfirmNiceImportForm(Form):
    """The Confirm button under a pending import's diff (CSRF only)."""
