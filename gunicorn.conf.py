"""Gunicorn settings for `make serve`, the systemd unit in deploy/ and bench/serve.py.

Gunicorn reads this file by itself when started from the project folder (`gunicorn app:app`).
Every value comes from an environment variable, with a default sized from the machine:

    HOST, PORT            where to listen (127.0.0.1:8000); GUNICORN_BIND overrides both
                          (e.g. unix:/run/culture-courses/gunicorn.sock)
    WEB_CONCURRENCY       worker processes (default: one per CPU core, at least 2)
    GUNICORN_THREADS      threads per worker (default 4)
    ACCESS_LOG            "-" for stdout (the default; journald under systemd), a file, or "off"
    GUNICORN_TIMEOUT      seconds before a stuck worker is restarted (30)
    GUNICORN_MAX_REQUESTS restart each worker after this many requests (0: never)

The app is loaded once in the master before the workers fork (preload): workers start in
milliseconds and share the loaded code's memory. Database migrations are not run here: run
`flask db upgrade` once before starting (make serve does; deploy/README explains the order).

The background jobs (courseware/jobs.py) run in the workers, never in the master: post_fork starts
a runner in each, and only the one holding instance/jobs.lock runs the jobs. JOBS_IN_PROCESS=0 turns
it off (then run `flask jobs tick` from a timer).
"""
from __future__ import annotations

import os


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the CPUs this process may use (cgroups, taskset)
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def default_workers(cores: int) -> int:
    """One worker per core, at least two (one may be restarting): with the GIL a Python worker
    uses one core at most, and its threads cover the time it waits on the database."""
    return max(2, cores)


# Production never runs in debug mode, whatever the shell exported for `flask run`.
if os.environ.pop("FLASK_DEBUG", None) not in (None, "", "0"):
    print("gunicorn.conf.py: FLASK_DEBUG ignored; production runs without debug", flush=True)


bind = os.environ.get("GUNICORN_BIND") or (
    f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
)
workers = _int("WEB_CONCURRENCY", default_workers(_cores()))
# Threads let a worker serve other requests while one waits on the database or a slow client;
# gthread also keeps connections alive between requests (the sync worker closes each one).
worker_class = "gthread"
threads = _int("GUNICORN_THREADS", 4)
preload_app = True
# Set in the master before the app is loaded: the web workers have no `flask db` commands, so they
# never import Flask-Migrate and Alembic (courseware/config.py).
raw_env = ["MIGRATION_COMMANDS=0"]
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = 30
keepalive = 5
max_requests = _int("GUNICORN_MAX_REQUESTS", 0)
max_requests_jitter = max_requests // 10

_access_log = os.environ.get("ACCESS_LOG", "-")
accesslog = None if _access_log == "off" else _access_log
# Who asked (the client's address as nginx saw it), what, the status, size and time in ms.
access_log_format = '%({x-forwarded-for}i)s %(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# No control socket in the home folder (the systemd unit has none); `kill -HUP` reloads instead.
control_socket_disable = True
proc_name = "culture-courses"


def pre_fork(server, worker) -> None:
    """In the master, before each worker is forked: the preloaded app's objects move to a generation
    the garbage collector never visits, so that a worker's collections do not write to (and so copy)
    the memory it shares with the master. It lowers each worker's own memory (USS), not its RSS."""
    import gc

    gc.freeze()


def post_fork(server, worker) -> None:
    """Each worker opens its own database connections (none is shared with the master) and starts
    its jobs runner, which runs the jobs while this worker holds the lock (courseware/jobs.py)."""
    from courseware import jobs
    from courseware.extensions import db

    app = server.app.wsgi()
    with app.app_context():
        db.engine.dispose(close=False)
    jobs.start(app)


def post_worker_init(worker) -> None:
    """Said once the worker handles signals and serves: from here a stop or reload reaches it (a
    TERM that arrives between the fork and this point is lost in the worker, which then waits for
    graceful_timeout to be killed)."""
    worker.log.info("Worker ready (pid: %s)", worker.pid)


def per_worker_limits_warning(worker_count: int) -> str | None:
    """What several workers without REDIS_URL mean for the rate limits, or None when nothing.

    Failed sign-ins (per account and per address, on /login and /reauthenticate) are counted in the
    database and hold whatever the number of workers (services/people/sign_in_limits.py). The only
    limit left in memory is the per-address one on the company sign-in routes (/auth/oidc/...): it
    protects the identity provider from being flooded, not passwords, and is counted per worker."""
    if worker_count <= 1 or os.environ.get("REDIS_URL"):
        return None
    return (f"REDIS_URL is not set: the per-address limit on /auth/oidc/... (30 a minute) is counted in "
            f"each of the {worker_count} workers' memory, so it allows up to {30 * worker_count} a minute. "
            "Failed password sign-ins are limited in the database and hold across workers. "
            "Set REDIS_URL to share the other limit too.")


def on_starting(server) -> None:
    warning = per_worker_limits_warning(server.cfg.workers)
    if warning:
        server.log.warning(warning)
    database = os.environ.get("DATABASE_URL", "")
    if database.startswith("postgresql") and not os.environ.get("SECRET_KEY"):
        server.log.warning(
            "SECRET_KEY is not set: this instance signs sessions with the key in its own instance/ "
            "folder. Set the same SECRET_KEY on every instance that serves the site."
        )
