"""Completion: read + quiz passed; the course certificate once every lesson is complete."""
from __future__ import annotations

from sqlalchemy import func, insert, select

from courseware.extensions import db
from courseware.models import Certificate, LessonProgress, LessonRevision
from courseware.services import catalog
from courseware.services.catalog import published
from courseware.services.learning import certificates, completion, progress, quizzes
from courseware.services.learning.progress import LessonState
from tests.conftest import read_lesson

RIGHT = {"pick-one": ["b"], "pick-many": ["a", "c"], "true-or-false": ["a"]}


def lessons(course):
    return published.lessons(db.session, course)


def states(user, course):
    shown = catalog.current(db.session).course_by_id(course.id)
    return [s.state for s in progress.course_progress(db.session, user, shown).lessons]


def pass_quiz(user, lesson):
    attempt = quizzes.open_attempt(db.session, user, lesson.quiz)
    return quizzes.submit_attempt(db.session, user, attempt.id, RIGHT)


def test_a_new_person_has_not_started(course, make_user):
    user = make_user()
    outline = progress.course_progress(db.session, user, catalog.current(db.session).course_by_id(course.id))
    assert states(user, course) == [LessonState.NOT_STARTED, LessonState.NOT_STARTED]
    assert (outline.completed, outline.total, outline.percent, outline.started) == (0, 2, 0, False)
    assert outline.next_lesson.lesson.slug == "first-lesson"
    assert [m.module.title for m in outline.modules] == ["First module", "Second module"]


def test_opening_a_lesson_puts_it_in_progress(course, make_user):
    user = make_user()
    completion.record_open(db.session, user, lessons(course)[0])
    assert states(user, course)[0] is LessonState.IN_PROGRESS


def test_reading_a_lesson_with_a_quiz_leaves_the_quiz_to_pass(course, make_user):
    user = make_user()
    first = lessons(course)[0]
    record = read_lesson(user, first)
    assert record.read_at is not None and record.completed_at is None
    assert states(user, course)[0] is LessonState.QUIZ_PENDING
    pass_quiz(user, first)
    assert states(user, course)[0] is LessonState.COMPLETED


def test_passing_the_quiz_before_reading_completes_on_reading(course, make_user):
    user = make_user()
    first = lessons(course)[0]
    pass_quiz(user, first)
    assert states(user, course)[0] is LessonState.IN_PROGRESS
    record = read_lesson(user, first)
    assert record.completed_at is not None
    assert record.completed_revision_id == first.published_revision_id


def test_a_failed_quiz_does_not_complete_the_lesson(course, make_user):
    user = make_user()
    first = lessons(course)[0]
    read_lesson(user, first)
    attempt = quizzes.open_attempt(db.session, user, first.quiz)
    quizzes.submit_attempt(db.session, user, attempt.id,
                           {"pick-one": ["a"], "pick-many": ["b"], "true-or-false": ["b"]})
    assert states(user, course)[0] is LessonState.QUIZ_PENDING


def test_a_lesson_without_a_quiz_completes_when_read(course, make_user):
    user = make_user()
    read_lesson(user, lessons(course)[1])
    assert states(user, course)[1] is LessonState.COMPLETED


def test_the_certificate_comes_with_the_last_lesson_and_only_once(course, make_user):
    user = make_user()
    first, second = lessons(course)
    read_lesson(user, second)
    assert certificates.current_certificate(db.session, user.id, course.id) is None
    read_lesson(user, first)
    pass_quiz(user, first)
    certificate = certificates.current_certificate(db.session, user.id, course.id)
    assert certificate is not None
    assert len(certificate.code) == 14 and certificate.code.count("-") == 2
    outline = progress.course_progress(db.session, user, catalog.current(db.session).course_by_id(course.id))
    assert (outline.completed, outline.percent, outline.next_lesson) == (2, 100, None)
    pass_quiz(user, first)  # a retake changes nothing
    read_lesson(user, second)
    assert db.session.scalar(select(func.count(Certificate.id))) == 1
    assert certificates.get_by_code(db.session, certificate.code).user_id == user.id


def test_progress_is_personal(course, make_user):
    done, other = make_user(), make_user()
    read_lesson(done, lessons(course)[1])
    assert states(other, course) == [LessonState.NOT_STARTED, LessonState.NOT_STARTED]


def test_a_material_revision_asks_for_review_and_reading_confirms_it(course, make_user):
    user = make_user()
    second = lessons(course)[1]
    read_lesson(user, second)
    old = second.published_revision
    new = LessonRevision(lesson=second, number=2, title=old.title, summary=old.summary, minutes=old.minutes,
                         source=old.source + "\nMore.", html=old.html + "<p>More.</p>",
                         content_hash="changed", material=True)
    db.session.add(new)
    db.session.flush()
    second.published_revision = new
    db.session.commit()
    assert states(user, course)[1] is LessonState.NEEDS_REVIEW
    shown = catalog.current(db.session).course_by_id(course.id)
    assert progress.course_progress(db.session, user, shown).completed == 1  # still counts
    read_lesson(user, second)
    assert states(user, course)[1] is LessonState.COMPLETED


def test_a_minor_revision_keeps_completion(course, make_user):
    user = make_user()
    second = lessons(course)[1]
    read_lesson(user, second)
    old = second.published_revision
    new = LessonRevision(lesson=second, number=2, title=old.title, summary=old.summary, minutes=old.minutes,
                         source=old.source, html=old.html, content_hash="typo", material=False)
    db.session.add(new)
    db.session.flush()
    second.published_revision = new
    db.session.commit()
    assert states(user, course)[1] is LessonState.COMPLETED


def test_passing_keeps_the_time_of_the_first_pass(course, make_user, reading_clock):
    user = make_user()
    first = lessons(course)[0]
    pass_quiz(user, first)  # before opening the lesson: the pass makes the person's record
    first_pass = reading_clock.now
    reading_clock.move(days=1)
    pass_quiz(user, first)
    record = db.session.scalar(select(LessonProgress).where(LessonProgress.user_id == user.id))
    assert (record.opened_at, record.quiz_passed_at, record.completed_at) == (first_pass, first_pass, None)
    assert states(user, course)[0] is LessonState.IN_PROGRESS


def test_a_record_made_by_another_request_meanwhile_gets_the_pass(course, make_user):
    user = make_user()
    first = lessons(course)[0]
    attempt = quizzes.submission(db.session, user, quizzes.open_attempt(db.session, user, first.quiz).id)
    assert attempt.record is None
    # The lesson page, opened in another tab at the same moment, makes the record first.
    with db.engine.begin() as other:
        other.execute(insert(LessonProgress).values(user_id=user.id, lesson_id=first.id, seconds_spent=0))
    quizzes.submit(db.session, user, attempt, RIGHT)
    db.session.expire_all()
    records = db.session.scalars(select(LessonProgress).where(LessonProgress.user_id == user.id)).all()
    assert len(records) == 1 and records[0].quiz_passed_at is not None
    assert states(user, course)[0] is LessonState.IN_PROGRESS
