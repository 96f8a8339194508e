"""The framework's limit on this machine: a bare Flask app with one route returning a short string.

bench/serve.py serves it in its own gunicorn process, with the same settings as `make serve`
(bench/bare_gunicorn.conf.py), and measures it in the same run as the site's pages.
"""
from __future__ import annotations

from flask import Flask

app = Flask(__name__)


@app.get("/")
def bare() -> tuple[str, int, dict[str, str]]:
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}
