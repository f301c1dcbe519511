"""Reading uploads into text: every format, every refusal, and the plain-language contract."""

from __future__ import annotations

import io
import logging
import re
import subprocess
import sys
import threading
import warnings
import zipfile

import docx
import pypdf
import pytest
from fpdf.enums import EncryptionMethod
from pypdf.errors import DependencyError

from matching import documents
from matching.documents import (
    Document,
    DocumentError,
    DocumentLimits,
    read_document,
    read_text,
)

from .document_factory import (
    RESUME,
    cfb,
    make_docx,
    make_pdf,
    make_zip,
    png,
    rezip,
    save,
    with_app_pages,
    wml,
    zip_bomb_docx,
)

USAJOBS_3 = "USAJOBS accepts resumes of at most 2 pages; this one has 3."
# What a job seeker must never see: Python or library internals.
_INTERNALS = re.compile(
    r"Traceback|Exception|Error\b|pypdf|python|docx\.|zipfile|lxml|\bNone\b|\\x|0x[0-9a-f]", re.I
)


def refuse(code: str, data: bytes, **kwargs) -> DocumentError:
    """Read ``data`` expecting refusal with ``code`` and a message a person can act on."""
    with pytest.raises(DocumentError) as caught:
        read_document(data, **kwargs)
    error = caught.value
    assert error.code == code, error.message
    assert_plain(error)
    return error


def assert_plain(error: DocumentError) -> None:
    message = error.message
    assert str(error) == message
    assert message[0].isupper() and message.endswith("."), message
    assert not _INTERNALS.search(message), message
    assert 20 < len(message) < 400, message


# -- PDF --------------------------------------------------------------------------------------


def test_one_page_pdf_is_read_with_its_page_count():
    document = read_document(make_pdf(), "resume.pdf", "application/pdf")
    assert document.kind == "pdf"
    assert document.pages == 1
    assert not document.over_two_pages
    assert document.warnings == ()
    assert "incident response" in document.text
    assert "CISSP" in document.text


def test_three_page_pdf_warns_about_the_usajobs_two_page_limit():
    document = read_document(make_pdf(["Page one " + RESUME, "Page two text", "Page three text"]))
    assert document.pages == 3
    assert document.over_two_pages
    assert USAJOBS_3 in document.warnings
    # Pages come in order, separated by a blank line.
    assert document.text.index("Page one") < document.text.index("Page two")
    assert "text\n\nPage three" in document.text


def test_pdf_over_the_page_limit_is_refused():
    error = refuse("too_many_pages", make_pdf([RESUME] * 3), limits=DocumentLimits(max_pages=2))
    assert "3 pages" in error.message


def test_pdf_with_a_user_password_is_refused():
    refuse("encrypted", make_pdf(user_password="secret"))


def test_pdf_encrypted_with_an_empty_user_password_is_read_like_a_viewer_would():
    document = read_document(make_pdf(owner_password="only-restricts-printing"))
    assert "incident response" in document.text


@pytest.mark.parametrize("method", [EncryptionMethod.AES_128, EncryptionMethod.AES_256])
def test_pdf_restricted_with_aes_and_no_user_password_is_read(method):
    document = read_document(make_pdf(owner_password="no-editing", encryption=method))
    assert "incident response" in document.text


def test_pdf_with_an_aes_user_password_is_refused_as_password_protected():
    error = refuse(
        "encrypted", make_pdf(user_password="secret", encryption=EncryptionMethod.AES_256)
    )
    assert "protected with a password" in error.message


def test_pdf_encryption_pypdf_cannot_handle_is_refused_plainly(monkeypatch):
    def needs_cryptography(self, password):
        raise DependencyError("cryptography>=3.1 is required for AES algorithm")

    monkeypatch.setattr(pypdf.PdfReader, "decrypt", needs_cryptography)
    refuse("encrypted", make_pdf(user_password="secret"))


def test_image_only_pdf_is_recognised_as_a_scan():
    error = refuse("image_only", make_pdf([None], images=[0]))
    assert error.message == (
        "This PDF seems to be a scanned image: we could not find any text in it. Upload a PDF "
        "with selectable text, a Word document, or paste your resume as text."
    )


def test_pdf_of_vector_drawings_only_counts_as_image_only():
    refuse("image_only", make_pdf([None], drawings=[0]))


def test_blank_pdf_page_is_empty():
    refuse("empty", make_pdf([None]))


def test_scanned_pages_among_text_pages_are_reported():
    document = read_document(make_pdf([RESUME, None], images=[1]))
    assert document.pages == 2
    assert "incident response" in document.text
    assert any("1 of 2 pages seem to be scanned images" in w for w in document.warnings)


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda pdf: pdf[: len(pdf) // 2], id="truncated"),
        pytest.param(lambda pdf: pdf[:9] + bytes(range(256)) * 8, id="garbage-after-header"),
        pytest.param(lambda pdf: b"%PDF-1.7\n%%EOF\n", id="header-only"),
    ],
)
def test_damaged_pdf_is_corrupt(damage):
    refuse("corrupt", damage(make_pdf()))


def test_a_library_crash_while_extracting_becomes_corrupt(monkeypatch):
    def explode(self, *args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(pypdf.PageObject, "extract_text", explode)
    refuse("corrupt", make_pdf())


def test_pdf_content_past_the_decompression_budget_is_refused():
    pdf = make_pdf([RESUME * 20])
    refuse("zip_bomb", pdf, limits=DocumentLimits(max_decompressed_bytes=len(pdf)))


def test_pdf_header_after_leading_bytes_is_still_a_pdf():
    assert read_document(b"\r\n" + make_pdf()).kind == "pdf"


# -- DOCX -------------------------------------------------------------------------------------


def test_docx_reads_header_paragraphs_table_and_footer_in_document_order():
    data = make_docx(
        ["Experience", "Security analyst at CISA, 2019-2025."],
        header="Jane Doe | jane@example.com",
        footer="References on request",
        table=[["Skills", "Python, Splunk"], ["Clearance", "Top Secret"]],
        after_table=["Education: BS Computer Science"],
    )
    document = read_document(data, "resume.docx")
    assert document.kind == "docx"
    assert document.text == (
        "Jane Doe | jane@example.com\n"
        "Experience\n"
        "Security analyst at CISA, 2019-2025.\n"
        "Skills\nPython, Splunk\nClearance\nTop Secret\n"
        "Education: BS Computer Science\n"
        "References on request"
    )


def test_docx_merged_table_cells_are_read_once():
    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "Certifications"
    table.cell(1, 0).text = "CISSP"
    assert read_document(save(document)).text.count("Certifications") == 1


def test_docx_page_count_comes_from_app_xml_and_warns_over_two():
    three = read_document(with_app_pages(make_docx(), 3))
    assert three.pages == 3
    assert three.over_two_pages
    assert USAJOBS_3 in three.warnings
    one = read_document(with_app_pages(make_docx(), 1))
    assert one.pages == 1
    assert one.warnings == ()


def test_docx_without_a_page_count_says_nothing_about_pages():
    document = read_document(with_app_pages(make_docx(), None))
    assert document.pages is None
    assert not document.over_two_pages
    assert document.warnings == ()


def test_docx_text_box_content_control_and_tracked_changes():
    document = docx.Document()
    anchor = document.add_paragraph("Summary")
    anchor.add_run()._r.append(
        wml(
            "<mc:AlternateContent><mc:Choice Requires='wps'><w:drawing><wps:txbx>"
            "<w:txbxContent><w:p><w:r><w:t>Clearance: Top Secret</w:t></w:r></w:p>"
            "</w:txbxContent></wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict>"
            "<v:textbox><w:txbxContent><w:p><w:r><w:t>Clearance: Top Secret</w:t></w:r></w:p>"
            "</w:txbxContent></v:textbox></w:pict></mc:Fallback></mc:AlternateContent>"
        )
    )
    edited = document.add_paragraph("Skills: ")
    edited._p.append(wml("<w:ins w:id='1' w:author='a'><w:r><w:t>Python</w:t></w:r></w:ins>"))
    edited._p.append(
        wml("<w:del w:id='2' w:author='a'><w:r><w:delText>COBOL</w:delText></w:r></w:del>")
    )
    edited.add_run(" hidden keywords").font.hidden = True
    body = document.element.body
    body.insert(
        len(body) - 1,  # before the section properties
        wml(
            "<w:sdt><w:sdtContent><w:p><w:r><w:t>From a template field</w:t></w:r></w:p>"
            "</w:sdtContent></w:sdt>"
        ),
    )
    text = read_document(save(document)).text
    assert text == "Summary\nClearance: Top Secret\nSkills: Python\nFrom a template field"


def test_macro_enabled_word_document_is_read_without_running_anything():
    data = make_docx()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml").replace(
            b"openxmlformats-officedocument.wordprocessingml.document.main+xml",
            b"ms-word.document.macroEnabled.main+xml",
        )
    document = read_document(rezip(data, {"[Content_Types].xml": types}), "resume.docm")
    assert document.kind == "docx"
    assert "incident response" in document.text


def test_docx_with_only_a_picture_is_image_only():
    error = refuse("image_only", make_docx([], picture=True))
    assert "pictures" in error.message


def test_docx_without_text_is_empty():
    refuse("empty", make_docx([]))


def test_zip_bomb_docx_is_refused_quickly():
    refuse("zip_bomb", zip_bomb_docx())


def test_docx_unpacking_past_the_size_limit_is_refused():
    refuse("zip_bomb", make_docx(), limits=DocumentLimits(max_decompressed_bytes=100_000))


def test_archive_with_too_many_members_is_refused():
    members = {f"word/part{i}.xml": b"<x/>" for i in range(1001)}
    refuse("zip_bomb", make_zip({"word/document.xml": b"<w/>", **members}))


def test_zip_that_is_not_a_docx_is_unsupported():
    error = refuse("unsupported_type", make_zip({"notes.txt": b"hello"}), filename="resume.docx")
    assert "ZIP archive" in error.message
    assert ".docx" in error.message


def test_spreadsheet_is_named_as_such():
    error = refuse("unsupported_type", make_zip({"xl/workbook.xml": b"<workbook/>"}))
    assert "Excel spreadsheet" in error.message


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda d: d[: len(d) // 2], id="truncated"),
        pytest.param(lambda d: rezip(d, {"word/document.xml": b"<w:document"}), id="bad-xml"),
        pytest.param(lambda d: rezip(d, {"_rels/.rels": None}), id="no-relationships"),
    ],
)
def test_damaged_docx_is_corrupt(damage):
    refuse("corrupt", damage(make_docx()))


def test_password_protected_word_file_is_encrypted():
    refuse("encrypted", cfb("EncryptedInfo", "EncryptedPackage"), filename="resume.docx")


def test_legacy_doc_file_is_unsupported_with_advice():
    error = refuse("unsupported_type", cfb("WordDocument", "1Table"), filename="resume.doc")
    assert "older Word document (.doc)" in error.message


# -- detection by content ---------------------------------------------------------------------


def test_renamed_png_is_named_for_what_it_is():
    error = refuse("unsupported_type", png(), filename="resume.pdf", content_type="application/pdf")
    assert error.message.startswith("This file is named .pdf, but it is actually a PNG image.")


def test_renamed_program_is_unsupported():
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(200)
    error = refuse("unsupported_type", exe, filename="resume.docx")
    assert "Windows program" in error.message


def test_unknown_binary_is_unsupported():
    error = refuse("unsupported_type", bytes(range(256)) * 4)
    assert error.message.startswith("This file is an unrecognised binary file,")


def test_text_named_pdf_is_read_as_text_with_a_note():
    document = read_document(RESUME.encode(), filename="resume.pdf")
    assert document.kind == "txt"
    assert document.text == RESUME
    assert document.warnings == (
        "This file is named .pdf but contains plain text, so we read it as such.",
    )


@pytest.mark.parametrize(
    ("filename", "kind"),
    [("notes.txt", "txt"), ("page.html", "html"), (None, "html")],
)
def test_extension_only_breaks_ties_for_markup_looking_text(filename, kind):
    assert read_document(b"<p>Python</p>", filename=filename).kind == kind


def test_full_html_document_is_html_whatever_its_name():
    data = b"<!DOCTYPE html><html><body><p>Python</p></body></html>"
    assert read_document(data, filename="resume.txt").kind == "html"


@pytest.mark.parametrize("data", [b"", b" \r\n\t \n"], ids=["no-bytes", "whitespace"])
def test_empty_file_is_empty(data):
    refuse("empty", data)


def test_file_over_the_byte_limit_is_refused_before_parsing():
    error = refuse("too_large", b"%PDF-" + bytes(5 * 1024 * 1024))
    assert "5 MB" in error.message


# -- text and normalisation -------------------------------------------------------------------


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1252"]
)
def test_text_encodings_are_detected(encoding):
    text = "Résumé: “Senior” analyst — café, naïve. " + RESUME
    document = read_document(text.encode(encoding), "resume.txt")
    assert document.kind == "txt"
    assert document.text == text.strip()


def test_whitespace_and_invisible_characters_are_normalised_once():
    raw = (
        "  Jane\u00a0Doe\t\tAnalyst \r\n"
        "Certi\ufb01ed in Secu\u00adrity\u200b+\x00\x07\r\n"
        "\r\n\r\n\r\n\f"
        "Skills:   Python\u2028Go   \n"
    )
    document = read_text(raw)
    assert document.text == "Jane Doe Analyst\nCertified in Security+\n\nSkills: Python\nGo"
    assert read_document(raw.encode("utf-8")).text == document.text


def test_long_text_is_truncated_with_a_warning():
    document = read_text("word " * 1000, limits=DocumentLimits(max_chars=100))
    assert len(document.text) <= 100
    assert any("first 100 characters" in w for w in document.warnings)


def test_little_text_warns_but_reads():
    document = read_text("Python, Splunk")
    assert document.text == "Python, Splunk"
    assert document.kind == "txt"
    assert document.pages is None
    assert any("only a little text" in w for w in document.warnings)


def test_pasted_text_limits():
    with pytest.raises(DocumentError) as empty:
        read_text(" \n\t ")
    assert empty.value.code == "empty"
    assert_plain(empty.value)
    with pytest.raises(DocumentError) as large:
        read_text("x" * 2_000, limits=DocumentLimits(max_bytes=1_000))
    assert large.value.code == "too_large"
    assert_plain(large.value)


# -- HTML -------------------------------------------------------------------------------------


def test_html_drops_scripts_and_keeps_blocks_on_their_own_lines():
    html = b"""<!DOCTYPE html>
    <html><head><title>Job</title><style>p { color: red }</style></head>
    <body>
      <script>alert("x")</script><!-- a comment -->
      <h1>IT Specialist (INFOSEC)</h1>
      <p>Protect   networks
         &amp; systems.<br>Apply by <b>Friday</b>.</p>
      <ul><li>Python</li><li>Splunk</li></ul>
      <pre>line one
    line two</pre>
    </body></html>"""
    document = read_document(html, content_type="text/html")
    assert document.kind == "html"
    assert document.pages is None
    assert document.text == (
        "IT Specialist (INFOSEC)\n"
        "Protect networks & systems.\n"
        "Apply by Friday.\n"
        "Python\nSplunk\n"
        "line one\nline two"
    )


def test_html_meta_charset_is_honoured():
    html = '<html><head><meta charset="windows-1252"></head><body><p>“Résumé”</p></body></html>'
    assert read_document(html.encode("cp1252")).text == "“Résumé”"


# -- the contract -----------------------------------------------------------------------------


def test_document_is_immutable_and_errors_read_plainly():
    document = Document(text="x", kind="txt", pages=None, warnings=())
    with pytest.raises(AttributeError):
        document.text = "y"  # type: ignore[misc]
    error = DocumentError("corrupt", "This file seems to be damaged.")
    assert error.code == "corrupt"
    assert str(error) == "This file seems to be damaged."


def test_unexpected_library_failure_is_still_a_document_error(monkeypatch):
    def explode(*args, **kwargs):
        raise zipfile.BadZipFile("Bad magic number for central directory")

    monkeypatch.setattr(zipfile, "ZipFile", explode)
    refuse("corrupt", make_docx())


# -- what reading leaves in the logs ----------------------------------------------------------


def test_a_damaged_pdf_leaves_debug_records_only(caplog):
    caplog.set_level(logging.DEBUG)
    refuse("corrupt", make_pdf()[:-200])  # no EOF marker: pypdf complains as it reads
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO] == []
    assert any("EOF marker not found" in r.getMessage() for r in caplog.records)


def test_library_warnings_while_reading_become_debug_records(caplog):
    caplog.set_level(logging.DEBUG, logger="matching.documents")
    feed = b'<?xml version="1.0"?>\n<rss><p>Security analyst resume</p></rss>'
    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter("always")
        document = read_document(feed, "feed.html")  # bs4: "XML parsed as HTML"
    assert document.text == "Security analyst resume"
    assert shown == []
    assert any("XMLParsedAsHTMLWarning" in r.getMessage() for r in caplog.records)


def test_the_readers_are_loaded_with_the_module_not_by_the_first_upload():
    """Two server threads importing pypdf and python-docx at the same moment crashed a worker."""
    probe = (
        "import sys, logging; import matching.documents; "
        "print(all(m in sys.modules for m in ('pypdf', 'docx.package', 'bs4')), "
        "bool(logging.getLogger('pypdf._reader').filters))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.stdout.split() == ["True", "True"], done.stderr


def test_overlapping_reads_in_two_threads_leave_the_warning_settings_as_they_were(monkeypatch):
    """The first reader in silences warnings, the last one out restores them, in any order."""
    read_bytes = documents._read_bytes
    gates = {name: (threading.Event(), threading.Event()) for name in ("first", "second")}

    def held(data, hint, limits):
        entered, leave = gates[data.decode()]
        entered.set()
        assert leave.wait(5)
        return read_bytes(RESUME.encode(), hint, limits)

    monkeypatch.setattr(documents, "_read_bytes", held)
    before = (warnings.showwarning, list(warnings.filters))
    threads = {
        name: threading.Thread(target=read_document, args=(name.encode(),)) for name in gates
    }
    for name in ("first", "second"):
        threads[name].start()
        assert gates[name][0].wait(5)
    for name in ("first", "second"):  # the first in leaves first
        gates[name][1].set()
        threads[name].join(5)
        if name == "first":
            assert warnings.showwarning is not before[0]  # the second is still reading
    assert (warnings.showwarning, list(warnings.filters)) == before
