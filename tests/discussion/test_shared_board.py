"""The question board kept as rendered (courseware/learn/boxes.py): readers with no part of their own
share one rendering per lesson, language, time zone and board version; every change to what the
board shows is seen at once; nobody ever sees another person's parts (their token, their "me too",
their anonymous or hidden question, the hosts' tools)."""
from __future__ import annotations

import re
from datetime import datetime

import pytest
from sqlalchemy import select

from courseware import templating
from courseware.extensions import db
from courseware.learn import question_views
from courseware.models import LessonQuestion, QuestionAnswer, User
from courseware.services.discussion import board, hosts
from courseware.services.people import account_admin
from tests.conftest import SignedInClient, csrf_from, erase_person

ASKED_AT = datetime(2026, 12, 1, 2, 0)  # UTC: 10:00 in Shanghai, 02:00 in London


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setattr(question_views, "utcnow", lambda: ASKED_AT)


def _ask(client, lesson_url: str, text: str, anonymous: bool = False) -> LessonQuestion:
    data = {"question-body": text, **({"question-anonymous": "y"} if anonymous else {})}
    assert client.post(lesson_url + "/questions", data=data).status_code == 303
    return db.session.scalar(select(LessonQuestion).order_by(LessonQuestion.id.desc()))


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _renders(app) -> int:
    return app.extensions[templating.FRAGMENTS_KEY].renders


def _version(lesson) -> int:
    anyone = db.session.scalars(select(User)).first()
    return board.reader_state(db.session, anyone, lesson.id).questions_version


def test_plain_readers_share_one_rendering_each_with_their_own_token(app, signed_in, lesson_url):
    asker, first, second = signed_in("manager"), signed_in("manager"), signed_in("hr")
    question = _ask(asker, lesson_url, "How often should we meet?")
    page_one = _page(first, lesson_url)
    renders = _renders(app)
    page_two = _page(second, lesson_url)
    assert _renders(app) == renders  # the board came kept
    for page in (page_one, page_two):
        assert "How often should we meet?" in page and "I have this question too" in page
    assert csrf_from(page_one) != csrf_from(page_two)
    tokens = re.findall(r'name="csrf_token" value="([^"]+)"', page_two)
    assert len(tokens) >= 2 and len(set(tokens)) == 1  # the page's one token, also in the kept board
    assert not set(re.findall(r'name="csrf_token" value="([^"]+)"', page_one)) & set(tokens)
    # The token in the kept board works for its reader.
    marked = second.client.post(f"/questions/{question.id}/me-too", data={"csrf_token": csrf_from(page_two)})
    assert marked.status_code == 303


def test_every_change_to_the_board_is_shown_at_once(app, signed_in, president, lesson_url):
    asker, marker, reader = signed_in("manager"), signed_in("manager"), signed_in("manager")
    assert "No questions yet" in _page(reader, lesson_url)
    question = _ask(asker, lesson_url, "What if the team disagrees?")
    assert "What if the team disagrees?" in _page(reader, lesson_url)
    marker.post(f"/questions/{question.id}/me-too")
    assert "1 person has this question too" in _page(reader, lesson_url)
    marker.post(f"/questions/{question.id}/me-too")  # taken back
    assert "0 people have this question too" in _page(reader, lesson_url)
    president.post(f"/questions/{question.id}/answers", data={f"answer-{question.id}-body": "Listen first."})
    assert "Listen first." in _page(reader, lesson_url)
    reply = db.session.scalar(select(QuestionAnswer))
    president.post(f"/answers/{reply.id}/pin")
    assert "From the questions" in _page(reader, lesson_url)
    president.post(f"/answers/{reply.id}/pin")
    assert "From the questions" not in _page(reader, lesson_url)
    president.post(f"/questions/{question.id}/hide", data={f"hide-{question.id}-reason": "Off-topic"})
    assert "What if the team disagrees?" not in _page(reader, lesson_url)
    president.post(f"/questions/{question.id}/unhide")
    assert "What if the team disagrees?" in _page(reader, lesson_url)


def test_naming_or_removing_a_host_and_an_erasure_change_every_lesson_s_board(
        app, signed_in, make_user, president, lesson, lesson_url):
    asker = signed_in("manager", full_name="Wang Lei")
    reader = signed_in("manager")
    question = _ask(asker, lesson_url, "Who decides?")
    president.post(f"/questions/{question.id}/answers", data={f"answer-{question.id}-body": "You do."})
    before = _version(lesson)
    host = make_user(full_name="Hostess Wang")
    hosts.add(db.session, president.user, host.id, ASKED_AT)
    assert _version(lesson) == before + 1
    hosts.remove(db.session, president.user, host.id)
    assert _version(lesson) == before + 2

    assert "Wang Lei" in _page(reader, lesson_url)
    erase_person(asker.user.id, ASKED_AT)
    page = _page(reader, lesson_url)
    assert "Wang Lei" not in page and "Who decides?" in page and "Anonymous" in page


def test_a_failed_change_leaves_the_version_as_it_was(signed_in, lesson, lesson_url):
    asker = signed_in("manager")
    _ask(asker, lesson_url, "First")
    before = _version(lesson)
    assert asker.post(lesson_url + "/questions", data={"question-body": " "}).status_code == 422
    assert _version(lesson) == before


def test_an_anonymous_asker_s_own_view_is_never_shown_to_others(app, signed_in, president, lesson_url):
    asker = signed_in("manager", full_name="Zhao Anonymous")
    reader, later = signed_in("manager"), signed_in("manager")
    _ask(asker, lesson_url, "May I question the goal?", anonymous=True)
    assert "You (asked anonymously)" in _page(asker, lesson_url)
    assert "Zhao Anonymous (asked anonymously)" in _page(president, lesson_url)
    for client in (reader, later):
        page = _page(client, lesson_url)
        assert "May I question the goal?" in page and "Anonymous" in page
        assert "Zhao Anonymous" not in page and "You (asked anonymously)" not in page
    assert "You (asked anonymously)" in _page(asker, lesson_url)  # after the board was kept


def test_a_reader_s_me_too_and_a_host_s_tools_stay_their_own(app, signed_in, make_user, president,
                                                             lesson_url):
    asker, marker, reader = signed_in("manager"), signed_in("manager"), signed_in("manager")
    host_user = make_user(full_name="Hostess Wang")
    hosts.add(db.session, president.user, host_user.id, ASKED_AT)
    host = SignedInClient(app.test_client(), host_user)
    question = _ask(asker, lesson_url, "Can goals change mid-year?")
    marker.post(f"/questions/{question.id}/me-too")
    assert "I no longer have this question" in _page(marker, lesson_url)
    assert "Answer</summary>" in _page(host, lesson_url)
    page = _page(reader, lesson_url)
    assert "I have this question too" in page and "I no longer have this question" not in page
    assert "Answer</summary>" not in page and "Hide</summary>" not in page
    assert "I no longer have this question" in _page(marker, lesson_url)
    assert "Answer</summary>" in _page(host, lesson_url)


def test_a_hidden_question_stays_its_asker_s_in_either_order(signed_in, president, lesson_url):
    asker, reader = signed_in("manager"), signed_in("manager")
    question = _ask(asker, lesson_url, "About the parking")
    president.post(f"/questions/{question.id}/hide", data={f"hide-{question.id}-reason": "Not the lesson"})
    assert "parking" not in _page(reader, lesson_url)
    assert "Hidden by the moderators: Not the lesson" in _page(asker, lesson_url)
    assert "parking" not in _page(reader, lesson_url)


def test_times_on_the_kept_board_are_in_each_reader_s_zone(app, signed_in, lesson_url):
    asker = signed_in("manager")
    shanghai, london = signed_in("manager"), signed_in("manager")
    london.user.timezone = "Europe/London"
    db.session.commit()
    _ask(asker, lesson_url, "When do we start?")
    assert "1 December 2026, 10:00" in _page(shanghai, lesson_url)
    page = _page(london, lesson_url)
    assert "1 December 2026, 02:00" in page and "10:00" not in page
    assert "London" in page  # the footer names the reader's zone: the board showed a time


def test_a_person_renamed_by_hr_is_named_anew_on_the_kept_board(signed_in, hr, lesson_url):
    asker, reader = signed_in("manager", full_name="Wang Lei"), signed_in("manager")
    _ask(asker, lesson_url, "Who decides?")
    assert "Wang Lei" in _page(reader, lesson_url)
    person = asker.user
    account_admin.update_account(db.session, hr.user, person.id, full_name="Wang Leilei", email=person.email,
                                 department_id=person.department_id, role=person.role, title=person.title)
    page = _page(reader, lesson_url)
    assert "Wang Leilei" in page and "Wang Lei<" not in page and "Wang Lei " not in page
