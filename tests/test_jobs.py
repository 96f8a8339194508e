"""The jobs runner (courseware/jobs.py): a thread that ticks, survives a failing job, never ticks twice
at once, runs in one process per instance folder, and starts only where the site is served.
(That a tick publishes what is due: tests/author/test_publishing.py.)"""
from __future__ import annotations

import threading

import click
import pytest
from flask.cli import run_command

from courseware import jobs

WAIT = 5  # seconds at most for a thread to do what it should; each test takes milliseconds


class Counter:
    """A job that counts its runs and lets a test wait for the nth."""

    def __init__(self) -> None:
        self.runs = 0
        self._changed = threading.Condition()

    def __call__(self) -> None:
        with self._changed:
            self.runs += 1
            self._changed.notify_all()

    def wait_for(self, runs: int) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: self.runs >= runs, timeout=WAIT)


def fail() -> None:
    raise RuntimeError("the job broke")


@pytest.fixture
def counter() -> Counter:
    return Counter()


@pytest.fixture
def runners():
    """Runners made by a test, stopped after it whatever happens."""
    made = []

    def make(app, *job_list, lock_path=None, interval=0.01) -> jobs.Runner:
        runner = jobs.Runner(app, interval, lock_path, list(job_list))
        made.append(runner)
        return runner

    yield make
    for runner in made:
        runner.stop()


def test_the_runner_starts_ticks_and_stops(app, runners, counter, tmp_path):
    runner = runners(app, jobs.Job("count", counter), lock_path=tmp_path / "jobs.lock")

    runner.start()
    assert runner.running and counter.wait_for(1)
    runner.stop()

    assert not runner.running
    runs = counter.runs
    threading.Event().wait(0.05)  # five intervals
    assert counter.runs == runs


def test_a_failing_job_is_logged_and_neither_the_others_nor_the_thread_stop(app, runners, counter,
                                                                              caplog):
    runner = runners(app, jobs.Job("broken", fail), jobs.Job("count", counter))

    runner.start()

    assert counter.wait_for(2), "the runner stopped ticking after a failure"
    assert runner.running
    assert "job broken failed" in caplog.text and "the job broke" in caplog.text


def test_a_tick_reports_each_job(app, counter):
    assert jobs.tick(app, [jobs.Job("broken", fail), jobs.Job("count", counter)]) == {
        "broken": False, "count": True}
    assert counter.runs == 1


def test_a_process_never_runs_two_ticks_at_once(app, counter):
    inside, release = threading.Event(), threading.Event()

    def slow() -> None:
        inside.set()
        release.wait(WAIT)

    first = threading.Thread(target=jobs.tick, args=(app, [jobs.Job("slow", slow)]))
    first.start()
    try:
        assert inside.wait(WAIT)
        assert jobs.tick(app, [jobs.Job("count", counter)]) is None
    finally:
        release.set()
        first.join(WAIT)
    assert counter.runs == 0
    assert jobs.tick(app, [jobs.Job("count", counter)]) == {"count": True}


def test_only_the_runner_holding_the_lock_runs_the_jobs(app, runners, tmp_path):
    lock = tmp_path / "jobs.lock"
    first_jobs, second_jobs = Counter(), Counter()
    first = runners(app, jobs.Job("count", first_jobs), lock_path=lock)
    second = runners(app, jobs.Job("count", second_jobs), lock_path=lock)

    first.start()
    assert first_jobs.wait_for(1)
    second.start()
    assert first_jobs.wait_for(first_jobs.runs + 3)  # the second has ticked meanwhile
    assert second_jobs.runs == 0

    first.stop()  # as when its worker ends: the other takes over
    assert second_jobs.wait_for(1)


def test_the_tests_and_jobs_in_process_off_start_no_runner(app):
    assert app.testing and not jobs.start(app)
    assert not app.extensions["jobs"].running

    app.testing = False
    app.config["JOBS_IN_PROCESS"] = False
    try:
        assert not jobs.start(app)
    finally:
        app.testing = True
    assert not app.extensions["jobs"].running


def test_gunicorn_workers_start_the_app_runner(app, runners, counter, monkeypatch):
    monkeypatch.setitem(app.extensions, "jobs", runners(app, jobs.Job("count", counter)))
    monkeypatch.setattr(app, "testing", False)

    assert jobs.start(app)
    assert counter.wait_for(1)


@pytest.mark.parametrize(("command", "reload", "reloader_child", "serves"), [
    ("run", False, False, True),    # make run
    ("run", True, False, False),    # --debug: the watcher that restarts the server
    ("run", True, True, True),      # --debug: the server it runs
    ("shell", None, False, False),  # any other command
    ("tick", None, False, False),
])
def test_only_the_process_flask_run_serves_from_runs_the_jobs(monkeypatch, command, reload,
                                                              reloader_child, serves):
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "true")
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    if reloader_child:
        monkeypatch.setenv("WERKZEUG_RUN_MAIN", "true")
    else:
        monkeypatch.delenv("WERKZEUG_RUN_MAIN", raising=False)
    chosen = run_command if command == "run" else click.Command(command)
    with click.Context(chosen, info_name=command) as context:
        context.params["reload"] = reload
        assert jobs.serving_from_flask_run() is serves


def test_without_the_flask_command_no_process_runs_them(monkeypatch):
    monkeypatch.delenv("FLASK_RUN_FROM_CLI", raising=False)
    assert not jobs.serving_from_flask_run()  # gunicorn's master, a script, the tests


def test_flask_jobs_tick_says_which_job_failed_and_exits_1(runner, counter, monkeypatch):
    monkeypatch.setattr(jobs, "PERIODIC", (jobs.Job("broken", fail), jobs.Job("count", counter)))

    result = runner.invoke(args=["jobs", "tick"])

    assert result.exit_code == 1
    assert result.stdout == "count: done.\n"
    assert result.stderr == "broken: failed; the error is in the log.\n"
    assert counter.runs == 1
