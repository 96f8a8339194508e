"""bench/cluster.py's checks, each returning the rows of the printed table: (check, figure, expected, met)."""
from __future__ import annotations

import http.client
import re
import statistics
import threading
import time
import urllib.error
import urllib.parse
from dataclasses import dataclass

from redis import Redis
from rq import Queue, Worker
from rq.registry import FailedJobRegistry, FinishedJobRegistry

from bench.cluster_stack import QUEUE, Stack
from bench.integrity import LESSON_URL, PASSWORD, Browser, run_all
from courseware.services.people.sign_in_limits import USERNAME_LIMITS

Row = tuple[str, str, str, bool]
PAGES = (LESSON_URL, "/")  # a lesson page and the dashboard


class Client(Browser):
    """integrity's Browser, also telling which instance answered (the test nginx's X-Upstream);
    status 0 when the connection broke."""

    def call(self, path: str, data: dict | None = None, timeout: float = 30) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            try:
                response = self.opener.open(self.base + path, data=body, timeout=timeout)
            except urllib.error.HTTPError as error:
                response = error
            with response:
                return response.status, response.read().decode(errors="replace"), \
                    response.headers.get("X-Upstream", "")
        except (OSError, http.client.HTTPException):
            return 0, "", ""


@dataclass
class Record:
    started: float
    ended: float
    kind: str
    status: int
    upstream: str


def signed_in(base: str, usernames: list[str]) -> list[Client]:
    """Each person signs in through the login form (8 at a time: one address's sign-ins count together)."""
    clients = [Client(base) for _ in usernames]
    run_all([lambda c=c, u=u: c.sign_in(u) for c, u in zip(clients, usernames, strict=True)], limit=8)
    return clients


def reminder_jobs(stack: Stack) -> list[Row]:
    """The instances' job runners enqueue the periodic jobs (reminders among them) on the shared
    queue as soon as they start; the worker, a process of its own, runs them."""
    connection = Redis.from_url(stack.redis_url)
    jobs_queue = Queue(QUEUE, connection=connection)
    deadline = time.monotonic() + 60
    done: list = []
    while time.monotonic() < deadline:
        finished = FinishedJobRegistry(queue=jobs_queue)
        done = [job for job in jobs_queue.job_class.fetch_many(finished.get_job_ids(), connection=connection)
                if job is not None and job.description == "job notifications"]
        if len(done) >= 2:  # one per instance folder (each instance ticks)
            break
        time.sleep(0.2)
    failed = FailedJobRegistry(queue=jobs_queue).count
    ran_by = sorted({job.worker_name or "?" for job in done})
    workers = Worker.count(connection=connection, queue=jobs_queue)
    return [("reminder jobs enqueued by the instances, run by the worker",
             f"{len(done)} run by {', '.join(ran_by) or 'nobody'}; {failed} failed; "
             f"{workers} worker(s) on the queue", "≥ 2 (one per instance), 0 failed",
             len(done) >= 2 and failed == 0 and workers >= 1)]


def session_switch(stack: Stack, username: str) -> list[Row]:
    """A session made on A (signing in there), then used on B."""
    client = Client(stack.base("A"))
    client.sign_in(username)
    client.base = stack.base("B")
    status, page, _ = client.call("/me")
    shown = "Bench Manager" in page
    return [("session made on A, used on B (/me)", f"{status}{', own name shown' if shown else ''}",
             "200 with the person's name", status == 200 and shown)]


def sign_in_limit(stack: Stack, username: str) -> list[Row]:
    """Failed sign-ins for one account alternate between A and B: the refusal comes at the count the
    account's limit names, not at twice it (as it would if each instance counted alone)."""
    limit = USERNAME_LIMITS[0][0]
    statuses = []
    for attempt in range(limit + 2):
        client = Client(stack.base("AB"[attempt % 2]))
        status, page, _ = client.call("/login")
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        password = "wrong-password" if attempt <= limit else PASSWORD
        form = {"username": username, "password": password, "csrf_token": token}
        status, _, _ = client.call("/login", form)
        statuses.append(status)
    first_refusal = next((n + 1 for n, s in enumerate(statuses) if s == 429), None)
    return [("failed sign-ins of one account, alternating A and B",
             f"statuses {' '.join(map(str, statuses))}: refused from attempt {first_refusal}, "
             f"the right password too", f"refused from attempt {limit + 1} ({limit} a minute)",
             first_refusal == limit + 1 and all(s == 429 for s in statuses[limit:])
             and all(0 < s < 429 for s in statuses[:limit]))]


def page_load(clients: list[Client], stop: threading.Event, records: list[Record]) -> list[threading.Thread]:
    """Each signed-in manager reads the lesson page and the dashboard in turn until `stop`."""
    def reader(client: Client, offset: int) -> None:
        n = offset
        while not stop.is_set():
            started = time.perf_counter()
            status, _, upstream = client.call(PAGES[n % 2])
            records.append(Record(started, time.perf_counter(), "page", status, upstream))
            n += 1

    threads = [threading.Thread(target=reader, args=(c, n), daemon=True) for n, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    return threads


def steady_load(clients: list[Client], seconds: float) -> list[Row]:
    records: list[Record] = []
    stop = threading.Event()
    threads = page_load(clients, stop, records)
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    bad = [r for r in records if r.status != 200]
    # "A, B": nginx's request to A failed and went to B (a form would have had a 502).
    retried = [r for r in records if "," in r.upstream]
    times = sorted(1000 * (r.ended - r.started) for r in records)
    spread: dict[str, int] = {}
    for record in records:
        if "," not in record.upstream:
            spread[record.upstream] = spread.get(record.upstream, 0) + 1
    return [(f"pages through nginx, {len(clients)} signed-in managers, {seconds:.0f} s",
             f"{len(records):,} requests ({len(records) / seconds:,.0f}/s; p50 "
             f"{statistics.median(times):.0f} ms, p99 {times[int(len(times) * 0.99)]:.0f} ms), "
             f"{len(bad)} not 200, {len(retried)} retried by nginx on the other instance; per instance "
             + ", ".join(f"{k or '-'}: {v}" for k, v in sorted(spread.items())),
             "0 not 200, 0 retried, both instances serve",
             not bad and not retried and len([k for k in spread if k]) == 2)]
