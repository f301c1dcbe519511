"""Configuration from the environment.

Every setting can be overridden by an environment variable of the same name; `create_app`
also accepts a mapping (tests use it). Production refuses to start without a real secret.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = PROJECT_ROOT / "instance"
DATA_DIR = PROJECT_ROOT / "data"


def default_database_url() -> str:
    """The embedded SQLite database used on a first run."""
    return f"sqlite:///{INSTANCE_DIR / 'pathfinder.db'}"


class Config:
    """Settings shared by every environment."""

    ENV_NAME = "development"
    SECRET_KEY: str | None = None
    DATABASE_URL = default_database_url()
    DATA_DIR = str(DATA_DIR)
    # Job seekers: how long extracted text and results live before `pathfinder purge`.
    MATCH_RETENTION_HOURS = 72
    # Rate limits (Flask-Limiter notation). Failed sign-ins are counted per client address
    # and account together, so an attacker elsewhere cannot lock the owner out, and per
    # address over a longer window; a success clears neither. Registrations per address.
    LOGIN_LIMIT = "5 per 15 minutes"
    LOGIN_ADDRESS_LIMIT = "20 per hour"
    REGISTER_LIMIT = "10 per hour"
    PASSWORD_CHANGE_LIMIT = "5 per 15 minutes"
    # "Forgot your password?" requests per address (each one counts), and "Resend the link"
    # for e-mail verification per account.
    RESET_REQUEST_LIMIT = "5 per 15 minutes"
    VERIFY_RESEND_LIMIT = "5 per hour"
    # Reads of the public JSON API (/api/v1) per client address; no key is needed.
    API_READ_LIMIT = "120 per minute"
    # Resume matches through the API (POST /api/v1/match) per client address: each reads and
    # ranks a document, so fewer are allowed; they count as reads too.
    API_MATCH_LIMIT = "20 per minute"
    # How long an admin's invitation link (OPM staff, agency posters) works.
    INVITATION_HOURS = 7 * 24
    # How long a password reset link works, and an e-mail verification link.
    RESET_LINK_HOURS = 1
    VERIFY_LINK_HOURS = 48
    # Shared state for rate limits: Redis when set (every instance sees the same counts),
    # else each process counts on its own.
    REDIS_URL = ""
    RATELIMIT_STORAGE_URI = ""
    RATELIMIT_HEADERS_ENABLED = True
    # A moving window: no burst of twice the limit across a window's edge.
    RATELIMIT_STRATEGY = "moving-window"
    RATELIMIT_KEY_PREFIX = "pathfinder"
    # Outgoing mail; with no SMTP_HOST, messages are logged instead of sent.
    SMTP_HOST = ""
    SMTP_PORT = 587
    SMTP_USERNAME = ""
    SMTP_PASSWORD = ""
    SMTP_FROM = "pathfinder@localhost"
    SMTP_STARTTLS = True
    # Where links in e-mails and calendar files start (app.links); unset, a calendar or feed
    # link follows the request and an e-mail link names SERVED_BASE_URL.
    PUBLIC_BASE_URL = ""
    # The address this process serves: `pathfinder serve` and gunicorn.conf.py set it.
    SERVED_BASE_URL = "http://127.0.0.1:5000"
    # Fitted matcher models, shared by processes on one host (a read-only disk just refits).
    MODEL_CACHE_DIR = str(INSTANCE_DIR / "cache")
    # After a catalog change, "background": a request is answered with the previous model
    # while the new one is fitted (or loaded from MODEL_CACHE_DIR) in a background thread;
    # "inline": the request waits for it. Commands always wait (app.services.fitted_cache).
    MODEL_REFIT = "background"
    # Uploads: resumes are small documents; anything larger is refused before it is read.
    MAX_CONTENT_LENGTH = 5 * 1024 * 1024
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    # Proxies in front of the app that set X-Forwarded-For/-Proto/-Host (a load balancer is
    # one). Zero trusts none: with gunicorn facing clients, those headers are the client's
    # own words, and trusting them would let anyone pick the address rate limits count.
    TRUSTED_PROXY_HOPS = 0
    # Strict-Transport-Security max-age (seconds), sent on HTTPS responses in production.
    HSTS_MAX_AGE = 31536000
    SQL_ECHO = False
    # Data sources: keys and the contact named in the scrapers' User-Agent.
    USAJOBS_API_KEY = ""
    USAJOBS_EMAIL = ""
    SIMPLER_API_KEY = ""
    SCRAPER_CONTACT = ""

    @classmethod
    def from_env(cls) -> dict[str, object]:
        """Class defaults overlaid with the environment variables of the same names."""
        values: dict[str, object] = {key: getattr(cls, key) for key in dir(cls) if key.isupper()}
        for key, default in list(values.items()):
            raw = os.environ.get(key)
            if raw is None:
                continue
            if isinstance(default, bool):
                values[key] = raw.strip().lower() in {"1", "true", "yes", "on"}
            elif isinstance(default, int) and not isinstance(default, bool):
                values[key] = int(raw)
            else:
                values[key] = raw
        return values


class DevelopmentConfig(Config):
    ENV_NAME = "development"


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    WTF_CSRF_ENABLED = False


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


class ConfigError(RuntimeError):
    """The configuration cannot run safely."""


def load_config(overrides: dict[str, object] | None = None) -> dict[str, object]:
    """Resolve the settings: class defaults, then the environment, then explicit overrides."""
    overrides = dict(overrides or {})
    env_name = str(overrides.get("ENV_NAME") or os.environ.get("PATHFINDER_ENV", "development"))
    if env_name not in CONFIGS:
        raise ConfigError(f"PATHFINDER_ENV={env_name!r} is not one of {', '.join(sorted(CONFIGS))}")
    values = CONFIGS[env_name].from_env()
    values.update(overrides)
    if not values.get("RATELIMIT_STORAGE_URI"):
        values["RATELIMIT_STORAGE_URI"] = values.get("REDIS_URL") or "memory://"
    if not values.get("SECRET_KEY"):
        if env_name == "production":
            raise ConfigError("SECRET_KEY must be set in the environment in production")
        # Development only: a per-process key, so sessions do not survive a restart.
        values["SECRET_KEY"] = secrets.token_hex(32)
    return values
