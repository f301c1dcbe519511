"""Pathfinder's web application: `create_app(config)` composes the libraries into a site."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app.config import load_config


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application from the environment, overridden by `config`."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.update(load_config(dict(config or {})))

    from app.body_limit import answer_too_large_cleanly

    # A body refused unread is drained first, so the client can read its 413 page.
    app.wsgi_app = answer_too_large_cleanly(  # type: ignore[method-assign]
        app.wsgi_app, lambda: int(app.config["MAX_CONTENT_LENGTH"])
    )
    hops = int(app.config["TRUSTED_PROXY_HOPS"])
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]

    from app.access_log import redact_access_log
    from app.extensions import csrf, init_database, init_security_headers, limiter
    from app.request_guard import register_request_guard

    init_database(app)
    redact_access_log()
    register_request_guard(app)
    csrf.init_app(app)
    limiter.init_app(app)
    init_security_headers(app)

    from app.blueprints import register_blueprints
    from app.errors import register_error_handlers
    from app.templating import register_template_filters

    register_blueprints(app)
    register_template_filters(app)
    register_error_handlers(app)

    if not app.config.get("TESTING"):
        from app.services.seekers.purge import purge_on_startup

        purge_on_startup(app)  # job seekers' expired data; `pathfinder purge` runs from cron
    return app
