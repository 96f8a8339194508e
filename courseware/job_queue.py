"""The queue the background jobs go through when `REDIS_URL` is set: RQ on that Redis.

Without Redis there is no queue and courseware/jobs.py runs every job in the process that asks (the
embedded default of `make run`). With it, jobs are enqueued on the queue named by `JOBS_QUEUE`
(`culture-courses`) and run by `flask jobs worker` processes (`make worker`, the systemd unit
deploy/systemd/culture-courses-worker.service) on any machine that reaches the same Redis.

A worker is RQ's SimpleWorker: each job runs in the worker process itself, in an app context of its
own (courseware.jobs), with no fork per job (the database pool is never shared across a fork).
A job that raises is retried by RQ (`RETRY`); a worker killed mid-job leaves its work claimed in the
database, where the next periodic run finds it (courseware.services.notifications.deliveries).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from flask import Flask

# Redis's client and RQ are imported when REDIS_URL is set, not in every web worker without it.
if TYPE_CHECKING:
    from rq import Queue, SimpleWorker

EXTENSION_KEY = "job_queue"
DEFAULT_QUEUE = "culture-courses"
# A job that raised runs again after 10 s, 1 min and 5 min before RQ keeps it as failed.
RETRY_INTERVALS = [10, 60, 300]
JOB_TIMEOUT = 600  # seconds: the longest a job may run before RQ stops it


def init_app(app: Flask) -> None:
    """The queue in app.extensions, or None without REDIS_URL (connections open on first use)."""
    url = app.config.get("REDIS_URL") or ""
    name = app.config.get("JOBS_QUEUE") or DEFAULT_QUEUE
    if not url:
        app.extensions[EXTENSION_KEY] = None
        return
    from redis import Redis
    from rq import Queue

    app.extensions[EXTENSION_KEY] = Queue(name, connection=Redis.from_url(url))


def queue_of(app: Flask) -> Queue | None:
    queue: Queue | None = app.extensions.get(EXTENSION_KEY)
    return queue


def enqueue(app: Flask, function: Callable[..., Any], *args: Any, description: str = "") -> bool:
    """Put `function(*args)` on the queue (False when there is none: run it yourself)."""
    queue = queue_of(app)
    if queue is None:
        return False
    from rq import Retry

    queue.enqueue(function, *args, description=description or function.__name__, job_timeout=JOB_TIMEOUT,
                  retry=Retry(max=len(RETRY_INTERVALS), interval=RETRY_INTERVALS))
    return True


def workers_listening(app: Flask) -> int:
    """How many workers listen on the queue now (0 without a queue)."""
    queue = queue_of(app)
    if queue is None:
        return 0
    from rq import SimpleWorker

    return SimpleWorker.count(connection=queue.connection, queue=queue)


def work(app: Flask, burst: bool = False, worker_class: type[SimpleWorker] | None = None) -> bool:
    """Run a worker on the app's queue until stopped (or, `burst`, until the queue is empty)."""
    queue = queue_of(app)
    if queue is None:
        raise RuntimeError("REDIS_URL is not set: there is no queue to work on")
    if worker_class is None:
        from rq import SimpleWorker

        worker_class = SimpleWorker
    worker = worker_class([queue], connection=queue.connection)
    return worker.work(burst=burst, logging_level="INFO")
