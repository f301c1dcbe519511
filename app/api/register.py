"""Mounting the API on an application: its blueprint, openapi.json and documentation page."""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api


def register_api(app: Flask) -> Api:
    """Mount the API blueprint, its openapi.json and its documentation page on `app`."""
    from app.api.blueprint import SETTINGS, bp
    from app.api.keys import KeyDocs
    from app.api.routes import catalog, docs, listings  # noqa: F401  (their views join `bp`)

    for key, value in SETTINGS.items():
        app.config.setdefault(key, value)
    api = Api(app, spec_kwargs={"extra_plugins": [KeyDocs()]})
    api.register_blueprint(bp)
    app.register_blueprint(docs.bp)
    return api
