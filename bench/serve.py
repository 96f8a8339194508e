"""The real server under load, next to the framework's own limit on this machine, in one run.

Builds a fresh instance in a temporary folder (SQLite; the demo course and company plus 1,000
managers with progress), starts gunicorn exactly as `make serve` does (production settings, access
log on), and measures with wrk, 32 connections each:

  1. the framework's limit: a bare Flask app (bench/bare_app.py, one route returning a short
     string) in its own gunicorn process with the same settings (bench/bare_gunicorn.conf.py),
  2. the lesson page, signed in, spread over 300 of the people (the readers) and the 8 lessons,
  3. the dashboard, signed in, over the same readers,
  4. quiz submission: every request grades a different open attempt of one of the other 700 people.

Before the rounds, every person's dashboard and each of their lessons is requested once (its own
rows: "first visit"): the first visit renders a page and keeps it (courseware/page_cache.py), and the
rounds measure a site in use, whose people have seen their pages before. Since each first opening of
a lesson changes the person's other pages, the lessons are then requested once more ("second visit").
Before each page round the readers' cookies are renewed, as browsers keep the cookie a page sends
back (the session's last-seen moment moves once a minute): wrk would replay the sign-in's cookie,
which the site re-signs on every request once it is a minute old.

The requests are measured in interleaved rounds (bare, lesson, dashboard, submit, then again) and
each figure is the median round, so that other work on the machine weighs on all of them alike.
Every page response must be a 200 (a redirect to sign-in counts as a failure). Prints requests/s,
p50, p99, each page's share of the bare app's throughput, the workers' resident memory and the cold
start (process start to the first 200), as a Markdown table.

    .venv/bin/python bench/serve.py [--duration 10] [--managers 1000] [--readers 300] [--ports 5600-5699]
        [--only bare,lesson,dashboard,submit] [--rounds 3] [--profile DIR] [--keep]

WEB_CONCURRENCY and GUNICORN_THREADS choose the workers and threads, as for `make serve`.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
WRK_SCRIPTS = ROOT / "bench" / "wrk"
USER_AGENT = "culture-courses-bench"  # sessions are bound to the browser that signed in
PASSWORD = "bench-password-1"
TARGETS = {"lesson": 0.40, "dashboard": 0.30}
P99_TARGET_MS = 100
SUBMIT_P99_TARGET_MS = 250  # on SQLite, 32 connections, no error
RSS_TARGET_MB = 120
COLD_START_TARGET_S = 1.5


@dataclass
class Result:
    name: str
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    unexpected: int
    exhausted: int
    errors: int
    # The server's processes' CPU time (user + system) during the run: on a shared machine the
    # CPU a request costs is steadier than the requests a second.
    cpu_seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    @property
    def cpu_ms(self) -> float:
        return 1000 * self.cpu_seconds / self.requests if self.requests else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up before each")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--managers", type=int, default=1000)
    parser.add_argument("--readers", type=int, default=300,
                        help="of the managers, those who read (the others take quizzes)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="measure each request this many times and report the median")
    parser.add_argument("--only", help="comma-separated: bare,lesson,dashboard,submit")
    parser.add_argument("--profile", metavar="DIR",
                        help="record the workers with py-spy during each page run, into DIR")
    parser.add_argument("--keep", action="store_true", help="keep the temporary instance folder")
    parser.add_argument("--ports", metavar="FIRST-LAST",
                        help="take the two servers' ports from this range (default: any free port)")
    args = parser.parse_args()

    wrk = ensure_wrk()
    workdir = Path(tempfile.mkdtemp(prefix="culture-bench-"))
    port = free_port(args.ports)
    bare_port = free_port(args.ports, taken=(port,))
    env = server_environment(workdir, port)
    servers: list[Server] = []  # stopped however the run ends: a failed check must not leave them running
    try:
        started = time.perf_counter()
        for command in (["db", "upgrade"], ["content", "import"]):
            run_quietly([str(BIN / "flask"), "--app", "app", *command], env)
        items = prepare(workdir, env, args.managers, args.readers)
        print(f"prepared in {time.perf_counter() - started:.0f} s: {items.summary}", flush=True)

        # Cold start: process start to the first 200, three times (the last server stays up).
        starts = []
        for attempt in range(3):
            server = Server(env, workdir)
            servers.append(server)
            starts.append(server.start(port))
            if attempt < 2:
                server.stop()
        cold_start = statistics.median(starts)
        server.wait_for_workers(expected_workers(env))
        bare_env = {**env, "PORT": str(bare_port), "ACCESS_LOG": str(workdir / "bare-access.log")}
        bare_server = Server(bare_env, workdir, config=ROOT / "bench" / "bare_gunicorn.conf.py",
                             app="bench.bare_app:app", health="/", log_name="bare-gunicorn.log")
        servers.append(bare_server)
        bare_server.start(bare_port)
        bare_server.wait_for_workers(expected_workers(env))
        print(f"gunicorn: {len(server.workers())} workers × {env_threads(env)} threads; cold start "
              + ", ".join(f"{s:.2f}" for s in starts) + f" s; load average {os.getloadavg()[0]:.1f}",
              flush=True)
        base = f"http://127.0.0.1:{port}"
        bases = {"bare": f"http://127.0.0.1:{bare_port}"}
        scenarios = {
            "bare": ("pages.lua", [items.bare]),
            "lesson": ("pages.lua", [items.lessons]),
            "dashboard": ("pages.lua", [items.dashboards]),
            "submit": ("submit.lua", []),
        }
        chosen = args.only.split(",") if args.only else list(scenarios)
        runs: dict[str, list[Result]] = {name: [] for name in chosen}
        first_visits = first_visit_pass(wrk, base, scenarios, chosen, server, args)
        for round_number in range(1, args.rounds + 1):
            for name in chosen:
                script, script_args = scenarios[name]
                measured = bare_server if name == "bare" else server
                if name == "submit":
                    profile = server if args.profile and round_number == 1 else None
                    cpu = server.cpu_seconds()
                    result = measure_submissions(wrk, base, items, args, profile)
                    result.cpu_seconds = server.cpu_seconds() - cpu
                else:
                    target = bases.get(name, base)
                    if name != "bare":
                        items.refresh_cookies(base)
                    run_wrk(wrk, target, script, script_args, args, args.warmup, name)
                    profiler = None
                    if args.profile and round_number == 1 and name != "bare":
                        profiler = server.profile(args.profile, name, args.duration)
                    cpu = measured.cpu_seconds()
                    result = run_wrk(wrk, target, script, script_args, args, args.duration, name)
                    result.cpu_seconds = measured.cpu_seconds() - cpu
                    if profiler:
                        profiler.wait()
                        print(summarize_profile(Path(args.profile) / f"{name}.txt"), flush=True)
                runs[name].append(result)
                print(f"  round {round_number} {name}: {result.rate:,.0f} req/s, "
                      f"p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms, "
                      f"{result.cpu_ms:.2f} ms CPU a request", flush=True)
        # Other work on the machine makes single runs noisy: each figure is the median run.
        results = {**first_visits, **{name: sorted(found, key=lambda r: r.rate)[len(found) // 2]
                                      for name, found in runs.items()}}
        memory = server.worker_memory()
        server.stop()
        bare_server.stop()
        report(results, memory, cold_start, env, args)
    finally:
        for each in servers:
            each.stop()
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    # wrk comes from Debian's packages; nothing is downloaded from anywhere else.
    if shutil.which("apt-get"):
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        print("wrk is missing: installing Debian's package", flush=True)
        subprocess.run([*sudo, "apt-get", "install", "-y", "-q", "wrk"], check=False)
        found = shutil.which("wrk")
    if not found:
        sys.exit("wrk is needed: install it with `apt-get install wrk`")
    return found


def free_port(ports: str | None = None, taken: tuple[int, ...] = ()) -> int:
    """A free port: any, or the first free one in a range such as "5600-5699"."""
    first, last = (int(n) for n in ports.split("-")) if ports else (0, 0)
    for candidate in range(first, last + 1):
        if candidate in taken:
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", candidate))
            except OSError:
                continue
            return probe.getsockname()[1]
    sys.exit(f"no free port in {ports}")


def server_environment(workdir: Path, port: int) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "SECRET_KEY", "FLASK_DEBUG", "REDIS_URL")}
    env.update(
        INSTANCE_PATH=str(workdir / "instance"),
        HOST="127.0.0.1",
        PORT=str(port),
        ACCESS_LOG=str(workdir / "access.log"),
        PYTHONDONTWRITEBYTECODE="",
    )
    return env


def env_threads(env: dict) -> str:
    return env.get("GUNICORN_THREADS") or "4"


def expected_workers(env: dict) -> int:
    if env.get("WEB_CONCURRENCY"):
        return int(env["WEB_CONCURRENCY"])
    import runpy

    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))["workers"]


def run_quietly(command: list[str], env: dict) -> None:
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")


# --- the data: the demo company and course, 1,000 managers, their sessions and open attempts ---

@dataclass
class Items:
    """The request files wrk reads, and what is needed to prepare more quiz submissions."""

    workdir: Path
    database: Path
    bare: str
    lessons: str
    dashboards: str
    summary: str
    quiz_paths: dict[int, str]  # quiz id -> its page
    questions: dict[int, list]  # quiz version id -> questions
    sessions: dict[int, tuple[str, str]]  # user id -> (cookie, CSRF token)
    rng: random.Random
    quiz_takers: set[int]
    rounds: int = 0

    def refresh_cookies(self, base: str) -> None:
        """The readers' cookies as their browsers hold them now. A browser keeps the cookie a page
        sends back (the session's last-seen moment, moved once a minute); wrk replays the one from
        sign-in, which the site re-signs on every request once it is a minute old. Each reader asks
        for the dashboard once, and the pages' lists take the cookie it sent back."""
        host, port = base.removeprefix("http://").split(":")
        renewed: dict[str, str] = {}
        for cookie in {line.split("\t")[0] for line in Path(self.dashboards).read_text().splitlines()}:
            connection = http.client.HTTPConnection(host, int(port), timeout=30)
            connection.request("GET", "/", headers={"Cookie": cookie, "User-Agent": USER_AGENT})
            response = connection.getresponse()
            response.read()
            sent = response.getheader("Set-Cookie")
            connection.close()
            if sent and sent.startswith("session="):
                renewed[cookie] = sent.split(";")[0]
        for path in (self.lessons, self.dashboards):
            lines = Path(path).read_text().splitlines()
            Path(path).write_text("\n".join(renewed.get(line.split("\t")[0], line.split("\t")[0])
                                            + line[line.index("\t"):] for line in lines) + "\n")

    def connect(self):
        import sqlite3

        return sqlite3.connect(self.database, timeout=30)

    def submitted_count(self) -> int:
        with self.connect() as connection:
            return connection.execute(
                "SELECT count(*) FROM quiz_attempt WHERE state = 'submitted'").fetchone()[0]

    def open_submissions(self, part: str) -> str:
        """Open a new attempt wherever a quiz taker has none (as opening the quiz page does), and
        write one submission per open attempt, answered right 60 % of the time: for the warm-up
        ("warmup": a tenth of them), or for the measurement (every attempt open, those submitted
        in the warm-up opened anew)."""
        now = time.strftime("%Y-%m-%d %H:%M:%S.000000", time.gmtime())
        with self.connect() as connection:
            connection.execute("""
                INSERT INTO quiz_attempt (user_id, quiz_id, quiz_version_id, number, state, started_at)
                SELECT u.id, q.id, q.current_version_id,
                       COALESCE((SELECT max(a.number) FROM quiz_attempt a
                                 WHERE a.user_id = u.id AND a.quiz_id = q.id), 0) + 1,
                       'in_progress', ?
                FROM user_account u CROSS JOIN quiz q
                WHERE u.username LIKE 'bench.%' AND q.current_version_id IS NOT NULL
                  AND q.archived_at IS NULL
                  AND NOT EXISTS (SELECT 1 FROM quiz_attempt o WHERE o.user_id = u.id
                                  AND o.quiz_id = q.id AND o.state = 'in_progress')""", (now,))
            open_attempts = connection.execute("""
                SELECT a.id, a.user_id, a.quiz_id, a.quiz_version_id FROM quiz_attempt a
                JOIN user_account u ON u.id = a.user_id
                WHERE a.state = 'in_progress' AND u.username LIKE 'bench.%'""").fetchall()
        lines = []
        for attempt_id, user_id, quiz_id, version_id in open_attempts:
            if user_id not in self.quiz_takers:
                continue
            cookie, token = self.sessions[user_id]
            form = [("csrf_token", token), ("attempt_id", attempt_id)]
            passing = self.rng.random() < 0.6
            for question in self.questions[version_id]:
                right = [o["key"] for o in question["options"] if o["correct"]]
                keys = right if passing else [self.rng.choice([o["key"] for o in question["options"]])]
                form += [(f"q-{question['id']}", key) for key in keys]
            lines.append(f"{cookie}\t{self.quiz_paths[quiz_id]}\t{urlencode(form)}")
        self.rng.shuffle(lines)
        self.rounds += 1
        return write_lines(self.workdir / f"submit-{part}-{self.rounds}.txt",
                           lines[:len(lines) // 10] if part == "warmup" else lines)


def write_lines(path: Path, lines: list[str]) -> str:
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def prepare(workdir: Path, env: dict, managers: int, reader_count: int) -> Items:
    """Seed the database in this process, then sign every manager in through the login page."""
    os.environ.update({k: env[k] for k in ("INSTANCE_PATH",)})
    for name in ("DATABASE_URL", "SECRET_KEY"):
        os.environ.pop(name, None)
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import insert, select
    from werkzeug.security import generate_password_hash

    from courseware import create_app
    from courseware.extensions import db
    from courseware.models import (
        AttemptAnswer,
        Course,
        Department,
        Lesson,
        LessonProgress,
        QuizAttempt,
        User,
    )
    from courseware.models._time import utcnow
    from courseware.services.ops import demo

    # Sign-in limits are per address; the bench signs 1,000 people in from one.
    app = create_app({"RATELIMIT_ENABLED": False})
    rng = random.Random(2026)
    with app.app_context():
        demo.seed_demo(db.session, password=PASSWORD)
        course = db.session.scalar(select(Course).order_by(Course.position))
        lessons = list(db.session.scalars(
            select(Lesson).where(Lesson.course_id == course.id,
                                 Lesson.published_revision_id.is_not(None))
            .order_by(Lesson.position)))
        departments = list(db.session.scalars(select(Department)))
        # A cheap hash: signing 1,000 people in must not take minutes (logins are not measured).
        password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
        now = utcnow()
        db.session.execute(insert(User), [
            {"username": f"bench.{i:04d}", "full_name": f"Bench Manager {i:04d}", "role": "manager",
             "department_id": departments[i % len(departments)].id, "password_hash": password_hash,
             "session_token": f"bench-session-{i:04d}", "active": True,
             "created_at": now - timedelta(days=60), "department_since": now - timedelta(days=60)}
            for i in range(managers)
        ])
        users = list(db.session.execute(
            select(User.id, User.username).where(User.username.like("bench.%")).order_by(User.id)))
        quiz_of = {lesson.id: lesson.active_quiz for lesson in lessons}
        progress_rows, attempts, answers = [], [], []
        for user_id, _ in users:
            # Some lessons done (quiz passed), the next one opened: a course in progress.
            done = rng.randint(0, len(lessons))
            for index, lesson in enumerate(lessons[:done + 1]):
                opened = now - timedelta(days=30 - index, minutes=rng.randint(0, 600))
                finished = index < done
                progress_rows.append({
                    "user_id": user_id, "lesson_id": lesson.id, "opened_at": opened,
                    "last_opened_at": opened, "read_at": opened if finished else None,
                    "quiz_passed_at": opened if finished else None,
                    "completed_at": opened if finished else None,
                    "completed_revision_id": lesson.published_revision_id if finished else None,
                    "seconds_spent": rng.randint(120, 900)})
                quiz = quiz_of[lesson.id]
                if finished and quiz is not None:
                    attempts.append({
                        "user_id": user_id, "quiz_id": quiz.id,
                        "quiz_version_id": quiz.current_version_id, "number": 1,
                        "state": "submitted", "started_at": opened, "submitted_at": opened,
                        "score": 100, "correct_count": 6, "question_count": 6, "passed": True})
        db.session.execute(insert(LessonProgress), progress_rows)
        db.session.execute(insert(QuizAttempt), attempts)
        bench_ids = [user_id for user_id, _ in users]
        submitted = list(db.session.execute(
            select(QuizAttempt.id, QuizAttempt.quiz_version_id)
            .where(QuizAttempt.state == "submitted", QuizAttempt.user_id.in_(bench_ids))))
        questions_of = {}
        for quiz in quiz_of.values():
            if quiz is not None:
                questions_of[quiz.current_version_id] = quiz.current_version.questions
        for attempt_id, version_id in submitted:
            for position, question in enumerate(questions_of[version_id]):
                keys = [o["key"] for o in question["options"] if o["correct"]]
                answers.append({"attempt_id": attempt_id, "question_id": question["id"],
                                "position": position, "selected": keys, "correct": True})
        db.session.execute(insert(AttemptAnswer), answers)
        db.session.commit()
        lesson_paths = [f"/courses/{course.slug}/{lesson.slug}" for lesson in lessons]
        quiz_paths = {quiz.id: f"/courses/{course.slug}/{lesson.slug}/quiz"
                      for lesson in lessons if (quiz := quiz_of[lesson.id]) is not None}
        summary = (f"{len(users):,} managers, {len(lessons)} lessons, {len(progress_rows):,} progress "
                   f"rows, {len(attempts):,} submitted attempts")

    sessions = sign_in(app, [username for _, username in users])
    cookie_of = {user_id: sessions[username] for user_id, username in users}
    # Two populations at once, as on a site in use: some read (lessons, dashboards), the others take
    # quizzes (700 of 1,000 have about 4,500 attempts to submit: a round of up to 450 a second);
    # a reader's pages are theirs alone, so another's quiz changes nothing they see.
    split = min(reader_count, len(users) // 2)
    readers = [cookie_of[user_id][0] for user_id, _ in users[:split]]
    quiz_takers = {user_id for user_id, _ in users[split:]}
    lesson_lines = [f"{cookie}\t{path}" for cookie in readers for path in lesson_paths]
    rng.shuffle(lesson_lines)
    return Items(
        workdir=workdir,
        database=Path(env["INSTANCE_PATH"]) / "courseware.db",
        bare=write_lines(workdir / "bare.txt", ["\t/"]),
        lessons=write_lines(workdir / "lessons.txt", lesson_lines),
        dashboards=write_lines(workdir / "dashboards.txt", [f"{cookie}\t/" for cookie in readers]),
        summary=summary, quiz_paths=quiz_paths, questions=questions_of, sessions=cookie_of, rng=rng,
        quiz_takers=quiz_takers,
    )


CSRF_RE = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


def sign_in(app, usernames: list[str]) -> dict[str, tuple[str, str]]:
    """Each person signs in through the real login form; returns their cookie and CSRF token."""
    sessions = {}
    for username in usernames:
        client = app.test_client()
        client.environ_base.update(HTTP_USER_AGENT=USER_AGENT, REMOTE_ADDR="127.0.0.1")
        token = CSRF_RE.search(client.get("/login").get_data(as_text=True)).group(1)
        response = client.post("/login", data={"username": username, "password": PASSWORD,
                                               "csrf_token": token})
        if response.status_code != 302:
            sys.exit(f"could not sign {username} in: {response.status_code}")
        page = client.get("/me").get_data(as_text=True)
        token = CSRF_RE.search(page).group(1)
        cookie = client.get_cookie("session")
        sessions[username] = (f"session={cookie.value}", token)
    return sessions


# --- the server and the load ---

class Server:
    def __init__(self, env: dict, workdir: Path, config: Path = ROOT / "gunicorn.conf.py",
                 app: str = "app:app", health: str = "/healthz", log_name: str = "gunicorn.log"):
        self.env = env
        self.workdir = workdir
        self.config, self.app, self.health, self.log_name = config, app, health, log_name
        self.process: subprocess.Popen | None = None

    def start(self, port: int) -> float:
        """Start gunicorn; returns seconds from the process start to the first 200."""
        log = open(self.workdir / self.log_name, "w")
        started = time.perf_counter()
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--config", str(self.config), self.app],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        while time.perf_counter() - started < 30:
            if self.process.poll() is not None:
                sys.exit(f"gunicorn exited: see {self.workdir / self.log_name}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", self.health)
                if connection.getresponse().status == 200:
                    return time.perf_counter() - started
            except OSError:
                pass
            time.sleep(0.005)
        sys.exit("gunicorn did not answer within 30 s")

    def wait_for_workers(self, count: int) -> None:
        deadline = time.monotonic() + 30
        while len(self.workers()) < count and time.monotonic() < deadline:
            time.sleep(0.05)

    def workers(self) -> list[int]:
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                children.append(int(stat.parent.name))
        return sorted(children)

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the master and its workers have used so far."""
        ticks = 0
        for pid in [self.process.pid, *self.workers()]:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
        return ticks / os.sysconf("SC_CLK_TCK")

    def worker_memory(self) -> list[tuple[float, float, float, float, float]]:
        """(resident, peak resident, proportional, unique, file-backed resident) MB of each worker:
        RSS counts the pages a worker shares with the master (the preloaded code) and the files it
        maps (the database, mapped for reading) in full; PSS shares them out among the processes,
        USS counts only the worker's own."""
        memory = []
        for pid in self.workers():
            status = Path(f"/proc/{pid}/status").read_text()
            rss = int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024
            peak = int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            field = {name: int(value) / 1024
                     for name, value in re.findall(r"^(\w+):\s+(\d+) kB", rollup, re.M)}
            in_files = int(re.search(r"RssFile:\s+(\d+)", status).group(1)) / 1024
            memory.append((rss, peak, field.get("Pss", 0.0),
                           field.get("Private_Clean", 0.0) + field.get("Private_Dirty", 0.0), in_files))
        return memory

    def profile(self, directory: str, name: str, seconds: int) -> subprocess.Popen:
        py_spy = shutil.which("py-spy") or str(BIN / "py-spy")
        Path(directory).mkdir(parents=True, exist_ok=True)
        output = Path(directory) / f"{name}.txt"
        return subprocess.Popen(
            [py_spy, "record", "--pid", str(self.process.pid), "--subprocesses", "--rate", "250", "--gil",
             "--duration", str(seconds), "--format", "raw", "--output", str(output), "--nonblocking"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stop(self) -> None:
        # A graceful stop; a master still waiting on a worker that was booting when the signal came
        # (seen on a busy machine) is killed rather than failing the whole run.
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=35)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def measure_submissions(wrk: str, base: str, items: Items, args, profile_on=None) -> Result:
    """Every request submits an attempt nobody has submitted: a real grading and a real write."""
    warmup = items.open_submissions("warmup")
    run_wrk(wrk, base, "submit.lua", [warmup, str(args.wrk_threads)], args, args.warmup, "submit")
    measured = items.open_submissions("measured")
    before = items.submitted_count()
    profiler = profile_on.profile(args.profile, "submit", args.duration) if profile_on else None
    result = run_wrk(wrk, base, "submit.lua", [measured, str(args.wrk_threads)], args, args.duration,
                     "submit")
    if profiler:
        profiler.wait()
        print(summarize_profile(Path(args.profile) / "submit.txt"), flush=True)
    time.sleep(0.5)  # requests still in flight when wrk stopped
    graded = items.submitted_count() - before
    if graded < result.requests or result.exhausted or result.unexpected:
        sys.exit(f"quiz submission: {result.requests} responses but {graded} attempts graded "
                 f"({result.unexpected} unexpected statuses): not every request was a real "
                 "submission; rerun with more --managers")
    return result


def first_visit_pass(wrk: str, base: str, scenarios: dict, chosen: list[str], server, args) -> dict:
    """Every page of every person requested once, before the rounds: the first visit renders each
    page (and keeps it, courseware/page_cache.py); the rounds then measure a site in use, where a
    person's dashboard and lessons were seen before. Each first opening of a lesson changes the
    person's other pages (their progress), so the lessons are visited once more after all of them
    were opened: the pages as they now are. Reported as rows of their own."""
    results = {}
    for name, visit in (("lesson", "first visit"), ("dashboard", "first visit"), ("lesson", "second visit")):
        if name not in chosen:
            continue
        script, script_args = scenarios[name]
        expected = sum(1 for _ in open(script_args[0]))
        cpu = server.cpu_seconds()
        result = run_wrk_once(wrk, base, script, [*script_args, str(args.wrk_threads)], args, name,
                              Path(server.env["ACCESS_LOG"]), expected)
        result.cpu_seconds = server.cpu_seconds() - cpu
        results[f"{name} {visit}"] = result
        print(f"  {visit} of every {name}: {result.requests:,} requests, {result.rate:,.0f} req/s, "
              f"p99 {result.p99_ms:.1f} ms, {result.cpu_ms:.2f} ms CPU a request", flush=True)
    return results


def wrk_command(wrk: str, base: str, script: str, script_args: list[str], args, seconds: int) -> list[str]:
    return [wrk, f"-t{args.wrk_threads}", f"-c{args.connections}", f"-d{seconds}s", "--timeout", "10s",
            "-s", str(WRK_SCRIPTS / script), base, "--", *script_args]


def run_wrk(wrk: str, base: str, script: str, script_args: list[str], args, seconds: int,
            name: str) -> Result:
    done = subprocess.run(wrk_command(wrk, base, script, script_args, args, seconds),
                          capture_output=True, text=True)
    return wrk_result(done.stdout, done.stderr, done.returncode, name)


def run_wrk_once(wrk: str, base: str, script: str, script_args: list[str], args, name: str,
                 access_log: Path, expected: int) -> Result:
    """wrk until the server's access log shows `expected` more requests (wrk's threads stop when
    their items are done, but wrk itself waits out its duration): then interrupted, as Ctrl-C does,
    which prints its summary."""
    with open(access_log, "rb") as log:
        log.seek(0, os.SEEK_END)
        process = subprocess.Popen(wrk_command(wrk, base, script, script_args, args, 3600),
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        answered = 0
        while process.poll() is None and answered < expected:
            time.sleep(0.1)
            answered += log.read().count(b"\n")
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    return wrk_result(stdout, stderr, 0, name)


def wrk_result(stdout: str, stderr: str, returncode: int, name: str) -> Result:
    lines = [line for line in stdout.splitlines() if line.startswith("{")]
    if returncode or not lines:
        sys.exit(f"wrk failed for {name}:\n{stdout}{stderr}")
    data = json.loads(lines[-1])
    return Result(name, data["requests"], data["duration_us"] / 1e6, data["p50_us"] / 1000,
                  data["p99_us"] / 1000, data["unexpected"], data["exhausted"],
                  data["socket_errors"] + data["timeouts"])


# --- the report ---

LAYERS = [  # the innermost frame's package decides where a sample's time went
    ("database (SQLAlchemy, sqlite3)", ("sqlalchemy/", "sqlite3", "psycopg")),
    ("templates (Jinja)", ("jinja2/", "markupsafe/", ".html")),
    ("sign-in and session (Flask-Login, itsdangerous, security)", (
        "flask_login/", "itsdangerous/", "courseware/security.py", "courseware/auth/", "hmac.py",
        "hashlib")),
    ("forms and CSRF (WTForms, Flask-WTF)", ("wtforms/", "flask_wtf/")),
    ("Flask and Werkzeug", ("flask/", "werkzeug/", "flask_limiter/", "limits/")),
    ("our code (courseware/)", ("courseware/",)),
    ("gunicorn, sockets, logging", ("gunicorn/", "selectors.py", "socket.py", "logging/", "threading.py",
                                    "concurrent/", "queue.py")),
]


def summarize_profile(path: Path) -> str:
    """Where the workers' time went (py-spy samples taken while holding the GIL)."""
    layers: dict[str, int] = {}
    functions: dict[str, int] = {}
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = stack.split(";")
        total += int(count)
        inner = frames[-1]
        layer = next((name for name, marks in LAYERS if any(m in inner for m in marks)), "other")
        layers[layer] = layers.get(layer, 0) + int(count)
        for frame in {f.split(" (")[0] + " (" + f.split(" (")[-1].split(":")[0] + ")"
                      for f in frames if "courseware/" in f or "templates/" in f or ".html" in f}:
            functions[frame] = functions.get(frame, 0) + int(count)
    if not total:
        return f"  (no samples in {path})"
    lines = [f"  profile {path.name}: {total} samples"]
    lines += [f"    {100 * n / total:5.1f} %  {name}"
              for name, n in sorted(layers.items(), key=lambda x: -x[1])]
    lines.append("    our functions (time inside, callees included):")
    lines += [f"    {100 * n / total:5.1f} %  {name}"
              for name, n in sorted(functions.items(), key=lambda x: -x[1])[:8]]
    return "\n".join(lines)


LABELS = {
    "bare": "bare Flask app, own process (the framework's limit)",
    "lesson": "lesson page, signed in, seen before",
    "dashboard": "dashboard, signed in, seen before",
    "lesson first visit": "lesson page, first visit (each person's each lesson once)",
    "dashboard first visit": "dashboard, first visit (each person's once)",
    "lesson second visit": "lesson page, second visit (after the person's other lessons were opened)",
    "submit": "quiz submission, graded",
}


def report(results: dict[str, Result], memory, cold_start: float, env: dict, args) -> None:
    bare = results.get("bare")
    workers = len(memory)
    print()
    print(f"{workers} gunicorn workers × {env_threads(env)} threads (gthread) on {os.cpu_count()} cores, "
          f"SQLite, {args.managers:,} managers ({args.readers:,} reading); "
          f"wrk {args.connections} connections, {args.duration} s each, "
          f"median of {args.rounds} interleaved rounds; load average at the end "
          + " ".join(f"{load:.2f}" for load in os.getloadavg()))
    print()
    print("| Request | Requests/s | p50 | p99 | Share of bare app | CPU a request (bare's share) "
          "| Target | Met |")
    print("|---|---:|---:|---:|---:|---:|---|---|")
    for name, result in results.items():
        share = result.rate / bare.rate if bare else None
        cpu_share = f" ({bare.cpu_ms / result.cpu_ms:.0%})" if bare and result.cpu_ms else ""
        target, met = "", []
        if name in TARGETS:
            target = f"≥ {TARGETS[name]:.0%} and p99 ≤ {P99_TARGET_MS} ms"
            met = [share is not None and share >= TARGETS[name], result.p99_ms <= P99_TARGET_MS]
        elif name == "submit":
            target = f"p99 ≤ {SUBMIT_P99_TARGET_MS} ms, no error"
            met = [result.p99_ms <= SUBMIT_P99_TARGET_MS]
        problems = result.unexpected + result.errors
        met += [problems == 0] if met else []
        flag = ("yes" if all(met) else "**no**") if met else ""
        note = f" ({problems} failed)" if problems else ""
        print(f"| {LABELS[name]} | {result.rate:,.0f}{note} | {result.p50_ms:.1f} ms | "
              f"{result.p99_ms:.1f} ms | {f'{share:.0%}' if share is not None else ''} | "
              f"{result.cpu_ms:.2f} ms{cpu_share} | {target} | {flag} |")
    largest = max((each[0] for each in memory), default=0)
    peak = max((each[1] for each in memory), default=0)
    pss = max((each[2] for each in memory), default=0)
    uss = max((each[3] for each in memory), default=0)
    in_files = max((each[4] for each in memory), default=0)
    print(f"| worker memory (resident, largest worker) | {largest:.0f} MB (peak {peak:.0f} MB; "
          f"PSS {pss:.0f} MB, USS {uss:.0f} MB; of the resident, {in_files:.0f} MB mapped files) | | | | | "
          f"≤ {RSS_TARGET_MB} MB | {'yes' if peak <= RSS_TARGET_MB else '**no**'} |")
    print(f"| cold start (process start to first 200) | {cold_start:.2f} s | | | | | "
          f"≤ {COLD_START_TARGET_S} s | {'yes' if cold_start <= COLD_START_TARGET_S else '**no**'} |")


if __name__ == "__main__":
    sys.exit(main())
