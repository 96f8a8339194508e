"""Issue 21's "Done means", as a new user tries it: a manager asks a question on a lesson; another
marks "me too"; the president answers and pins it; both managers see it in the lesson; the first is
notified (the bell)."""
from __future__ import annotations

from sqlalchemy import select

from courseware.extensions import db
from courseware.models import LessonQuestion, Notification, QuestionAnswer


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_ask_me_too_answer_pin_and_notice(signed_in, president, lesson_url):
    asker = signed_in("manager", full_name="Chen Yong")
    other = signed_in("manager", full_name="Li Na")

    response = asker.post(lesson_url + "/questions",
                          data={"question-body": "How do I set a goal **my team** owns?"})
    assert response.status_code == 303
    question = db.session.scalar(select(LessonQuestion))
    assert response.headers["Location"].endswith(f"{lesson_url}#question-{question.id}")
    assert "<strong>my team</strong>" in _page(asker, lesson_url)

    page = _page(other, lesson_url)
    assert "How do I set a goal" in page and "Chen Yong" in page
    assert other.post(f"/questions/{question.id}/me-too").status_code == 303
    assert "1 person has this question too" in _page(other, lesson_url)

    answered = president.post(f"/questions/{question.id}/answers",
                              data={f"answer-{question.id}-body": "Write it *with* them."})
    assert answered.status_code == 303
    reply = db.session.scalar(select(QuestionAnswer))
    assert president.post(f"/answers/{reply.id}/pin").status_code == 303

    for client in (asker, other):
        page = _page(client, lesson_url)
        pinned = page[page.index("From the questions"):page.index("data-lesson-end")]
        assert "How do I set a goal" in pinned and "Write it <em>with</em> them." in pinned
        assert "1 person has this question too" in page

    assert '<span class="bell-count">1<' in _page(asker, "/")
    assert 'class="bell-count"' not in _page(other, "/")
    notices = _page(asker, "/notifications")
    assert "Your question on" in notices and "was answered" in notices
    notice = db.session.scalar(select(Notification).where(Notification.user_id == asker.user.id))
    assert notice.kind == "question_answered" and notice.link.endswith(f"#question-{question.id}")
    assert db.session.scalar(select(Notification).where(Notification.user_id == other.user.id)) is None
