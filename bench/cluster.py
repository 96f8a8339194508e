"""Several instances, proven: two `make serve` instances on PostgreSQL and Redis behind Debian's nginx.

Creates a PostgreSQL database of its own (cw_cluster_<pid>, on CI_POSTGRES_URL's server) and runs
`make db` on it (migrations, the course, the demo company), adds managers, then starts, as production
does: an RQ worker (`make worker`), two gunicorn instances (`make serve`: gunicorn.conf.py; the same
SECRET_KEY, DATABASE_URL and REDIS_URL, which also holds the rate limits; an instance folder each, as
on two machines) and nginx with deploy/nginx/culture-courses.conf's upstream and proxy settings
(generated into a temporary folder, run as this user on a free port). Then, through nginx:

  1. the reminder jobs the instances enqueue are run by the worker;
  2. a session made on A is used on B; failed sign-ins alternating A and B hit the account's limit;
  3. signed-in managers read the lesson page and the dashboard (every answer must be a 200);
  4. the president publishes a lesson through A: how long until B serves it;
  5. A is SIGKILLed (master and workers) while managers submit quizzes and read pages: nginx fails
     over, and no submission answered 2xx/3xx is lost or counted twice (failed ones are sent again).

Prints a Markdown table; exits 1 when a check fails. Everything it started is stopped, and the
database dropped, on exit (also on Ctrl-C or failure) unless --keep.

    .venv/bin/python bench/cluster.py [--managers 40] [--drill-people 300] [--seconds 10]
                                      [--redis-url redis://127.0.0.1:6379/7] [--ports 5700-5799] [--keep]
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from redis import Redis  # noqa: E402

from bench import cluster_checks as checks  # noqa: E402
from bench import cluster_drill as drill  # noqa: E402
from bench import cluster_stack as stack_  # noqa: E402


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--managers", type=int, default=40, help="signed-in managers reading pages")
    parser.add_argument("--drill-people", type=int, default=300, help="managers submitting a quiz")
    parser.add_argument("--submitters", type=int, default=16, help="submissions in flight at once")
    parser.add_argument("--seconds", type=float, default=10, help="seconds of page reading")
    parser.add_argument("--kill-after", type=float, default=2.0, help="seconds into the submissions")
    parser.add_argument("--redis-url", default=os.environ.get("CLUSTER_REDIS_URL", "redis://127.0.0.1:6379/7"),
                        help="a Redis database of its own: flushed before and after")
    parser.add_argument("--ports", metavar="FIRST-LAST", help="take the ports from this range")
    parser.add_argument("--keep", action="store_true", help="keep the database and the temporary folder")
    return parser.parse_args()


def build(stack: stack_.Stack, args: argparse.Namespace) -> str:
    """The database, the worker, the two instances and nginx; returns the demo president's username."""
    started = time.perf_counter()
    stack_.create_database(stack)
    env = stack_.common_environment(stack)
    president = stack_.prepare_database(env, args.managers + args.drill_people + 2)
    print(f"database {stack.database}: migrated, course imported, demo company and "
          f"{args.managers + args.drill_people + 2} managers in {time.perf_counter() - started:.0f} s",
          flush=True)
    stack_.start_worker(stack, env)
    for name in ("A", "B"):
        stack_.start_instance(stack, env, name, args.ports)
    stack_.start_nginx(stack, args.ports)
    workers = {name: len(server.workers()) for name, server in stack.servers.items()}
    print(f"worker, instances A :{stack.ports['A']} and B :{stack.ports['B']} ({workers['A']} and "
          f"{workers['B']} gunicorn workers), nginx :{stack.ports['nginx']} up after "
          f"{time.perf_counter() - started:.0f} s; load average {os.getloadavg()[0]:.1f}", flush=True)
    return president


def run_checks(stack: stack_.Stack, args: argparse.Namespace, president: str,
               rows: list[checks.Row]) -> None:
    """Each check's rows join `rows` (and are printed) as it ends: a failure keeps the earlier ones."""
    def add(found: list[checks.Row]) -> None:
        rows.extend(found)
        for check, figure, _expected, met in found:
            print(f"  {check}: {figure}{'' if met else '  <- FAILED'}", flush=True)

    managers = args.managers
    add(checks.reminder_jobs(stack))
    add(checks.session_switch(stack, f"bench{managers + args.drill_people:04d}"))
    add(checks.sign_in_limit(stack, f"bench{managers + args.drill_people + 1:04d}"))
    readers = checks.signed_in(stack.base("nginx"), [f"bench{n:04d}" for n in range(managers)])
    add(checks.steady_load(readers, args.seconds))
    add(drill.publish_on_a(stack, president, readers[0]))
    add(drill.kill_drill(stack, readers, managers, args.drill_people, args.submitters, args.kill_after))


def report(rows: list[checks.Row]) -> None:
    print()
    print(f"{os.cpu_count()} cores; load average at the end "
          + " ".join(f"{load:.2f}" for load in os.getloadavg()))
    print()
    print("| Check | Figure | Expected | Met |")
    print("|---|---|---|---|")
    for check, figure, expected, met in rows:
        print(f"| {check} | {figure} | {expected} | {'yes' if met else '**no**'} |")


def main() -> int:
    args = arguments()
    # A stop from outside (kill, a CI timeout) cleans up like Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    Redis.from_url(args.redis_url).flushdb()
    stack = stack_.Stack(Path(tempfile.mkdtemp(prefix="culture-cluster-")), args.redis_url, keep=args.keep)
    rows: list[checks.Row] = []
    try:
        run_checks(stack, args, build(stack, args), rows)
    except KeyboardInterrupt:
        print("interrupted: stopping everything and dropping the database", flush=True)
        rows.append(("run to the end", "interrupted", "", False))
    finally:
        stack.close()
        if not args.keep:
            import shutil

            shutil.rmtree(stack.workdir, ignore_errors=True)
    report(rows)
    return 0 if all(met for *_, met in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
