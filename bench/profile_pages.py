"""Where a signed-in page's time goes, with cProfile: the lesson page and the dashboard, served by
the app in this process (Flask's test client, no server), on a fresh SQLite instance with the
demo company and course.

    .venv/bin/python bench/profile_pages.py [--requests 500] [--top 25] [--page lesson|dashboard]

Prints the time per request and the functions with the most time (inside, callees included).
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-password-1"
USER_AGENT = "culture-courses-bench"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--page", choices=("lesson", "dashboard"), action="append")
    parser.add_argument("--sort", default="cumulative", help="pstats order: cumulative or tottime")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="culture-profile-"))
    os.environ["INSTANCE_PATH"] = str(workdir / "instance")
    for name in ("DATABASE_URL", "SECRET_KEY", "REDIS_URL"):
        os.environ.pop(name, None)
    sys.path.insert(0, str(ROOT))
    try:
        for page, client, path in prepared(args.page or ["lesson", "dashboard"]):
            profile(page, client, path, args)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


def prepared(pages: list[str]):
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
        lesson = db.session.scalar(select(Lesson).where(Lesson.course_id == course.id)
                                   .order_by(Lesson.position))
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
    started = time.perf_counter()
    for _ in range(args.requests):
        client.get(path)
    plain = (time.perf_counter() - started) / args.requests
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(args.requests):
        response = client.get(path)
    profiler.disable()
    assert response.status_code == 200, response.status_code
    print(f"\n{page} ({path}): {plain * 1000:.2f} ms a request without the profiler")
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
