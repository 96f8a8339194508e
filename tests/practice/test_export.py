"""A person downloads all their own practice entries, as Markdown or CSV."""

from __future__ import annotations

import csv
import io
from datetime import date

import sqlalchemy as sa

from courseware.extensions import db
from courseware.models import AuditEvent, DailyEntry, FocusItem, FollowUpCheck, Goal, GoalUpdate, Reflection
from tests.conftest import login
from tests.practice.conftest import NOW, TODAY


def fill(user, lesson) -> None:
    goal = Goal(
        user_id=user.id,
        title="Repeat orders up 15 %",
        starts_on=date(2026, 7, 1),
        target_on=date(2026, 12, 31),
        progress=40,
    )
    step = Goal(
        user_id=user.id,
        parent=goal,
        title='=HYPERLINK("evil")',
        measure="Five notes",
        target_on=date(2026, 12, 1),
        lesson_id=lesson.id,
    )
    gone = Goal(
        user_id=user.id,
        title="Dropped goal",
        starts_on=date(2026, 7, 1),
        target_on=date(2026, 12, 31),
        deleted_at=NOW,
    )
    db.session.add_all(
        [
            goal,
            step,
            gone,
            GoalUpdate(goal=goal, progress=40, note="Two visits", created_at=NOW),
            FocusItem(
                user_id=user.id, text="Golf on Friday", declined=True, reason="Customer calls", created_at=NOW
            ),
            FocusItem(user_id=user.id, text="Top-20 quote", goal=goal, created_at=NOW),
            DailyEntry(
                user_id=user.id,
                day=TODAY,
                most_important="Call Mr Li",
                planned_at=NOW,
                done="Called.\nOffer sent.",
                learned="Ask earlier",
                summarized_at=NOW,
            ),
            Reflection(
                user_id=user.id,
                lesson_id=lesson.id,
                prompt="Where?",
                answer="In pricing",
                shared_at=NOW,
                reply="Good",
                replied_at=NOW,
                created_at=NOW,
                updated_at=NOW,
            ),
            FollowUpCheck(
                user_id=user.id,
                lesson_id=lesson.id,
                stage=30,
                due_on=TODAY,
                correct_count=1,
                question_count=2,
                created_at=NOW,
            ),
        ]
    )
    db.session.commit()


def test_markdown_has_every_entry(manager, make_user, lessons, clock):
    fill(manager.user, lessons[0])
    fill(make_user(), lessons[0])  # somebody else's: never in the file
    response = manager.get("/practice/export.md")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="practice-{manager.user.username}-2026-11-25.md"'
    )
    assert response.mimetype == "text/markdown" and response.headers["Cache-Control"] == "no-store"
    text = response.get_data(as_text=True)
    for expected in (
        "# Practice entries of",
        "### Repeat orders up 15 %",
        "2026-07-01 to 2026-12-31; 40%, in progress",
        "- 2026-11-25: 40% — Two visits",
        'Short-term goal: **=HYPERLINK("evil")**',
        "Measure of done: Five notes",
        "Applies the lesson: The first lesson",
        "### Dropped goal",
        "0%, deleted",
        "Golf on Friday — declined (not to do) (Customer calls)",
        "Top-20 quote — serves “Repeat orders up 15 %”",
        "### 2026-11-25",
        "      Called.",
        "      Offer sent.",
        "> Where?",
        "    In pricing",
        "Shared with the president on 2026-11-25.",
        "    Good",
        "The first lesson, 30 days after completing it: 1 of 2 right",
    ):
        assert expected in text, expected
    assert text.count("### Repeat orders up 15 %") == 1


def test_csv_is_safe_for_spreadsheets(manager, lessons, clock):
    fill(manager.user, lessons[0])
    response = manager.get("/practice/export.csv")
    assert response.mimetype == "text/csv"
    body = response.get_data().decode("utf-8")
    assert body.startswith("\ufeffkind,date,about,field,text\r\n")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert ["short-term goal", "2026-12-01", '\'=HYPERLINK("evil")', "measure of done", "Five notes"] in rows
    assert ["focus check", "2026-11-25", "not to do", "request", "Golf on Friday"] in rows
    assert ["day", "2026-11-25", "summary", "done", "Called.\nOffer sent."] in rows
    assert ["reflection", "2026-11-25", "The first lesson", "president's reply", "Good"] in rows
    assert ["follow-up check", "2026-11-25", "The first lesson", "30 days", "1 of 2 right"] in rows


def test_an_export_is_audited(manager, clock):
    manager.get("/practice/export.csv")
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "export"))
    assert (event.actor, event.target, event.details) == (
        manager.user.username,
        "own practice entries",
        "format=csv",
    )


def test_a_session_restored_from_the_remember_cookie_confirms_the_password_first(app, make_user):
    user = make_user()
    first = app.test_client()
    login(first, user.username, remember="y")
    restored = app.test_client()
    restored.set_cookie("remember_token", first.get_cookie("remember_token").value)
    for url in ("/practice/export.md", "/practice/export.csv"):
        response = restored.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/reauthenticate")
    assert restored.get("/practice/today").status_code == 200  # reading one's own pages needs no more


def test_an_empty_export(manager, clock):
    text = manager.get("/practice/export.md").get_data(as_text=True)
    assert "No goals." in text and "No follow-up checks yet." in text


def test_each_export_names_its_charset_once(manager, clock):
    assert manager.get("/practice/export.md").headers["Content-Type"] == "text/markdown; charset=utf-8"
    assert manager.get("/practice/export.csv").headers["Content-Type"] == "text/csv; charset=utf-8"
