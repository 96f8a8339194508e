"""The refresh check's pages: what a person sees before, during and after a refresh, in their
language; never a 500, whatever is posted."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from courseware.extensions import db
from courseware.learn import refresh_views
from courseware.models import RefreshCheck
from courseware.services.catalog import published
from courseware.services.learning import certificates
from courseware.timezones import company_zone, to_local
from tests.learn.test_chinese_pages import ZH
from tests.services.refresh_course import (
    SLUG,
    complete_course,
    give_validity,
    import_refresh_course,
    in_refresh_window,
    revise_materially,
)

URL = f"/courses/{SLUG}/refresh"


def in_company_zone(moment):
    """A stored time as a reader without a zone of their own sees it (the day a page shows)."""
    return to_local(moment, company_zone())


def text(response) -> str:
    return response.get_data(as_text=True)


def asked(page: str) -> list[str]:
    """The question keys of the check's form, in the order shown."""
    return re.findall(r'<fieldset class="question card[^"]*" id="question-([a-z0-9-]+)"', page)


def option_keys(page: str, key: str) -> list[str]:
    return re.findall(rf'id="q-{key}-([a-d])"', page)


def check_id(page: str) -> int:
    return int(re.search(r'name="check_id" value="(\d+)"', page).group(1))


def right(key: str) -> str:
    return "a"  # option a is right in every question of the refresh course


def answers_for(page: str, option=right) -> dict:
    return {"check_id": check_id(page), **{f"q-{key}": option(key) for key in asked(page)}}


@pytest.fixture
def clock(monkeypatch, reading_clock):
    """The pages' clock, set to a day in the refresh window once the certificate has one."""
    monkeypatch.setattr(refresh_views, "utcnow", lambda: reading_clock.now)
    return reading_clock


@pytest.fixture
def due(tmp_path, manager, clock):
    """The signed-in manager holds a certificate of the refresh course whose refresh is due."""
    course = import_refresh_course(tmp_path)
    complete_course(manager.user, course)
    give_validity(course)
    clock.now = in_refresh_window(manager.user, course)
    return course


def test_no_refresh_due_sends_back_to_the_course_with_a_message(tmp_path, manager, clock):
    course = import_refresh_course(tmp_path)
    response = manager.get(URL)
    assert response.status_code == 302 and response.headers["Location"] == f"/courses/{SLUG}"
    assert "No refresh is due for this course." in text(manager.get(response.headers["Location"]))
    complete_course(manager.user, course)  # a certificate that never expires
    assert manager.get(URL).status_code == 302
    give_validity(course)
    page = text(manager.get(URL, follow_redirects=True))
    assert "No refresh is due for this course yet: the refresh check opens on" in page
    assert db.session.query(RefreshCheck).count() == 0
    empty = manager.post(URL)
    assert empty.status_code == 303 and empty.headers["Location"] == URL


def test_the_check_asks_its_questions_with_why_and_the_same_on_reload(due, manager):
    page = text(manager.get(URL))
    certificate = certificates.current_certificate(db.session, manager.user.id, due.id)
    check = db.session.get(RefreshCheck, check_id(page))
    assert len(asked(page)) == 5 == len(check.questions)
    assert asked(page) == [f"{each['lesson_id']}-{each['question_id']}" for each in check.questions]
    for each in check.questions:
        assert option_keys(page, f"{each['lesson_id']}-{each['question_id']}") == each["options"]
    assert "Refresh check: Refresh course" in page and "5 questions" in page and "pass mark 75%" in page
    expires = in_company_zone(certificate.expires_at)
    assert f"Your certificate for this course expires on {expires.day} {expires:%B %Y}" in page
    assert "From the lesson “Lesson about" in page
    # Nothing of the key before submission.
    assert "Why right" not in page and "Why wrong" not in page and "Correct answer" not in page
    assert asked(text(manager.get(URL))) == asked(page)


def test_after_expiry_the_page_says_so(due, manager, clock):
    expires_at = certificates.current_certificate(db.session, manager.user.id, due.id).expires_at
    clock.now = expires_at + timedelta(days=2)
    expires = in_company_zone(expires_at)
    page = text(manager.get(URL))
    assert f"Your certificate for this course expired on {expires.day} {expires:%B %Y}." in page
    assert len(asked(page)) == 5


def test_the_changed_lessons_are_listed_with_what_changed(due, manager, clock):
    lesson = published.lessons(db.session, due)[1]
    revise_materially(lesson, clock.now - timedelta(days=3))
    page = text(manager.get(URL))
    assert "The course has changed since your certificate was issued." in page
    assert f'href="/courses/{SLUG}/{lesson.slug}/changes">Lesson about habits</a>' in page


def test_an_unanswered_question_shows_the_form_again_with_the_answers_kept(due, manager):
    page = text(manager.get(URL))
    keys = asked(page)
    data = answers_for(page)
    del data[f"q-{keys[1]}"]
    data["q-999-unknown"] = "a"  # not a question of the check: ignored
    response = manager.post(URL, data=data)
    assert response.status_code == 422
    again = text(response)
    assert 'data-error-summary' in again and 'tabindex="-1"' in again
    assert "Answer every question before you submit." in again
    assert f'<a href="#q-{keys[1]}-' in again and "Question 2 needs an answer" in again
    assert f'id="q-{keys[0]}-a" value="a" checked' in again
    assert db.session.get(RefreshCheck, check_id(page)).submitted_at is None


@pytest.mark.parametrize("data, status", [
    ({"check_id": "not-a-number"}, 303),
    ({"check_id": str(10**30)}, 303),  # no number a database could hold: as if missing
    ({"check_id": "-4"}, 404),
])
def test_a_bad_check_id_is_never_a_server_error(due, manager, data, status):
    manager.get(URL)
    assert manager.post(URL, data=data).status_code == status


def test_an_answer_that_is_no_option_is_refused_kindly(due, manager):
    page = text(manager.get(URL))
    response = manager.post(URL, data=answers_for(page, lambda key: "z" * 10_000))
    assert response.status_code == 400
    assert "An answer does not match any option of its question." in text(response)
    assert manager.get(f"{URL}/{10**30}").status_code == 404


def test_someone_elses_check_is_not_found(due, manager, signed_in):
    page = text(manager.get(URL))
    other = signed_in("manager")
    assert other.post(URL, data=answers_for(page)).status_code == 404
    manager.post(URL, data=answers_for(page))
    assert other.get(f"{URL}/{check_id(page)}").status_code == 404
    assert manager.get(f"/courses/test-course/refresh/{check_id(page)}").status_code == 404


def test_a_failed_check_shows_only_the_own_answers_and_may_be_taken_again(due, manager):
    page = text(manager.get(URL))
    response = manager.post(URL, data=answers_for(page, lambda key: "b"))
    assert response.status_code == 303
    assert response.headers["Location"] == f"{URL}/{check_id(page)}"
    result = text(manager.get(response.headers["Location"]))
    assert "You scored 0%; the refresh check&#39;s pass mark is 75%." in result
    assert "Not passed" in result and "0 of 5 correct" in result
    assert "Correct answer" not in result and "Why right" not in result
    assert result.count("tag-picked") == 5 and "Why wrong" in result
    assert "Take the refresh check again" in result and f'href="{URL}"' in result
    # Not a dead end: the verdict and the way on at the top and again at the bottom of the review.
    top, bottom = result.split('data-next-step="top"')[1], result.split('data-next-step="bottom"')[1]
    assert "Take the refresh check again" in top and "Take the refresh check again" in bottom
    assert "Back to the course" in bottom and "Not passed: 0%" in result.split("</ol>")[-1]
    retake = text(manager.get(URL))
    assert check_id(retake) != check_id(page)
    assert set(asked(retake)).isdisjoint(asked(page))
    assert f'href="{URL}/{check_id(page)}"' in retake  # the earlier check, listed


def test_a_passed_check_renews_the_certificate(due, manager):
    old = certificates.current_certificate(db.session, manager.user.id, due.id)
    page = text(manager.get(URL))
    response = manager.post(URL, data=answers_for(page))
    result = text(manager.get(response.headers["Location"]))
    renewal = certificates.current_certificate(db.session, manager.user.id, due.id)
    assert renewal.code != old.code
    assert "You passed the refresh check with 100%." in result and "5 of 5 correct" in result
    assert "Your certificate is renewed." in result
    assert f'href="/certificates/{renewal.code}"' in result
    assert "Correct answer" in result and "Why right" in result  # the full review
    assert "Take the refresh check again" not in result
    assert manager.get(f"/certificates/{renewal.code}").status_code == 200
    again = manager.get(URL)
    assert again.status_code == 302
    assert "No refresh is due for this course yet" in text(manager.get(again.headers["Location"]))


def test_a_second_submission_shows_the_first_result(due, manager):
    page = text(manager.get(URL))
    first = manager.post(URL, data=answers_for(page))
    second = manager.post(URL, data=answers_for(page, lambda key: "b"))
    assert second.status_code == 303 and second.headers["Location"] == first.headers["Location"]
    result = text(manager.get(second.headers["Location"]))
    assert "This refresh check was already submitted; here is its result." in result
    assert "100%" in result


def test_a_pass_with_a_changed_lesson_waiting_names_it_then_the_reread_renews(due, manager, clock):
    lesson = published.lessons(db.session, due)[0]
    revise_materially(lesson, clock.now - timedelta(days=3))
    old = certificates.current_certificate(db.session, manager.user.id, due.id)
    page = text(manager.get(URL))
    result_url = manager.post(URL, data=answers_for(page)).headers["Location"]
    result = text(manager.get(result_url))
    assert "Complete the changed lessons to renew your certificate:" in result
    assert f'href="/courses/{SLUG}/{lesson.slug}/changes">Lesson about values</a>' in result
    assert certificates.current_certificate(db.session, manager.user.id, due.id).id == old.id
    course_page = text(manager.get(URL, follow_redirects=True))
    assert "You have passed the refresh check. Complete the changed lessons" in course_page

    manager.post(f"/courses/{SLUG}/{lesson.slug}/complete")
    renewal = certificates.current_certificate(db.session, manager.user.id, due.id)
    assert renewal.id != old.id
    assert f'href="/certificates/{renewal.code}"' in text(manager.get(result_url))


def test_an_expired_form_token_keeps_the_answers(due, manager):
    page = text(manager.get(URL))
    data = {**answers_for(page), "csrf_token": "expired-or-forged"}
    response = manager.client.post(URL, data=data)
    assert response.status_code == 400
    again = text(response)
    assert "Your answers are kept" in again
    assert f'id="q-{asked(page)[0]}-a" value="a" checked' in again
    assert db.session.get(RefreshCheck, check_id(page)).submitted_at is None


def test_the_check_in_chinese(course, manager, clock):
    complete_course(manager.user, course)
    give_validity(course)
    clock.now = in_refresh_window(manager.user, course)
    page = text(manager.get("/courses/test-course/refresh", headers=ZH))
    assert "哪个选项是对的？" in page and "Which option is the right one?" not in page
    assert "对的那个" in page
    assert "复训测验" in page and "Refresh check" not in page
    key = next(key for key in asked(page) if key.endswith("pick-one"))
    data = {"check_id": check_id(page), f"q-{key}": "b"}
    missing = text(manager.post("/courses/test-course/refresh", data=data, headers=ZH))
    assert "请答完所有题目再交卷。" in missing
