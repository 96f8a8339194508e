"""What production serving adds to the app: fingerprinted static URLs with year-long caching,
compressed responses, and (for bench/serve.py only) a bare route that measures the framework's
own limit on the machine."""
from __future__ import annotations

import os

from flask import Flask

from courseware import compression, static_files

BARE_ROUTE = "/_bench/bare"


def register_serving(app: Flask) -> None:
    # Flask runs after-request hooks last-registered first: compression, registered first here,
    # sees the final body, and the static cache headers override what earlier hooks set.
    compression.init_app(app)
    static_files.init_app(app)
    if os.environ.get("BENCH_BARE_ROUTE") == "1":
        # Not a product route: it exists only when bench/serve.py starts the server with the flag.
        app.add_url_rule(BARE_ROUTE, "bench_bare", _bare)


def _bare():
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}
