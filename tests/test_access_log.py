"""The built-in server's access log never holds a result link's or a feed's token."""

import logging

import pytest

from app.access_log import RedactSecretPaths

TOKEN = "WfyoC5Hu6xrE-8Z_abc"


def werkzeug_record(request_line: str) -> logging.LogRecord:
    # The shape werkzeug's request handler logs: the request line and status as arguments.
    return logging.LogRecord(
        "werkzeug", logging.INFO, __file__, 1,
        '127.0.0.1 - - [22/Nov/2026 05:05:49] "%s" %s %s', (request_line, "200", "-"), None,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        (f"/match/results/{TOKEN}", "/match/results/[redacted]"),
        (f"/match/results/{TOKEN}/file", "/match/results/[redacted]/file"),
        (f"/match/results/{TOKEN}?sort=deadline", "/match/results/[redacted]?sort=deadline"),
        (f"/feeds/{TOKEN}.ics", "/feeds/[redacted].ics"),
    ],
)
def test_tokens_in_secret_links_are_redacted(path, shown):
    record = werkzeug_record(f"GET {path} HTTP/1.1")
    assert RedactSecretPaths().filter(record) is True
    message = record.getMessage()
    assert TOKEN not in message
    assert f'"GET {shown} HTTP/1.1" 200 -' in message


def test_other_addresses_are_logged_as_they_were():
    record = werkzeug_record("GET /jobs/?q=incident+response HTTP/1.1")
    RedactSecretPaths().filter(record)
    assert record.args == ("GET /jobs/?q=incident+response HTTP/1.1", "200", "-")


def test_the_app_installs_the_filter_once(app):
    from app import create_app

    create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "t"})
    filters = logging.getLogger("werkzeug").filters
    assert sum(isinstance(f, RedactSecretPaths) for f in filters) == 1
