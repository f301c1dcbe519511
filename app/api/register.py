"""Mounting the API on an application: its blueprint, openapi.json and documentation page.

The blueprint is exempt from the site's CSRF protection (its clients send JSON, not the
site's forms); every other blueprint keeps it.
"""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api


def register_api(app: Flask) -> Api:
    """Mount the API blueprint, its openapi.json and its documentation page on `app`."""
    from app.api.blueprint import SETTINGS, bp
    from app.api.keys import KeyDocs
    from app.api.routes import catalog, deadlines, docs, listings, match  # noqa: F401
    from app.extensions import csrf

    for key, value in SETTINGS.items():
        app.config.setdefault(key, value)
    api = Api(app, spec_kwargs={"extra_plugins": [KeyDocs()]})
    api.register_blueprint(bp)
    # No API call is authorised by the site's session cookie, so a cross-site request can do
    # nothing through it that the sender could not do directly: CSRF tokens are for forms.
    csrf.exempt(bp)
    app.register_blueprint(docs.bp)
    return api
