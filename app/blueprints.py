"""One blueprint per user group, plus the public pages, sign-in and the JSON API."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from app.account import routes as account
    from app.admin import routes as admin
    from app.agency import routes as agency
    from app.api.register import register_api
    from app.auth import login_manager
    from app.funding import routes as funding
    from app.public import routes as public
    from app.seekers import routes as seekers
    from app.staff import routes as staff

    login_manager.init_app(app)
    app.register_blueprint(public.bp)
    app.register_blueprint(seekers.bp)
    app.register_blueprint(funding.bp)
    app.register_blueprint(staff.bp)
    app.register_blueprint(agency.bp)
    app.register_blueprint(account.bp)
    app.register_blueprint(admin.bp)
    register_api(app)  # the public JSON API at /api/v1
