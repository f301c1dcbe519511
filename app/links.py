"""Absolute links: where the links in e-mails, calendar files and feed addresses start.

`PUBLIC_BASE_URL`, when set, always wins. When it is unset:

- a link given back to the one who asked (a calendar file, a feed address, an API answer)
  starts with the address the request came to, so `make run PORT=5101` links to port 5101
  and a load balancer's name (with `TRUSTED_PROXY_HOPS`) comes through;
- a link in an e-mail starts with the address this process serves (`SERVED_BASE_URL`, set
  by `pathfinder serve` from its --host/--port and by gunicorn.conf.py from its bind), and
  outside a served process (cron's `pathfinder alerts send`) with that setting's default.
  Never with the request's Host: anyone can send any Host, and a reset link mailed to
  someone else must not point where the sender of the request chose.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import current_app, has_request_context, request, url_for

# Addresses a server listens on that no link can name: the link names this machine instead.
_ANY_ADDRESS = {"", "0.0.0.0", "::", "[::]", "*"}


def served_base_url(host: str, port: int) -> str:
    """The base URL of a plain-HTTP server on `host`:`port` ("http://127.0.0.1:5101")."""
    host = host.strip()
    if host in _ANY_ADDRESS:
        host = "127.0.0.1"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 address
    return f"http://{host}:{port}"


def bind_base_url(bind: str) -> str | None:
    """The base URL of a gunicorn bind ("HOST:PORT"); None for a Unix socket or a bad bind."""
    bind = bind.strip()
    if bind.startswith(("unix:", "fd://")):
        return None
    host, sep, port = bind.rpartition(":")
    if not sep:
        host, port = bind, "8000"  # gunicorn's default port
    if not (port.isascii() and port.isdigit()):
        return None
    return served_base_url(host, int(port))


def mail_base_url(config: Mapping[str, Any]) -> str:
    """The base of links in e-mails: PUBLIC_BASE_URL, else the address this process serves."""
    return str(config.get("PUBLIC_BASE_URL") or config["SERVED_BASE_URL"]).rstrip("/")


def _configured_base() -> str:
    """PUBLIC_BASE_URL without its trailing slash ("" when unset)."""
    return str(current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")


def request_base_url() -> str:
    """The base of links given back to the requester: PUBLIC_BASE_URL, else the request's."""
    configured = _configured_base()
    if configured:
        return configured
    if has_request_context():
        return request.url_root.rstrip("/")
    return mail_base_url(current_app.config)


def external_url(endpoint: str, **values: Any) -> str:
    """`url_for(endpoint)` as an absolute link given back to the requester."""
    configured = _configured_base()
    if configured:
        # The path below the application root, so a base with its own prefix stays whole.
        path = url_for(endpoint, **values)[len(request.script_root) :]
        return configured + path
    return url_for(endpoint, _external=True, **values)
