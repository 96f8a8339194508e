"""HR reports at company scale: managers in departments under reporting lines, a 40-lesson course,
everyone's progress in every lesson (40 rows a person), an attempt per completed lesson, and a
certificate (valid 12 months, issued within the past year) for everyone who completed the course.

Builds the synthetic company (bench/hr_reports_data.py) in a fresh SQLite database, or in a
PostgreSQL database it creates (`--database-url`; dropped at the end unless `--keep`, reused by a
later run with `--reuse`), then times in-process with Flask's test client the overview, one
department's people, a filtered people list, a director's /team and the full progress CSV,
streamed: median of several runs, with the SQL query count of each, and for the CSV the growth of
the process's resident memory while it streams.

    .venv/bin/python bench/hr_reports.py [--managers 10000] [--runs 5]
    .venv/bin/python bench/hr_reports.py --managers 50000 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/cw_bench_reports [--keep] [--reuse]
"""
from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, event, func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.pool import NullPool  # noqa: E402

from bench.hr_reports_data import PASSWORD, build  # noqa: E402
from courseware import create_app  # noqa: E402
from courseware.extensions import db  # noqa: E402
from courseware.models import Department, User  # noqa: E402

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
TICKS = os.sysconf("SC_CLK_TCK")
# The app's engine, whose statements are counted. Requests run outside any app context of the
# bench's own: one would be shared by every request, with the signed-in person in its `g`.
ENGINE: list = []
# For a local PostgreSQL: an engine on the bench's database that finds its server processes, whose
# CPU time (/proc) is counted beside the bench's own: CPU time per request is steadier than wall
# time on a machine shared with other work.
SERVER: list = []


def _server_cpu() -> float:
    """Seconds of CPU the PostgreSQL server processes serving the bench's database have used."""
    if not SERVER:
        return 0.0
    with SERVER[0].connect() as connection:
        pids = connection.scalars(text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                                       " AND pid <> pg_backend_pid()")).all()
    used = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:  # gone, or not on this machine
            continue
        used += int(fields[11]) + int(fields[12])
    return used / TICKS


def _server(url: str):
    """An engine on the PostgreSQL server's maintenance database, for CREATE and DROP DATABASE."""
    return create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")


def prepare_database(url: str, reuse: bool) -> bool:
    """Create the bench's PostgreSQL database afresh (never a leftover's data), or keep it with
    `reuse` when it exists; whether the company must be built."""
    name = make_url(url).database
    server = _server(url)
    with server.connect() as connection:
        exists = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name})
        if exists and reuse:
            return False
        if exists:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    server.dispose()
    return True


def drop_database(url: str) -> None:
    server = _server(url)
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    server.dispose()


def _counted(client, url: str) -> tuple[float, int, int, float, float]:
    """Wall time, queries, bytes, and the CPU time of this process and of the database server."""
    engine = ENGINE[0]
    statements: list[str] = []

    def listener(*args) -> None:
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", listener)
    server = _server_cpu()
    started, cpu = time.perf_counter(), time.process_time()
    response = client.get(url, buffered=False)
    size = sum(len(chunk) for chunk in response.response)  # drained chunk by chunk, never held
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    event.remove(engine, "before_cursor_execute", listener)
    assert response.status_code == 200, (url, response.status_code)
    return elapsed, len(statements), size, cpu, _server_cpu() - server


def measure(client, url: str, runs: int) -> tuple[float, int, int, float, float]:
    """Medians of wall time and of the process's CPU time, and the server's mean CPU time (counted
    in clock ticks of 10 ms: a mean of several runs is finer than any one)."""
    timings, cpus, servers = [], [], []
    queries = size = 0
    for run in range(runs + 1):
        elapsed, queries, size, cpu, server = _counted(client, url)
        if run:  # the first run warms caches
            timings.append(elapsed)
            cpus.append(cpu)
            servers.append(server)
    return statistics.median(timings), queries, size, statistics.median(cpus), statistics.fmean(servers)


def _resident() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE_SIZE


def stream_memory(client, url: str) -> tuple[float, int, int, int, float]:
    """Time, queries, bytes and the largest growth of resident memory while the response streams
    (sampled every 5 ms by a thread)."""
    gc.collect()
    baseline = _resident()
    peak = [baseline]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _resident())
            time.sleep(0.005)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        elapsed, queries, size, cpu, _server = _counted(client, url)
    finally:
        done.set()
        sampler.join()
    return elapsed, queries, size, peak[0] - baseline, cpu


def _signed_in(app, username: str):
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302, (username, response.status_code)
    return client


def _line(name: str, median: float, target: float | None, queries: int, size: int, cpu: float, server: float,
          extra: str = "") -> None:
    goal = f"{target * 1000:.0f} ms" if target else "-"
    verdict = "" if target is None else ("  ok" if median <= target else "  OVER")
    print(f"{name:<26}{median * 1000:>9.0f} ms{goal:>10}{cpu * 1000:>9.0f} ms{server * 1000:>9.0f} ms"
          f"{queries:>9}{size:>14,}{verdict}{extra}", flush=True)


def run_pages(app, runs: int, managers: int, only: list[str] | None = None) -> None:
    with app.app_context():
        department = db.session.scalar(select(Department.id).where(Department.name == "Department 007"))
        director = db.session.scalar(select(User.username).where(User.id == 1))
        team = db.session.scalar(select(func.count()).where(User.manager_id.is_not(None)))
        ENGINE[:] = [db.engine]
    hr, lead = _signed_in(app, "bench.hr"), _signed_in(app, director)
    pages = [
        (hr, "overview", "/hr/", 0.300),
        (hr, "one department", f"/hr/people?department={department}", 0.150),
        (hr, "filtered people", f"/hr/people?department={department}&status=in_progress&sort=progress",
         0.150),
        (hr, "people, all, page 1", "/hr/people", None),
        (hr, "people, middle page", f"/hr/people?page={max(1, managers // 100)}", None),
        (hr, "refresh due, by expiry", "/hr/people?status=refresh_due&sort=expiry", None),
        (lead, "director's /team", "/team", 0.150),
        (lead, "director's /team/people", "/team/people", None),
    ]
    print(f"\n{managers:,} managers; people with a line manager: {team:,}")
    print(f"{'page':<26}{'median':>12}{'target':>10}{'app CPU':>12}{'db CPU':>12}{'queries':>9}{'bytes':>14}")
    for client, name, page_url, target in pages:
        if only and not any(word in name for word in only):
            continue
        median, queries, size, cpu, server = measure(client, page_url, runs)
        _line(name, median, target, queries, size, cpu, server)
    if only and "CSV" not in only:
        return
    elapsed, queries, size, growth, cpu = stream_memory(hr, "/hr/export/progress.csv")
    _line("CSV export, everyone", elapsed, 3.0 if managers <= 10_000 else None, queries, size, cpu, 0.0,
          f"  memory +{growth / 2**20:.0f} MB (target <= 50 MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--managers", "--people", type=int, default=10_000)
    parser.add_argument("--departments", type=int, help="default: 30, or 200 from 50,000 managers")
    parser.add_argument("--team", type=int, default=5000, help="the people below each director")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database-url", help="a PostgreSQL database to create (default: SQLite, temporary)")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database afterwards")
    parser.add_argument("--only", action="append", help="only pages whose name holds this (CSV: the export)")
    parser.add_argument("--reuse", action="store_true", help="use the kept database as it is, if it exists")
    args = parser.parse_args()
    departments = args.departments or (200 if args.managers >= 50_000 else 30)
    workdir = Path(tempfile.mkdtemp(prefix="bench-hr-"))
    os.environ.setdefault("SECRET_KEY", "bench")
    os.environ["INSTANCE_PATH"] = str(workdir)
    url = args.database_url or f"sqlite:///{workdir / 'bench.db'}"
    postgres = url.startswith("postgresql")
    must_build = prepare_database(url, args.reuse) if postgres else True
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False})
    if postgres:
        SERVER.append(create_engine(url, poolclass=NullPool))
    try:
        if must_build:
            _build(app, args.managers, departments, args.team, postgres)
        else:
            print("reusing the kept database")
        print(f"load average before measuring: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        run_pages(app, args.runs, args.managers, args.only)
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        if postgres and not args.keep:
            drop_database(url)


def _build(app, managers: int, departments: int, team: int, postgres: bool) -> None:
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        started = time.perf_counter()
        built = build(managers, departments, team)
        generated = time.perf_counter() - started
        print(f"built: {built}")
        print(f"generation took {generated:.1f} s ({db.engine.dialect.name})")
        if postgres:
            started = time.perf_counter()
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM ANALYZE"))
            print(f"VACUUM ANALYZE took {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
