"""The jobs on RQ (REDIS_URL set): a tick enqueues the periodic jobs for the workers, which run them
in the app; with no worker listening the tick runs them itself; the worker command needs Redis."""
from __future__ import annotations

from datetime import timedelta

import pytest
from rq import Queue

from courseware import job_queue, jobs
from tests.author.conftest import second  # noqa: F401 - a fixture `scheduled` uses
from tests.author.test_publishing import LESSON_2, WHEN, scheduled  # noqa: F401 - a fixture
from tests.queue_workers import REDIS_URL, redis_or_skip, run_workers


@pytest.fixture
def queue(app):
    """The app's queue on Redis database 13, emptied after the test."""
    connection = redis_or_skip()
    app.config["REDIS_URL"] = REDIS_URL
    job_queue.init_app(app)
    yield job_queue.queue_of(app)
    jobs.bind_worker_app(None)
    connection.flushdb()


@pytest.mark.usefixtures("scheduled")
def test_a_tick_enqueues_the_periodic_jobs_and_a_worker_runs_them(app, queue: Queue, manager, monkeypatch):
    monkeypatch.setattr(job_queue, "workers_listening", lambda app: 1)
    monkeypatch.setattr(jobs, "now", lambda: WHEN + timedelta(minutes=1))

    assert jobs.tick(app)["publish-due"] is True
    assert "Text published by the jobs." not in manager.get(LESSON_2).get_data(as_text=True)
    assert "job publish-due" in [job.description for job in queue.get_jobs()]

    run_workers(app, 1)

    assert queue.count == 0
    assert "Text published by the jobs." in manager.get(LESSON_2).get_data(as_text=True)


@pytest.mark.usefixtures("scheduled")
def test_without_a_worker_listening_the_tick_runs_the_jobs_itself(app, queue, manager, monkeypatch, caplog):
    monkeypatch.setattr(jobs, "now", lambda: WHEN + timedelta(minutes=1))

    assert jobs.tick(app)["publish-due"] is True

    assert queue.count == 0
    assert "no worker listens on the job queue" in caplog.text
    assert "Text published by the jobs." in manager.get(LESSON_2).get_data(as_text=True)


def test_the_worker_command_needs_redis(runner):
    result = runner.invoke(args=["jobs", "worker", "--burst"])

    assert result.exit_code == 1
    assert "REDIS_URL is not set" in result.output
