"""The built-in server's access log, without the secrets some addresses carry.

A match result (/match/results/<token>) and a personal calendar feed (/feeds/<token>.ics)
are reached by their link alone: a token in a log file is a key to a resume or to a
program office's saved opportunities. The filter rewrites those tokens in the records of
the "werkzeug" logger, which `pathfinder serve` and `flask run` write to; gunicorn, started
with the repository's `gunicorn.conf.py`, logs through `GunicornLogger`, which does the
same. A load balancer keeps its own access log: see README.md.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from gunicorn.glogging import Logger

SECRET_PATHS = re.compile(r"(/match/results/|/feeds/)[^/\s?#\"]+?(?=\.ics\b|[/\s?#\"]|$)")
REDACTED = "[redacted]"


class RedactSecretPaths(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = SECRET_PATHS.sub(rf"\g<1>{REDACTED}", message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


_FILTER = RedactSecretPaths()


def redact_access_log() -> None:
    """Install the filter once per process (adding the same filter twice is a no-op)."""
    logging.getLogger("werkzeug").addFilter(_FILTER)


class GunicornLogger(Logger):
    """gunicorn's access log with the tokens in result and feed addresses redacted."""

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms = super().atoms(resp, req, environ, request_time)
        for name in ("r", "U"):  # the request line and the path
            if isinstance(atoms.get(name), str):
                atoms[name] = SECRET_PATHS.sub(rf"\g<1>{REDACTED}", atoms[name])
        return atoms
