"""Work done in the browser goes out with `flask content export` and comes back with `flask content
import` without a single new revision or quiz version: the president may work either way."""
from __future__ import annotations

import sqlalchemy as sa

from courseware.extensions import db
from courseware.models import LessonRevision, QuizVersion
from tests.author.conftest import editor_data, lesson_named, module_named
from tests.author.test_quiz_authoring import base_of, open_editor, question, quiz_form


def counts() -> tuple[int, int]:
    db.session.rollback()
    return (db.session.scalar(sa.select(sa.func.count()).select_from(LessonRevision)),
            db.session.scalar(sa.select(sa.func.count()).select_from(QuizVersion)))


def test_export_then_import_of_browser_work_makes_no_revision(president, runner, tmp_path, first, second):
    # A revised lesson, moved to the other module, with CRLF line endings from the browser.
    president.post(f"/author/lessons/{first.id}/edit", data=editor_data(
        first, title="The first lesson:  revised", minutes=4, summary="  A summary: with a colon ",
        module=module_named("Second module").id,
        source="Line one\r\nline two\r\n\r\n## A section\r\n\r\n---\r\n\r\n- a list\r\n"))
    president.post(f"/author/lessons/{first.id}/publish", data={"number": 2, "kind": "material"})
    # A new module with a new lesson, published, and its new three-question quiz.
    president.post("/author/courses/test-course/modules", data={"title": "Third module: new"})
    president.post("/author/courses/test-course/lessons/new", data={
        "title": "实事求是 · Seeking truth", "slug": "seeking-truth",
        "module": module_named("Third module: new").id,
        "minutes": "6", "summary": "", "source": "正文。\n\n![Chart](/uploads/" + "a" * 64 + ".png)",
        "action": "save"})
    new = lesson_named("seeking-truth")
    president.post(f"/author/lessons/{new.id}/publish", data={"number": 1, "kind": "material"})
    quiz = [question("question-1", "True or false?\r\nSecond line", {0}, kind="true_false", count=2),
            question("question-2", "Pick all", {0, 2}, kind="multiple"),
            question("question-3", "123", {1})]
    base = base_of(open_editor(president, new))
    assert president.post(f"/author/lessons/{new.id}/quiz",
                          data=quiz_form(quiz, base, pass_mark=67, attempts=3, action="publish")
                          ).status_code == 303
    # The first lesson's quiz, changed; a draft left on the second lesson must stay a draft.
    data = quiz_form([question("pick-one", "Reworded?", {1}), question("added", "Added: yes?", {0})],
                     base_of(open_editor(president, first)), pass_mark=70, action="publish")
    assert president.post(f"/author/lessons/{first.id}/quiz", data=data).status_code == 303
    president.post(f"/author/lessons/{second.id}/edit",
                   data=editor_data(second, source="An unpublished draft."))
    before = counts()

    exported = runner.invoke(args=["content", "export", "--out", str(tmp_path / "out")])
    assert exported.exit_code == 0, exported.output
    lessons, quizzes = tmp_path / "out" / "lessons", tmp_path / "out" / "quizzes"
    check = runner.invoke(args=["content", "check", "--lessons", str(lessons), "--quizzes", str(quizzes)])
    assert check.exit_code == 0, check.output + check.stderr
    imported = runner.invoke(args=["content", "import", "--lessons", str(lessons), "--quizzes", str(quizzes)])

    assert imported.exit_code == 0, imported.output + imported.stderr
    assert "0 created, 0 revised" in imported.output
    assert counts() == before
    second = lesson_named("second-lesson")
    assert second.published_revision.number == 1 and second.revisions_in("en")[-1].number == 2
    first = lesson_named("first-lesson")
    assert (first.module.title, first.published_revision.number) == ("Second module", 2)
    assert (first.quiz.current_version.number, first.quiz.current_version.pass_mark) == (2, 70)
    assert lesson_named("seeking-truth").quiz.current_version.max_attempts == 3
    assert "order: 3" in (lessons / "test-course" / "03-seeking-truth.md").read_text()


def test_a_course_made_in_the_browser_exports_as_valid_files(president, runner, tmp_path):
    president.post("/author/courses", data={"title": "Leading change", "first_module": "Why change"})
    out = tmp_path / "out"

    assert runner.invoke(args=["content", "export", "--out", str(out)]).exit_code == 0

    assert "modules:\n- Why change\n" in (out / "lessons" / "leading-change" / "course.yaml").read_text()
    check = runner.invoke(args=["content", "check", "--lessons", str(out / "lessons"),
                                "--quizzes", str(out / "quizzes")])
    assert check.exit_code == 0, check.output + check.stderr
