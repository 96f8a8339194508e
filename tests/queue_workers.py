"""RQ on the local Redis for tests: a database of our own (13, or TEST_REDIS_DB: .ci/run gives each of
its two passes, which run at once, its own), flushed after each test, and workers
that run in threads of the test process (RQ's SimpleWorker, without the signal handlers and the
SIGALRM timeout that only the main thread may use)."""
from __future__ import annotations

import os
import threading

import pytest
import redis
from rq import SimpleWorker
from rq.timeouts import TimerDeathPenalty

from courseware import job_queue, jobs

REDIS_URL = f"redis://127.0.0.1:6379/{os.environ.get('TEST_REDIS_DB', '13')}"


class ThreadWorker(SimpleWorker):
    death_penalty_class = TimerDeathPenalty

    def _install_signal_handlers(self) -> None:
        pass


def redis_or_skip() -> redis.Redis:
    connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError as error:
        pytest.skip(f"Redis at {REDIS_URL} is not reachable: {error}")
    connection.flushdb()
    return connection


def run_workers(app, count: int = 2) -> None:
    """`count` workers in threads, each working the app's queue until it is empty (--burst)."""
    jobs.bind_worker_app(app)
    failures: list[BaseException] = []

    def work() -> None:
        try:
            job_queue.work(app, burst=True, worker_class=ThreadWorker)
        except BaseException as error:  # noqa: BLE001 - reported to the test below
            failures.append(error)

    threads = [threading.Thread(target=work) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not failures, failures
