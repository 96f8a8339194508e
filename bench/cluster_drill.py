"""bench/cluster.py's two checks with a story: a lesson the president publishes through instance A,
read on B; and instance A killed while managers submit quizzes and read pages through nginx."""
from __future__ import annotations

import queue
import re
import secrets
import threading
import time
from html.parser import HTMLParser

import sqlalchemy as sa

from bench.cluster_checks import Client, Record, Row, page_load, signed_in
from bench.cluster_stack import DEMO_PASSWORD, Stack, kill_instance
from bench.integrity import LESSON_URL, _drill_figures, run_all

LESSON_SLUG = LESSON_URL.rsplit("/", 1)[1]
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
RETRIES = 3  # a submission cut off is sent again (the same form: the same attempt), as a person would


class Forms(HTMLParser):
    """The forms of a page: action and the fields a browser would send (no submit buttons)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, list[list[str]]]] = []
        self._textarea: list[str] | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append((a.get("action", ""), []))
        elif not self.forms or not a.get("name") and tag != "option":
            return
        fields = self.forms[-1][1]
        if tag == "input" and a.get("type") not in ("submit", "button", "file", "image"):
            if a.get("type") not in ("checkbox", "radio") or "checked" in a:
                fields.append([a["name"], a.get("value", "")])
        elif tag == "textarea":
            self._textarea = [a["name"], ""]
            fields.append(self._textarea)
        elif tag == "select":
            self._select = a["name"]
            fields.append([a["name"], ""])
        elif tag == "option" and self._select is not None and "selected" in a:
            fields[-1][1] = a.get("value", "")

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def form_of(page: str, action_ends: str) -> dict[str, str]:
    """The fields of the form posting to …action_ends, or (given "") of the largest posting to the
    page itself."""
    parser = Forms()
    parser.feed(page)
    found = [fields for action, fields in parser.forms
             if (action.split("?")[0].endswith(action_ends) if action_ends else not action)]
    if not found:
        raise SystemExit(f"no form posting to …{action_ends or 'the page itself'} on the page")
    return {name: value for name, value in max(found, key=len)}


def publish_on_a(stack: Stack, president: str, reader: Client) -> list[Row]:
    """The president saves a new revision and publishes it through A's own port; a manager's reading
    of the lesson on B's port shows it. The delay is from A's answer to B's first page with it."""
    author = Client(stack.base("A"))
    status, page, _ = author.call("/login")
    token = CSRF.search(page).group(1)
    status, _, _ = author.call("/login", {"username": president, "password": DEMO_PASSWORD,
                                          "csrf_token": token})
    with sa.create_engine(stack.database_url).connect() as connection:
        lesson_id = connection.execute(sa.text("SELECT id FROM lesson WHERE slug = :slug"),
                                       {"slug": LESSON_SLUG}).scalar_one()
    edit = f"/author/lessons/{lesson_id}/edit"
    status, page, _ = author.call(edit)
    form = form_of(page, "")
    marker = f"Cluster check {secrets.token_hex(4)}"
    form["source"] = form["source"].rstrip() + f"\n\n{marker}.\n"
    status, _, _ = author.call(edit, form)
    saved = status == 303
    with sa.create_engine(stack.database_url).connect() as connection:
        number = connection.execute(sa.text("SELECT max(number) FROM lesson_revision WHERE lesson_id = :id"),
                                    {"id": lesson_id}).scalar_one()
    publish = f"/author/lessons/{lesson_id}/publish"
    status, page, _ = author.call(f"{publish}?number={number}")
    form = {**form_of(page, publish), "number": str(number), "kind": "minor"}
    status, _, _ = author.call(publish, form)
    published_at = time.perf_counter()
    reader.base = stack.base("B")
    seen, polls = None, 0
    while time.perf_counter() - published_at < 5:
        polls += 1
        read_status, body, _ = reader.call(LESSON_URL)
        if marker in body:
            seen = time.perf_counter() - published_at
            break
    reader.base = stack.base("nginx")
    figure = (f"saved {'303' if saved else 'refused'}, published {status}; on B after "
              + (f"{1000 * seen:.0f} ms ({polls} reading{'s' if polls > 1 else ''})" if seen is not None
                 else "more than 5 s"))
    return [("lesson published through A, read on B", figure, "≤ 1,000 ms",
             saved and status == 303 and seen is not None and seen <= 1.0)]


def kill_drill(stack: Stack, readers: list[Client], first: int, people: int, submitters: int,
               kill_after: float) -> list[Row]:
    """`people` managers (signed in and their quiz opened through nginx) submit, `submitters` at a
    time, while the readers read pages; A is SIGKILLed `kill_after` s in. A submission that fails is
    sent again; every one answered 2xx/3xx must be in the database once."""
    clients = signed_in(stack.base("nginx"), [f"bench{n:04d}" for n in range(first, first + people)])
    forms: list[dict] = [{}] * people
    run_all([lambda n=n: forms.__setitem__(n, clients[n].open_quiz()) for n in range(people)], limit=8)
    records: list[Record] = []
    outcomes: list = [(0, None)] * people  # (first answer, last retry's or None); 0: no answer
    todo: queue.Queue[int] = queue.Queue()
    for n in range(people):
        todo.put(n)

    def submitter() -> None:
        while True:
            try:
                n = todo.get_nowait()
            except queue.Empty:
                return
            tries = []
            for _try in range(RETRIES + 1):
                started = time.perf_counter()
                status, _, upstream = clients[n].call(LESSON_URL + "/quiz", forms[n], timeout=60)
                records.append(Record(started, time.perf_counter(), "submit", status, upstream))
                tries.append(status)
                if 200 <= status < 400:
                    break
                time.sleep(0.2)
            outcomes[n] = (tries[0], tries[-1] if len(tries) > 1 else None)

    stop = threading.Event()
    readers_threads = page_load(readers, stop, records)
    threads = [threading.Thread(target=submitter, daemon=True) for _ in range(submitters)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(kill_after)
    killed_at = time.perf_counter()
    killed = kill_instance(stack.servers["A"])
    dead_at = time.perf_counter()  # the master reaped: nothing of A is left
    for thread in threads:
        thread.join()
    time.sleep(1)  # the readers go on a moment on B alone
    stop.set()
    for thread in readers_threads:
        thread.join()
    engine = sa.create_engine(stack.database_url)
    figures = _drill_figures(engine, forms, outcomes, killed)
    engine.dispose()
    return drill_rows(records, figures, began, (killed_at, dead_at), stack.ports["A"], people)


def drill_rows(records: list[Record], figures: dict, began: float, kill: tuple[float, float], port_a: int,
               people: int) -> list[Row]:
    killed_at, dead_at = kill
    after = [r for r in records if r.ended >= killed_at]
    failed = [r for r in records if not 200 <= r.status < 400]
    pages_failed = [r for r in failed if r.kind == "page"]
    submits_failed = [r for r in failed if r.kind == "submit"]
    last_failure = max((r.ended for r in failed), default=killed_at) - killed_at
    on_a_after = [r for r in after if r.started > dead_at and 200 <= r.status < 400
                  and r.upstream.endswith(f":{port_a}")]
    for r in failed:
        print(f"    failed: {r.kind} {r.status} via {r.upstream or '-'}, sent "
              f"{1000 * (r.started - killed_at):+.0f} ms from the kill, answered after "
              f"{1000 * (r.ended - r.started):.0f} ms", flush=True)
    submitted = sum(1 for r in records if r.kind == "submit")
    passed_on = sum(1 for r in records if "," in r.upstream)
    return [
        (f"instance A killed (SIGKILL, {figures['killed']} processes) {killed_at - began:.1f} s into "
         f"{people} quiz submissions and page reading",
         f"{len(records):,} requests, {len(after):,} after the kill ({passed_on} sent on to B by "
         f"nginx); failed: {len(pages_failed)} pages, "
         f"{len(submits_failed)} submissions (of {submitted} sent); last failure "
         f"{1000 * last_failure:.0f} ms after the kill; {len(on_a_after)} answers from A after it",
         "pages 0 failed; only submissions sent to A around the kill fail (502), and are sent again",
         not pages_failed and not on_a_after),
        ("submissions: answered, lost, counted twice",
         f"{people - figures['unanswered']} of {people} answered 2xx/3xx ({figures['success_first']} "
         f"at once), {figures['recorded']} in the database; lost {figures['lost']}, duplicates "
         f"{figures['duplicates']}, half-written {figures['half_written']}, 5xx {figures['5xx']}",
         "all answered and recorded, 0 lost, 0 duplicates",
         figures["unanswered"] == 0 and figures["lost"] == 0 and figures["duplicates"] == 0
         and figures["recorded"] == people and figures["half_written"] == (0, 0)),
    ]
