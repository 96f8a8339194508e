"""The lessons list, creating courses, modules and lessons, reordering, and the editor."""
from __future__ import annotations

import re

import sqlalchemy as sa

from courseware.extensions import db
from courseware.models import Course, Lesson, LessonRevision, Module
from courseware.services.authoring import lessons as authoring
from tests.author.conftest import editor_data, lesson_named, module_named


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def new_lesson_data(course, **changes) -> dict:
    module = changes.pop("module", None) or module_named("Second module").id
    data = {"title": "Listening to views unlike one's own", "slug": "", "module": module, "minutes": "7",
            "summary": "Why the third sign matters.",
            "source": "The opening.\n\n## A section\n\nThe body.", "note": "first draft", "action": "save"}
    data.update(changes)
    return {key: str(value) for key, value in data.items()}


# --- the list -------------------------------------------------------------------------------------

def test_the_list_shows_courses_modules_lessons_and_their_state(president, course, first):
    db.session.add(LessonRevision(lesson=first, number=2, title="Draft title", source="x\n", html="<p>x</p>",
                                  content_hash="draft", module_id=first.module_id))
    db.session.commit()

    page = president.get("/author/").get_data(as_text=True)

    assert "Test Course" in page
    assert page.index("First module") < page.index("Draft title") < page.index("Second module")
    assert page.index("Second module") < page.index("The second lesson")
    assert "Published, with unpublished changes" in page
    assert "Learners read revision 1; latest is 2." in page
    assert "Quiz v1" in page and "No quiz" in page
    assert f'href="/author/lessons/{first.id}/edit"' in page


def test_a_course_a_module_and_a_lesson_are_created_in_the_browser(president, manager):
    response = president.post("/author/courses", data={"title": "Leading change", "slug": "",
                                                       "description": "For new managers.",
                                                       "first_module": "Why change"})
    assert response.status_code == 303
    course = db.session.scalar(sa.select(Course))
    assert (course.slug, course.title, course.description) == ("leading-change", "Leading change",
                                                                "For new managers.")
    assert [m.title for m in course.modules] == ["Why change"]

    assert president.post("/author/courses/leading-change/modules",
                          data={"title": "First steps"}).status_code == 303
    module = module_named("First steps")
    db.session.expire_all()
    assert [m.title for m in db.session.scalar(sa.select(Course)).modules] == ["Why change", "First steps"]
    data = new_lesson_data(course, module=module.id, title="Why change is hard")
    response = president.post("/author/courses/leading-change/lessons/new", data=data)

    assert response.status_code == 303
    lesson = db.session.scalar(sa.select(Lesson))
    assert response.headers["Location"] == f"/author/lessons/{lesson.id}/edit"
    assert (lesson.slug, lesson.position, lesson.module_id) == ("why-change-is-hard", 1, module.id)
    [revision] = lesson.revisions_in("en")
    assert (revision.number, revision.title, revision.minutes, revision.note) == (
        1, "Why change is hard", 7, "first draft")
    assert revision.source == "The opening.\n\n## A section\n\nThe body.\n"
    assert '<h2 id="s-a-section">A section</h2>' in revision.html
    assert revision.author_id == president.user.id
    assert revision.published_at is None and lesson.published_revision_id is None
    page = president.get(response.headers["Location"]).get_data(as_text=True)
    assert "saved as a draft (revision 1)" in page and "Draft, never published" in page


def test_a_new_lesson_is_a_draft_that_managers_and_hr_cannot_open(president, manager, hr, course):
    president.post("/author/courses/test-course/lessons/new",
                   data=new_lesson_data(course, slug="secret-draft"))

    for reader in (manager, hr, president):
        assert reader.get("/courses/test-course/secret-draft").status_code == 404
        assert reader.get("/courses/test-course/secret-draft/quiz").status_code == 404
        assert reader.get("/courses/test-course/secret-draft/changes").status_code == 404
    outline = manager.get("/courses/test-course").get_data(as_text=True)
    assert "Listening to views" not in outline
    assert "Listening to views" not in manager.get("/").get_data(as_text=True)


def test_a_draft_revision_of_a_published_lesson_stays_invisible_to_learners(president, manager, hr, first):
    president.post(f"/author/lessons/{first.id}/edit", data=editor_data(first, source="A DRAFT SENTENCE."))

    for reader in (manager, hr):
        page = reader.get("/courses/test-course/first-lesson").get_data(as_text=True)
        assert "A DRAFT SENTENCE" not in page
        assert "opening paragraph" in page


def test_creating_refuses_bad_input_next_to_each_field_and_writes_nothing(president, course):
    before = (count(Course), count(Module), count(Lesson), count(LessonRevision))

    taken = president.post("/author/courses", data={"title": "Again", "slug": "test-course",
                                                    "first_module": "M"})
    bad_slug = president.post("/author/courses", data={"title": "Again", "slug": "Not A Slug",
                                                       "first_module": "M"})
    no_module = president.post("/author/courses", data={"title": "Again", "first_module": " "})
    no_title = president.post("/author/courses/test-course/modules", data={"title": "  "})
    same_module = president.post("/author/courses/test-course/modules", data={"title": "First module"})
    lesson = president.post("/author/courses/test-course/lessons/new", data=new_lesson_data(
        course, title="", minutes="0", slug="first-lesson", source="# A top heading\n\ntext"))
    slug_taken = president.post("/author/courses/test-course/lessons/new",
                                data=new_lesson_data(course, slug="first-lesson"))
    heading = president.post("/author/courses/test-course/lessons/new",
                             data=new_lesson_data(course, source="Intro\n\n# Top heading\n"))

    assert "A course already uses the address /courses/test-course." in taken.get_data(as_text=True)
    assert "Use lowercase letters, digits and single hyphens" in bad_slug.get_data(as_text=True)
    assert "Name the course&#39;s first module." in no_module.get_data(as_text=True)
    assert "Give the module a title." in no_title.get_data(as_text=True)
    assert "“First module” is already a module of this course." in same_module.get_data(as_text=True)
    page = lesson.get_data(as_text=True)
    assert "Give the lesson a title." in page and "Reading time is 1 to 600 minutes." in page
    assert "This course already has a lesson at …/first-lesson." in slug_taken.get_data(as_text=True)
    assert "Line 3: use &#39;##&#39; for section headings" in heading.get_data(as_text=True)
    for response in (taken, bad_slug, no_module, no_title, same_module, lesson, slug_taken, heading):
        assert response.status_code == 422
    # The author's text comes back in the form.
    assert "Intro\n\n# Top heading" in heading.get_data(as_text=True)
    assert (count(Course), count(Module), count(Lesson), count(LessonRevision)) == before


def test_a_lesson_needs_a_title_a_slug_can_be_made_of(president, course):
    chinese = president.post("/author/courses/test-course/lessons/new",
                             data=new_lesson_data(course, title="实事求是", slug=""))
    assert chinese.status_code == 422
    assert "Enter a short name for the address" in chinese.get_data(as_text=True)
    reserved = president.post("/author/courses/test-course/lessons/new",
                              data=new_lesson_data(course, title="Refresh", slug="refresh"))
    assert reserved.status_code == 422
    assert "…/refresh is the address of a course page" in reserved.get_data(as_text=True)


def test_modules_and_lessons_move_up_and_down_and_the_numbering_follows(president, course, first, second):
    first_module, second_module = module_named("First module"), module_named("Second module")
    president.post("/author/courses/test-course/lessons/new",
                   data=new_lesson_data(course, slug="third", module=first_module.id, title="Third"))
    third = lesson_named("third")
    assert [(x.slug, x.position) for x in sorted(course.lessons, key=lambda x: x.position)] == [
        ("first-lesson", 1), ("third", 2), ("second-lesson", 3)]

    assert president.post(f"/author/lessons/{third.id}/move", data={"direction": "up"}).status_code == 303
    assert [lesson_named(s).position for s in ("third", "first-lesson", "second-lesson")] == [1, 2, 3]

    moved = president.post(f"/author/modules/{second_module.id}/move", data={"direction": "up"})
    assert moved.status_code == 303
    db.session.expire_all()
    modules = db.session.scalar(sa.select(Course)).modules
    assert [m.title for m in modules] == ["Second module", "First module"]
    assert [lesson_named(s).position for s in ("second-lesson", "third", "first-lesson")] == [1, 2, 3]
    outline = president.get("/courses/test-course").get_data(as_text=True)
    assert outline.index("Second module") < outline.index("First module")

    response = president.post(f"/author/modules/{second_module.id}/move", data={"direction": "up"})
    assert response.status_code == 303
    assert "It is already at the top." in president.get(response.headers["Location"]).get_data(as_text=True)


# --- the editor ------------------------------------------------------------------------------------

def test_the_editor_shows_the_latest_revision_in_fields_and_its_preview(president, first):
    page = president.get(f"/author/lessons/{first.id}/edit").get_data(as_text=True)

    assert 'name="title" required type="text" value="The first lesson"' in page or \
        re.search(r'<input[^>]*name="title"[^>]*value="The first lesson"', page)
    assert re.search(rf'<option selected value="{first.module_id}">First module</option>', page)
    assert "The first lesson&#39;s opening paragraph." in page  # in the textarea, escaped
    assert '<div class="admonition note">' in page  # the preview, rendered by the server
    assert 'name="base_number" type="hidden" value="1"' in page
    assert 'enctype="multipart/form-data"' in page
    assert 'src="/static/js/editor.js?v=' in page and 'href="/static/css/author.css?v=' in page


def test_saving_makes_a_new_draft_revision_and_keeps_the_old_one(president, first):
    data = editor_data(first, title="The first lesson, revised", minutes=4,
                       source="A new opening.\r\n\r\n## A section\r\n", note="Shorter opening")

    response = president.post(f"/author/lessons/{first.id}/edit", data=data)

    assert response.status_code == 303
    first = lesson_named("first-lesson")
    assert [r.number for r in first.revisions_in("en")] == [1, 2]
    old, new = first.revisions_in("en")
    assert first.published_revision_id == old.id
    assert (new.title, new.minutes, new.note, new.author_id) == (
        "The first lesson, revised", 4, "Shorter opening", president.user.id)
    assert new.source == "A new opening.\n\n## A section\n"  # line endings as in files
    assert new.published_at is None and new.material is False
    page = president.get(response.headers["Location"]).get_data(as_text=True)
    assert "Saved as draft revision 2. Learners still see revision 1." in page
    assert 'name="base_number" type="hidden" value="2"' in page


def test_saving_unchanged_text_makes_no_revision(president, first):
    response = president.post(f"/author/lessons/{first.id}/edit", data=editor_data(first, note="no change"))

    assert "Nothing changed since revision 1; nothing was saved." in president.get(
        response.headers["Location"]).get_data(as_text=True)
    assert count(LessonRevision) == 3  # two lessons in English, the first in Chinese


def test_a_save_based_on_an_older_revision_is_refused_and_keeps_the_authors_text(signed_in, first):
    alice, bob = signed_in("president", full_name="Alice Author"), signed_in("president")
    opened = editor_data(first)  # both open revision 1
    assert alice.post(f"/author/lessons/{first.id}/edit",
                      data={**opened, "source": "Alice's paragraph."}).status_code == 303

    response = bob.post(f"/author/lessons/{first.id}/edit",
                        data={**opened, "source": "Bob's paragraph.\n\nBob's second paragraph."})

    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Someone else saved this lesson while you were editing" in page
    assert "Revision 2 was saved" in page and "by Alice Author" in page
    assert "Bob&#39;s paragraph.\n\nBob&#39;s second paragraph.</textarea>" in page
    assert "<del>Alice</del><ins>Bob</ins>&#39;s paragraph." in page  # what they wrote, against yours
    assert "Bob&#39;s second paragraph.</p></ins>" in page
    assert 'name="base_number" type="hidden" value="2"' in page  # saving again is allowed
    assert [r.number for r in lesson_named("first-lesson").revisions_in("en")] == [1, 2]
    assert "Alice" in lesson_named("first-lesson").revisions_in("en")[-1].source

    again = bob.post(f"/author/lessons/{first.id}/edit",
                     data={**opened, "base_number": "2", "source": "Bob's paragraph."})
    assert again.status_code == 303
    assert [r.source for r in lesson_named("first-lesson").revisions_in("en")[1:]] == [
        "Alice's paragraph.\n", "Bob's paragraph.\n"]


def test_two_saves_racing_for_the_same_number_lose_nothing(president, first, monkeypatch):
    """The check passes for both, but the database's unique (lesson, number) stops the second."""
    author = president.user
    fields = authoring.LessonFields(title="T", module_id=first.module_id, minutes=3, source="One.")
    authoring.save_draft(db.session, first, author, fields, base_number=1)
    real_latest = authoring.latest_revision
    stale = db.session.get(LessonRevision, first.revisions_in("en")[0].id)
    monkeypatch.setattr(authoring, "latest_revision",
                        lambda session, lesson: stale if real_latest(session, lesson).number == 2 else None)
    try:
        authoring.save_draft(db.session, first, author,
                             authoring.LessonFields(title="T", module_id=first.module_id, minutes=3,
                                                    source="Two."), base_number=1)
    except authoring.EditConflict:
        pass
    else:
        raise AssertionError("the second save should have been refused")
    monkeypatch.undo()
    assert [r.source for r in lesson_named("first-lesson").revisions_in("en")] == [
        first.revisions_in("en")[0].source, "One.\n"]


def test_preview_renders_with_the_sanitizer_and_keeps_the_text_without_javascript(president, first):
    live = president.post("/author/preview", data={"source": "## Hi\n\n*there* <script>x()</script>"})
    assert live.status_code == 200 and live.mimetype == "text/html"
    assert live.get_data(as_text=True).startswith('<h2 id="s-hi">Hi</h2>')
    assert "<script" not in live.get_data(as_text=True)

    data = editor_data(first, source="Unsaved **bold** words.", action="preview")
    page = president.post(f"/author/lessons/{first.id}/edit", data=data).get_data(as_text=True)
    assert "<p>Unsaved <strong>bold</strong> words.</p>" in page
    assert "Unsaved **bold** words.</textarea>" in page
    assert count(LessonRevision) == 3  # two lessons in English, the first in Chinese


def test_author_pages_have_no_inline_script_or_style(president, first):
    for url in ("/author/", f"/author/lessons/{first.id}/edit", f"/author/lessons/{first.id}/history",
                f"/author/lessons/{first.id}/publish", f"/author/lessons/{first.id}/quiz"):
        page = president.get(url).get_data(as_text=True)
        assert "<script>" not in page and not re.search(r"<script(?![^>]*\bsrc=)", page), url
        assert " style=" not in page and "<style" not in page, url
        assert not re.search(r" on[a-z]+=", page), url


def test_only_the_president_has_the_authoring_link(president, manager, hr):
    assert re.search(r'href="/author/"\s*>Authoring</a>', president.get("/").get_data(as_text=True))
    current = president.get("/author/").get_data(as_text=True)
    assert 'href="/author/" aria-current="page">Authoring</a>' in current
    for other in (manager, hr):
        assert "/author/" not in other.get("/").get_data(as_text=True)
