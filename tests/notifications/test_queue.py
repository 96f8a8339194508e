"""Deliveries on RQ (Redis database 13): two workers racing on the same deliveries send each once;
a delivery whose sender died after taking it is taken again once stale, and sent once."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import date, timedelta

import pytest

from courseware import job_queue, jobs
from courseware.config import PROJECT_ROOT
from courseware.extensions import db
from courseware.services.notifications import channels
from courseware.services.notifications import deliveries as delivery_service
from tests.notifications.conftest import T0, assign, deliveries
from tests.queue_workers import REDIS_URL, redis_or_skip, run_workers


@pytest.fixture
def queue(app, monkeypatch):
    """The app's RQ queue on Redis database 13, as if workers listened; emptied after the test."""
    connection = redis_or_skip()
    app.config["REDIS_URL"] = REDIS_URL
    job_queue.init_app(app)
    monkeypatch.setattr(job_queue, "workers_listening", lambda app: 2)
    yield job_queue.queue_of(app)
    jobs.bind_worker_app(None)
    connection.flushdb()


@pytest.fixture
def company(course, make_user):
    """Forty people in an assigned department, each with an e-mail address."""
    people = [make_user(full_name=f"Person {n}", username=f"p{n:02d}") for n in range(40)]
    for person in people:
        person.email = f"{person.username}@example.com"
    db.session.commit()
    assign(course, due_on=date(2031, 3, 6))
    return people


def test_two_workers_racing_on_the_same_deliveries_send_each_once(app, queue, company, smtp):
    report = jobs.send_notifications(T0)
    assert report.enqueued and smtp.mailbox.messages == []
    jobs.dispatch(T0)  # a second tick before the workers ran: every delivery is queued twice
    assert queue.count == 4  # 40 mails in batches of 25, twice

    run_workers(app, count=2)

    received = Counter(m["To"] for m in smtp.mailbox.messages)
    assert len(received) == 40 and set(received.values()) == {1}, "a mail was sent twice or never"
    assert {(d.state, d.attempts) for d in deliveries(channel="email")} == {("sent", 1)}
    assert queue.count == 0


def test_a_delivery_whose_sender_died_is_taken_again_once_stale_and_sent_once(app, course, team, smtp,
                                                                             monkeypatch):
    assign(course, due_on=date(2031, 3, 6))

    def killed(*args):
        raise SystemExit("the worker was killed")  # not an error the sender catches: it just stops

    with monkeypatch.context() as patched:
        patched.setattr(channels, "send", killed)
        with pytest.raises(SystemExit):
            jobs.send_notifications(T0)
    db.session.rollback()
    # The sender took its whole batch (Ada's and Bo's mails) before it died on the first one.
    stuck = deliveries(channel="email", state="sending")
    assert len(stuck) == 2 and {d.claimed_at for d in stuck} == {T0}

    jobs.send_notifications(T0 + timedelta(minutes=5))  # its sender may still be at work
    assert [d.id for d in deliveries(channel="email", state="sending")] == [d.id for d in stuck]

    jobs.send_notifications(T0 + delivery_service.STALE_AFTER + timedelta(minutes=1))

    assert [(d.state, d.attempts) for d in deliveries(channel="email")] == [("sent", 2), ("sent", 2)]
    assert sorted(m["To"] for m in smtp.mailbox.messages) == ["ada@example.com", "bo@example.com"]


def _worker_environment(app, smtp) -> dict[str, str]:
    """The environment of a `flask jobs worker` process on this test's database, queue and SMTP."""
    environment = {**os.environ, "FLASK_APP": "app", "REDIS_URL": REDIS_URL, "JOBS_IN_PROCESS": "0",
                   "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "INSTANCE_PATH": app.instance_path,
                   "SECRET_KEY": app.config["SECRET_KEY"], "SMTP_URL": smtp.url,
                   "MAIL_FROM": app.config["MAIL_FROM"], "SITE_URL": app.config["SITE_URL"]}
    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"].get("connect_args", {}).get("options")
    if options:  # PostgreSQL: the test's own schema (libpq reads PGOPTIONS)
        environment["PGOPTIONS"] = options
    return environment


def test_a_worker_sigkilled_mid_send_leaves_the_mail_to_the_next_run_which_sends_it_once(app, queue, course,
                                                                                       team, smtp):
    assign(course, due_on=date(2031, 3, 6))
    smtp.mailbox.hold = True
    jobs.send_notifications(T0)
    worker = subprocess.Popen([sys.executable, "-m", "flask", "jobs", "worker"], cwd=PROJECT_ROOT,
                              env=_worker_environment(app, smtp), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not smtp.mailbox.held and time.monotonic() < deadline:
            time.sleep(0.05)
        assert smtp.mailbox.held, "the worker never reached the SMTP server"
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    smtp.mailbox.release()
    assert smtp.mailbox.messages == []
    # The worker had taken its whole batch: both wait for the stale period, neither is lost.
    assert [d.state for d in deliveries(channel="email")] == ["sending", "sending"]

    jobs.send_notifications(T0 + delivery_service.STALE_AFTER + timedelta(minutes=1))
    run_workers(app, count=2)

    assert sorted(m["To"] for m in smtp.mailbox.messages) == ["ada@example.com", "bo@example.com"]
    assert {d.state for d in deliveries(channel="email")} == {"sent"}
