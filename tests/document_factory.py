"""Builders for the upload fixtures in test_documents.py: real files, made in memory, fast."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Mapping

import docx
from docx.oxml.parser import parse_xml
from fpdf import FPDF
from fpdf.enums import EncryptionMethod
from PIL import Image

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
WPS_NS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
VML_NS = "urn:schemas-microsoft-com:vml"

# Long enough (> DocumentLimits.min_chars) that tests see no "little text" warning.
RESUME = (
    "Jane Doe is a cybersecurity analyst with six years of experience in incident response, "
    "vulnerability management and threat hunting. She writes Python and PowerShell, runs "
    "Splunk and Elastic, and holds the CISSP and Security+ certifications."
)


def png(size: tuple[int, int] = (40, 40)) -> bytes:
    """A small grey PNG."""
    out = io.BytesIO()
    Image.new("RGB", size, "gray").save(out, format="PNG")
    return out.getvalue()


def make_pdf(
    pages: Iterable[str | None] = (RESUME,),
    *,
    images: Iterable[int] = (),
    drawings: Iterable[int] = (),
    user_password: str | None = None,
    owner_password: str | None = None,
    encryption: EncryptionMethod = EncryptionMethod.RC4,
) -> bytes:
    """A PDF with one page per item: its text, or nothing for None.

    Pages whose index is in ``images`` get a picture, in ``drawings`` a vector rectangle.
    A password makes fpdf2 encrypt the file (RC4 unless ``encryption`` says AES).
    """
    image_pages, drawing_pages = set(images), set(drawings)
    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    for index, text in enumerate(pages):
        pdf.add_page()
        if index in image_pages:
            pdf.image(io.BytesIO(png()), x=20, y=20, w=80)
        if index in drawing_pages:
            pdf.rect(20, 120, 60, 30, style="F")
        if text:
            pdf.multi_cell(0, 6, text)
    if user_password is not None or owner_password is not None:
        pdf.set_encryption(
            owner_password=owner_password or "owner",
            user_password=user_password,
            encryption_method=encryption,
        )
    return bytes(pdf.output())


def make_docx(
    paragraphs: Iterable[str] = (RESUME,),
    *,
    header: str | None = None,
    footer: str | None = None,
    table: list[list[str]] | None = None,
    after_table: Iterable[str] = (),
    picture: bool = False,
) -> bytes:
    """A Word document: header, paragraphs, an optional table, more paragraphs, footer."""
    document = docx.Document()
    section = document.sections[0]
    if header is not None:
        section.header.paragraphs[0].text = header
    if footer is not None:
        section.footer.paragraphs[0].text = footer
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    for text in after_table:
        document.add_paragraph(text)
    if picture:
        document.add_picture(io.BytesIO(png()))
    return save(document)


def save(document: docx.document.Document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def wml(xml: str) -> object:
    """Parse a WordprocessingML fragment, with the namespaces it may use declared."""
    declarations = f'xmlns:w="{W_NS}" xmlns:mc="{MC_NS}" xmlns:wps="{WPS_NS}" xmlns:v="{VML_NS}"'
    return parse_xml(re.sub(r"^<([\w:]+)", rf"<\1 {declarations}", xml, count=1))


def rezip(data: bytes, replace: Mapping[str, bytes | None]) -> bytes:
    """Copy a ZIP, replacing members (or dropping them when the new value is None)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            if info.filename not in replace:
                target.writestr(info, source.read(info))
        for name, content in replace.items():
            if content is not None:
                target.writestr(name, content)
    return out.getvalue()


def with_app_pages(data: bytes, pages: int | None) -> bytes:
    """Set (or remove) the page count Word stores in docProps/app.xml."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        app = archive.read("docProps/app.xml").decode("utf-8")
    new = f"<Pages>{pages}</Pages>" if pages is not None else ""
    return rezip(data, {"docProps/app.xml": re.sub(r"<Pages>\d+</Pages>", new, app).encode()})


def make_zip(members: Mapping[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def zip_bomb_docx(megabytes: int = 10) -> bytes:
    """A DOCX-shaped archive with a member of zeros that deflates about 1000:1."""
    return rezip(make_docx(), {"word/media/zeros.bin": bytes(megabytes * 1024 * 1024)})


def cfb(*stream_names: str) -> bytes:
    """Enough of an OLE2 compound file (legacy Office, encrypted Office) for sniffing."""
    names = b"".join(name.encode("utf-16-le") + b"\x00\x00" for name in stream_names)
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + names + bytes(512)
