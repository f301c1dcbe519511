"""One blueprint per user group, plus the public pages and sign-in."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from app.auth import login_manager
    from app.blueprints import account, agency, funding, public, seekers, staff

    login_manager.init_app(app)
    app.register_blueprint(public.bp)
    app.register_blueprint(seekers.bp)
    app.register_blueprint(funding.bp)
    app.register_blueprint(staff.bp)
    app.register_blueprint(agency.bp)
    app.register_blueprint(account.bp)
