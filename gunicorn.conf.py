"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py` (README, Production).

Every value can be changed from the environment without editing this file. Sync workers
with a few threads each: matching a resume is CPU work, so processes, not threads, are
what scale it; threads keep slow clients from holding a whole worker.
"""

import os

from app.links import bind_base_url

wsgi_app = "app:create_app()"
bind = os.environ.get("PATHFINDER_BIND", "127.0.0.1:8000")
# E-mail links name the address served when PUBLIC_BASE_URL is unset (app.links); the
# workers read it from the environment they inherit.
_served = bind_base_url(bind)
if _served:
    os.environ.setdefault("SERVED_BASE_URL", _served)
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("PATHFINDER_THREADS", "4"))
# Longer than the slowest page (a first match fits the models), shorter than a stuck one.
timeout = int(os.environ.get("PATHFINDER_WORKER_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Access log on stdout, with result and feed tokens redacted.
accesslog = os.environ.get("PATHFINDER_ACCESS_LOG", "-")
logger_class = "app.access_log.GunicornLogger"
