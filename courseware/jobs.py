"""The site's background jobs, and the runners and queue that run them.

This is the one module that defines the site's jobs. A job is a plain function, run inside an app
context. PERIODIC lists those every tick runs:

- `publish-due`: scheduled lesson revisions go live (services/authoring/publishing).
- `notifications`: what is due is computed and claimed in the database, then delivered
  (services/notifications: reminders of assigned courses, new lessons, refresh due, the line
  managers' weekly digest on Mondays; the retries of failed deliveries and those held by quiet hours).
- `purge-deliveries`: the delivery log keeps 180 days.
- `erase-expired`: once a day, people deactivated longer than PERSONAL_DATA_RETENTION_MONTHS ago
  are erased (services/people/erasure; each run audited, 0 months turns it off).
- `directory-sync`: once a day from DIRECTORY_SYNC_AT (company time), when DIRECTORY_SYNC_SOURCE is
  set, the company's directory is synced (services/people/directory_daily.py); its counts or its
  error are recorded in the audit log, and a failure changes nothing.

Two more run on demand: `deliver(ids)` sends claimed deliveries (one RQ job per batch, so that
several workers share a large run), and `run_job(name)`, the entry point through which a worker runs
a periodic job.

Where they run. Without `REDIS_URL`, in the process that ticks. With it, a tick enqueues each job on
RQ (courseware/job_queue.py) and `flask jobs worker` processes run them (`make worker`; the systemd
unit deploy/systemd/culture-courses-worker.service), on any number of machines sharing the Redis;
when no worker listens, the tick runs them itself and logs a warning, so jobs never stop silently.

Who ticks, each caller visible:

- `flask jobs tick` ticks once: for a cron job or the one-minute systemd timer
  (deploy/systemd/culture-courses-jobs.{service,timer}).
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

Several machines may each tick: every job claims its work in the database (`publish-due` a revision
with a conditional UPDATE, `notifications` each delivery by its unique key, then by a conditional
UPDATE before sending), so a job run twice, or killed and retried, does nothing twice.
"""
from __future__ import annotations

import logging
import os
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import TextIO

import click
from flask import Flask, current_app
from flask.cli import get_debug_flag
from werkzeug.serving import is_running_from_reloader

from courseware import job_queue
from courseware.extensions import db
from courseware.models._time import utcnow
from courseware.services.authoring import publishing
from courseware.services.notifications import deliveries
from courseware.services.people import directory_daily, erasure

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


def send_notifications(at: datetime | None = None, dry_run: bool = False) -> deliveries.RunReport:
    """What is due at `at` (default: now) is claimed, then what is ready is delivered (by the workers,
    when a queue has some listening)."""
    report = deliveries.send_due(db.session, at or now(), current_app.config, dry_run=dry_run)
    if not dry_run:
        outcomes = dispatch(at)
        report.enqueued = outcomes is None
        report.outcomes = outcomes or Counter()
    return report


def dispatch(at: datetime | None = None) -> Counter | None:
    """Deliver what is ready: enqueued in batches for the workers, or sent here (then the outcomes)."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    ready = deliveries.ready_ids(db.session, at or now())
    if _queue_in_use(app):
        for start in range(0, len(ready), DELIVERY_BATCH):
            job_queue.enqueue(app, deliver, ready[start:start + DELIVERY_BATCH], at,
                              description=f"deliver {len(ready[start:start + DELIVERY_BATCH])}")
        return None
    return deliveries.deliver(db.session, ready, at or now(), app.config)


def deliver(delivery_ids: list[int], at: datetime | None = None) -> Counter:
    """On a queue's worker: send these deliveries (those another worker has are left to it)."""
    app = worker_app()
    with app.app_context():  # its end closes the job's database session
        return deliveries.deliver(db.session, delivery_ids, at or now(), app.config)


def purge_deliveries() -> int:
    """The delivery log keeps its last 180 days."""
    return deliveries.purge(db.session, now())


def erase_expired() -> erasure.RetentionReport | None:
    """Once a day, people deactivated longer than PERSONAL_DATA_RETENTION_MONTHS ago are erased."""
    return erasure.erase_expired(db.session, now(), current_app.config["PERSONAL_DATA_RETENTION_MONTHS"])


def sync_directory() -> directory_daily.DailyOutcome:
    """The day's directory sync, when configured and due (most ticks: nothing to do)."""
    outcome = directory_daily.run_daily(db.session, current_app.config, now())
    if outcome.ran and not outcome.succeeded:
        raise JobFailed(f"directory sync failed: {outcome.details}")
    return outcome


PERIODIC: tuple[Job, ...] = (Job("publish-due", publish_due), Job("notifications", send_notifications),
                             Job("purge-deliveries", purge_deliveries), Job("erase-expired", erase_expired),
                             Job("directory-sync", sync_directory))
DELIVERY_BATCH = 25  # deliveries per queued job: several workers share a large run

_ticking = threading.Lock()


def tick(app: Flask, jobs: Sequence[Job] | None = None) -> dict[str, bool] | None:
    """Run each job (by default the PERIODIC ones) once, each in its own app context, or, with a
    queue and a worker listening, enqueue the periodic ones for the workers. Returns whether each
    succeeded (was enqueued), by name, or None when this process is running a tick already."""
    if not _ticking.acquire(blocking=False):
        return None
    try:
        chosen = PERIODIC if jobs is None else jobs
        if job_queue.queue_of(app) is not None and _workers_listen(app):
            return {job.name: (job_queue.enqueue(app, run_job, job.name, description=f"job {job.name}")
                               if job in PERIODIC else _run(app, job)) for job in chosen}
        return {job.name: _run(app, job) for job in chosen}
    finally:
        _ticking.release()


def _queue_in_use(app: Flask) -> bool:
    """A queue with workers listening (else the jobs run where they are asked)."""
    if job_queue.queue_of(app) is None:
        return False
    from redis.exceptions import RedisError  # there is a queue: Redis is imported already

    try:
        return job_queue.workers_listening(app) > 0
    except RedisError:
        return False


def _workers_listen(app: Flask) -> bool:
    from redis.exceptions import RedisError

    try:
        if job_queue.workers_listening(app):
            return True
    except RedisError as error:
        log.warning("the job queue is unreachable (%s): this process runs the jobs itself", error)
        return False
    log.warning("no worker listens on the job queue: this process runs the jobs itself "
                "(start `flask jobs worker`, see courseware/jobs.py)")
    return False


def _run(app: Flask, job: Job) -> bool:
    with app.app_context():
        try:
            job.run()
        except Exception:  # one failing job must not stop the others, nor the runner
            log.exception("job %s failed", job.name)
            db.session.rollback()
            return False
    return True


# --- what a queue's worker runs ---

_worker_app: Flask | None = None


def bind_worker_app(app: Flask | None) -> None:
    """The app the queue's jobs run in, in a process that serves none (`flask jobs worker` binds its
    own; tests bind theirs). Unbound, a worker makes one from the environment on its first job."""
    global _worker_app
    _worker_app = app


def worker_app() -> Flask:
    global _worker_app
    if _worker_app is None:
        from courseware import create_app  # the package imports this module: at run time only

        _worker_app = create_app()
    return _worker_app


class JobFailed(RuntimeError):
    """Raised in a worker so that RQ records the job as failed and retries it."""


def run_job(name: str) -> None:
    """A periodic job, by name, on a queue's worker."""
    job = next(job for job in PERIODIC if job.name == name)
    if not _run(worker_app(), job):
        raise JobFailed(f"job {name} failed; the error is in the log")


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
    """Settings, the queue (with REDIS_URL), the Runner in app.extensions["jobs"], and its start
    under `flask run`."""
    job_queue.init_app(app)
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
