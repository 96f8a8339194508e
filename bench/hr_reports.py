"""HR reports at company scale: 10,000 managers in 30 departments, 40 lessons, ~400,000 progress rows,
and a certificate (valid 12 months, issued within the past year) for everyone who completed the course.

Builds the synthetic company in a fresh SQLite database (or DATABASE_URL), then times, in-process
with Flask's test client, the overview, one department's people page, a filtered people page and the
full progress CSV export: median of several runs, with the SQL query count of each.

    .venv/bin/python bench/hr_reports.py [--people 10000] [--runs 5]
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, insert, select  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from courseware import create_app  # noqa: E402
from courseware.extensions import db  # noqa: E402
from courseware.models import (  # noqa: E402
    Certificate,
    Course,
    Department,
    Lesson,
    LessonProgress,
    LessonRevision,
    Module,
    Quiz,
    QuizAttempt,
    QuizVersion,
    User,
)

LESSONS = 40
DEPARTMENTS = 30
PASSWORD = "bench-password-1"


def build(people: int) -> None:
    rng = random.Random(7)
    now = datetime(2026, 11, 1)
    course = Course(slug="bench", title="Bench Course", description="Synthetic", validity_months=12)
    db.session.add(course)
    db.session.flush()
    modules = [Module(course_id=course.id, title=f"Module {i}", position=i) for i in range(8)]
    db.session.add_all(modules)
    db.session.flush()
    questions = [{"id": f"q{i}", "type": "single", "prompt": f"Question {i}?",
                  "options": [{"key": "a", "text": "Right", "correct": True, "explain": "Yes."},
                              {"key": "b", "text": "Wrong", "correct": False, "explain": "No."}]}
                 for i in range(5)]
    quiz_ids = []
    lesson_ids = []
    for n in range(1, LESSONS + 1):
        lesson = Lesson(course_id=course.id, module_id=modules[(n - 1) // 5].id, slug=f"lesson-{n}",
                        position=n)
        db.session.add(lesson)
        db.session.flush()
        revision = LessonRevision(lesson_id=lesson.id, number=1, title=f"Lesson {n}", source="Text.",
                                  html="<p>Text.</p>", content_hash=str(n), published_at=now)
        db.session.add(revision)
        db.session.flush()
        lesson.published_revision_id = revision.id
        quiz = Quiz(lesson_id=lesson.id)
        db.session.add(quiz)
        db.session.flush()
        version = QuizVersion(quiz_id=quiz.id, number=1, pass_mark=80, questions=questions,
                              content_hash=str(n), published_at=now)
        db.session.add(version)
        db.session.flush()
        quiz.current_version_id = version.id
        quiz_ids.append((quiz.id, version.id))
        lesson_ids.append((lesson.id, revision.id))
    departments = [Department(name=f"Department {i:02d}") for i in range(DEPARTMENTS)]
    departments.append(Department(name="Human Resources"))
    db.session.add_all(departments)
    db.session.flush()
    password_hash = generate_password_hash(PASSWORD)
    db.session.execute(insert(User), [
        {"username": f"m{i:05d}", "full_name": f"Manager {i:05d}", "role": "manager",
         "department_id": departments[i % DEPARTMENTS].id, "password_hash": password_hash,
         "session_token": f"token-{i}", "active": True, "created_at": now, "department_since": now}
        for i in range(people)
    ] + [{"username": "bench.hr", "full_name": "Bench HR", "role": "hr", "department_id": departments[-1].id,
          "password_hash": password_hash, "session_token": "token-hr", "active": True, "created_at": now,
          "department_since": now}])
    user_ids = list(db.session.scalars(select(User.id).where(User.role == "manager")))
    progress_rows, attempt_rows, certificate_rows = [], [], []
    covered = [{"lesson_id": lesson_id, "revision_id": revision_id, "number": 1, "title": f"Lesson {n}"}
               for n, (lesson_id, revision_id) in enumerate(lesson_ids, start=1)]
    for user_id in user_ids:
        # Everyone has opened every lesson (10,000 x 40 rows); a random share are complete.
        completed = rng.randint(0, LESSONS)
        pairs = zip(lesson_ids, quiz_ids, strict=True)
        for index, ((lesson_id, revision_id), (quiz_id, version_id)) in enumerate(pairs):
            opened = now + timedelta(minutes=rng.randint(0, 40000))
            done = index < completed
            progress_rows.append({
                "user_id": user_id, "lesson_id": lesson_id, "opened_at": opened, "last_opened_at": opened,
                "read_at": opened if done else None, "quiz_passed_at": opened if done else None,
                "completed_at": opened if done else None,
                "completed_revision_id": revision_id if done else None,
                "seconds_spent": rng.randint(60, 900)})
            if done:
                attempt_rows.append({"user_id": user_id, "quiz_id": quiz_id, "quiz_version_id": version_id,
                                     "number": 1, "state": "submitted", "started_at": opened,
                                     "submitted_at": opened, "score": 100, "correct_count": 5,
                                     "question_count": 5, "passed": True})
        if completed == LESSONS:
            issued = now - timedelta(days=rng.randint(0, 400))
            certificate_rows.append({"user_id": user_id, "course_id": course.id, "code": f"B-{user_id:08d}",
                                     "issued_at": issued, "kind": "completion", "lessons": covered,
                                     "valid_from": issued, "expires_at": issued + timedelta(days=365)})
    for start in range(0, len(progress_rows), 20000):
        db.session.execute(insert(LessonProgress), progress_rows[start:start + 20000])
    for start in range(0, len(attempt_rows), 20000):
        db.session.execute(insert(QuizAttempt), attempt_rows[start:start + 20000])
    if certificate_rows:
        db.session.execute(insert(Certificate), certificate_rows)
    db.session.commit()
    print(f"built: {len(user_ids):,} managers, {DEPARTMENTS} departments, {LESSONS} lessons, "
          f"{len(progress_rows):,} progress rows, {len(attempt_rows):,} attempts, "
          f"{len(certificate_rows):,} certificates")


def measure(client, url: str, runs: int) -> tuple[float, int, int]:
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    timings = []
    size = 0
    for run in range(runs + 1):
        statements.clear()
        event.listen(db.engine, "before_cursor_execute", listener)
        started = time.perf_counter()
        response = client.get(url)
        body = response.get_data()  # drains a streamed response too
        elapsed = time.perf_counter() - started
        event.remove(db.engine, "before_cursor_execute", listener)
        assert response.status_code == 200, (url, response.status_code)
        size = len(body)
        if run:  # the first run warms caches
            timings.append(elapsed)
    return statistics.median(timings), len(statements), size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-hr-"))
    os.environ.setdefault("SECRET_KEY", "bench")
    os.environ["INSTANCE_PATH"] = str(workdir)
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{workdir / 'bench.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        started = time.perf_counter()
        build(args.people)
        print(f"build took {time.perf_counter() - started:.1f} s ({db.engine.dialect.name})")
        department = db.session.scalar(select(Department.id).where(Department.name == "Department 07"))
    client = app.test_client()
    response = client.post("/login", data={"username": "bench.hr", "password": PASSWORD})
    assert response.status_code == 302
    pages = [
        ("overview", "/hr/", 0.300),
        ("one department", f"/hr/people?department={department}", 0.150),
        ("filtered people", f"/hr/people?department={department}&status=in_progress&sort=progress", 0.150),
        ("people, all, page 1", "/hr/people", None),
        ("refresh due, by expiry", "/hr/people?status=refresh_due&sort=expiry", None),
        ("CSV export, everyone", "/hr/export/progress.csv", 3.0),
    ]
    print(f"\n{'page':<24}{'median':>10}{'target':>10}{'queries':>9}{'bytes':>12}")
    with app.app_context():
        for name, page_url, target in pages:
            median, queries, size = measure(client, page_url, args.runs)
            goal = f"{target * 1000:.0f} ms" if target else "-"
            verdict = "" if target is None else ("  ok" if median <= target else "  OVER")
            print(f"{name:<24}{median * 1000:>8.0f} ms{goal:>10}{queries:>9}{size:>12,}{verdict}")


if __name__ == "__main__":
    main()
