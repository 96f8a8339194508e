"""Where a signed-in page's time goes, with cProfile: the lesson page and the dashboard, served by
the app in this process (Flask's test client, no server), on a fresh SQLite instance with the
demo company and course.

    .venv/bin/python bench/profile_pages.py [--requests 500] [--top 25] [--page lesson|dashboard|submit]
        [--lesson 1]

`--lesson N` profiles the first course's N-th lesson (the demo's lesson 4 has questions, an answer
pinned and a host).

`submit` profiles quiz submissions: each request grades a different open attempt (right answers).

Prints the time per request and the functions with the most time (inside, callees included).
"""
from __future__ import annotations

import argparse
import cProfile
import gzip
import os
import pstats
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

from werkzeug.test import EnvironBuilder

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-password-1"
USER_AGENT = "culture-courses-bench"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--page", choices=("lesson", "dashboard", "submit"), action="append")
    parser.add_argument("--sort", default="cumulative", help="pstats order: cumulative or tottime")
    parser.add_argument("--lesson", type=int, default=1, help="the first course's N-th lesson")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="culture-profile-"))
    os.environ["INSTANCE_PATH"] = str(workdir / "instance")
    for name in ("DATABASE_URL", "SECRET_KEY", "REDIS_URL"):
        os.environ.pop(name, None)
    sys.path.insert(0, str(ROOT))
    try:
        for page, client, path in prepared(args.page or ["lesson", "dashboard"], args.lesson):
            if page == "submit":
                profile_submissions(client, path, args)
            else:
                profile(page, client, path, args)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


def prepared(pages: list[str], lesson_number: int = 1):
    import logging

    from flask_migrate import upgrade
    from sqlalchemy import select

    from courseware import create_app
    from courseware.extensions import db
    from courseware.models import Course, Lesson
    from courseware.services.authoring.content_import import import_content
    from courseware.services.ops import demo

    logging.disable(logging.INFO)
    app = create_app({"RATELIMIT_ENABLED": False})
    with app.app_context():
        upgrade()
        import_content(db.session, ROOT / "lessons", ROOT / "quizzes")
        db.session.commit()
        demo.seed_demo(db.session, password=PASSWORD)
        course = db.session.scalar(select(Course).order_by(Course.position))
        lesson = db.session.scalars(select(Lesson).where(Lesson.course_id == course.id)
                                    .order_by(Lesson.position)).all()[lesson_number - 1]
        path = f"/courses/{course.slug}/{lesson.slug}"
    client = app.test_client()
    client.environ_base.update(HTTP_USER_AGENT=USER_AGENT, REMOTE_ADDR="127.0.0.1")
    token = re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"',
                      client.get("/login").get_data(as_text=True)).group(1)
    signed_in = client.post("/login", data={"username": "gao.jun", "password": PASSWORD,
                                            "csrf_token": token})
    assert signed_in.status_code == 302, signed_in.status_code
    client.environ_base["HTTP_ACCEPT_ENCODING"] = "gzip"  # as browsers and the bench's wrk ask
    for page in pages:
        yield page, client, path if page == "lesson" else "/"


def profile(page: str, client, path: str, args) -> None:
    for _ in range(50):  # warm: caches, compiled templates, the connection pool
        assert client.get(path).status_code == 200
    started, cpu = time.perf_counter(), time.process_time()
    for _ in range(args.requests):
        client.get(path)
    plain = (time.perf_counter() - started) / args.requests
    cpu = (time.process_time() - cpu) / args.requests  # this process's CPU: fairer on a busy machine
    print(f"\n{page}: {wsgi_only(client, path, args.requests) * 1000:.3f} ms of CPU a request called "
          "as a WSGI server calls the app (no test client)")
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(args.requests):
        response = client.get(path)
    profiler.disable()
    assert response.status_code == 200, response.status_code
    print(f"\n{page} ({path}): {plain * 1000:.2f} ms a request without the profiler"
          f" ({cpu * 1000:.2f} ms of CPU)")
    stats = pstats.Stats(profiler)
    print(by_package(stats))
    stats.sort_stats(args.sort).print_stats(args.top)


def wsgi_only(client, path: str, requests: int) -> float:
    """The app's own CPU a request: the environ built once with the client's cookie and headers,
    the app called and its body read, as gunicorn does."""
    cookie = client.get_cookie("session")
    environ = EnvironBuilder(path, environ_base=client.environ_base,
                             headers={"Cookie": f"session={cookie.value}"}).get_environ()

    def start_response(status: str, _headers: list, _exc_info=None) -> None:
        assert status.startswith("200"), status

    cpu = time.process_time()
    for _ in range(requests):
        body = client.application(dict(environ), start_response)
        b"".join(body)
        getattr(body, "close", lambda: None)()
    return (time.process_time() - cpu) / requests


class Attempts:
    """Open attempts of the signed-in demo manager on the first quiz, one at a time (a person has one
    open attempt per quiz), each with its right answers; the attempt limit is left aside."""

    def __init__(self, app) -> None:
        from sqlalchemy import select

        from courseware.extensions import db
        from courseware.models import Lesson, User
        from courseware.services.learning import quizzes

        self.app = app
        with app.app_context():
            user = db.session.scalar(select(User).where(User.username == "gao.jun"))
            lesson = db.session.scalar(select(Lesson).where(Lesson.quiz != None)  # noqa: E711
                                       .order_by(Lesson.id))
            self.path = f"/courses/{lesson.course.slug}/{lesson.slug}/quiz"
            model = quizzes.open_attempt(db.session, user, lesson.quiz)
            self.right = {q["id"]: [o["key"] for o in q["options"] if o.get("correct")]
                          for q in quizzes.attempt_questions(model)}
            self.fields = dict(user_id=user.id, quiz_id=model.quiz_id, quiz_version_id=model.quiz_version_id,
                               question_ids=model.question_ids, option_order=model.option_order,
                               draw_seed=model.draw_seed)
            self.number, self.open_id = model.number, model.id

    def next(self) -> int:
        """The open attempt's id, after opening a new one if the last was submitted."""
        from courseware.extensions import db
        from courseware.models import QuizAttempt

        with self.app.app_context():
            if db.session.get(QuizAttempt, self.open_id).state == "in_progress":
                return self.open_id
            self.number += 1
            attempt = QuizAttempt(number=self.number, **self.fields)
            db.session.add(attempt)
            db.session.commit()
            self.open_id = attempt.id
            return attempt.id


def profile_submissions(client, _path: str, args) -> None:
    attempts = Attempts(client.application)
    response = client.get(attempts.path)
    body = response.get_data()
    page = (gzip.decompress(body) if response.headers.get("Content-Encoding") == "gzip" else body).decode()
    token = re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', page).group(1)
    answers = {f"q-{question}": keys for question, keys in attempts.right.items()}

    def submit(profiler=None) -> tuple[int, float, float]:
        """The answer's status, and the request's time and this process's CPU time (opening the
        next attempt left out)."""
        form = {"csrf_token": token, "attempt_id": str(attempts.next()), **answers}
        started, cpu = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        status = client.post(attempts.path, data=form).status_code
        if profiler:
            profiler.disable()
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        with client.session_transaction() as session:  # as the review page would show the message
            session.pop("_flashes", None)
        return status, seconds, cpu

    for _ in range(50):
        assert submit()[0] == 303
    timings = [submit() for _ in range(args.requests)]
    assert {status for status, _seconds, _cpu in timings} == {303}
    plain = sum(seconds for _status, seconds, _cpu in timings) / args.requests
    cpu = sum(cpu for _status, _seconds, cpu in timings) / args.requests
    profiler = cProfile.Profile()
    for _ in range(args.requests):
        status, _seconds, _cpu = submit(profiler)
    assert status == 303, status
    print(f"\nquiz submission ({attempts.path}): {plain * 1000:.2f} ms a request without the profiler"
          f" ({cpu * 1000:.2f} ms of CPU)")
    stats = pstats.Stats(profiler)
    print(by_package(stats))
    stats.sort_stats(args.sort).print_stats(args.top)


def by_package(stats: pstats.Stats) -> str:
    """The time spent inside each package's own code (tottime), largest first."""
    totals: dict[str, float] = {}
    for (filename, _line, _name), (_calls, _primitive, inside, _cumulative, _callers) in \
            stats.stats.items():  # type: ignore[attr-defined]
        if "site-packages/" in filename:
            package = filename.split("site-packages/")[1].split("/")[0]
        elif "/templates/" in filename:
            package = "templates (compiled Jinja)"
        elif "/courseware/" in filename:
            package = "courseware/" + filename.split("/courseware/")[1].split("/")[0]
        elif filename.startswith("~") or filename.startswith("<"):
            package = "built-ins (sqlite3, zlib, str...)"
        else:
            package = "standard library"
        totals[package] = totals.get(package, 0.0) + inside
    whole = sum(totals.values()) or 1.0
    return "\n".join(f"  {100 * seconds / whole:5.1f} %  {package}"
                     for package, seconds in sorted(totals.items(), key=lambda x: -x[1])[:14])


if __name__ == "__main__":
    sys.exit(main())
