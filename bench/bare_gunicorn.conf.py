"""Gunicorn settings for bench/bare_app.py: those of gunicorn.conf.py (workers, gthread threads,
keep-alive, preload, access log), without its hooks, which start the site's jobs and database."""
from __future__ import annotations

import runpy
from pathlib import Path

_site = runpy.run_path(str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py"))
bind = _site["bind"]
workers = _site["workers"]
worker_class = _site["worker_class"]
threads = _site["threads"]
preload_app = _site["preload_app"]
timeout = _site["timeout"]
graceful_timeout = _site["graceful_timeout"]
keepalive = _site["keepalive"]
accesslog = _site["accesslog"]
access_log_format = _site["access_log_format"]
errorlog = _site["errorlog"]
loglevel = _site["loglevel"]
control_socket_disable = _site["control_socket_disable"]
proc_name = "culture-courses-bare"
