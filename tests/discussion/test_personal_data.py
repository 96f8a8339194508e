"""A person's questions in "My data" and in erasure (services/people/personal_data.py, erasure.py):
their questions, marks, answers and hosting are exported; erasure deletes the marks, the hosting and
the unanswered questions, and keeps the answered ones anonymous, to everyone, the president included."""
from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime

from sqlalchemy import func, select

from courseware.extensions import db
from courseware.models import LessonQuestion, QuestionHost, QuestionMeToo
from courseware.services.discussion import board, hosts, questions
from courseware.services.people import account_admin, erasure, personal_data

NOW = datetime(2026, 12, 3, 9, 30)
SECRET = "my-unanswered-question-xyzzy"


def _person_with_questions(make_user, lesson):
    president = make_user("president")
    person = make_user(username="quillon.zebra", full_name="Quillon Zebrafeather")
    other = make_user()
    answered = questions.ask(db.session, person, lesson.id, "Who owns the goal?", False, NOW)
    unanswered = questions.ask(db.session, person, lesson.id, SECRET, True, NOW)
    questions.answer(db.session, president, answered.id, "The team does.", NOW, {})
    questions.toggle_me_too(db.session, other, unanswered.id, NOW)
    theirs = questions.ask(db.session, other, lesson.id, "And the deadline?", False, NOW)
    questions.toggle_me_too(db.session, person, theirs.id, NOW)
    hosts.add(db.session, president, person.id, NOW)
    return president, person, other, answered, unanswered


def test_my_data_holds_my_questions_marks_answers_and_hosting(app, make_user, lesson):
    president, person, _other, answered, unanswered = _person_with_questions(make_user, lesson)
    questions.answer(db.session, person, unanswered.id, "I found out myself.", NOW, {})
    _name, data = personal_data.export_zip(db.session, person, NOW)
    archive = zipfile.ZipFile(io.BytesIO(data))

    def read(name: str):
        return json.loads(archive.read(f"{name}.json"))

    asked = read("lesson_questions")
    assert [(q["body"], q["anonymous"]) for q in asked] == [("Who owns the goal?", False), (SECRET, True)]
    assert sorted(a["body"] for a in read("answers_to_my_questions")) == ["I found out myself.",
                                                                          "The team does."]
    assert [a["body"] for a in read("question_answers_written")] == ["I found out myself."]
    assert len(read("question_me_too")) == 1 and len(read("question_host")) == 1
    assert "lesson_questions.json" in archive.read("README.txt").decode()
    assert "And the deadline?" not in json.dumps(read("lesson_questions"))


def test_erasure_deletes_marks_hosting_and_unanswered_questions_and_keeps_answered_ones_anonymous(
        app, make_user, lesson):
    president, person, other, *asked = _person_with_questions(make_user, lesson)
    answered, unanswered = (question.id for question in asked)
    hr_user = make_user("hr")
    account_admin.set_active(db.session, hr_user, person.id, False)
    erasure.erase_person(db.session, hr_user, person.id, "quillon.zebra", NOW)

    assert db.session.get(LessonQuestion, unanswered) is None
    assert db.session.scalar(select(func.count(QuestionMeToo.id))) == 0  # theirs, and others' on theirs
    assert db.session.scalar(select(QuestionHost).where(QuestionHost.user_id == person.id)) is None
    kept = db.session.get(LessonQuestion, answered)
    assert kept is not None and kept.anonymous
    for viewer in (president, other):
        shown = board.board(db.session, viewer, lesson.id).questions
        asked_by = {view.id: view.asked_by for view in shown}
        assert "Quillon" not in asked_by[answered]
        assert unanswered not in asked_by
    assert board.board(db.session, other, lesson.id).questions[-1].asked_by == "Anonymous"
