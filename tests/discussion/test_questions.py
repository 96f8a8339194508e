"""Questions on a lesson as each person sees them: anonymous to all but the president and the hosts,
hidden with a reason the asker reads, "me too" once a person, answers only by the president and the
hosts, the asker told on the channels they kept, every bad input a clear message."""
from __future__ import annotations

from sqlalchemy import select

from courseware.extensions import db
from courseware.models import AuditEvent, LessonQuestion, Notification, QuestionAnswer, QuestionHost
from courseware.services.notifications.channels import Channel
from courseware.services.notifications.messages import Kind
from courseware.services.notifications.preferences import opt_out
from tests.conftest import SignedInClient


def _ask(client, lesson_url: str, text: str, anonymous: bool = False) -> LessonQuestion:
    data = {"question-body": text, **({"question-anonymous": "y"} if anonymous else {})}
    assert client.post(lesson_url + "/questions", data=data).status_code == 303
    return db.session.scalar(select(LessonQuestion).order_by(LessonQuestion.id.desc()))


def _host(app, make_user, president) -> SignedInClient:
    host = make_user(full_name="Hostess Wang")
    db.session.add(QuestionHost(user_id=host.id, added_by_id=president.user.id))
    db.session.commit()
    return SignedInClient(app.test_client(), host)


def _text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_an_anonymous_question_names_its_asker_only_to_the_president_and_the_hosts(
        app, signed_in, make_user, president, hr, lesson_url):
    asker = signed_in("manager", full_name="Zhao Anonymous")
    other = signed_in("manager")
    host = _host(app, make_user, president)
    _ask(asker, lesson_url, "Is it fine to disagree with the goal?", anonymous=True)
    for client in (other, hr):
        page = _text(client, lesson_url)
        assert "Is it fine to disagree" in page and "Zhao Anonymous" not in page and "Anonymous" in page
    for client in (president, host):
        assert "Zhao Anonymous (asked anonymously)" in _text(client, lesson_url)
    assert "You (asked anonymously)" in _text(asker, lesson_url)


def test_a_hidden_question_is_seen_by_its_asker_with_the_reason_and_by_no_other_reader(
        app, signed_in, make_user, president, hr, lesson_url):
    asker, other = signed_in("manager"), signed_in("manager")
    host = _host(app, make_user, president)
    question = _ask(asker, lesson_url, "Something off-topic about parking")
    refused = host.post(f"/questions/{question.id}/hide", data={f"hide-{question.id}-reason": " "})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert 'role="alert"' in page and "Say why the question is hidden" in page

    assert host.post(f"/questions/{question.id}/hide",
                     data={f"hide-{question.id}-reason": "Not about this lesson"}).status_code == 303
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "question.hide"))
    assert event.actor == host.user.username and "Not about this lesson" in event.details
    mine = _text(asker, lesson_url)
    assert "parking" in mine and "Hidden by the moderators: Not about this lesson" in mine
    for client in (other, hr):
        assert "parking" not in _text(client, lesson_url)
    assert other.post(f"/questions/{question.id}/me-too").status_code == 404
    assert "parking" in _text(president, lesson_url)

    assert president.post(f"/questions/{question.id}/unhide").status_code == 303
    assert "parking" in _text(other, lesson_url)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "question.unhide")) is not None


def test_only_the_president_and_hosts_answer_pin_and_hide(app, signed_in, make_user, president, hr,
                                                          lesson_url):
    asker = signed_in("manager")
    question = _ask(asker, lesson_url, "Who answers?")
    for client in (asker, signed_in("manager"), hr):
        assert client.post(f"/questions/{question.id}/answers",
                           data={f"answer-{question.id}-body": "Me!"}).status_code == 403
        assert client.post(f"/questions/{question.id}/hide",
                           data={f"hide-{question.id}-reason": "No"}).status_code == 403
    host = _host(app, make_user, president)
    assert host.post(f"/questions/{question.id}/answers",
                     data={f"answer-{question.id}-body": "A host does."}).status_code == 303
    reply = db.session.scalar(select(QuestionAnswer))
    assert asker.post(f"/answers/{reply.id}/pin").status_code == 403
    assert host.post(f"/answers/{reply.id}/pin").status_code == 303
    assert "From the questions" in _text(asker, lesson_url)
    assert host.post(f"/answers/{reply.id}/pin").status_code == 303  # unpinned
    assert "From the questions" not in _text(asker, lesson_url)
    page = _text(asker, lesson_url)
    assert "A host does." in page and "Answer</summary>" not in page


def test_me_too_is_once_a_person_and_toggles_and_not_on_ones_own(signed_in, lesson_url):
    asker, other, third = signed_in("manager"), signed_in("manager"), signed_in("hr")
    question = _ask(asker, lesson_url, "How long should a goal run?")
    assert "I have this question too" not in _text(asker, lesson_url).split("How long should")[1]
    refused = asker.post(f"/questions/{question.id}/me-too")
    assert refused.status_code == 400 and "your own question" in refused.get_data(as_text=True)
    other.post(f"/questions/{question.id}/me-too")
    third.post(f"/questions/{question.id}/me-too")
    assert "2 people have this question too" in _text(asker, lesson_url)
    assert "I no longer have this question" in _text(other, lesson_url)
    other.post(f"/questions/{question.id}/me-too")
    assert "1 person has this question too" in _text(asker, lesson_url)


def test_a_bad_question_comes_back_with_its_message_and_the_text_kept(manager, lesson_url):
    empty = manager.post(lesson_url + "/questions", data={"question-body": "  "})
    assert empty.status_code == 422
    page = empty.get_data(as_text=True)
    assert 'role="alert"' in page and "Write your question before sending it." in page
    long = manager.post(lesson_url + "/questions", data={"question-body": "why " * 600})
    page = long.get_data(as_text=True)
    assert long.status_code == 422 and "at most 2,000 characters (it has 2,399)" in page
    assert "why why why" in page  # kept in the field
    assert db.session.scalar(select(LessonQuestion)) is None


def test_a_question_is_sanitized_markdown(signed_in, lesson_url):
    asker = signed_in("manager")
    _ask(asker, lesson_url, "Is <script>alert(1)</script> [this](javascript:alert(1)) *fine*?")
    page = _text(signed_in("manager"), lesson_url)
    assert "<script>alert(1)" not in page and "javascript:" not in page and "<em>fine</em>" in page


def test_asking_is_limited_per_person_with_a_clear_message(signed_in, lesson_url):
    asker = signed_in("manager")
    for number in range(5):
        _ask(asker, lesson_url, f"Question {number}")
    refused = asker.post(lesson_url + "/questions", data={"question-body": "One more"})
    assert refused.status_code == 429
    assert "Your question was not saved: wait a few minutes" in refused.get_data(as_text=True)
    _ask(signed_in("manager"), lesson_url, "Someone else may still ask")


def test_the_asker_who_turned_answers_off_in_the_bell_gets_no_notice(signed_in, president, lesson_url):
    asker = signed_in("manager")
    opt_out(db.session, asker.user.id, Kind.QUESTION_ANSWERED, Channel.APP)
    question = _ask(asker, lesson_url, "Quietly?")
    president.post(f"/questions/{question.id}/answers", data={f"answer-{question.id}-body": "Yes."})
    assert db.session.scalar(select(Notification)) is None
    assert "Answer to your question" in _text(asker, "/account/notifications")


def test_no_question_on_an_unpublished_lesson(manager, lesson, lesson_url):
    lesson.published_revision_id = None
    db.session.commit()
    assert manager.post(lesson_url + "/questions", data={"question-body": "Hello?"}).status_code == 404
