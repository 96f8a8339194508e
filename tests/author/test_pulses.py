"""The culture pulse: the president drafts and publishes it, managers answer once from their dashboard,
the answers name nobody, and a department's figures appear only from 5 answers on."""
from __future__ import annotations

import re
import uuid
from datetime import date, datetime

import pytest
import sqlalchemy as sa

from courseware.author import pulse_views
from courseware.extensions import db
from courseware.models import Department, Pulse, PulseAnswer, PulseResponder
from courseware.practice import common
from courseware.services.errors import Conflict
from courseware.services.pulse import answering, pulses, results
from courseware.timezones import zone_named

NOW = datetime(2026, 11, 25, 4, 0)  # a Wednesday, noon in Shanghai
SHANGHAI = zone_named("Asia/Shanghai")
FORM = {
    "title": "Goals this half-year", "opens_on": "2026-11-23", "closes_on": "2026-12-06",
    "q1_text": "My department's goals for this half-year are clear", "q1_kind": "scale",
    "q2_text": "I know what my team does first each morning", "q2_kind": "scale",
    "q3_text": "Which lesson helped most?", "q3_kind": "choice",
    "q3_options": "Focus\nRefinement\nDaily plans",
}


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    monkeypatch.setattr(pulse_views, "clock", lambda: NOW)
    monkeypatch.setattr(common, "clock", lambda: NOW)


def _published() -> Pulse:
    fields = pulses.PulseFields("Goals", date(2026, 11, 23), date(2026, 12, 6), [
        pulses.QuestionFields("Goals are clear"), pulses.QuestionFields("I plan daily"),
        pulses.QuestionFields("Best lesson", pulses.CHOICE, "Focus\nRefinement")])
    pulse = pulses.save_draft(db.session, fields, SHANGHAI, now=NOW)
    return pulses.publish(db.session, pulse.id, now=NOW)


def _answer(pulse: Pulse, people, value: str = "4") -> None:
    for person in people:
        answering.answer(db.session, person, pulse.id, {"q1": value, "q2": "2", "q3": "1"}, now=NOW)


def test_the_president_drafts_checks_and_publishes(president, signed_in):
    page = president.post("/author/pulses/new", data={**FORM, "q2_text": "", "q3_text": "",
                                                      "closes_on": "2026-11-01"})
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert 'role="alert"' in html and "A pulse asks from 3 to 5 questions: you wrote 1." in html
    assert "The last day cannot come before the first." in html
    bad_choice = president.post("/author/pulses/new", data={**FORM, "q3_options": "Only one"})
    assert "give from 2 to 6 options" in bad_choice.get_data(as_text=True)

    saved = president.post("/author/pulses/new", data=FORM)
    assert saved.status_code == 303
    pulse = db.session.scalar(sa.select(Pulse))
    # Days in the president's zone (the company's, Shanghai): open from 23 Nov 00:00 to the end of 6 Dec.
    assert (pulse.opens_at, pulse.closes_at) == (datetime(2026, 11, 22, 16), datetime(2026, 12, 6, 16))
    assert [q.kind for q in pulse.questions] == ["scale", "scale", "choice"]
    manager = signed_in("manager")
    assert "Goals this half-year" not in manager.get("/").get_data(as_text=True)  # a draft

    assert president.post(f"/author/pulses/{pulse.id}/publish").status_code == 303
    assert "Goals this half-year" in manager.get("/").get_data(as_text=True)
    assert president.get(f"/author/pulses/{pulse.id}/edit").status_code == 409


def test_a_manager_answers_once_from_the_dashboard(signed_in):
    pulse = _published()
    manager = signed_in("manager")
    dashboard = manager.get("/").get_data(as_text=True)
    assert f"/practice/pulses/{pulse.id}" in dashboard
    missing = manager.post(f"/practice/pulses/{pulse.id}", data={"q1": "4"})
    assert missing.status_code == 422
    assert 'role="alert"' in missing.get_data(as_text=True)
    assert "Answer question 2." in missing.get_data(as_text=True)
    sent = manager.post(f"/practice/pulses/{pulse.id}", data={"q1": "4", "q2": "5", "q3": "2"})
    assert sent.status_code == 303
    assert f"/practice/pulses/{pulse.id}" not in manager.get("/").get_data(as_text=True)
    again = manager.post(f"/practice/pulses/{pulse.id}", data={"q1": "1", "q2": "1", "q3": "1"})
    assert again.status_code == 409
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PulseAnswer)) == 3
    out_of_range = signed_in("manager").post(f"/practice/pulses/{pulse.id}",
                                             data={"q1": "9", "q2": "1", "q3": "3"})
    assert out_of_range.status_code == 422


def test_no_column_ties_an_answer_to_a_person(make_user):
    pulse = _published()
    person = make_user("manager")
    _answer(pulse, [person])
    columns = {c["name"]: c for c in sa.inspect(db.engine).get_columns("pulse_answer")}
    assert set(columns) == {"id", "pulse_id", "question_id", "value", "department_id", "answered_on"}
    keys = sa.inspect(db.engine).get_foreign_keys("pulse_answer")
    assert {key["referred_table"] for key in keys} == {"pulse", "pulse_question", "department"}
    assert "user_account" not in {k["referred_table"] for k in sa.inspect(db.engine).get_foreign_keys(
        "pulse_responder")}
    row = db.session.execute(sa.text("SELECT id, answered_on FROM pulse_answer")).first()
    assert uuid.UUID(row[0]).version == 4
    assert str(row[1]) == "2026-11-25"  # the day only, no time
    token = db.session.scalar(sa.select(PulseResponder.token))
    assert token == answering.responder_token(pulse.id, person.id) and str(person.id) != token
    assert re.fullmatch(r"[0-9a-f]{64}", token)
    assert token != answering.responder_token(pulse.id, person.id, secret="another key")
    if db.engine.dialect.name == "sqlite":  # no hidden rowid keeps the order of insertion
        for table in ("pulse_answer", "pulse_responder"):
            with pytest.raises(sa.exc.OperationalError):
                db.session.execute(sa.text(f"SELECT rowid FROM {table}")).all()
            db.session.rollback()


def test_a_department_shows_figures_from_five_answers(make_user, president):
    pulse = _published()
    people = [make_user("manager", department="Sales") for _ in range(5)]
    _answer(pulse, people[:4])
    four = results.results(db.session, pulse)
    assert four.respondents == 4 and four.questions[0].overall is None and four.questions[0].departments == []
    page = president.get(f"/author/pulses/{pulse.id}").get_data(as_text=True)
    assert "Sales" not in page and "No figures yet" in page

    _answer(pulse, people[4:], value="5")
    five = results.results(db.session, pulse).questions[0]
    assert [(f.label, f.total, f.counts) for f in five.departments] == [("Sales", 5, [0, 0, 0, 4, 1])]
    assert five.overall is not None and five.overall.mean == pytest.approx(4.2)
    page = president.get(f"/author/pulses/{pulse.id}").get_data(as_text=True)
    assert "Sales" in page and "4.2" in page


def test_small_departments_fold_into_others_and_never_give_one_away(make_user):
    pulse = _published()
    for name, count in (("Sales", 6), ("Finance", 5), ("Legal", 2)):
        _answer(pulse, [make_user("manager", department=name) for _ in range(count)])
    figures = results.results(db.session, pulse).questions[0]
    # Legal's 2 would be "everyone minus the departments shown": the smallest shown joins them.
    assert [(f.label, f.total) for f in figures.departments] == [("Sales", 6), ("Others", 7)]
    _answer(pulse, [make_user("manager", department="Legal") for _ in range(3)])
    figures = results.results(db.session, pulse).questions[0]
    assert [(f.label, f.total) for f in figures.departments] == [("Finance", 5), ("Legal", 5), ("Sales", 6)]


def test_hr_reads_the_figures_and_trends_but_changes_nothing(hr, make_user):
    first = _published()
    second = _published()
    for pulse, value in ((first, "2"), (second, "4")):
        _answer(pulse, [make_user("manager") for _ in range(5)], value=value)
    page = hr.get(f"/hr/pulses/{first.id}").get_data(as_text=True)
    assert "Goals are clear" in page and "Publish" not in page and "/author/" not in page
    trends = hr.get("/hr/pulses/trends").get_data(as_text=True)
    assert "Goals are clear" in trends and "2.0" in trends and "4.0" in trends
    assert [point.mean for point in results.trends(db.session)[0].points] == [2.0, 4.0]
    assert hr.get("/author/pulses/").status_code == 403
    assert hr.post(f"/author/pulses/{first.id}/publish").status_code == 403


def test_closed_and_unpublished_pulses_are_refused(make_user):
    manager = make_user("manager")
    draft = pulses.save_draft(db.session, pulses.PulseFields("Later", date(2026, 12, 1), date(2026, 12, 5), [
        pulses.QuestionFields(f"Q{n}") for n in (1, 2, 3)]), SHANGHAI, now=NOW)
    with pytest.raises(Exception, match="not published"):
        answering.answerable(db.session, manager, draft.id, NOW)
    pulses.publish(db.session, draft.id, now=NOW)
    with pytest.raises(Conflict, match="not open"):
        answering.answerable(db.session, manager, draft.id, NOW)
    assert answering.open_for(db.session, manager, NOW) == []


def test_the_pages_in_chinese(signed_in, app):
    pulse = _published()
    president = signed_in("president")
    president.user.locale = "zh_CN"
    manager = signed_in("manager")
    manager.user.locale = "zh_CN"
    db.session.commit()
    assert "文化脉搏调查" in president.get("/author/pulses/").get_data(as_text=True)
    assert "非常同意" in manager.get(f"/practice/pulses/{pulse.id}").get_data(as_text=True)
    assert "回答脉搏调查" in manager.get("/").get_data(as_text=True)


def test_departments_are_stored_at_answering_time(make_user):
    pulse = _published()
    person = make_user("manager", department="Sales")
    _answer(pulse, [person])
    person.department = Department(name="Finance")
    db.session.commit()
    names = db.session.scalars(sa.select(Department.name).join(
        PulseAnswer, PulseAnswer.department_id == Department.id)).all()
    assert set(names) == {"Sales"}
