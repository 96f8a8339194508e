"""The site's background jobs, and the one runner that runs them inside a serving process.

A job is a plain function, run inside an app context. PERIODIC lists those every tick runs; for now
`publish-due` only (scheduled lesson revisions go live). Reminders, digests, exports, the directory
sync, and RQ workers when REDIS_URL is set come later and belong here too.

Who runs them, each caller visible:

- `flask jobs tick` runs every periodic job once: for a cron job or a systemd timer.
- `flask content publish-due` runs the publishing job alone (crontabs written for it keep working).
- The in-process Runner: a daemon thread that ticks at once, then every SCHEDULE_CHECK_SECONDS (60),
  each job in its own app context; a failing job is logged and the thread goes on. A process never
  runs two ticks at once, whoever asks.

Where the Runner runs (JOBS_IN_PROCESS=0 turns it off everywhere, e.g. when a timer runs the tick;
it never runs under the tests, app.testing):

- `make run` (`flask run`): create_app starts it (init_app) in the process that serves; with the
  reloader (--debug), in the child that serves, not in the watcher that restarts it. Any other
  command (`flask db upgrade`, `flask shell`, `flask jobs tick` ...) starts none.
- `make serve` (gunicorn): not in the master, which loads the app before forking the workers (a
  thread does not survive a fork, and forking while it holds a lock can hang the child), but in
  the workers: gunicorn.conf.py's post_fork starts one in each, and only the worker holding the
  instance folder's jobs.lock (an flock, which the kernel releases when its process ends) runs the
  jobs. When that worker is restarted, another one takes over at its next tick, so the jobs run in
  exactly one process per instance folder however many workers there are. The same lock keeps a
  `flask run` on the same folder from running them a second time.

Several machines each run one Runner: `publish-due` is safe so (it claims a revision with a
conditional UPDATE), and a later job that must run once for the whole site must claim its work the
same way, or go to RQ.
"""
from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import TextIO

import click
from flask import Flask
from flask.cli import get_debug_flag
from werkzeug.serving import is_running_from_reloader

from courseware.extensions import db
from courseware.models._time import utcnow
from courseware.services.authoring import publishing

fcntl: ModuleType | None
try:
    import fcntl
except ImportError:  # not on a POSIX system: every runner runs the jobs
    fcntl = None

log = logging.getLogger(__name__)

SCHEDULE_CHECK_SECONDS = 60


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[], object]


def now() -> datetime:
    """Now, naive UTC as stored: the jobs' clock (tests replace it)."""
    return utcnow()


def publish_due() -> list:
    """Scheduled lesson revisions whose time has come go live."""
    return publishing.publish_due(db.session, now=now())


PERIODIC: tuple[Job, ...] = (Job("publish-due", publish_due),)

_ticking = threading.Lock()


def tick(app: Flask, jobs: Sequence[Job] | None = None) -> dict[str, bool] | None:
    """Run each job (by default the PERIODIC ones) once, each in its own app context. Returns whether
    each succeeded, by name, or None when this process is running a tick already."""
    if not _ticking.acquire(blocking=False):
        return None
    try:
        return {job.name: _run(app, job) for job in (PERIODIC if jobs is None else jobs)}
    finally:
        _ticking.release()


def _run(app: Flask, job: Job) -> bool:
    with app.app_context():
        try:
            job.run()
        except Exception:  # one failing job must not stop the others, nor the runner
            log.exception("job %s failed", job.name)
            db.session.rollback()
            return False
    return True


class Runner:
    """A daemon thread that ticks every `interval` seconds while this process holds `lock_path`
    (no lock: always)."""

    def __init__(self, app: Flask, interval: float, lock_path: Path | None = None,
                 jobs: Sequence[Job] | None = None) -> None:
        self.app, self.interval, self.lock_path, self.jobs = app, interval, lock_path, jobs
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock_file: TextIO | None = None  # jobs.lock, open and locked while this process leads

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self.running:
            return
        self._stopping.clear()
        self._thread = threading.Thread(target=self._loop, name="courseware-jobs", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop after the tick under way, if any, and let another process lead."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        if self._lock_file is not None:
            self._lock_file.close()  # closing the file releases the flock
            self._lock_file = None

    def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                if self._leads():
                    tick(self.app, self.jobs)
            except Exception:  # the thread outlives whatever goes wrong in one tick
                log.exception("the jobs runner's tick failed")
            self._stopping.wait(self.interval)

    def _leads(self) -> bool:
        """Whether this process runs the jobs: it holds jobs.lock, or takes it now."""
        if self._lock_file is not None or self.lock_path is None or fcntl is None:
            return True
        try:
            handle = open(self.lock_path, "a")  # held open (and locked) for the process's life
        except OSError as error:
            log.warning("cannot open %s (%s): this process runs the jobs without the lock",
                        self.lock_path, error)
            self.lock_path = None
            return True
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._lock_file = handle
        log.info("process %d runs the periodic jobs every %g s", os.getpid(), self.interval)
        return True


def init_app(app: Flask) -> None:
    """Settings, the Runner in app.extensions["jobs"], and its start under `flask run`."""
    app.config.setdefault("JOBS_IN_PROCESS", os.environ.get("JOBS_IN_PROCESS", "1") != "0")
    app.config.setdefault("SCHEDULE_CHECK_SECONDS",
                          float(os.environ.get("SCHEDULE_CHECK_SECONDS", SCHEDULE_CHECK_SECONDS)))
    app.extensions["jobs"] = Runner(app, app.config["SCHEDULE_CHECK_SECONDS"],
                                    Path(app.instance_path) / "jobs.lock")
    if serving_from_flask_run():
        start(app)


def start(app: Flask) -> bool:
    """Start the app's Runner unless testing or JOBS_IN_PROCESS says no (gunicorn's post_fork)."""
    if app.testing or not app.config["JOBS_IN_PROCESS"]:
        return False
    app.extensions["jobs"].start()
    return True


def serving_from_flask_run() -> bool:
    """Whether this process is the one `flask run` serves from (with the reloader: its child)."""
    context = click.get_current_context(silent=True)
    if context is None or context.command.name != "run" or not os.environ.get("FLASK_RUN_FROM_CLI"):
        return False
    reloading = context.params.get("reload")
    if reloading is None:
        reloading = get_debug_flag()
    return not reloading or is_running_from_reloader()
