"""Reflections: the `reflection` front-matter field, the president's editor, answers that are private
unless shared, and the president's reply."""

from __future__ import annotations

import shutil

import pytest
import sqlalchemy as sa

from courseware.config import PROJECT_ROOT
from courseware.content.exporter import export_content
from courseware.content.loader import load_content
from courseware.content.rendering import lesson_hash
from courseware.extensions import db
from courseware.models import Lesson, LessonRevision, Reflection
from courseware.services.authoring.content_import import import_content
from courseware.services.errors import NotFound
from courseware.services.practice import reflections as practice_reflections
from courseware.services.practice.common import InvalidFields
from tests.conftest import TEST_DATA, SignedInClient
from tests.practice.conftest import NOW, PROMPT, form_errors

FIRST = "lessons/test-course/01-first-lesson.md"


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(TEST_DATA / "content", root)
    return root


def add_reflection(root, text: str) -> None:
    path = root / FIRST
    path.write_text(
        path.read_text().replace(
            "summary: What the first lesson is about.\n",
            f"summary: What the first lesson is about.\nreflection: {text}\n",
        )
    )


def revisions() -> int:
    return db.session.scalar(sa.select(sa.func.count(LessonRevision.id))
                             .where(LessonRevision.language == "en"))


# --- the field in files, the import and the export ---------------------------------------------------


def test_the_field_is_optional_and_one_line(tree):
    add_reflection(tree, "Where does this\n  show in your department?")
    content = load_content(tree / "lessons", tree / "quizzes")
    assert not content.errors
    by_slug = {lesson.slug: lesson for lesson in content.lessons}
    assert by_slug["first-lesson"].reflection == "Where does this show in your department?"
    assert by_slug["second-lesson"].reflection == ""


def test_an_over_long_or_misspelt_field_names_the_file_and_line(tree):
    add_reflection(tree, "x" * 301)
    error, _quiz_without_its_lesson = load_content(tree / "lessons", tree / "quizzes").errors
    assert str(error).endswith(f"{FIRST}:7: 'reflection' must be at most 300 characters, got 301")
    path = tree / FIRST
    path.write_text(path.read_text().replace("reflection:", "reflektion:"))
    error, _ = load_content(tree / "lessons", tree / "quizzes").errors
    assert "unknown field 'reflektion'" in str(error)


def test_the_hash_counts_the_prompt_only_when_there_is_one():
    assert lesson_hash("T", "S", 3, "M", "Body\n") == lesson_hash("T", "S", 3, "M", "Body\n", "")
    assert lesson_hash("T", "S", 3, "M", "Body\n") != lesson_hash("T", "S", 3, "M", "Body\n", "Why?")


def test_importing_the_real_lessons_twice_creates_nothing(app):
    import_content(db.session, PROJECT_ROOT / "lessons", PROJECT_ROOT / "quizzes")
    before = revisions()
    again = import_content(db.session, PROJECT_ROOT / "lessons", PROJECT_ROOT / "quizzes")
    assert (again.created, again.revised, revisions()) == ([], [], before)


def test_revisions_written_before_the_field_keep_their_hash(app, tree):
    """A database imported before reflections existed: the same files import as unchanged."""
    report = import_content(db.session, tree / "lessons", tree / "quizzes")
    assert report.ok
    db.session.execute(sa.delete(sa.table("content_file")))  # forget the files, as a fresh checkout
    db.session.commit()
    again = import_content(db.session, tree / "lessons", tree / "quizzes")
    assert (again.created, again.revised, revisions()) == ([], [], 2)


def test_adding_a_reflection_makes_one_new_published_revision_and_exports(app, tree, tmp_path):
    import_content(db.session, tree / "lessons", tree / "quizzes")
    add_reflection(tree, PROMPT)
    report = import_content(db.session, tree / "lessons", tree / "quizzes")
    assert report.revised == [str(tree / FIRST)] and revisions() == 3
    lesson = db.session.scalar(sa.select(Lesson).where(Lesson.slug == "first-lesson"))
    assert lesson.published_revision.number == 2 and lesson.published_revision.reflection == PROMPT
    assert import_content(db.session, tree / "lessons", tree / "quizzes").revised == []
    out = tmp_path / "export"
    export_content(db.session, out)
    exported = (out / "lessons/test-course/01-first-lesson.md").read_text()
    assert f"reflection: {PROMPT}\n" in exported
    assert "reflection" not in (out / "lessons/test-course/02-second-lesson.md").read_text()
    db.session.execute(sa.delete(sa.table("content_file")))
    db.session.commit()
    assert import_content(db.session, out / "lessons", out / "quizzes").revised == []
    assert revisions() == 3


def test_the_president_edits_the_prompt_in_the_editor(president, lessons):
    from tests.author.conftest import editor_data

    first = lessons[0]
    page = president.get(f"/author/lessons/{first.id}/edit").get_data(as_text=True)
    assert 'name="reflection"' in page and "Reflection prompt (optional)" in page
    response = president.post(f"/author/lessons/{first.id}/edit", data=editor_data(first, reflection=PROMPT))
    assert response.status_code == 303
    db.session.expire_all()
    latest = first.revisions_in("en")[-1]
    assert latest.number == 2 and latest.reflection == PROMPT
    page = president.get(f"/author/lessons/{first.id}/edit").get_data(as_text=True)
    assert f'value="{PROMPT}"' in page
    response = president.post(
        f"/author/lessons/{first.id}/edit", data=editor_data(first, reflection="x" * 301, base_number=2)
    )
    assert response.status_code == 422
    assert "Keep the reflection prompt to 300 characters." in response.get_data(as_text=True)


# --- answering -----------------------------------------------------------------------------------------


def test_the_lesson_ends_with_the_question_and_the_answer_is_private(manager, with_prompt, clock):
    url = f"/courses/test-course/{with_prompt.slug}"
    page = manager.get(url).get_data(as_text=True)
    assert PROMPT in page and 'name="answer"' in page
    response = manager.post(
        f"/practice/reflections/lessons/{with_prompt.id}",
        data={"answer": "In the Tax-free team's <pricing> habits"},
    )
    assert response.status_code == 303
    reflection = db.session.scalar(sa.select(Reflection))
    assert (reflection.prompt, reflection.revision_id, reflection.shared_at) == (
        PROMPT,
        with_prompt.published_revision_id,
        None,
    )
    page = manager.get(url).get_data(as_text=True)
    assert "Private: only you can read it" in page and "&lt;pricing&gt;" in page


def test_an_empty_or_over_long_answer_is_refused(manager, with_prompt, clock):
    url = f"/practice/reflections/lessons/{with_prompt.id}"
    response = manager.post(url, data={"answer": "  "})
    assert response.status_code == 422
    assert form_errors(response.get_data(as_text=True)) == ["Write your reflection before saving it."]
    response = manager.post(url, data={"answer": "x" * 3001})
    assert form_errors(response.get_data(as_text=True)) == [
        "Your reflection is too long: at most 3,000 characters (it has 3,001)."
    ]
    assert db.session.scalar(sa.select(sa.func.count(Reflection.id))) == 0


def test_a_lesson_without_a_question_has_no_box(manager, lessons):
    assert 'id="reflection"' not in manager.get("/courses/test-course/first-lesson").get_data(as_text=True)
    with pytest.raises(NotFound):
        practice_reflections.save_reflection(db.session, manager.user, lessons[0], "x", now=NOW)


def test_answering_again_rewrites_the_one_reflection(make_user, with_prompt):
    user = make_user()
    practice_reflections.save_reflection(db.session, user, with_prompt, "First", now=NOW)
    practice_reflections.save_reflection(db.session, user, with_prompt, "Second", now=NOW)
    [only] = db.session.scalars(sa.select(Reflection)).all()
    assert only.answer == "Second"
    with pytest.raises(InvalidFields):
        practice_reflections.save_reflection(db.session, user, with_prompt, "", now=NOW)


def test_shared_with_the_president_who_replies(app, make_user, signed_in, with_prompt, clock):
    author = SignedInClient(app.test_client(), make_user(full_name="Wang Lei"))
    author.post(f"/practice/reflections/lessons/{with_prompt.id}", data={"answer": "Our pricing habit"})
    reflection = db.session.scalar(sa.select(Reflection))
    president, hr, colleague = signed_in("president"), signed_in("hr"), signed_in("manager")
    url = f"/practice/reflections/{reflection.id}"
    for reader in (president, hr, colleague):
        assert reader.get(url).status_code == 404
    assert "Our pricing habit" not in president.get("/practice/reflections/shared").get_data(as_text=True)

    assert author.post(f"{url}/share").status_code == 303
    inbox = president.get("/practice/reflections/shared").get_data(as_text=True)
    assert "Wang Lei" in inbox and "Our pricing habit" in inbox and "awaiting a reply" in inbox
    assert president.get(url).status_code == 200
    for reader in (hr, colleague):
        assert reader.get(url).status_code == 404
    assert hr.get("/practice/reflections/shared").status_code == 403

    response = president.post(f"{url}/reply", data={"reply": ""})
    assert response.status_code == 422 and form_errors(response.get_data(as_text=True)) == [
        "Write your reply."
    ]
    assert (
        president.post(f"{url}/reply", data={"reply": "Good catch: try one change a week."}).status_code
        == 303
    )
    page = author.get(url).get_data(as_text=True)
    assert "The president's reply" in page and "Good catch: try one change a week." in page
    assert hr.post(f"{url}/reply", data={"reply": "HR here"}).status_code == 403

    assert author.post(f"{url}/unshare").status_code == 303
    assert president.get(url).status_code == 404
    assert president.post(f"{url}/reply", data={"reply": "again"}).status_code == 404
    assert "Good catch" in author.get(url).get_data(as_text=True)  # the reply stays with its owner


def test_only_the_owner_shares_or_deletes(signed_in, make_user, with_prompt):
    owner = make_user()
    reflection = practice_reflections.save_reflection(db.session, owner, with_prompt, "Mine", now=NOW)
    other = signed_in("president")
    for action in ("share", "unshare", "delete"):
        assert other.post(f"/practice/reflections/{reflection.id}/{action}").status_code == 404
    assert reflection.shared_at is None
    owner_client = SignedInClient(other.client.application.test_client(), owner)
    assert owner_client.post(f"/practice/reflections/{reflection.id}/delete").status_code == 303
    assert db.session.scalar(sa.select(sa.func.count(Reflection.id))) == 0


def test_the_shipped_prompts_arrive_as_one_minor_revision_per_lesson(app, tmp_path):
    """A site that imported the course before it had reflection questions gets them at the next import,
    one revision per lesson, minor: completions stay as they are."""
    before = tmp_path / "lessons"
    shutil.copytree(PROJECT_ROOT / "lessons", before)
    for path in before.rglob("*.md"):
        path.write_text(
            "".join(line for line in path.read_text().splitlines(True) if not line.startswith("reflection:"))
        )
    assert import_content(db.session, before, PROJECT_ROOT / "quizzes").ok
    report = import_content(db.session, PROJECT_ROOT / "lessons", PROJECT_ROOT / "quizzes")
    lessons = db.session.scalars(sa.select(Lesson)).all()
    # Each lesson's English and Chinese versions ask their question.
    assert len(report.revised) == 2 * len(lessons) == 16
    for lesson in lessons:
        assert lesson.published_revision.number == 2 and lesson.published_revision.reflection
        assert lesson.published_revision.material is False
