"""Reminders at company scale: 10,000 managers in 30 departments, each department assigned the course,
due in 3 days, so that every manager is owed one "due in 3 days" mail and one notice in the bell.

1. Planning: `send-due`'s own code (services/notifications/deliveries.send_due: plan, then claim each
   delivery by its unique key in one transaction), timed in-process at 1,000 and 10,000 people, with
   the SQL query count of each (it must not grow with the people), then a second run at the same
   moment (it claims nothing).
2. Delivery: a local SMTP sink (aiosmtpd, in this process) and 2 RQ workers (`flask jobs worker`
   subprocesses, on the local Redis, database 12 by default, flushed first): the claimed mails are
   enqueued as `flask notifications send-due` does (batches of jobs.DELIVERY_BATCH), and timed until
   the sink has them all; then every recipient must have exactly one (0 duplicates, 0 lost) and every
   delivery row must say `sent`.

    .venv/bin/python bench/notifications.py [--database sqlite|postgresql] [--people 1000 10000]
                                           [--workers 2] [--redis-db 12]
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import redis  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from aiosmtpd.controller import Controller  # noqa: E402
from sqlalchemy import event, func, insert, select  # noqa: E402

from courseware import create_app, jobs  # noqa: E402
from courseware.extensions import db  # noqa: E402
from courseware.models import Assignment, Course, Delivery, Department, User  # noqa: E402

POSTGRES = os.environ.get("CI_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
DEPARTMENTS = 30
# 10:00 in Shanghai on a Monday: outside quiet hours, so nothing is held.
NOW = datetime(2031, 3, 3, 2, 0)
DUE_ON = date(2031, 3, 6)  # in 3 days
MAIL_FROM = "Culture Courses <courses@example.com>"


def build(people: int) -> None:
    """The course, 30 departments each assigned it 10 days ago, and the managers (bulk inserts)."""
    from courseware.services.authoring.content_import import import_content

    import_content(db.session, ROOT / "lessons", ROOT / "quizzes")
    course_id = db.session.scalar(select(Course.id).order_by(Course.id))
    long_ago = NOW - timedelta(days=400)
    departments = [Department(name=f"Department {i:02d}") for i in range(DEPARTMENTS)]
    db.session.add_all(departments)
    db.session.flush()
    db.session.execute(insert(User), [
        {"username": f"m{i:05d}", "full_name": f"Manager {i:05d}", "role": "manager",
         "email": f"m{i:05d}@example.com", "department_id": departments[i % DEPARTMENTS].id,
         "password_hash": "-", "session_token": f"token-{i}", "active": True, "created_at": long_ago,
         "department_since": long_ago}
        for i in range(people)])
    db.session.execute(insert(Assignment), [
        {"course_id": course_id, "department_id": department.id, "due_on": DUE_ON, "purpose": "completion",
         "created_at": NOW - timedelta(days=10)} for department in departments])
    db.session.commit()


def counting() -> tuple[list[str], object]:
    statements: list[str] = []

    def listener(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(db.engine, "before_cursor_execute", listener)
    return statements, listener


def plan_and_claim(app, people: int) -> dict:
    """Time send-due's planning and claiming (the first run, then a second at the same moment)."""
    from courseware.services.notifications import deliveries

    figures: dict = {"people": people}
    with app.app_context():
        for run in ("first", "second"):
            statements, listener = counting()
            started, cpu = time.perf_counter(), time.process_time()
            report = deliveries.send_due(db.session, NOW, app.config)
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
            event.remove(db.engine, "before_cursor_execute", listener)
            inserts = sum(1 for statement in statements if statement.lstrip().upper().startswith("INSERT"))
            figures[run] = (elapsed, cpu, len(statements) - inserts, inserts, sum(report.new.values()),
                            report.already)
            if run == "first":
                figures["claimed"] = dict(Counter({channel: n for (_, channel), n in report.new.items()}))
            db.session.remove()
    return figures


class Sink:
    """An aiosmtpd handler that counts what each recipient receives (nothing else is kept)."""

    def __init__(self) -> None:
        self.received: Counter = Counter()
        self.total = 0
        self.first: float | None = None
        self.last: float | None = None

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        now = time.perf_counter()
        self.first = self.first or now
        self.last = now
        for recipient in envelope.rcpt_tos:
            self.received[recipient] += 1
        self.total += 1
        return "250 Message accepted for delivery"


class SinkController(Controller):
    """aiosmtpd's Controller on port 0: the system picks a free port, read back once listening."""

    def _trigger_server(self) -> None:
        if self.port == 0:
            self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


def start_workers(env: dict, count: int, workdir: Path) -> list[subprocess.Popen]:
    return [subprocess.Popen([str(ROOT / ".venv/bin/flask"), "jobs", "worker"], cwd=ROOT, env=env,
                             stdout=(workdir / f"worker-{n}.log").open("w"), stderr=subprocess.STDOUT)
            for n in range(count)]


def wait_for_workers(app, count: int, workers: list[subprocess.Popen]) -> None:
    deadline = time.time() + 60
    with app.app_context():
        while jobs.job_queue.workers_listening(app) < count:
            if time.time() > deadline or any(worker.poll() is not None for worker in workers):
                raise SystemExit("the workers did not start: see worker-*.log in the bench's folder")
            time.sleep(0.2)


def deliver_all(app, env: dict, workers_count: int, workdir: Path, sink: Sink, expected: int) -> dict:
    """Enqueue every claimed delivery and time the workers until the sink has them all."""
    workers = start_workers(env, workers_count, workdir)
    try:
        wait_for_workers(app, workers_count, workers)
        with app.app_context():
            started, sink_cpu = time.perf_counter(), time.process_time()
            jobs.dispatch(NOW)
            enqueued = time.perf_counter() - started
            db.session.remove()
        seen, moved = 0, time.time()
        while sink.total < expected and time.time() - moved < 120:  # until done, or 2 minutes stalled
            if sink.total != seen:
                seen, moved = sink.total, time.time()
            time.sleep(0.05)
        elapsed, sink_cpu = time.perf_counter() - started, time.process_time() - sink_cpu
        time.sleep(1)  # a straggler, duplicate or late, would arrive now
        with app.app_context():
            states = dict(db.session.execute(select(Delivery.state, func.count()).where(
                Delivery.channel == "email").group_by(Delivery.state)).all())
    finally:
        workers_cpu = stop_workers(workers)
    return {"elapsed": elapsed, "enqueued": enqueued, "states": states, "workers_cpu": workers_cpu,
            "sink_cpu": sink_cpu}


def stop_workers(workers: list[subprocess.Popen]) -> float:
    """Stop the workers (RQ's warm shutdown: the job under way ends first); their CPU seconds."""
    for worker in workers:
        worker.send_signal(signal.SIGTERM)
    cpu = 0.0
    for worker in workers:
        _, status, usage = os.wait4(worker.pid, 0)
        worker.returncode = os.waitstatus_to_exitcode(status)
        cpu += usage.ru_utime + usage.ru_stime
    return cpu


def database(kind: str, workdir: Path, label: str) -> tuple[str, str | None]:
    """The bench's own database: a SQLite file, or a PostgreSQL database created for it."""
    if kind == "sqlite":
        return f"sqlite:///{workdir / f'{label}.db'}", None
    name = f"bench_notifications_{os.getpid()}_{label}_{uuid.uuid4().hex[:6]}"
    admin = sa.create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return sa.make_url(POSTGRES).set(database=name).render_as_string(hide_password=False), name


def drop(name: str | None) -> None:
    if name is None:
        return
    admin = sa.create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def make_app(url: str, workdir: Path, settings: dict):
    os.environ.setdefault("SECRET_KEY", "bench")
    os.environ["INSTANCE_PATH"] = str(workdir)
    os.environ["JOBS_IN_PROCESS"] = "0"
    return create_app({"SQLALCHEMY_DATABASE_URI": url, **settings})


def one_size(kind: str, people: int, workdir: Path, settings: dict) -> tuple[dict, str, str | None]:
    from flask_migrate import upgrade

    url, dropped = database(kind, workdir, str(people))
    app = make_app(url, workdir, settings)
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        build(people)
        took = time.perf_counter() - started
        print(f"built {people:,} managers in {took:.1f} s ({db.engine.dialect.name})")
    return plan_and_claim(app, people), url, dropped


def print_planning(rows: list[dict]) -> None:
    print(f"\n{'send-due: plan and claim':<26}{'people':>8}{'time':>10}{'CPU':>9}{'queries':>9}{'inserts':>9}"
          f"{'claimed':>9}{'by channel':>28}")
    for row in rows:
        for run in ("first", "second"):
            elapsed, cpu, queries, inserts, new, already = row[run]
            channels = (", ".join(f"{n:,} {c}" for c, n in sorted(row["claimed"].items()))
                        if run == "first" else f"{already:,} claimed before")
            verdict = "  ok" if elapsed <= 5 else "  OVER 5 s"
            print(f"{run + ' run':<26}{row['people']:>8,}{elapsed:>8.2f} s{cpu:>7.2f} s{queries:>9}"
                  f"{inserts:>9}{new:>9,}{channels:>28}{verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--people", type=int, nargs="+", default=[1_000, 10_000])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--redis-db", type=int, default=12)
    args = parser.parse_args()
    print(f"bench/notifications.py, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, "
          f"{args.database}")
    workdir = Path(tempfile.mkdtemp(prefix="bench-notifications-"))
    redis_url = f"redis://127.0.0.1:6379/{args.redis_db}"
    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=2).flushdb()
    except redis.exceptions.ConnectionError as error:
        raise SystemExit(f"Redis at {redis_url} is not reachable ({error}): the delivery needs one "
                         "(apt-get install redis-server)") from error
    sink = Sink()
    controller = SinkController(sink, hostname="127.0.0.1", port=0)
    controller.start()
    settings = {"SMTP_URL": f"smtp://127.0.0.1:{controller.port}", "MAIL_FROM": MAIL_FROM,
                "SITE_URL": "https://courses.example.com", "REDIS_URL": redis_url}
    created: list[str | None] = []
    try:
        rows = []
        for people in args.people:
            figures, url, name = one_size(args.database, people, workdir, settings)
            rows.append(figures)
            created.append(name)
        print_planning(rows)
        expected = rows[-1]["claimed"].get("email", 0)
        env = dict(os.environ, DATABASE_URL=url, FLASK_APP="app", **settings)
        result = deliver_all(make_app(url, workdir, settings), env, args.workers, workdir, sink, expected)
        print_delivery(result, sink, expected, args.workers)
    finally:
        controller.stop()
        for name in created:
            drop(name)


def print_delivery(result: dict, sink: Sink, expected: int, workers: int) -> None:
    addresses = {f"m{i:05d}@example.com" for i in range(expected)}
    duplicates = sum(n - 1 for n in sink.received.values() if n > 1)
    lost = len(addresses - set(sink.received))  # not received (the run stops after 2 minutes without a mail)
    rate = sink.total / result["elapsed"] if result["elapsed"] else 0
    print(f"\ndelivery: {expected:,} mails, {workers} RQ workers, SMTP sink on 127.0.0.1")
    print(f"  enqueued in                {result['enqueued']:.2f} s")
    print(f"  received                   {sink.total:,} in {result['elapsed']:.1f} s")
    print(f"  mails/s                    {rate:,.0f}{'  ok' if rate >= 200 else '  UNDER 200'}")
    per_mail = 1000 / max(sink.total, 1)
    print(f"  CPU per mail               {result['workers_cpu'] * per_mail:.1f} ms in the workers "
          f"(start-up included), {result['sink_cpu'] * per_mail:.1f} ms in the sink")
    print(f"  load average at the end    {os.getloadavg()[0]:.1f}")
    print(f"  duplicates / lost          {duplicates} / {lost}")
    print(f"  delivery rows by state     {result['states']}")


if __name__ == "__main__":
    main()
