"""The refresh check: due only in the refresh window; its questions spread over the lessons; a pass
renews the certificate once every lesson is complete, whichever comes last; a fail may be retaken."""
from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from courseware.extensions import db
from courseware.models import Certificate, CertificateKind, RefreshCheck
from courseware.services.catalog import published
from courseware.services.learning import certificates, course_state, progress, quizzes, refresh
from courseware.services.learning.certificates import CertificateStatus, add_months
from courseware.timezones import company_zone, to_local
from tests.conftest import read_lesson
from tests.services.refresh_course import (
    complete_course,
    give_validity,
    import_refresh_course,
    in_refresh_window,
    outline,
    revise_materially,
    right_answers,
    wrong_answers,
)

State = course_state.CourseState


@pytest.fixture
def due(tmp_path, make_user, reading_clock):
    """A person whose certificate of the refresh course is in its refresh window: (user, course, now)."""
    course = import_refresh_course(tmp_path)
    user = make_user()
    complete_course(user, course)
    give_validity(course)
    return user, course, in_refresh_window(user, course)


def standing(user, course, now):
    return progress.course_progress(db.session, user, outline(course)).standing(now)


def test_no_check_without_a_certificate_or_before_the_window(tmp_path, make_user, reading_clock):
    course = import_refresh_course(tmp_path)
    user = make_user()
    with pytest.raises(refresh.NoRefreshDue):
        refresh.start_or_resume(db.session, user, outline(course), reading_clock.now, "en")
    complete_course(user, course)
    # A certificate that never expires is never due.
    far = reading_clock.now + timedelta(days=5000)
    with pytest.raises(refresh.NoRefreshDue):
        refresh.start_or_resume(db.session, user, outline(course), far, "en")
    give_validity(course)
    before_window = in_refresh_window(user, course, days_before_expiry=31)
    with pytest.raises(refresh.NoRefreshDue) as not_yet:
        refresh.start_or_resume(db.session, user, outline(course), before_window, "en")
    opens = to_local(in_refresh_window(user, course, days_before_expiry=30), company_zone())
    assert str(not_yet.value) == ("No refresh is due for this course yet: the refresh check opens on "
                                  f"{opens.day} {opens:%B %Y}.")
    assert db.session.scalar(select(func.count(RefreshCheck.id))) == 0


def test_the_questions_are_spread_over_the_lessons_one_objective_at_a_time(due):
    user, course, now = due
    opened = refresh.start_or_resume(db.session, user, outline(course), now, "en")
    stored = opened.check.questions
    assert len(stored) == 5 == len(opened.questions)
    per_lesson = Counter(each["lesson_id"] for each in stored)
    assert sorted(per_lesson.values()) == [1, 2, 2]
    # No lesson gets a second question before every lesson has one.
    assert len({each["lesson_id"] for each in stored[:3]}) == 3
    for lesson_id, count in per_lesson.items():
        asked = [q for q in opened.questions if q.lesson_id == lesson_id]
        assert len({q.question["objective"] for q in asked}) == count
    for each, shown in zip(stored, opened.questions, strict=True):
        assert each["options"][-1] == "d"  # the pinned "None of these" last
        assert sorted(each["options"]) == ["a", "b", "c", "d"]
        assert [option["key"] for option in shown.question["options"]] == each["options"]
    certificate = certificates.current_certificate(db.session, user.id, course.id)
    assert opened.check.certificate_id == certificate.id
    assert opened.standing.state is State.REFRESH_DUE and opened.standing.check_needed


def test_the_same_check_on_every_return(due):
    user, course, now = due
    first = refresh.start_or_resume(db.session, user, outline(course), now, "en")
    again = refresh.start_or_resume(db.session, user, outline(course), now + timedelta(hours=1), "en")
    assert again.check.id == first.check.id
    assert [q.key for q in again.questions] == [q.key for q in first.questions]
    assert again.check.questions == first.check.questions


def test_the_public_questions_hide_the_key(due):
    user, course, now = due
    opened = refresh.start_or_resume(db.session, user, outline(course), now, "en")
    for question in opened.public:
        assert not hasattr(question.options[0], "correct")
        assert question.id in refresh.question_keys(opened.check)


def test_a_bank_smaller_than_asked_asks_every_question(due):
    user, course, now = due
    course.refresh_questions = 20
    db.session.commit()
    opened = refresh.start_or_resume(db.session, user, outline(course), now, "en")
    assert len(opened.questions) == 12
    assert len({q.key for q in opened.questions}) == 12


def test_questions_missed_in_the_quiz_come_first(tmp_path, make_user, reading_clock):
    course = import_refresh_course(tmp_path, refresh_questions=3)
    user = make_user()
    lesson = published.lessons(db.session, course)[0]
    attempt = quizzes.open_attempt(db.session, user, lesson.quiz)
    # q3 answered wrongly (3 of 4: below the pass mark of 80), then the quiz passed.
    answers = {q["id"]: ["b" if q["id"] == "q3" else "a"] for q in quizzes.attempt_questions(attempt)}
    assert not quizzes.submit_attempt(db.session, user, attempt.id, answers).passed
    complete_course(user, course)
    give_validity(course)
    opened = refresh.start_or_resume(db.session, user, outline(course), in_refresh_window(user, course), "en")
    asked = {each["lesson_id"]: each["question_id"] for each in opened.check.questions}
    assert asked[lesson.id] == "q3"


def test_the_page_in_chinese_shows_the_chinese_questions(course, make_user, reading_clock):
    user = make_user()
    first, second = published.lessons(db.session, course)
    complete_course(user, course)
    give_validity(course)
    now = in_refresh_window(user, course)
    opened = refresh.start_or_resume(db.session, user, outline(course, "zh_CN"), now, "zh_CN")
    assert len(opened.questions) == 3  # the one quiz of the course has three questions
    prompts = {q.question["id"]: q.question["prompt"] for q in opened.questions}
    assert prompts["pick-one"] == "哪个选项是对的？"
    english = refresh.shown_questions(db.session, opened.check, "en")
    in_english = {q.question["id"]: q.question["prompt"] for q in english}
    assert in_english["pick-one"] == "Which option is the right one?"
    assert [q.key for q in english] == [q.key for q in opened.questions]


def test_a_failed_check_keeps_the_certificate_and_a_retake_asks_other_questions(due):
    user, course, now = due
    course.refresh_questions = 3
    db.session.commit()
    old = certificates.current_certificate(db.session, user.id, course.id)
    opened = refresh.start_or_resume(db.session, user, outline(course), now, "en")
    sent = wrong_answers(opened.questions)
    check = refresh.submit(db.session, user, outline(course), opened.check.id, sent, now)
    assert (check.passed, check.score, check.correct_count) == (False, 0, 0)
    assert [answer["selected"] for answer in check.answers] == list(sent.values())
    assert certificates.current_certificate(db.session, user.id, course.id).id == old.id
    result = refresh.result(db.session, user, outline(course), check, now, "en")
    assert result.mode == quizzes.REVIEW_ANSWERS and result.can_retake and result.renewal is None

    retake = refresh.start_or_resume(db.session, user, outline(course), now + timedelta(minutes=5), "en")
    assert retake.check.id != check.id
    first = {(each["lesson_id"], each["question_id"]) for each in check.questions}
    second = {(each["lesson_id"], each["question_id"]) for each in retake.check.questions}
    assert first.isdisjoint(second)


def test_a_pass_with_every_lesson_complete_renews_the_certificate(due):
    user, course, now = due
    old = certificates.current_certificate(db.session, user.id, course.id)
    opened = refresh.start_or_resume(db.session, user, outline(course), now, "en")
    check = refresh.submit(db.session, user, outline(course), opened.check.id,
                           right_answers(opened.questions), now)
    assert (check.passed, check.score, check.correct_count, check.submitted_at) == (True, 100, 5, now)

    renewal = certificates.current_certificate(db.session, user.id, course.id)
    db.session.refresh(old)
    assert renewal.id != old.id and renewal.code != old.code
    assert renewal.kind == CertificateKind.RENEWAL
    assert certificates.status_of(old, now) is CertificateStatus.RENEWED
    assert (renewal.valid_from, renewal.expires_at) == (now, add_months(now, 12))
    assert standing(user, course, now).state is State.COMPLETE
    result = refresh.result(db.session, user, outline(course), check, now, "en")
    assert result.renewal.id == renewal.id and result.mode == quizzes.REVIEW_FULL
    assert not result.can_retake
    with pytest.raises(refresh.NoRefreshDue):
        refresh.start_or_resume(db.session, user, outline(course), now, "en")


def test_an_expired_certificate_is_renewed_by_a_pass(due):
    user, course, _now = due
    old = certificates.current_certificate(db.session, user.id, course.id)
    later = old.expires_at + timedelta(days=40)
    opened = refresh.start_or_resume(db.session, user, outline(course), later, "en")
    assert opened.standing.state is State.EXPIRED
    refresh.submit(db.session, user, outline(course), opened.check.id, right_answers(opened.questions), later)
    renewal = certificates.current_certificate(db.session, user.id, course.id)
    assert renewal.kind == CertificateKind.RENEWAL and renewal.expires_at == add_months(later, 12)


def test_a_pass_waits_for_a_changed_lesson_then_the_reread_renews(due, reading_clock):
    user, course, now = due
    lesson = published.lessons(db.session, course)[1]
    revise_materially(lesson, now - timedelta(days=60))
    old = certificates.current_certificate(db.session, user.id, course.id)
    opened = refresh.start_or_resume(db.session, user, outline(course), now, "en")
    assert [status.lesson.id for status in opened.standing.waiting] == [lesson.id]
    check = refresh.submit(db.session, user, outline(course), opened.check.id,
                           right_answers(opened.questions), now)
    assert check.passed
    assert certificates.current_certificate(db.session, user.id, course.id).id == old.id
    result = refresh.result(db.session, user, outline(course), check, now, "en")
    assert result.renewal is None and [s.lesson.id for s in result.standing.waiting] == [lesson.id]
    assert not result.standing.check_needed and not result.can_retake
    with pytest.raises(refresh.NoRefreshDue, match="You have passed the refresh check. Complete the changed"):
        refresh.start_or_resume(db.session, user, outline(course), now, "en")

    reading_clock.now = now + timedelta(days=1)
    read_lesson(user, published.lessons(db.session, course)[1])
    renewal = certificates.current_certificate(db.session, user.id, course.id)
    assert renewal.id != old.id and renewal.kind == CertificateKind.RENEWAL
    assert renewal.expires_at == add_months(reading_clock.now, 12)
    result = refresh.result(db.session, user, outline(course), check, reading_clock.now, "en")
    assert result.renewal.id == renewal.id


def test_a_changed_lesson_reread_first_then_the_pass_renews(due, reading_clock):
    user, course, now = due
    lesson = published.lessons(db.session, course)[2]
    revise_materially(lesson, now - timedelta(days=60))
    old = certificates.current_certificate(db.session, user.id, course.id)
    reading_clock.now = now
    read_lesson(user, published.lessons(db.session, course)[2])
    # Every lesson is complete again, but in the refresh window only a refresh renews.
    assert certificates.current_certificate(db.session, user.id, course.id).id == old.id
    assert standing(user, course, now).state is State.REFRESH_DUE
    later = now + timedelta(hours=2)
    opened = refresh.start_or_resume(db.session, user, outline(course), later, "en")
    assert opened.standing.waiting == ()
    refresh.submit(db.session, user, outline(course), opened.check.id, right_answers(opened.questions), later)
    renewal = certificates.current_certificate(db.session, user.id, course.id)
    assert renewal.kind == CertificateKind.RENEWAL and renewal.issued_at == later
    assert [each["revision_id"] for each in renewal.lessons][2] == lesson.published_revision_id


def test_a_second_submission_is_refused(due):
    user, course, now = due
    opened = refresh.start_or_resume(db.session, user, outline(course), now, "en")
    refresh.submit(db.session, user, outline(course), opened.check.id, right_answers(opened.questions), now)
    with pytest.raises(refresh.CheckSubmitted) as refused:
        refresh.submit(db.session, user, outline(course), opened.check.id,
                       wrong_answers(opened.questions), now)
    assert refused.value.check_id == opened.check.id
    assert db.session.scalar(select(func.count(Certificate.id))) == 2  # the first and one renewal


def test_every_question_needs_an_answer(due):
    user, course, now = due
    opened = refresh.start_or_resume(db.session, user, outline(course), now, "en")
    answers = right_answers(opened.questions)
    missing = opened.questions[2].key
    del answers[missing]
    answers["999-no-such-question"] = ["a"]
    with pytest.raises(quizzes.UnansweredQuestions) as unanswered:
        refresh.submit(db.session, user, outline(course), opened.check.id, answers, now)
    assert unanswered.value.question_ids == [missing]
    db.session.expire_all()
    assert db.session.get(RefreshCheck, opened.check.id).submitted_at is None


def test_someone_elses_check_is_not_found(due, make_user):
    user, course, now = due
    opened = refresh.start_or_resume(db.session, user, outline(course), now, "en")
    other = make_user()
    for check_id in (opened.check.id, None, 0, 2**40):
        with pytest.raises(refresh.NotFound):
            refresh.submit(db.session, other, outline(course), check_id, right_answers(opened.questions), now)


def test_one_open_check_even_when_two_requests_start_one(due, monkeypatch):
    user, course, now = due
    opened = refresh.start_or_resume(db.session, user, outline(course), now, "en")
    duplicate = RefreshCheck(user_id=user.id, course_id=course.id, questions=[])
    db.session.add(duplicate)
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    # The second request does not see the first one's check before it inserts its own.
    find = refresh._find_open
    calls = []

    def late_find(*args):
        calls.append(args)
        return None if len(calls) == 1 else find(*args)

    monkeypatch.setattr(refresh, "_find_open", late_find)
    again = refresh.start_or_resume(db.session, user, outline(course), now, "en")
    assert again.check.id == opened.check.id and len(calls) == 2


def test_a_course_without_quiz_questions_is_refreshed_by_confirming(course, make_user, reading_clock):
    first = published.lessons(db.session, course)[0]
    first.quiz.archived_at = reading_clock.now
    db.session.commit()
    user = make_user()
    complete_course(user, course)
    give_validity(course)
    now = in_refresh_window(user, course)
    opened = refresh.start_or_resume(db.session, user, outline(course), now, "en")
    assert opened.questions == [] and opened.check.questions == []
    check = refresh.submit(db.session, user, outline(course), opened.check.id, {}, now)
    assert (check.passed, check.score) == (True, 100)
    assert certificates.current_certificate(db.session, user.id, course.id).kind == CertificateKind.RENEWAL
