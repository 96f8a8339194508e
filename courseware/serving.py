"""What production serving adds to the app: fingerprinted static URLs with year-long caching, and
compressed responses. (The framework's own limit is measured by bench/serve.py on a separate bare
app, bench/bare_app.py, not on a route of this one.)"""
from __future__ import annotations

from flask import Flask

from courseware import compression, static_files


def register_serving(app: Flask) -> None:
    # Flask runs after-request hooks last-registered first: compression, registered first here,
    # sees the final body, and the static cache headers override what earlier hooks set.
    compression.init_app(app)
    static_files.init_app(app)
