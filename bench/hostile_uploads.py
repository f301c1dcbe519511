"""Benchmark: 1,000 hostile uploads posted to /match of a real gunicorn, alone and two at once.

Generates hostile files (truncated, garbled and header-only PDFs; PDFs with tens of thousands
of pages, a page tree or an object nested thousands deep, a content stream that inflates to
60 MB, passwords; zip-bombed, truncated, encrypted and malformed Word documents; legacy
Office files; images and programs under document names; binary junk, NULs, UTF-16, a
5 MB single line and invalid UTF-8 as .txt; empty files; oversized files of 6 and 30 MB;
filenames with control characters, path separators, quotes, line breaks and 5,000
characters; wrong content types; "keep my file" ticked on a third) from a fixed seed, plus
some ordinary resumes so that matches are stored. Then:

- seeds a scratch SQLite database with the catalog and the sample jobs (as the browser
  tests' live database) and fits the role model into a scratch cache the server shares;
- starts gunicorn with 2 workers on `app:create_app()`, through the repository's
  gunicorn.conf.py when there is one (`--config ''` for gunicorn's defaults: sync workers,
  a 30 s timeout);
- each client GETs /match for its CSRF token and session cookie, as a browser would, then
  posts the files as multipart forms (built by hand, so names and part headers can carry raw
  bytes); first one client posting every file in turn, then two clients at once, half each;
- reports, for each mode, the responses by HTTP status (and connection errors), the 5xx
  count, the elapsed time and latencies, the slowest kinds of file, lines the server wrote
  to its error log beyond gunicorn's own start-up lines, and the peak RSS (VmHWM from
  /proc) of the gunicorn master and of each worker.

    .venv/bin/python bench/hostile_uploads.py               # 1,000 files (2-3 min)
    .venv/bin/python bench/hostile_uploads.py -n 200 --keep

Exit status 1 when any response was a 5xx or a connection error.
"""

from __future__ import annotations

import argparse
import collections
import functools
import io
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import warnings
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
GUNICORN = Path(sys.executable).with_name("gunicorn")
PRODUCTION_CONFIG = REPO_ROOT / "gunicorn.conf.py"
MB = 1024 * 1024


# -- hostile files ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    kind: str
    filename: bytes  # raw, as it goes into the part header
    content_type: bytes
    data: bytes
    keep: bool


def raw_pdf(objects: dict[int, bytes], root: int = 1) -> bytes:
    """A PDF from numbered object bodies, with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    xref = len(out)
    size = max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        out += (
            b"%010d 00000 n \n" % offsets[number] if number in offsets else b"0000000000 65535 f \n"
        )
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, root, xref)
    return bytes(out)


def _text_stream(text: bytes) -> bytes:
    content = b"BT /F1 11 Tf 72 720 Td (" + text + b") Tj ET"
    return b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"


_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def many_pages_pdf(pages: int) -> bytes:
    objects = {1: b"<< /Type /Catalog /Pages 2 0 R >>", 3: _FONT, 4: _text_stream(b"Analyst")}
    kids = b" ".join(b"%d 0 R" % (10 + i) for i in range(pages))
    objects[2] = b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
    page += b"/Resources << /Font << /F1 3 0 R >> >> >>"
    for i in range(pages):
        objects[10 + i] = page
    return raw_pdf(objects)


def lying_count_pdf(count: int) -> bytes:
    """One page, but the page tree claims ``count``."""
    return raw_pdf(
        {
            1: b"<< /Type /Catalog /Pages 2 0 R >>",
            2: b"<< /Type /Pages /Kids [3 0 R] /Count %d >>" % count,
            3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            4: _text_stream(b"Security analyst with Splunk"),
            5: _FONT,
        }
    )


def deep_page_tree_pdf(depth: int) -> bytes:
    objects = {1: b"<< /Type /Catalog /Pages 10 0 R >>", 2: _text_stream(b"deep"), 3: _FONT}
    for level in range(depth):
        number = 10 + level
        objects[number] = b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % (number + 1)
    objects[10 + depth] = (
        b"<< /Type /Page /MediaBox [0 0 612 792] /Contents 2 0 R "
        b"/Resources << /Font << /F1 3 0 R >> >> >>"
    )
    return raw_pdf(objects)


def deep_object_pdf(depth: int, opener: bytes = b"[", closer: bytes = b"]") -> bytes:
    nested = opener * depth + closer * depth
    return raw_pdf(
        {
            1: b"<< /Type /Catalog /Pages 2 0 R >>",
            2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> /Annots " + nested + b" >>",
            4: _text_stream(b"Analyst"),
            5: _FONT,
        }
    )


def self_referencing_pdf() -> bytes:
    """A page tree whose node is its own kid."""
    return raw_pdf(
        {
            1: b"<< /Type /Catalog /Pages 2 0 R >>",
            2: b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
            3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
        }
    )


@functools.cache
def inflating_pdf(megabytes: int) -> bytes:
    """A page whose content stream deflates ~1000:1 (a decompression bomb)."""
    packed = zlib.compress(b"0 0 m " * (megabytes * MB // 6), 9)
    stream = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed)
    return raw_pdf(
        {
            1: b"<< /Type /Catalog /Pages 2 0 R >>",
            2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
            4: stream + packed + b"\nendstream",
        }
    )


def _docx_with(member: str, content: bytes) -> bytes:
    from tests.document_factory import make_docx, rezip

    return rezip(make_docx(), {member: content})


_W = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def deep_docx(depth: int) -> bytes:
    inner = b"<w:p><w:r><w:t>Incident response analyst</w:t></w:r></w:p>"
    body = b"<w:tbl><w:tr><w:tc>" * depth + inner + b"</w:tc></w:tr></w:tbl>" * depth
    return _docx_with(
        "word/document.xml", b"<w:document " + _W + b"><w:body>" + body + b"</w:body></w:document>"
    )


def laughs_docx() -> bytes:
    entities = b'<!ENTITY a "lol">' + b"".join(
        b'<!ENTITY %s "%s">' % (bytes([98 + i]), (b"&%s;" % bytes([97 + i])) * 10) for i in range(8)
    )
    xml = (
        b'<?xml version="1.0"?><!DOCTYPE w:document [' + entities + b"]><w:document " + _W
        + b"><w:body><w:p><w:r><w:t>&i;</w:t></w:r></w:p></w:body></w:document>"
    )  # fmt: skip
    return _docx_with("word/document.xml", xml)


def encrypted_flag_docx() -> bytes:
    """A Word document whose main part says it is encrypted (zipfile cannot write the flag)."""
    from tests.document_factory import make_docx

    data = bytearray(make_docx())
    at = data.find(b"PK\x01\x02")  # central directory entries: flags at +8, name at +46
    while at != -1:
        length = int.from_bytes(data[at + 28 : at + 30], "little")
        if data[at + 46 : at + 46 + length] == b"word/document.xml":
            data[at + 8] |= 0x1
        at = data.find(b"PK\x01\x02", at + 46)
    return bytes(data)


def duplicate_names_docx() -> bytes:
    from tests.document_factory import make_docx

    out = io.BytesIO(make_docx())
    with warnings.catch_warnings(), zipfile.ZipFile(out, "a") as archive:
        warnings.simplefilter("ignore")  # "Duplicate name": the point of this file
        archive.writestr("word/document.xml", b"<w:document " + _W + b"/>")
    return out.getvalue()


def many_members_zip(count: int) -> bytes:
    from tests.document_factory import make_zip

    return make_zip({"word/document.xml": b"<x/>", **{f"m/{i}": b"" for i in range(count)}})


def garble(data: bytes, rng: random.Random, flips: int) -> bytes:
    out = bytearray(data)
    for _ in range(flips):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


_ODD_NAMES = [
    b"r\xc3\xa9sum\xc3\xa9\x00evil",
    b"../../../../etc/passwd",
    b"..\\..\\windows\\system32\\resume",
    b"C:\\fakepath\\resume",
    b"a" * 5000,
    b"\xe2\x80\xaegpj.exe",  # right-to-left override
    b"resume\r\nContent-Type: text/html\r\n\r\n<script>",
    b"resume\x1b[31m\x7f\x08",
    b'res"ume',
    b"resume%00",
    b"\xf0\x9f\x98\x80",
    b"\xff\xfe\xfd",  # not UTF-8
    b" ",
    b"",
    b"CON",
    b"resume.exe",
    b"\t\x0b\x0c",
    b"%2e%2e%2fresume",
]
_ODD_TYPES = [
    b"application/octet-stream",
    b"application/x-msdownload",
    b"text/html",
    b"image/png",
    b"",
    b"application/pdf; charset=\x00",
    b"multipart/form-data; boundary=nested",
    b"text/plain; charset=utf-7",
    b"a" * 3000,
]


Make = Callable[[random.Random], tuple[bytes, bytes]]  # -> (the file, its extension)


def _builders() -> list[tuple[str, int, Make]]:
    """(kind, weight, make) for every kind of file."""
    from fpdf.enums import EncryptionMethod

    from tests.document_factory import (
        RESUME,
        cfb,
        make_docx,
        make_pdf,
        make_zip,
        png,
        with_app_pages,
        zip_bomb_docx,
    )
    from tests.seeker_docs import FORENSICS_RESUME, SOC_RESUME, docx_resume, pdf_resume

    pdf, docx, text = make_pdf(), make_docx(), RESUME.encode()
    bomb = functools.cache(zip_bomb_docx)
    big6 = b"%PDF-1.4\n" + b"0" * (6 * MB)
    big30 = b"%PDF-1.4\n" + b"0" * (30 * MB)
    line = (b"Splunk incident response analyst " * (5 * MB // 33))[: 5 * MB - 1000]
    aes = make_pdf(user_password="secret", encryption=EncryptionMethod.AES_256)

    def pdfs(make: Callable[[random.Random], bytes]) -> Make:
        return lambda rng: (make(rng), b".pdf")

    def docxs(make: Callable[[random.Random], bytes]) -> Make:
        return lambda rng: (make(rng), b".docx")

    def texts(make: Callable[[random.Random], bytes]) -> Make:
        return lambda rng: (make(rng), b".txt")

    def nested(rng: random.Random) -> bytes:
        brackets = rng.choice([(b"[", b"]"), (b"<<", b">>")])
        return deep_object_pdf(rng.randrange(10_000, 200_000), *brackets)

    def not_a_document(rng: random.Random) -> bytes:
        return rng.choice(
            [
                png(),
                b"MZ\x90\x00" + bytes(60) + rng.randbytes(2000),
                b"\x7fELF" + rng.randbytes(2000),
                b"\xff\xd8\xff\xe0" + rng.randbytes(3000),
            ]
        )

    def nuls(rng: random.Random) -> bytes:
        return rng.choice([bytes(rng.randrange(1, 100_000)), text.replace(b" ", b"\0")])

    def odd_encoding(rng: random.Random) -> bytes:
        return rng.choice(
            [
                RESUME.encode("utf-16-le"),
                RESUME.encode("utf-16"),
                b"\xed\xa0\x80" * 300 + text,  # encoded lone surrogates
                RESUME.encode("cp1252") + b"\x81\x8d\x8f",  # cp1252's undefined bytes
            ]
        )

    def controls(rng: random.Random) -> bytes:
        noise = "\u202e\u0007\u001b[2J\ufeff" * rng.choice([3, 20, 500])
        return (FORENSICS_RESUME + noise).encode()

    def hostile_html(rng: random.Random) -> bytes:
        return rng.choice(
            [
                b"<html><body>" + b"<div>" * 100_000 + b"Analyst",
                b'<?xml version="1.0"?><rss><p>' + text + b"</p></rss>",
                b"<html><script>" + b"x" * 100_000 + b"</script></html>",
            ]
        )

    broken_xml = b"<w:document " + _W + b"><w:body><w:p>"
    return [
        ("valid PDF resume", 40, pdfs(lambda rng: pdf_resume())),
        ("valid DOCX resume", 30, docxs(lambda rng: docx_resume())),
        ("valid text resume", 30, texts(lambda rng: SOC_RESUME.encode())),
        ("truncated PDF", 60, pdfs(lambda rng: pdf[: rng.randrange(9, len(pdf) - 1)])),
        ("garbled PDF", 60, pdfs(lambda rng: garble(pdf, rng, rng.randrange(1, 200)))),
        ("header-only PDF", 15, pdfs(lambda rng: b"%PDF-1.7\n%%EOF\n")),
        ("PDF header, random bytes", 25,
         pdfs(lambda rng: b"%PDF-1.4\n" + rng.randbytes(rng.randrange(10, 50_000)))),
        ("PDF of 500-20,000 pages", 20,
         pdfs(lambda rng: many_pages_pdf(rng.randrange(500, 20_000)))),
        ("PDF whose page count lies", 15,
         pdfs(lambda rng: lying_count_pdf(rng.choice([0, -1, 2**31 - 1, 10**30])))),
        ("PDF page tree 50-5,000 deep", 20,
         pdfs(lambda rng: deep_page_tree_pdf(rng.randrange(50, 5000)))),
        ("PDF object nested 10,000-200,000 deep", 20, pdfs(nested)),
        ("PDF page tree that loops", 10, pdfs(lambda rng: self_referencing_pdf())),
        ("PDF stream inflating to 60 MB", 15, pdfs(lambda rng: inflating_pdf(60))),
        ("PDF with a user password", 15, pdfs(lambda rng: make_pdf(user_password="secret"))),
        ("PDF, AES-256 password", 10, pdfs(lambda rng: aes)),
        ("PDF, owner password only", 10, pdfs(lambda rng: make_pdf(owner_password="x"))),
        ("image-only PDF", 10, pdfs(lambda rng: make_pdf([None], images=[0]))),
        ("zip-bombed DOCX", 20, docxs(lambda rng: bomb(rng.choice([1, 5, 10, 20])))),
        ("truncated DOCX", 30, docxs(lambda rng: docx[: rng.randrange(4, len(docx) - 1)])),
        ("garbled DOCX", 30, docxs(lambda rng: garble(docx, rng, rng.randrange(1, 100)))),
        ("DOCX with broken XML", 15,
         docxs(lambda rng: _docx_with("word/document.xml", broken_xml))),
        ("DOCX tables nested 10-300 deep", 15,
         docxs(lambda rng: deep_docx(rng.randrange(10, 300)))),
        ("DOCX with billion laughs", 10, docxs(lambda rng: laughs_docx())),
        ("DOCX flagged encrypted", 10, docxs(lambda rng: encrypted_flag_docx())),
        ("DOCX with duplicate parts", 10, docxs(lambda rng: duplicate_names_docx())),
        ("DOCX claiming 99,999 pages", 10, docxs(lambda rng: with_app_pages(docx, 99_999))),
        ("ZIP of 1,500 members", 10, docxs(lambda rng: many_members_zip(1500))),
        ("ZIP that is not Word", 10, docxs(lambda rng: make_zip({"xl/workbook.xml": b"<x/>"}))),
        ("legacy or encrypted Office", 15,
         docxs(lambda rng: cfb(rng.choice(["WordDocument", "EncryptedPackage", "Book"])))),
        ("image or program as .pdf", 20, pdfs(not_a_document)),
        ("PDF named .docx, DOCX named .txt", 20,
         lambda rng: rng.choice([(pdf, b".docx"), (docx, b".txt"), (pdf, b".txt")])),
        ("binary junk as .txt", 40, texts(lambda rng: rng.randbytes(rng.randrange(1, 200_000)))),
        ("NUL bytes as .txt", 20, texts(nuls)),
        ("UTF-16 and odd encodings", 15, texts(odd_encoding)),
        ("5 MB single line", 5, texts(lambda rng: line)),
        ("control characters and bidi text", 15, texts(controls)),
        ("hostile HTML", 15, texts(hostile_html)),
        ("empty file", 20, lambda rng: (b"", rng.choice([b".pdf", b".docx", b".txt"]))),
        ("oversized, 6 MB", 10, pdfs(lambda rng: big6)),
        ("oversized, 30 MB", 10, pdfs(lambda rng: big30)),
    ]  # fmt: skip


def generate(count: int, seed: int) -> list[Case]:
    rng = random.Random(seed)
    builders = _builders()
    weights = [weight for _, weight, _ in builders]
    cases = []
    for _ in range(count):
        kind, _, make = rng.choices(builders, weights)[0]
        data, extension = make(rng)
        name = b"resume" + extension
        content_type = {b".pdf": b"application/pdf", b".txt": b"text/plain"}.get(
            extension, b"application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        )
        if rng.random() < 0.3:
            odd = rng.choice(_ODD_NAMES)
            name = odd if rng.random() < 0.2 else odd + extension
        if rng.random() < 0.15:
            content_type = rng.choice(_ODD_TYPES)
        cases.append(Case(kind, name, content_type, data, rng.random() < 0.33))
    return cases


# -- the server -------------------------------------------------------------------------------


def seed_database(url: str, cache_dir: Path) -> None:
    from sqlalchemy.orm import sessionmaker

    from app import migrate
    from app.catalog.loader import load_catalog_into
    from app.db import make_engine, session_scope
    from app.services.ingest.samples import load_samples
    from app.services.matcher import classify_jobs, role_matcher

    data_dir = REPO_ROOT / "data"
    migrate.upgrade(url)
    engine = make_engine(url)
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    with session_scope(factory) as session:
        load_catalog_into(session, data_dir)
    load_samples(factory, data_dir / "samples")
    with session_scope(factory) as session:
        classify_jobs(session, role_matcher(session, cache_dir))  # also fits the cached model
    engine.dispose()


class Server:
    """gunicorn in a process group of its own; its log goes to a file we can read."""

    def __init__(
        self, scratch: Path, url: str, cache_dir: Path, workers: int, target: str, config: list[str]
    ):
        self.log_path = scratch / "gunicorn.log"
        self._log = self.log_path.open("wb")
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "SECRET_KEY": "hostile-uploads-bench",
            "PATHFINDER_ENV": "development",
            "MODEL_CACHE_DIR": str(cache_dir),
        }
        # Started elsewhere (--chdir to the repository), so gunicorn loads only the config given;
        # its error log and anything else the server prints go to one file, the access log to
        # another.
        self.process = subprocess.Popen(
            [str(GUNICORN), *config, "-w", str(workers), "-b", "127.0.0.1:0",
             "--no-control-socket", "--chdir", str(REPO_ROOT), "--error-logfile", "-",
             "--access-logfile", str(scratch / "access.log"), target],
            cwd=scratch, env=env, stdout=self._log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        self.peaks: dict[int, int] = {}  # pid -> VmHWM in kB
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self.port = self._wait()
        self._sampler.start()

    def _wait(self, seconds: float = 120) -> int:
        import requests

        deadline = time.monotonic() + seconds
        port = None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"gunicorn exited:\n{self.log()}")
            found = re.search(r"Listening at: http://[\d.]+:(\d+)", self.log())
            if found:
                port = int(found.group(1))
                try:
                    if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=30).ok:
                        return port
                except requests.RequestException:
                    pass
            time.sleep(0.3)
        sys.exit(f"gunicorn did not answer in {seconds} s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def pids(self) -> list[int]:
        master = self.process.pid
        workers = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                    workers.append(int(entry.name))
        return [master, *sorted(workers)]

    def _sample(self) -> None:
        while not self._stop.wait(0.25):
            for pid in self.pids():
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                found = re.search(r"VmHWM:\s+(\d+) kB", status)
                if found:
                    self.peaks[pid] = max(self.peaks.get(pid, 0), int(found.group(1)))

    def peak_summary(self) -> str:
        """VmHWM (a process's peak RSS) of the master and of every worker seen so far."""
        master = self.process.pid
        workers = [kb for pid, kb in sorted(self.peaks.items()) if pid != master]
        alive = len(self.pids()) - 1
        return (
            f"master {self.peaks.get(master, 0) / 1024:.0f} MiB; workers "
            + ", ".join(f"{kb / 1024:.0f} MiB" for kb in workers)
            + f" ({len(workers)} worker processes seen, {alive} running)"
        )

    def stop(self) -> None:
        self._stop.set()
        self._sampler.join(2)
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self._log.close()


# -- the clients ------------------------------------------------------------------------------

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
_ANSWERS = {
    **dict.fromkeys(
        ("student", "us_citizen", "veteran", "military_spouse", "federal", "sfs_scholar"), "skip"
    ),
    "remote": "any",
}


def multipart(case: Case, token: str, boundary: bytes) -> bytes:
    parts = [
        b'Content-Disposition: form-data; name="%s"\r\n\r\n%s' % (name.encode(), value.encode())
        for name, value in {"csrf_token": token, **_ANSWERS}.items()
    ]
    if case.keep:
        parts.append(b'Content-Disposition: form-data; name="keep_file"\r\n\r\ny')
    parts.append(
        b'Content-Disposition: form-data; name="resume"; filename="%s"\r\nContent-Type: %s\r\n\r\n'
        % (case.filename, case.content_type)
        + case.data
    )
    return b"".join(b"--" + boundary + b"\r\n" + part + b"\r\n" for part in parts) + (
        b"--" + boundary + b"--\r\n"
    )


@dataclass
class Outcome:
    case: Case
    status: str  # "303", "400", ... or "connection error"
    seconds: float
    detail: str = ""


class Client:
    """One browser: its own cookie jar and CSRF token from GET /match."""

    def __init__(self, base: str):
        import requests

        self.base = base
        self.session = requests.Session()
        page = self.session.get(f"{base}/match", timeout=60)
        page.raise_for_status()
        found = _CSRF.search(page.text)
        if not found:
            sys.exit("no CSRF token on /match")
        self.token = found.group(1) or found.group(2)

    def post(self, case: Case) -> Outcome:
        import requests

        boundary = b"----pathfinder-bench-%016x" % random.getrandbits(64)
        body = multipart(case, self.token, boundary)
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary.decode()}"}
        started = time.perf_counter()
        try:
            response = self.session.post(
                f"{self.base}/match", data=body, headers=headers, timeout=180, allow_redirects=False
            )
            return Outcome(case, str(response.status_code), time.perf_counter() - started)
        except requests.RequestException as exc:
            return Outcome(case, "connection error", time.perf_counter() - started, repr(exc)[:200])


def run_mode(base: str, cases: list[Case], clients: int, label: str) -> tuple[list[Outcome], float]:
    outcomes: list[Outcome] = []
    lock = threading.Lock()
    shares = [cases[i::clients] for i in range(clients)]
    browsers = [Client(base) for _ in range(clients)]
    started = time.perf_counter()

    def work(browser: Client, share: list[Case]) -> None:
        for case in share:
            outcome = browser.post(case)
            with lock:
                outcomes.append(outcome)
                done = len(outcomes)
            if done % 100 == 0 or done == len(cases):
                elapsed = time.perf_counter() - started
                counts = collections.Counter(o.status for o in outcomes)
                summary = ", ".join(f"{s}: {n}" for s, n in sorted(counts.items()))
                print(
                    f"  [{label}] {done}/{len(cases)} in {elapsed:.0f} s  ({summary})", flush=True
                )

    threads = [
        threading.Thread(target=work, args=pair) for pair in zip(browsers, shares, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes, time.perf_counter() - started


# -- report -----------------------------------------------------------------------------------

_GUNICORN_INFO = re.compile(r"^\[[^\]]+\] \[\d+\] \[INFO\] ")


def error_log_lines(text: str) -> list[str]:
    """What the server wrote beyond gunicorn's own [INFO] lines (start-up, worker boots)."""
    return [line for line in text.splitlines() if line.strip() and not _GUNICORN_INFO.match(line)]


def report(label: str, outcomes: list[Outcome], elapsed: float, log_lines: list[str]) -> int:
    counts = collections.Counter(o.status for o in outcomes)
    bad = [o for o in outcomes if o.status.startswith("5") or o.status == "connection error"]
    times = sorted(o.seconds for o in outcomes)
    print(
        f"\n{label}: {len(outcomes)} uploads in {elapsed:.1f} s ({len(outcomes) / elapsed:.1f}/s)"
    )
    print("  by status: " + ", ".join(f"{s} × {n}" for s, n in sorted(counts.items())))
    server_errors = sum(n for status, n in counts.items() if status.startswith("5"))
    print(f"  5xx: {server_errors}, connection errors: {counts.get('connection error', 0)}")
    p95 = times[int(len(times) * 0.95) - 1]
    print(
        f"  latency: median {statistics.median(times) * 1000:.0f} ms, "
        f"p95 {p95 * 1000:.0f} ms, max {times[-1]:.2f} s"
    )
    by_kind: dict[str, list[Outcome]] = collections.defaultdict(list)
    for outcome in outcomes:
        by_kind[outcome.case.kind].append(outcome)
    slowest = sorted(by_kind.items(), key=lambda item: -max(o.seconds for o in item[1]))[:5]
    print("  slowest kinds (max, mean):")
    for kind, found in slowest:
        longest = max(o.seconds for o in found)
        mean = statistics.mean(o.seconds for o in found)
        print(f"    {kind}: {longest:.2f} s, {mean:.2f} s over {len(found)}")
    print(f"  server error-log lines: {len(log_lines)}")
    for line in log_lines[:10]:
        print(f"    | {line[:160]}")
    for outcome in bad[:10]:
        case = outcome.case
        print(
            f"  FAILED {outcome.status}: {case.kind}, name {case.filename[:60]!r}, "
            f"{len(case.data)} bytes {outcome.detail}"
        )
    return len(bad)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("-n", type=int, default=1000, help="hostile files (default 1,000)")
    parser.add_argument("--seed", type=int, default=20261205)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--config",
        default=str(PRODUCTION_CONFIG) if PRODUCTION_CONFIG.exists() else "",
        help="gunicorn config file (default: the repository's gunicorn.conf.py; '' for none)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="pathfinder-hostile-"))
    url = f"sqlite:///{scratch / 'pathfinder.db'}"
    cache_dir = scratch / "models"
    print(f"scratch: {scratch}")
    started = time.perf_counter()
    cases = generate(args.n, args.seed)
    size = sum(len(c.data) for c in cases)
    kinds = len({c.kind for c in cases})
    print(
        f"generated {len(cases)} files ({size / MB:.0f} MB, {kinds} kinds) "
        f"in {time.perf_counter() - started:.1f} s"
    )
    started = time.perf_counter()
    seed_database(url, cache_dir)
    print(f"seeded the database and fitted the model in {time.perf_counter() - started:.1f} s")
    target = "app:create_app()"
    config = ["--config", args.config] if args.config else []
    server = Server(scratch, url, cache_dir, args.workers, target, config)
    base = f"http://127.0.0.1:{server.port}"
    print(f"gunicorn {' '.join(config)} -w {args.workers} serving {target} on {base}")
    failures = 0
    try:
        for label, clients in (("one client", 1), ("two clients at once", 2)):
            print(f"{label}:", flush=True)
            offset = len(server.log())
            outcomes, elapsed = run_mode(base, cases, clients, label)
            time.sleep(0.5)  # let the last lines reach the log
            failures += report(label, outcomes, elapsed, error_log_lines(server.log()[offset:]))
            print(f"  peak RSS so far: {server.peak_summary()}")
            print()
    finally:
        summary = server.peak_summary()
        server.stop()
        print(f"peak RSS over both modes: {summary}")
        if args.keep:
            print(f"kept {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    print(f"\n{'FAILED' if failures else 'OK'}: {failures} × 5xx or connection errors")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
