"""Reading uploaded resumes (and job postings) into plain text, safely.

Uploads are untrusted: the type is detected from the content (magic bytes), never from the
file name alone; archives are checked for zip bombs before anything unpacks them; and every
library failure becomes a :class:`DocumentError` whose message a job seeker can act on.

What the libraries say about a bad file (pypdf's "EOF marker not found" log records,
BeautifulSoup's warnings) is about the upload, not about us: it becomes debug records instead
of lines in the server's error log.

The returned :attr:`Document.text` is normalised once, here (Unicode NFKC, ``\\n`` line
breaks, single spaces, no control characters): skill spans found downstream are character
offsets into exactly this string, so nothing after this module should re-normalise it.
"""

from __future__ import annotations

import codecs
import importlib
import io
import logging
import math
import pkgutil
import posixpath
import re
import threading
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Final, Literal

# The readers are imported with this module, not on first use: two threads of one server
# process importing pypdf and python-docx (C extensions among them) for the first time at
# the same moment crashed the process (SIGSEGV in a gunicorn worker with threads).
from bs4 import BeautifulSoup, FeatureNotFound, Tag
from bs4.element import PreformattedString
from docx.oxml.parser import parse_xml
from docx.package import Package
from pypdf import PasswordType, PdfReader

__all__ = [
    "Document",
    "DocumentError",
    "DocumentLimits",
    "ErrorCode",
    "Kind",
    "read_document",
    "read_text",
]

Kind = Literal["pdf", "docx", "txt", "html"]
ErrorCode = Literal[
    "empty",
    "too_large",
    "unsupported_type",
    "corrupt",
    "encrypted",
    "image_only",
    "too_many_pages",
    "zip_bomb",
]


log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DocumentLimits:
    """Resource limits for one document; the defaults suit a resume or a job posting."""

    max_bytes: int = 5 * 1024 * 1024
    max_pages: int = 20
    max_decompressed_bytes: int = 50 * 1024 * 1024
    max_chars: int = 200_000
    # Below this many characters we warn ("little text could be read") instead of failing.
    min_chars: int = 200


@dataclass(frozen=True)
class Document:
    """Text read from a document, with what we learned about it on the way."""

    text: str
    kind: Kind
    pages: int | None
    warnings: tuple[str, ...] = ()

    @property
    def over_two_pages(self) -> bool:
        """USAJOBS rejects resumes longer than two pages (since 27 September 2025)."""
        return self.pages is not None and self.pages > 2


class DocumentError(Exception):
    """A document we cannot read; ``message`` is written for the job seeker."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code: ErrorCode = code
        self.message = message

    def __repr__(self) -> str:
        return f"DocumentError({self.code!r}, {self.message!r})"


# -- messages ---------------------------------------------------------------------------------

_WE_READ: Final = (
    "We can read PDF files, Word documents (.docx), web pages and plain text; "
    "you can also paste your resume as text."
)
_MSG_IMAGE_ONLY_PDF: Final = (
    "This PDF seems to be a scanned image: we could not find any text in it. Upload a PDF "
    "with selectable text, a Word document, or paste your resume as text."
)
_MSG_IMAGE_ONLY_DOCX: Final = (
    "This Word document seems to contain only pictures: we could not find any text in it. "
    "Upload a document with typed text, or paste your resume as text."
)
_MSG_PDF_PASSWORD: Final = (
    "This PDF is protected with a password, so we cannot read it. Save a copy without the "
    "password (for example with Print to PDF), upload a Word document, or paste your resume "
    "as text."
)
_MSG_PDF_CIPHER: Final = (
    "This PDF is protected with a kind of encryption we cannot open. Save a copy without "
    "protection (for example with Print to PDF), upload a Word document, or paste your "
    "resume as text."
)
_MSG_PDF_CORRUPT: Final = (
    "This PDF seems to be damaged, so we could not read it. Try saving or exporting it "
    "again, upload a Word document, or paste your resume as text."
)
_MSG_PDF_BOMB: Final = (
    "This PDF unpacks to far more data than a resume needs, so we did not read it. Try "
    "saving or exporting it again, upload a Word document, or paste your resume as text."
)
_MSG_DOCX_CORRUPT: Final = (
    "This Word document seems to be damaged, so we could not read it. Try saving it again "
    "from Word, upload a PDF, or paste your resume as text."
)
_MSG_DOCX_PASSWORD: Final = (
    "This Word document is protected with a password, so we cannot read it. Remove the "
    "password in Word (File, Info, Protect Document), upload a PDF, or paste your resume "
    "as text."
)
_MSG_CORRUPT: Final = (
    "We could not read this file: it seems to be damaged. Try saving it again, upload a "
    "different format, or paste your resume as text."
)


def _human_size(n: int) -> str:
    """Sizes as people say them; rounded up so a file just over the limit never looks equal."""
    if n < 1024:
        return f"{n} bytes"
    if n < 1024 * 1024:
        return f"{math.ceil(n / 1024)} KB"
    mb = math.ceil(n * 10 / (1024 * 1024)) / 10
    return f"{mb:g} MB"


def _pages_warning(pages: int | None) -> list[str]:
    if pages is not None and pages > 2:
        return [f"USAJOBS accepts resumes of at most 2 pages; this one has {pages}."]
    return []


# -- public API -------------------------------------------------------------------------------


def read_document(
    data: bytes,
    filename: str | None = None,
    content_type: str | None = None,
    limits: DocumentLimits = DocumentLimits(),  # frozen: sharing it is safe
) -> Document:
    """Read an uploaded file into normalised text.

    The type comes from the bytes themselves; ``filename`` and ``content_type`` only break
    ties (e.g. whether ``<p>`` at the top of a ``.txt`` file is markup). Raises
    :class:`DocumentError` and nothing else for any problem with the file.
    """
    data = bytes(data)
    try:
        with _library_warnings_to_debug():
            return _read_bytes(data, _hint(filename, content_type), limits)
    except DocumentError:
        raise
    except Exception as exc:  # last line of defence: a library choked on a hostile file
        raise DocumentError("corrupt", _MSG_CORRUPT) from exc


def read_text(
    text: str,
    limits: DocumentLimits = DocumentLimits(),  # frozen: sharing it is safe
) -> Document:
    """Read pasted text (kind ``"txt"``), normalised like an uploaded text file."""
    # Encoding is only worth doing when the text could be over the limit (UTF-8: <= 4 B/char).
    if len(text) * 4 > limits.max_bytes and len(text.encode("utf-8", "replace")) > limits.max_bytes:
        raise DocumentError(
            "too_large",
            f"This text is too long for us to read (the limit is {_human_size(limits.max_bytes)}). "
            "Paste just your resume.",
        )
    return _finish(
        text,
        "txt",
        None,
        [],
        limits,
        empty_message="There is no text to read: paste your resume and try again.",
    )


# -- what the libraries say ------------------------------------------------------------------


class _Demote(logging.Filter):
    """A library's records about a document, as debug records (dropped unless debug is on)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.DEBUG:
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return logging.getLogger(record.name).isEnabledFor(logging.DEBUG)


_DEMOTE: Final = _Demote()


def _demote_library_records(package: str) -> None:
    """Make every record the package's modules log a debug record.

    pypdf logs a warning for each defect it works around ("EOF marker not found") through the
    logger of the module that found it, and with no handler configured Python prints each one
    to stderr: the server's error log. Every pypdf record here comes from reading an upload,
    so none is news to an operator. Filters act only on the logger a record starts from, so
    each module's logger gets one (pypdf logs through ``getLogger(__name__)`` only).
    """
    library = importlib.import_module(package)
    # A subpackage that fails to import (an optional dependency) logs nothing: skip it.
    modules = pkgutil.walk_packages(library.__path__, f"{package}.", onerror=lambda name: None)
    names = [package, *(module.name for module in modules)]
    for name in names:
        logging.getLogger(name).addFilter(_DEMOTE)


_demote_library_records("pypdf")  # once, at import, for the same reason as the imports


def _warning_to_debug(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: Any = None,
    line: str | None = None,
) -> None:
    log.debug("%s while reading a document: %s", category.__name__, message)


_warnings_lock = threading.Lock()
_warnings_readers = 0
_warnings_saved: Any = None  # the catch_warnings that restores the settings afterwards


@contextmanager
def _library_warnings_to_debug() -> Iterator[None]:
    """Python warnings raised while a document is read become debug records.

    The warning settings are one per process, and ``warnings.catch_warnings`` entered and left
    by two threads out of order restores the wrong ones; so the first reader in changes them
    and the last one out restores them (another thread's warning meanwhile is demoted too).
    Every warning is let through to the debug log ("always"): a filter turning warnings into
    errors must not make a readable file unreadable.
    """
    global _warnings_readers, _warnings_saved
    with _warnings_lock:
        if _warnings_readers == 0:
            saved = warnings.catch_warnings()
            saved.__enter__()
            warnings.simplefilter("always")
            warnings.showwarning = _warning_to_debug
            _warnings_saved = saved
        _warnings_readers += 1
    try:
        yield
    finally:
        with _warnings_lock:
            _warnings_readers -= 1
            if _warnings_readers == 0:
                _warnings_saved.__exit__(None, None, None)
                _warnings_saved = None


# -- detection --------------------------------------------------------------------------------

_EXT_HINTS: Final[dict[str, Kind]] = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".docm": "docx",
    ".dotx": "docx",
    ".txt": "txt",
    ".text": "txt",
    ".md": "txt",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
}
_TYPE_HINTS: Final[dict[str, Kind]] = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "text/plain": "txt",
    "text/markdown": "txt",
    "text/html": "html",
    "application/xhtml+xml": "html",
}


@dataclass(frozen=True)
class _Hint:
    """What the uploader claimed; used only to break ties and to phrase messages."""

    kind: Kind | None
    ext: str | None


def _hint(filename: str | None, content_type: str | None) -> _Hint:
    ext = None
    if filename:
        # Some browsers send a Windows path; only the last component's suffix matters.
        ext = posixpath.splitext(filename.replace("\\", "/"))[1].lower() or None
    kind = _EXT_HINTS.get(ext or "")
    if kind is None and content_type:
        kind = _TYPE_HINTS.get(content_type.split(";")[0].strip().lower())
    return _Hint(kind, ext)


# (magic prefix, what it is in plain words). Order matters only where prefixes overlap.
_SIGNATURES: Final[tuple[tuple[bytes, str], ...]] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\x7fELF", "a program (executable file)"),
    (b"\xcf\xfa\xed\xfe", "a program (executable file)"),
    (b"\xfe\xed\xfa\xcf", "a program (executable file)"),
    (b"\xca\xfe\xba\xbe", "a program (executable file)"),
    (b"{\\rtf", "a Rich Text (.rtf) document; save it as .docx or PDF and upload that"),
    (b"\x1f\x8b", "a compressed (.gz) archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"%!PS", "a PostScript file"),
    (b"OggS", "an audio or video file"),
    (b"ID3", "an audio file"),
)
_CFB_MAGIC: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE2: legacy Office, encrypted Office
_ZIP_MAGICS: Final = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")


def _binary_kind(data: bytes) -> str | None:
    """Name a well-known non-document format, or None."""
    for magic, what in _SIGNATURES:
        if data.startswith(magic):
            return what
    # "MZ" alone could start a text file ("MZ Consulting"); real programs carry NULs early.
    if data.startswith(b"MZ") and b"\x00" in data[:64]:
        return "a Windows program (.exe)"
    if data[4:8] == b"ftyp":
        brand = data[8:12]
        if brand in (b"heic", b"heix", b"mif1", b"msf1", b"hevc"):
            return "a HEIC photo"
        if brand in (b"avif", b"avis"):
            return "an AVIF image"
        return "a video or audio file"
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "a WebP image"
    if data.startswith(b"RIFF"):
        return "an audio or video file"
    return None


def _unsupported(what: str, hint: _Hint) -> DocumentError:
    if hint.ext:
        lead = f"This file is named {hint.ext}, but it is actually {what}."
    else:
        lead = f"This file is {what}, not a document we can read."
    return DocumentError("unsupported_type", f"{lead} {_WE_READ}")


_KIND_LABELS: Final[dict[Kind, str]] = {
    "pdf": "a PDF",
    "docx": "a Word document",
    "txt": "plain text",
    "html": "a web page",
}


def _mismatch_warning(kind: Kind, hint: _Hint) -> list[str]:
    """Tell the user when we read a file as something other than its name says."""
    if hint.ext and hint.kind and hint.kind != kind:
        what = _KIND_LABELS[kind]
        return [f"This file is named {hint.ext} but contains {what}, so we read it as such."]
    return []


def _read_bytes(data: bytes, hint: _Hint, limits: DocumentLimits) -> Document:
    if not data:
        raise DocumentError("empty", "This file is empty. Choose your resume file and try again.")
    if len(data) > limits.max_bytes:
        raise DocumentError(
            "too_large",
            f"This file is {_human_size(len(data))}; the limit is "
            f"{_human_size(limits.max_bytes)}. Upload a smaller file (for example a PDF "
            "without large pictures), or paste your resume as text.",
        )
    # The PDF spec lets the header sit anywhere in the first 1024 bytes.
    if data.find(b"%PDF-", 0, 1024) != -1:
        return _read_pdf(data, hint, limits)
    if data[:4] in _ZIP_MAGICS:
        return _read_docx(data, hint, limits)
    if data.startswith(_CFB_MAGIC):
        raise _cfb_error(data, hint)
    what = _binary_kind(data)
    if what is not None:
        raise _unsupported(what, hint)
    text = _decode(data, hint)
    kind: Kind = "html" if _looks_like_html(text, hint) else "txt"
    warnings = _mismatch_warning(kind, hint)
    raw = _html_to_text(text) if kind == "html" else text
    return _finish(raw, kind, None, warnings, limits, empty_message=_EMPTY_TEXT)


_EMPTY_TEXT: Final = "This file has no text in it. Choose your resume file and try again."


def _cfb_error(data: bytes, hint: _Hint) -> DocumentError:
    """Old-style Office container: either an encrypted .docx or a legacy .doc/.xls/.ppt."""
    if "EncryptedPackage".encode("utf-16-le") in data:
        return DocumentError("encrypted", _MSG_DOCX_PASSWORD)
    if "WordDocument".encode("utf-16-le") in data:
        what = "an older Word document (.doc); open it in Word and save it as .docx or PDF"
    else:
        what = "an older Microsoft Office file"
    return _unsupported(what, hint)


# -- text decoding ----------------------------------------------------------------------------

_BOMS: Final = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),  # before UTF-16 LE: its BOM is a prefix of this one
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_META_CHARSET: Final = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)
_ALLOWED_CC: Final = frozenset("\t\n\r\x0b\x0c")


def _decode(data: bytes, hint: _Hint) -> str:
    """Bytes to str: BOM, then BOM-less UTF-16, then a declared HTML charset, UTF-8, cp1252."""
    text = None
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = data[len(bom) :].decode(encoding, errors="replace")
            break
    if text is None:
        text = _decode_utf16_guess(data)
    if text is None:
        text = _decode_8bit(data)
    sample = text[:8192]
    controls = sum(1 for c in sample if c < " " and c not in _ALLOWED_CC)
    # Text has at most a stray control character; binary data decodes to ~10% of them.
    if sample and controls / len(sample) > 0.05:
        raise _unsupported("an unrecognised binary file", hint)
    return text


def _decode_utf16_guess(data: bytes) -> str | None:
    """UTF-16 without a BOM: mostly-ASCII text leaves NULs in every other byte."""
    sample = data[:4096]
    half = len(sample) // 2
    if half < 2:
        return None
    even = sum(1 for b in sample[0::2] if b == 0) / half
    odd = sum(1 for b in sample[1::2] if b == 0) / half
    for encoding, nuls, other in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if nuls > 0.3 and other < 0.05:
            try:
                return data[: len(data) - len(data) % 2].decode(encoding)
            except UnicodeDecodeError:
                return None
    return None


def _declared_charset(data: bytes) -> str | None:
    """An HTML <meta> charset, mapped the way browsers do (WHATWG Encoding), or None."""
    match = _META_CHARSET.search(data[:2048])
    if not match:
        return None
    try:
        info = codecs.lookup(match.group(1).decode("ascii"))
    except LookupError:
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name.startswith(("utf-16", "utf-32")):
        return None  # bytes-to-bytes codecs are not charsets; a UTF-16 meta means UTF-8
    # Browsers read "latin-1" and "ascii" pages as windows-1252, and so do the pages' authors.
    return "cp1252" if info.name in ("latin-1", "iso8859-1", "ascii") else info.name


def _decode_8bit(data: bytes) -> str:
    declared = _declared_charset(data)
    if declared:
        try:
            return data.decode(declared)
        except UnicodeDecodeError:
            pass  # a wrong declaration: fall back to guessing
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # cp1252 is what Windows editors write; its five undefined bytes become U+FFFD.
        return data.decode("cp1252", errors="replace")


# -- HTML -------------------------------------------------------------------------------------

_HTML_STRONG: Final = re.compile(r"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]", re.I)
_HTML_WEAK: Final = re.compile(
    r"\s*(?:<!--|<(?:p|div|h[1-6]|table|ul|ol|li|br|a|b|i|span|font|title|script|style|"
    r"section|article|header|main|meta)[\s/>])",
    re.I,
)
_ANY_TAG: Final = re.compile(r"<[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")
_DROP_TAGS: Final = frozenset(
    [
        "script",
        "style",
        "noscript",
        "template",
        "head",
        "svg",
        "math",
        "iframe",
        "object",
        "embed",
        "canvas",
    ]
)
_BLOCK_TAGS: Final = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "caption",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "legend",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "td",
        "th",
        "tr",
        "ul",
    ]
)
_HTML_SPACE: Final = re.compile(r"\s+")
_BLOCK_MARK: Final = "\x1e"  # a control character, so it cannot survive from the source
_BLOCK_BOUNDARY: Final = re.compile(r"[ \t\n]*\x1e[\s\x1e]*")


def _looks_like_html(text: str, hint: _Hint) -> bool:
    head = text[:1024]
    if _HTML_STRONG.search(head):
        return True
    # A leading tag is markup unless the uploader said it was plain text (a .txt about HTML).
    if _HTML_WEAK.match(head):
        return hint.kind != "txt"
    return hint.kind == "html" and _ANY_TAG.search(text[:20_000]) is not None


def _html_to_text(markup: str) -> str:
    """Visible text with a line break between blocks; source whitespace is not layout."""
    markup = markup.replace("\x00", "").replace(_BLOCK_MARK, "")
    try:
        soup = BeautifulSoup(markup, "lxml")  # lxml comes with python-docx and is ~2x faster
    except FeatureNotFound:
        soup = BeautifulSoup(markup, "html.parser")
    # One read-only pass with an explicit stack: mutating the soup (replace_with, insert_*)
    # is quadratic in the number of siblings, and recursion fails on deeply nested markup.
    out: list[str] = []
    stack: list[tuple[Any, bool]] = [(soup, False)]
    while stack:
        node, pre = stack.pop()
        if node is None:
            out.append(_BLOCK_MARK)  # end of a block
        elif isinstance(node, Tag):
            name = node.name
            if name in _DROP_TAGS:
                continue
            if name == "br":
                out.append("\n")
                continue
            if name in _BLOCK_TAGS:
                out.append(_BLOCK_MARK)
                stack.append((None, pre))
            inner = pre or name in ("pre", "textarea")
            stack.extend((child, inner) for child in reversed(node.contents))
        elif not isinstance(node, PreformattedString):  # comments, doctype, CDATA, <?pi?>
            out.append(str(node) if pre else _HTML_SPACE.sub(" ", node))
    # Nested and adjacent blocks leave several marks (and source spaces) in a row: one
    # boundary is one line break, so <p>s do not end up separated by blank lines.
    return _BLOCK_BOUNDARY.sub("\n", "".join(out))


# -- PDF --------------------------------------------------------------------------------------

# Content-stream operators that paint something other than text (paths, shadings, images).
_PAINT_OPS: Final = frozenset(
    {b"S", b"s", b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*", b"sh", b"Do", b"BI"}
)


def _read_pdf(data: bytes, hint: _Hint, limits: DocumentLimits) -> Document:
    reader, page_count = _open_pdf(data, limits)
    texts, picture_pages, marked_pages = _pdf_text(reader, limits)
    if not texts:
        if marked_pages:
            raise DocumentError("image_only", _MSG_IMAGE_ONLY_PDF)
        raise DocumentError(
            "empty",
            "This PDF has no text in it: its pages seem to be blank. Choose your resume file "
            "and try again.",
        )
    warnings = _mismatch_warning("pdf", hint)
    if picture_pages:
        warnings.append(
            f"{picture_pages} of {page_count} pages seem to be scanned images; we could not "
            "read any text on them."
        )
    warnings += _pages_warning(page_count)
    # Pages are separated by a blank line so the last line of one never runs into the next.
    return _finish("\n\n".join(texts), "pdf", page_count, warnings, limits, _EMPTY_TEXT)


def _open_pdf(data: bytes, limits: DocumentLimits) -> tuple[Any, int]:
    """A pypdf reader, decrypted if it only has an empty password, and its page count."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
    except Exception as exc:
        raise DocumentError("corrupt", _MSG_PDF_CORRUPT) from exc
    if encrypted:
        # Many PDFs are "encrypted" only to restrict printing or copying, with an empty user
        # password; viewers open them silently, so we do too.
        try:
            opened = reader.decrypt("") != PasswordType.NOT_DECRYPTED
        except Exception as exc:
            # An encryption pypdf cannot open (an unknown handler, a broken encryption
            # dictionary; AES comes with the `cryptography` dependency): say what we can.
            raise DocumentError("encrypted", _MSG_PDF_CIPHER) from exc
        if not opened:
            raise DocumentError("encrypted", _MSG_PDF_PASSWORD)
    try:
        page_count = len(reader.pages)
    except Exception as exc:
        raise DocumentError("corrupt", _MSG_PDF_CORRUPT) from exc
    if page_count == 0:
        raise DocumentError(
            "empty", "This PDF has no pages. Choose your resume file and try again."
        )
    if page_count > limits.max_pages:
        raise DocumentError(
            "too_many_pages",
            f"This PDF has {page_count} pages; we read at most {limits.max_pages}. Upload a "
            "shorter document (USAJOBS accepts resumes of at most 2 pages), or paste your "
            "resume as text.",
        )
    return reader, page_count


def _pdf_text(reader: Any, limits: DocumentLimits) -> tuple[list[str], int, int]:
    """Each page's text, and how many textless pages hold pictures or any marks."""
    texts: list[str] = []
    picture_pages = 0
    marked_pages = 0
    total = 0
    unpacked = 0
    try:
        for page in reader.pages:
            contents = page.get_contents()
            stream = contents.get_data() if contents is not None else b""
            # pypdf caps each stream at 75 MB, but parsing that much content in pure Python
            # takes minutes: a budget for the whole document keeps a hostile PDF cheap.
            unpacked += len(stream)
            if unpacked > limits.max_decompressed_bytes:
                raise DocumentError("zip_bomb", _MSG_PDF_BOMB)
            text = page.extract_text() or ""
            if text.strip():
                texts.append(text)
                total += len(text)
                # Enough for max_chars even after whitespace collapses; stop paying for more.
                if total > 4 * limits.max_chars:
                    break
                continue
            has_images, has_marks = _page_marks(page, stream)
            picture_pages += has_images
            marked_pages += has_marks or has_images
    except DocumentError:
        raise
    except Exception as exc:
        raise DocumentError("corrupt", _MSG_PDF_CORRUPT) from exc
    return texts, picture_pages, marked_pages


def _page_marks(page: Any, stream: bytes) -> tuple[bool, bool]:
    """(has images, paints anything) for a page with no extractable text."""
    has_images = _resources_have_images(page.get("/Resources"), depth=0, seen=set())
    ops = set(stream.split())
    has_images = has_images or b"BI" in ops  # inline image
    return has_images, bool(ops & _PAINT_OPS)


def _resources_have_images(resources: Any, depth: int, seen: set[int]) -> bool:
    """Look for image XObjects, following form XObjects a few levels (they nest images)."""
    if resources is None or depth > 5:
        return False
    resources = resources.get_object()
    xobjects = resources.get("/XObject") if hasattr(resources, "get") else None
    if xobjects is None:
        return False
    xobjects = xobjects.get_object()
    for ref in xobjects.values():
        obj = ref.get_object()
        if id(obj) in seen or not hasattr(obj, "get"):
            continue
        seen.add(id(obj))
        subtype = obj.get("/Subtype")
        if subtype == "/Image":
            return True
        if subtype == "/Form" and _resources_have_images(obj.get("/Resources"), depth + 1, seen):
            return True
    return False


# -- DOCX -------------------------------------------------------------------------------------

_MAX_ZIP_MEMBERS: Final = 1000
_MAX_RATIO: Final = 100
# Small, repetitive XML parts legitimately compress beyond 100:1; below this size the
# expansion cannot hurt, so the ratio test is only applied to members larger than this.
_RATIO_FLOOR: Final = 64 * 1024

_W: Final = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC: Final = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_M: Final = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"
_R_ID: Final = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_APP_PAGES: Final = re.compile(rb"<(?:\w+:)?Pages>\s*(\d+)\s*</(?:\w+:)?Pages>")


def _read_docx(data: bytes, hint: _Hint, limits: DocumentLimits) -> Document:
    pages, has_media = _check_zip(data, hint, limits)

    try:
        # Package.open rather than docx.Document: it also accepts .docm/.dotx, whose main
        # part has a different content type but the same XML (we never run macros).
        package = Package.open(io.BytesIO(data))
        main = package.main_document_part
        root = _part_element(main, parse_xml)
        body = root.find(f"{_W}body")
        if body is None:
            raise ValueError("no w:body")
        header_ids, footer_ids = _header_footer_ids(root)
        lines: list[str] = []
        seen: set[str] = set()
        # Headers (usually the name and contact line) first, then the body, then footers.
        for rel_id in header_ids:
            _extend_part(lines, seen, main, rel_id, parse_xml)
        _blocks(body, lines)
        for rel_id in footer_ids:
            _extend_part(lines, seen, main, rel_id, parse_xml)
    except Exception as exc:
        raise DocumentError("corrupt", _MSG_DOCX_CORRUPT) from exc

    raw = "\n".join(lines)
    if not raw.strip():
        if has_media:
            raise DocumentError("image_only", _MSG_IMAGE_ONLY_DOCX)
        raise DocumentError(
            "empty",
            "This Word document has no text in it. Choose your resume file and try again.",
        )
    warnings = _mismatch_warning("docx", hint) + _pages_warning(pages)
    return _finish(raw, "docx", pages, warnings, limits, _EMPTY_TEXT)


def _check_zip(data: bytes, hint: _Hint, limits: DocumentLimits) -> tuple[int | None, bool]:
    """Vet the archive from its directory before anything decompresses it.

    Declared sizes can be trusted as upper bounds because zipfile (which python-docx also
    uses) stops decompressing a member at its declared size and checks its CRC.
    Returns (page count from docProps/app.xml or None, whether word/media has files).
    """
    bomb = DocumentError(
        "zip_bomb",
        "This file unpacks to far more data than a resume needs, so we did not open it. Save "
        "it again from Word, upload a PDF, or paste your resume as text.",
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > _MAX_ZIP_MEMBERS:
                raise bomb
            total = 0
            for info in infos:
                total += info.file_size
                if info.file_size > _RATIO_FLOOR and info.file_size > _MAX_RATIO * max(
                    info.compress_size, 1
                ):
                    raise bomb
            if total > limits.max_decompressed_bytes:
                raise bomb
            names = {info.filename for info in infos}
            if len(names) != len(infos):
                raise DocumentError("corrupt", _MSG_DOCX_CORRUPT)  # ambiguous duplicate names
            if "word/document.xml" not in names:
                raise _unsupported(_zip_kind(archive, names), hint)
            if any(info.flag_bits & 0x1 for info in infos):
                raise DocumentError("encrypted", _MSG_DOCX_PASSWORD)
            pages = None
            if "docProps/app.xml" in names:
                match = _APP_PAGES.search(archive.read("docProps/app.xml"))
                pages = int(match.group(1)) if match and int(match.group(1)) > 0 else None
            has_media = any(name.startswith("word/media/") for name in names)
            return pages, has_media
    except DocumentError:
        raise
    except Exception as exc:  # BadZipFile, unsupported compression, truncated data...
        raise DocumentError("corrupt", _MSG_DOCX_CORRUPT) from exc


def _zip_kind(archive: zipfile.ZipFile, names: set[str]) -> str:
    """Name a ZIP-based file that is not a Word document."""
    if "xl/workbook.xml" in names:
        return "an Excel spreadsheet"
    if "ppt/presentation.xml" in names:
        return "a PowerPoint presentation"
    if "mimetype" in names and archive.getinfo("mimetype").file_size < 200:
        mimetype = archive.read("mimetype")
        if b"opendocument.text" in mimetype:
            return "an OpenDocument text file (.odt); save it as .docx or PDF and upload that"
        if b"epub" in mimetype:
            return "an e-book (.epub)"
    return "a ZIP archive, not a Word document"


def _part_element(part: Any, parse_xml: Any) -> Any:
    element = getattr(part, "element", None)
    return element if element is not None else parse_xml(part.blob)


def _header_footer_ids(root: Any) -> tuple[list[str], list[str]]:
    """Header and footer relationship ids in section order, without repeats."""
    headers: list[str] = []
    footers: list[str] = []
    for ref in root.iter(f"{_W}headerReference", f"{_W}footerReference"):
        target = headers if ref.tag == f"{_W}headerReference" else footers
        rel_id = ref.get(_R_ID)
        if rel_id and rel_id not in target:
            target.append(rel_id)
    return headers, footers


def _extend_part(lines: list[str], seen: set[str], main: Any, rel_id: str, parse_xml: Any) -> None:
    """Add a header/footer's lines, once: first-page and default headers often repeat."""
    rel = main.rels.get(rel_id)
    if rel is None or rel.is_external:
        return
    part_lines: list[str] = []
    _blocks(_part_element(rel.target_part, parse_xml), part_lines)
    key = "\n".join(part_lines).strip()
    if key and key not in seen:
        seen.add(key)
        lines.extend(part_lines)


# Elements whose block children (paragraphs, tables) we read, in order.
_CONTAINERS: Final = frozenset(
    f"{_W}{name}"
    for name in (
        "body",
        "tbl",
        "tr",
        "tc",
        "sdt",
        "sdtContent",
        "customXml",
        "ins",
        "moveTo",
        "smartTag",
        "txbxContent",
        "hdr",
        "ftr",
    )
) | {f"{_MC}AlternateContent", f"{_MC}Choice"}
# Inside a paragraph: content that Word does not show (deleted, moved away, fallbacks that
# duplicate an mc:Choice, field instructions live in w:instrText which we never read).
_SKIP_INLINE: Final = frozenset({f"{_W}del", f"{_W}moveFrom", f"{_MC}Fallback", f"{_W}rPr"})


def _blocks(container: Any, out: list[str]) -> None:
    """Append the text of each paragraph under ``container`` as its own line, in order.

    Every table cell paragraph is its own line so phrases never join across cells.
    """
    for child in container:
        tag = child.tag
        if tag == f"{_W}p":
            _paragraph(child, out)
        elif tag in _CONTAINERS:
            _blocks(child, out)


def _paragraph(p: Any, out: list[str]) -> None:
    parts: list[str] = []
    boxes: list[Any] = []
    _inline(p, parts, boxes)
    out.append("".join(parts))
    # Text boxes are anchored in a paragraph; read them right after it, as their own lines.
    for box in boxes:
        _blocks(box, out)


def _inline(element: Any, parts: list[str], boxes: list[Any]) -> None:
    for child in element:
        tag = child.tag
        if tag in (f"{_W}t", f"{_M}t"):
            parts.append(child.text or "")
        elif tag in (f"{_W}tab", f"{_W}ptab"):
            parts.append("\t")
        elif tag in (f"{_W}br", f"{_W}cr"):
            parts.append("\n")
        elif tag == f"{_W}noBreakHyphen":
            parts.append("-")
        elif tag == f"{_W}txbxContent":
            boxes.append(child)
        elif tag in _SKIP_INLINE or (tag == f"{_W}r" and _hidden(child)):
            continue
        elif isinstance(tag, str):  # skips comments and processing instructions
            _inline(child, parts, boxes)


def _hidden(run: Any) -> bool:
    """A run formatted as hidden text (w:vanish): Word does not show or print it."""
    props = run.find(f"{_W}rPr")
    vanish = props.find(f"{_W}vanish") if props is not None else None
    if vanish is None:
        return False
    return vanish.get(f"{_W}val", "true") not in ("0", "false", "off")


# -- normalisation ----------------------------------------------------------------------------


def _translation() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for code in (*range(0x00, 0x20), *range(0x7F, 0xA0)):
        table[code] = None  # control characters carry no text
    table[ord("\t")] = " "
    for code in (0x0B, 0x0C, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029):
        table[code] = "\n"  # vertical tab (Word line break), form feed (page), separators
    table[ord("\n")] = "\n"
    for code in (0x00A0, 0x1680, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000):
        table[code] = " "
    # Invisible characters that would split words: soft hyphen, zero-width space, word
    # joiner, BOM, direction marks, invisible math operators.
    for code in (0x00AD, 0x200B, 0x200E, 0x200F, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0xFEFF):
        table[code] = None
    return table


_TRANSLATION: Final = _translation()
_SURROGATES: Final = re.compile("[\ud800-\udfff]")
# Private-use code points are icon-font glyphs (phone, envelope) in PDFs: a space, not a letter.
_PRIVATE_USE: Final = re.compile("[\ue000-\uf8ff\U000f0000-\U0010ffff]")
_SPACES: Final = re.compile(r" {2,}")
_LINE_EDGES: Final = re.compile(r" *\n *")
_BLANK_LINES: Final = re.compile(r"\n{3,}")


def _normalise(text: str) -> str:
    """One canonical form: NFKC (ligatures like "ﬁ" become "fi"), ``\\n`` line breaks, single
    spaces, at most one blank line in a row, no control or invisible characters."""
    text = _SURROGATES.sub("", text)  # lone surrogates cannot be stored or encoded
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFKC", text)
    text = _PRIVATE_USE.sub(" ", text.translate(_TRANSLATION))
    text = _SPACES.sub(" ", text)
    text = _LINE_EDGES.sub("\n", text)
    text = _BLANK_LINES.sub("\n\n", text)
    return text.strip()


def _finish(
    raw: str,
    kind: Kind,
    pages: int | None,
    warnings: Iterable[str],
    limits: DocumentLimits,
    empty_message: str,
) -> Document:
    """Normalise, enforce the character limits and build the Document."""
    notes = list(warnings)
    text = _normalise(raw)
    if not text:
        raise DocumentError("empty", empty_message)
    if len(text) > limits.max_chars:
        text = text[: limits.max_chars].rstrip()
        notes.append(
            f"This document is long, so we read only its first {limits.max_chars:,} characters."
        )
    elif len(text) < limits.min_chars and kind in ("pdf", "docx"):
        notes.append(
            f"We could read only a little text ({len(text)} characters). If your document has "
            "more, parts of it may be pictures: upload a PDF with selectable text or a Word "
            "document, or paste your resume as text."
        )
    elif len(text) < limits.min_chars:
        notes.append(
            f"We could read only a little text ({len(text)} characters); a fuller resume "
            "gives better matches."
        )
    return Document(text=text, kind=kind, pages=pages, warnings=tuple(notes))
