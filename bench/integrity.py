"""Quiz results under load and under failure, against the real server (gunicorn, 4 workers).

1. 200 managers, each signed in, submit their quiz at the same moment: lost results (must be 0),
   5xx answers (must be 0), "database is locked" in the server log (must be 0), p50/p95 latency.
2. 20 times, a worker is killed with SIGKILL while a submission is in flight: afterwards no attempt
   is half-written (submitted without its answers, or answers on an open attempt) and, on SQLite,
   PRAGMA integrity_check says ok.
3. The drill: 100 more managers submit at the same moment while a worker is SIGKILLed 5 times (every
   0.15 s); a submission cut off is sent again once (the same form: the same attempt). Successes,
   connection errors, lost results (answered 2xx/3xx but not submitted in the database: must be 0)
   and duplicates (more than one submitted attempt per person, or answer per question: must be 0).

On PostgreSQL each run creates a database of its own on CI_POSTGRES_URL's server and drops it after.

    .venv/bin/python bench/integrity.py [--database sqlite|postgresql|both] [--people 200] [--kills 20]
                                        [--drill-people 100] [--drill-kills 5] [--drill-only]
"""
from __future__ import annotations

import argparse
import http.client
import http.cookiejar
import os
import re
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

PASSWORD = "integrity-bench-1"
POSTGRES = os.environ.get("CI_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
LESSON_URL = "/courses/corporate-culture/performance-goal-and-effect"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(env: dict, people: int) -> None:
    """Migrate, import the course and add the managers, in a child process with the bench's env."""
    script = f"""
import sqlalchemy as sa
from datetime import datetime
from courseware import create_app
from courseware.extensions import db
from courseware.services.authoring.content_import import import_content
from flask_migrate import upgrade
app = create_app()
with app.app_context():
    upgrade()
    import_content(db.session, "lessons", "quizzes")
    from courseware.models import User
    now = datetime(2026, 11, 1)
    db.session.execute(sa.insert(User), [dict(username=f"bench{{i:04d}}", full_name=f"Bench {{i}}",
        role="manager", password_hash={generate_password_hash(PASSWORD)!r}, session_token=f"bench-{{i}}",
        active=True, created_at=now, department_since=now) for i in range({people})])
    db.session.commit()
"""
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True, capture_output=True)


class Browser:
    """One person's cookie jar; just enough HTTP for the flows below."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect())

    def request(self, path: str, data: dict | None = None, timeout: float = 120) -> tuple[int, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=timeout) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def sign_in(self, username: str) -> None:
        status, page = self.request("/login")
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        status, _ = self.request("/login", {"username": username, "password": PASSWORD, "csrf_token": token})
        assert status == 302, f"sign-in of {username} answered {status}"

    def open_quiz(self) -> dict:
        status, page = self.request(LESSON_URL + "/quiz")
        assert status == 200, status
        form = {"csrf_token": re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1),
                "attempt_id": re.search(r'name="attempt_id" value="(\d+)"', page).group(1)}
        inputs = InputCollector()
        inputs.feed(page)
        for name, value in inputs.inputs:
            if name.startswith("q-"):
                form.setdefault(name, value)  # the first option of each question: a real, graded answer
        return form


class InputCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inputs: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "input" and attributes.get("name"):
            self.inputs.append((attributes["name"], attributes.get("value") or ""))


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def start_server(env: dict, port: int, log: Path) -> subprocess.Popen:
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "--workers", "4", "--bind", f"127.0.0.1:{port}",
         "--graceful-timeout", "5", "--error-logfile", str(log), "app:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log.with_suffix(".stderr").open("w"))
    deadline = time.time() + 120  # a busy machine takes its time to load the app
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("the server did not start; see " + str(log))


def worker_pids(master: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(master)], capture_output=True, text=True)
    return [int(pid) for pid in out.stdout.split()]


def concurrent_submissions(base: str, people: int) -> dict:
    browsers = [Browser(base) for _ in range(people)]
    forms = [None] * people

    def get_ready(index):
        browsers[index].sign_in(f"bench{index:04d}")
        forms[index] = browsers[index].open_quiz()

    run_all([lambda i=i: get_ready(i) for i in range(people)], limit=32)
    start = threading.Barrier(people)
    results = [None] * people

    def submit(index):
        start.wait()
        began = time.perf_counter()
        status, _ = browsers[index].request(LESSON_URL + "/quiz", forms[index])
        results[index] = (status, time.perf_counter() - began)

    run_all([lambda i=i: submit(i) for i in range(people)], limit=people)
    latencies = sorted(r[1] for r in results)
    return {
        "statuses": [r[0] for r in results],
        "p50": statistics.median(latencies),
        "p95": latencies[int(len(latencies) * 0.95) - 1],
    }


def run_all(jobs, limit: int) -> None:
    semaphore = threading.Semaphore(limit)
    errors = []

    def guarded(job):
        with semaphore:
            try:
                job()
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)

    threads = [threading.Thread(target=guarded, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise SystemExit(f"{len(errors)} client errors, first: {errors[0]!r}")


def kill_during_submits(base: str, master: int, rounds: int, first_user: int) -> int:
    """Kill a worker while a submission is in flight; returns how many requests were cut off."""
    cut = 0
    for n in range(rounds):
        browser = Browser(base)
        browser.sign_in(f"bench{first_user + n:04d}")
        form = browser.open_quiz()
        outcome: dict = {}
        thread = threading.Thread(target=_submit_into, args=(browser, form, outcome))
        thread.start()
        time.sleep(0.002 * (n % 5))  # land the kill at different moments of the request
        for pid in worker_pids(master):
            os.kill(pid, signal.SIGKILL)
        thread.join()
        if outcome.get("r", (0,))[0] not in (303,):
            cut += 1
        deadline = time.time() + 10  # the master starts new workers
        while len(worker_pids(master)) < 4 and time.time() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)
    return cut


def kill_drill(base: str, master: int, engine: sa.Engine, first_user: int, people: int, kills: int) -> dict:
    """`people` submit at the same moment while a worker is SIGKILLed `kills` times. A submission cut
    off is sent again once, as a person would press the button again: the same form, so the same
    attempt (its id is the submission's token)."""
    browsers = [Browser(base) for _ in range(people)]
    forms: list = [None] * people

    def get_ready(index):
        browsers[index].sign_in(f"bench{first_user + index:04d}")
        forms[index] = browsers[index].open_quiz()

    run_all([lambda i=i: get_ready(i) for i in range(people)], limit=8)
    start = threading.Barrier(people + 1)
    outcomes: list = [None] * people

    def submit(index):
        start.wait()
        first = _submit(browsers[index], forms[index])
        again = _submit(browsers[index], forms[index]) if first == 0 else None
        outcomes[index] = (first, again)

    killed = []

    def killer():
        start.wait()
        for n in range(kills):
            time.sleep(0.15)  # kills spread over the burst, each while requests are in flight
            pids = worker_pids(master)
            if pids:
                os.kill(pids[n % len(pids)], signal.SIGKILL)
                killed.append(pids[n % len(pids)])

    run_all([lambda i=i: submit(i) for i in range(people)] + [killer], limit=people + 1)
    return _drill_figures(engine, forms, outcomes, len(killed))


def _submit(browser: Browser, form: dict) -> int:
    """The answer's status; 0 when the connection broke (the worker died under the request) or no
    answer came within a minute."""
    try:
        return browser.request(LESSON_URL + "/quiz", form, timeout=60)[0]
    except (OSError, http.client.HTTPException):
        return 0


def _drill_figures(engine: sa.Engine, forms: list, outcomes: list, killed: int) -> dict:
    """Successes, connection errors, lost results (answered 2xx/3xx, not submitted in the database)
    and duplicates (more than one submitted attempt, or answer, per submission)."""
    attempt_ids = [int(form["attempt_id"]) for form in forms]
    with engine.connect() as conn:
        submitted = set(conn.execute(sa.text(
            "SELECT id FROM quiz_attempt WHERE state = 'submitted' AND id IN :ids"
        ).bindparams(sa.bindparam("ids", expanding=True)), {"ids": attempt_ids}).scalars())
        users = conn.execute(sa.text(
            "SELECT user_id, count(*) FROM quiz_attempt WHERE state = 'submitted' AND user_id IN "
            "(SELECT user_id FROM quiz_attempt WHERE id IN :ids) GROUP BY user_id HAVING count(*) > 1"
        ).bindparams(sa.bindparam("ids", expanding=True)), {"ids": attempt_ids}).all()
        answers = conn.execute(sa.text(
            "SELECT count(*) FROM (SELECT attempt_id, question_id FROM attempt_answer "
            "WHERE attempt_id IN :ids GROUP BY attempt_id, question_id HAVING count(*) > 1) d"
        ).bindparams(sa.bindparam("ids", expanding=True)), {"ids": attempt_ids}).scalar_one()
    answered = [any(status and 200 <= status < 400 for status in outcome if status is not None)
                for outcome in outcomes]
    return {
        "killed": killed,
        "success_first": sum(1 for first, _ in outcomes if 200 <= first < 400),
        "connection_errors": sum(1 for first, _ in outcomes if first == 0),
        "success_retry": sum(1 for first, again in outcomes if first == 0 and again and 200 <= again < 400),
        "unanswered": sum(1 for ok in answered if not ok),
        "5xx": sum(1 for outcome in outcomes for status in outcome if status and status >= 500),
        "lost": sum(1 for ok, attempt_id in zip(answered, attempt_ids, strict=True)
                    if ok and attempt_id not in submitted),
        "recorded": len(submitted),
        "duplicates": sum(count - 1 for _, count in users) + answers,
        "half_written": half_written(engine),
    }


def _submit_into(browser: Browser, form: dict, outcome: dict) -> None:
    try:
        outcome["r"] = browser.request(LESSON_URL + "/quiz", form, timeout=10)
    except (OSError, http.client.HTTPException):  # the worker died under the request
        outcome["r"] = (0, "")


def half_written(engine: sa.Engine) -> tuple[int, int]:
    with engine.connect() as conn:
        submitted_without_answers = conn.execute(sa.text(
            "SELECT count(*) FROM quiz_attempt a WHERE a.state = 'submitted' AND NOT EXISTS "
            "(SELECT 1 FROM attempt_answer x WHERE x.attempt_id = a.id)")).scalar_one()
        open_with_answers = conn.execute(sa.text(
            "SELECT count(*) FROM quiz_attempt a WHERE a.state = 'in_progress' AND EXISTS "
            "(SELECT 1 FROM attempt_answer x WHERE x.attempt_id = a.id)")).scalar_one()
    return submitted_without_answers, open_with_answers


def own_database(kind: str, workdir: Path) -> tuple[str, str | None]:
    """A SQLite file, or a PostgreSQL database created for this run (dropped by drop_database)."""
    if kind == "sqlite":
        return f"sqlite:///{workdir / 'bench.db'}", None
    name = f"bench_integrity_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = sa.create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return sa.make_url(POSTGRES).set(database=name).render_as_string(hide_password=False), name


def drop_database(name: str | None) -> None:
    if name is not None:
        admin = sa.create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def bench(kind: str, args: argparse.Namespace) -> None:
    people, rounds = (0, 0) if args.drill_only else (args.people, args.kills)
    workdir = Path(tempfile.mkdtemp(prefix=f"bench-integrity-{kind}-"))
    env = dict(os.environ, INSTANCE_PATH=str(workdir), SECRET_KEY="bench-integrity", RATELIMIT_ENABLED="0",
               FLASK_APP="app", JOBS_IN_PROCESS="0")
    url, name = own_database(kind, workdir)
    env["DATABASE_URL"] = url
    prepare(env, people + rounds + args.drill_people)
    port = free_port()
    log = workdir / "server.log"
    server = start_server(env, port, log)
    base = f"http://127.0.0.1:{port}"
    engine = sa.create_engine(url)
    try:
        if not args.drill_only:
            burst_and_kills(kind, base, server.pid, engine, log, people, rounds)
        drill = kill_drill(base, server.pid, engine, people + rounds, args.drill_people, args.drill_kills)
        print_drill(kind, drill, args.drill_people)
        if kind == "sqlite":
            with sqlite3.connect(workdir / "bench.db") as conn:
                print(f"  PRAGMA integrity_check     {conn.execute('PRAGMA integrity_check').fetchone()[0]}")
                broken = len(conn.execute("PRAGMA foreign_key_check").fetchall())
                print(f"  PRAGMA foreign_key_check   {broken} rows")
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        engine.dispose()
        drop_database(name)


def burst_and_kills(kind: str, base: str, master: int, engine: sa.Engine, log: Path, people: int,
                    rounds: int) -> None:
    figures = concurrent_submissions(base, people)
    with engine.connect() as conn:
        recorded = conn.execute(sa.text(
            "SELECT count(*) FROM quiz_attempt WHERE state = 'submitted'")).scalar_one()
    statuses = figures["statuses"]
    server_output = (log.read_text(errors="replace")
                     + log.with_suffix(".stderr").read_text(errors="replace"))
    locked = server_output.count("database is locked")
    print(f"\n{kind}: {people} simultaneous quiz submissions by different people (gunicorn, 4 workers)")
    print(f"  answered 303 (graded)      {statuses.count(303)}")
    print(f"  lost results               {people - recorded}")
    print(f"  5xx                        {sum(1 for s in statuses if s >= 500)}")
    print(f"  'database is locked'       {locked}")
    print(f"  latency p50 / p95          {figures['p50'] * 1000:.0f} ms / {figures['p95'] * 1000:.0f} ms")
    cut = kill_during_submits(base, master, rounds, people)
    without, with_answers = half_written(engine)
    print(f"{kind}: {rounds} workers killed with SIGKILL during a submission ({cut} requests cut off)")
    print(f"  submitted without answers  {without}")
    print(f"  open with answers          {with_answers}")


def print_drill(kind: str, drill: dict, people: int) -> None:
    without, with_answers = drill["half_written"]
    print(f"{kind}: {people} simultaneous submissions while a worker is SIGKILLed {drill['killed']} times "
          "(a cut-off submission is sent again once)")
    print(f"  successes (2xx/3xx)        {drill['success_first']} at once, {drill['success_retry']} on "
          f"sending again")
    print(f"  connection errors          {drill['connection_errors']}")
    print(f"  5xx / no answer at all     {drill['5xx']} / {drill['unanswered']}")
    print(f"  recorded in the database   {drill['recorded']}")
    print(f"  lost results               {drill['lost']}{'  ok' if drill['lost'] == 0 else '  LOST'}")
    duplicates = drill["duplicates"]
    print(f"  duplicates                 {duplicates}{'  ok' if duplicates == 0 else '  DUPLICATED'}")
    print(f"  half-written attempts      {without + with_answers}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--drill-people", type=int, default=100)
    parser.add_argument("--drill-kills", type=int, default=5)
    parser.add_argument("--drill-only", action="store_true", help="only the SIGKILL drill (3.)")
    args = parser.parse_args()
    print(f"bench/integrity.py, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores")
    for kind in (["sqlite", "postgresql"] if args.database == "both" else [args.database]):
        bench(kind, args)


if __name__ == "__main__":
    main()
