"""Questions on a lesson in the route × role table: endpoint -> (method, url template, {role: status}).

The URL values: a question the owner asked on the test course's first lesson, answered by a
president, and a host (a manager the president named: the HOST role). Every POST carries only its
CSRF token: an empty question, answer or reason is refused with the form's errors (422); "me too",
pin and unhide do what they say (303). Managers and HR who are not hosts may not answer or moderate
(403); only the president manages the hosts.
"""
from __future__ import annotations

from courseware.extensions import db
from courseware.models import LessonQuestion, QuestionAnswer, QuestionHost, User
from courseware.services.catalog import published
from tests.route_roles import ANON, HOST, HR, LOGIN, MANAGER, PRESIDENT, only

QUESTION = "/questions/{question}"


def moderators(ok: int) -> dict:
    return {ANON: LOGIN, MANAGER: 403, HR: 403, PRESIDENT: ok, HOST: ok}


ROUTES: dict = {
    "questions.ask": ("POST", "/courses/{course}/{lesson}/questions",
                      {ANON: LOGIN, MANAGER: 422, HR: 422, PRESIDENT: 422, HOST: 422}),
    "questions.me_too": ("POST", QUESTION + "/me-too",
                         {ANON: LOGIN, MANAGER: 303, HR: 303, PRESIDENT: 303, HOST: 303}),
    "questions.answer": ("POST", QUESTION + "/answers", moderators(422)),
    "questions.hide": ("POST", QUESTION + "/hide", moderators(422)),
    "questions.unhide": ("POST", QUESTION + "/unhide", moderators(303)),
    "questions.pin": ("POST", "/answers/{answer}/pin", moderators(303)),
    "author.hosts.index": ("GET", "/author/hosts", {**only(PRESIDENT), HOST: 403}),
    "author.hosts.add": ("POST", "/author/hosts", {**only(PRESIDENT, ok=422), HOST: 403}),
    "author.hosts.remove": ("POST", "/author/hosts/{host_user}/remove",
                            {**only(PRESIDENT, ok=303), HOST: 403}),
}


def url_values(course, owner: User) -> dict:
    """A question of the owner's with a president's answer, and a host."""
    lesson = published.lessons(db.session, course)[0]
    president = User(username="answering-president", full_name="Answering President", role="president",
                     password_hash=owner.password_hash)
    host = User(username="host", full_name="Host Person", role="manager", password_hash=owner.password_hash)
    question = LessonQuestion(lesson_id=lesson.id, user_id=owner.id, body="Why?", html="<p>Why?</p>")
    db.session.add_all([president, host, question])
    db.session.flush()
    reply = QuestionAnswer(question_id=question.id, author_id=president.id, body="Because.",
                           html="<p>Because.</p>")
    db.session.add_all([reply, QuestionHost(user_id=host.id, added_by_id=president.id)])
    db.session.commit()
    return {"question": question.id, "answer": reply.id, "host_user": host.id}
