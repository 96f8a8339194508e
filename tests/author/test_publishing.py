"""Publishing: minor or material and what each does to completions, unpublishing, scheduling."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from courseware import jobs
from courseware.extensions import db
from courseware.models import LessonRevision
from courseware.models._time import utcnow
from courseware.services import catalog
from courseware.services.authoring import publishing
from courseware.services.learning.progress import LessonState, course_progress
from tests.author.conftest import editor_data, lesson_named, module_named, progress_of

LESSON_2 = "/courses/test-course/second-lesson"
# When the jobs tests schedule a publication (the jobs' clock is fixed around it).
WHEN = datetime(2031, 5, 6, 9, 0)


@pytest.fixture
def completer(manager, second, reading_clock):
    """A manager who completed the second lesson (it has no quiz) on its revision 1."""
    manager.get(LESSON_2)
    reading_clock.move(minutes=3)
    manager.post(f"{LESSON_2}/complete")
    assert progress_of(manager.user, second).completed_at is not None
    return manager


def revise(president, lesson, source: str) -> int:
    response = president.post(f"/author/lessons/{lesson.id}/edit", data=editor_data(lesson, source=source))
    assert response.status_code == 303, response.get_data(as_text=True)
    return lesson_named(lesson.slug).revisions_in("en")[-1].number


def state_for(user, lesson) -> LessonState:
    db.session.expire_all()
    course = catalog.current(db.session).course_by_id(lesson.course_id)
    return course_progress(db.session, user, course).status_of(lesson).state


def test_a_minor_publication_keeps_completions(president, completer, second):
    number = revise(president, second, "The second lesson has no quiz; a typo fixed.")

    response = president.post(f"/author/lessons/{second.id}/publish",
                              data={"number": number, "kind": "minor"})

    assert response.status_code == 303
    revision = lesson_named("second-lesson").published_revision
    assert (revision.number, revision.material) == (2, False)
    assert revision.published_at is not None and revision.published_at <= utcnow()
    assert state_for(completer.user, second) == LessonState.COMPLETED
    page = completer.get(LESSON_2).get_data(as_text=True)
    assert "a typo fixed" in page and "updated since you completed it" not in page
    assert "published as a minor change" in president.get("/author/").get_data(as_text=True)


def test_a_material_publication_asks_completers_to_review_and_shows_what_changed(president, completer,
                                                                                 second):
    number = revise(president, second, "The second lesson has no quiz.\n\nA whole new paragraph of content.")

    president.post(f"/author/lessons/{second.id}/publish", data={"number": number, "kind": "material"})

    assert lesson_named("second-lesson").published_revision.material is True
    assert state_for(completer.user, second) == LessonState.NEEDS_REVIEW
    page = completer.get(LESSON_2).get_data(as_text=True)
    assert "Updated since you completed it" in page
    assert f'href="{LESSON_2}/changes"' in page
    changes = completer.get(f"{LESSON_2}/changes").get_data(as_text=True)
    assert "What changed" in changes
    assert '<li class="diff-row diff-added"><span class="visually-hidden">Added:</span><ins>' \
           '<p class="diff-text diff-text">A whole new paragraph of content.</p></ins></li>' in changes
    assert "I have read the update" in changes

    completer.post(f"{LESSON_2}/complete")

    assert state_for(completer.user, second) == LessonState.COMPLETED
    assert progress_of(completer.user, second).completed_revision_id == lesson_named(
        "second-lesson").published_revision_id
    assert "Nothing has changed since you completed this lesson" in completer.get(
        f"{LESSON_2}/changes").get_data(as_text=True)


def test_people_who_have_not_completed_the_lesson_are_not_asked_to_review(president, manager, second):
    manager.get(LESSON_2)
    number = revise(president, second, "Changed.")
    president.post(f"/author/lessons/{second.id}/publish", data={"number": number, "kind": "material"})

    assert state_for(manager.user, second) == LessonState.IN_PROGRESS
    assert "Updated since you completed it" not in manager.get(LESSON_2).get_data(as_text=True)


def test_publishing_needs_a_choice_of_kind_and_a_newer_revision(president, second):
    number = revise(president, second, "Changed.")

    no_kind = president.post(f"/author/lessons/{second.id}/publish", data={"number": number})
    old = president.post(f"/author/lessons/{second.id}/publish", data={"number": 1, "kind": "minor"})

    assert no_kind.status_code == old.status_code == 422
    assert "Choose minor or material." in no_kind.get_data(as_text=True)
    assert "Revision 1 is what learners read now." in old.get_data(as_text=True)
    assert lesson_named("second-lesson").published_revision.number == 1
    page = president.get(f"/author/lessons/{second.id}/publish").get_data(as_text=True)
    assert "Publish revision 2" in page
    assert '<ins><p class="diff-text diff-text">Changed.</p></ins>' in page


def test_the_first_publication_is_material_and_makes_the_lesson_visible(president, manager, course):
    president.post("/author/courses/test-course/lessons/new", data={
        "title": "Brand new", "slug": "brand-new", "module": module_named("First module").id,
        "minutes": "3", "summary": "", "source": "Fresh text.", "action": "save"})
    lesson = lesson_named("brand-new")
    assert manager.get("/courses/test-course/brand-new").status_code == 404
    page = president.get(f"/author/lessons/{lesson.id}/publish").get_data(as_text=True)
    assert "first publication" in page and 'name="kind" value="material"' in page

    president.post(f"/author/lessons/{lesson.id}/publish", data={"number": 1, "kind": "material"})

    published = lesson_named("brand-new").published_revision
    assert (published.number, published.material) == (1, True)
    assert "Fresh text." in manager.get("/courses/test-course/brand-new").get_data(as_text=True)


def test_unpublishing_hides_the_lesson_and_keeps_progress(president, completer, second):
    response = president.post(f"/author/lessons/{second.id}/unpublish")

    assert response.status_code == 303
    assert completer.get(LESSON_2).status_code == 404
    assert progress_of(completer.user, second).completed_at is not None
    assert "Unpublished" in president.get("/author/").get_data(as_text=True)

    president.post(f"/author/lessons/{second.id}/publish", data={"number": 1, "kind": "minor"})

    assert completer.get(LESSON_2).status_code == 200
    assert state_for(completer.user, second) == LessonState.COMPLETED


def test_publishing_a_revision_in_another_module_moves_the_lesson(president, first, second):
    data = editor_data(second, module=module_named("First module").id)
    president.post(f"/author/lessons/{second.id}/edit", data=data)
    assert lesson_named("second-lesson").module.title == "Second module"  # a draft moves nothing

    president.post(f"/author/lessons/{second.id}/publish", data={"number": 2, "kind": "minor"})

    moved = lesson_named("second-lesson")
    assert (moved.module.title, moved.position) == ("First module", 2)
    assert lesson_named("first-lesson").position == 1


# --- scheduling ------------------------------------------------------------------------------------

def test_a_scheduled_revision_is_published_once_its_time_has_passed(president, completer, second):
    number = revise(president, second, "Scheduled text.")
    when = WHEN  # 09:00 UTC, typed as 17:00 in the president's zone, the company's (Asia/Shanghai)

    response = president.post(f"/author/lessons/{second.id}/schedule", data={
        "number": number, "kind": "material", "when": "2031-05-06T17:00"})

    assert response.status_code == 303
    revision = lesson_named("second-lesson").revisions_in("en")[-1]
    assert (revision.scheduled_for, revision.scheduled_material, revision.material) == (when, True, False)
    page = president.get(response.headers["Location"]).get_data(as_text=True)
    assert "will be published at 6 May 2031, 17:00" in page
    assert "scheduled for 6 May 2031, 17:00" in president.get("/author/").get_data(as_text=True)

    assert publishing.publish_due(db.session, now=when - timedelta(minutes=1)) == []
    assert "Scheduled text." not in completer.get(LESSON_2).get_data(as_text=True)

    [published] = publishing.publish_due(db.session, now=when + timedelta(minutes=1))

    second = lesson_named("second-lesson")
    assert second.published_revision_id == published.id
    assert (published.material, published.scheduled_for) == (True, None)
    assert published.published_at == when + timedelta(minutes=1)
    assert publishing.publish_due(db.session, now=when + timedelta(hours=1)) == []
    assert state_for(completer.user, second) == LessonState.NEEDS_REVIEW


def test_scheduling_refuses_a_time_in_the_past(president, second):
    number = revise(president, second, "Text.")
    response = president.post(f"/author/lessons/{second.id}/schedule", data={
        "number": number, "kind": "minor", "when": "2020-01-01T09:00"})

    assert response.status_code == 422
    assert "Choose a time in the future." in response.get_data(as_text=True)
    assert lesson_named("second-lesson").revisions_in("en")[-1].scheduled_for is None


def test_a_schedule_can_be_cancelled_and_a_manual_publication_supersedes_it(president, second):
    number = revise(president, second, "Text.")
    later = utcnow() + timedelta(days=1)
    publishing.schedule(db.session, second, number, material=False, when=later)

    president.post(f"/author/lessons/{second.id}/schedule/cancel")
    assert lesson_named("second-lesson").revisions_in("en")[-1].scheduled_for is None

    publishing.schedule(db.session, lesson_named("second-lesson"), number, material=False, when=later)
    president.post(f"/author/lessons/{second.id}/publish", data={"number": number, "kind": "minor"})
    assert lesson_named("second-lesson").revisions_in("en")[-1].scheduled_for is None
    assert publishing.publish_due(db.session, now=later + timedelta(days=1)) == []


def test_a_schedule_overtaken_by_a_newer_publication_is_dropped(president, second):
    scheduled = revise(president, second, "Older draft.")
    publishing.schedule(db.session, second, scheduled, material=False, when=utcnow() + timedelta(hours=1))
    newer = revise(president, lesson_named("second-lesson"), "Newer draft.")
    # Published directly, as a second process might have done: the older schedule is still set.
    revision = db.session.scalar(sa.select(LessonRevision).where(LessonRevision.number == newer,
                                                                 LessonRevision.lesson_id == second.id))
    lesson = lesson_named("second-lesson")
    lesson.published_revision_id = revision.id
    db.session.commit()

    assert publishing.publish_due(db.session, now=utcnow() + timedelta(hours=2)) == []
    lesson = lesson_named("second-lesson")
    assert lesson.published_revision.number == newer
    assert all(r.scheduled_for is None for r in lesson.revisions_in("en"))


def test_the_publish_due_command_publishes_what_is_due(president, runner, second):
    number = revise(president, second, "Due text.")
    publishing.schedule(db.session, second, number, material=False, when=utcnow() + timedelta(seconds=1))
    db.session.execute(sa.update(LessonRevision).where(LessonRevision.number == number,
                                                       LessonRevision.lesson_id == second.id)
                       .values(scheduled_for=datetime(2000, 1, 1)))
    db.session.commit()

    result = runner.invoke(args=["content", "publish-due"])

    assert result.exit_code == 0, result.output
    assert f"published  test-course/second-lesson revision {number}" in result.output
    assert "1 scheduled revision(s) published." in result.output
    assert lesson_named("second-lesson").published_revision.number == number


@pytest.fixture
def scheduled(president, second, monkeypatch):
    """A new text of the second lesson scheduled for WHEN; the jobs' clock stands just before it."""
    number = revise(president, second, "Text published by the jobs.")
    publishing.schedule(db.session, second, number, material=False, when=WHEN, now=WHEN - timedelta(hours=1))
    monkeypatch.setattr(jobs, "now", lambda: WHEN - timedelta(minutes=1))
    return number


def test_a_tick_publishes_a_scheduled_lesson_once_its_time_has_passed(app, manager, scheduled,
                                                                       monkeypatch):
    assert jobs.tick(app)["publish-due"] is True
    assert "Text published by the jobs." not in manager.get(LESSON_2).get_data(as_text=True)

    monkeypatch.setattr(jobs, "now", lambda: WHEN + timedelta(minutes=1))
    assert jobs.tick(app)["publish-due"] is True

    assert "Text published by the jobs." in manager.get(LESSON_2).get_data(as_text=True)
    assert lesson_named("second-lesson").published_revision.number == scheduled


def test_pages_no_longer_publish_what_is_due(app, manager, scheduled, monkeypatch):
    monkeypatch.setattr(publishing, "publish_due", lambda *args, **kwargs: pytest.fail("a page published"))
    monkeypatch.setattr(jobs, "now", lambda: WHEN + timedelta(minutes=1))

    assert "Text published by the jobs." not in manager.get(LESSON_2).get_data(as_text=True)


def test_the_publish_due_command_says_when_in_the_companys_zone(runner, scheduled, monkeypatch):
    monkeypatch.setattr(jobs, "now", lambda: WHEN + timedelta(minutes=1))  # 09:01 UTC

    result = runner.invoke(args=["content", "publish-due"])

    assert f"revision {scheduled} at 6 May 2031, 17:01" in result.output  # Asia/Shanghai


def test_flask_jobs_tick_runs_the_periodic_jobs(runner, manager, scheduled, monkeypatch):
    monkeypatch.setattr(jobs, "now", lambda: WHEN + timedelta(minutes=1))

    result = runner.invoke(args=["jobs", "tick"])

    assert result.exit_code == 0, result.output
    assert result.output == ("publish-due: done.\nnotifications: done.\npurge-deliveries: done.\n"
                             "erase-expired: done.\ndirectory-sync: done.\n")
    assert "Text published by the jobs." in manager.get(LESSON_2).get_data(as_text=True)
