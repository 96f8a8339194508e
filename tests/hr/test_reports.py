"""The figures HR sees equal counts made by hand on a small company."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import event, select

from courseware.extensions import db
from courseware.models import Assignment, Department, LessonRevision, User
from courseware.services.catalog import published
from courseware.services.reports import completion
from courseware.services.reports.completion import PersonStatus
from tests.conftest import read_lesson

TODAY = date(2026, 11, 25)


def rows_by_name(course, **filters):
    return {r.full_name: r for r in completion.person_rows(db.session, course, completion.Filters(**filters),
                                                         today=TODAY)}


def department(name):
    return db.session.scalar(select(Department).where(Department.name == name))


def test_each_person_has_the_right_status_and_percent(course, company):
    rows = rows_by_name(course)
    assert {n: (r.status, r.percent) for n, r in rows.items()} == {
        "Ada Done": (PersonStatus.COMPLETE, 100),
        "Bo Started": (PersonStatus.IN_PROGRESS, 0),
        "Cy Idle": (PersonStatus.NOT_STARTED, 0),
        "Di Failed": (PersonStatus.IN_PROGRESS, 0),
    }
    assert (rows["Ada Done"].opened, rows["Ada Done"].read, rows["Ada Done"].quizzes_passed) == (2, 2, 1)
    assert rows["Di Failed"].last_activity is not None and rows["Cy Idle"].last_activity is None


def test_the_overview_counts_by_department_and_in_total(course, company):
    report = completion.overview(db.session, course, today=TODAY)
    by_name = {s.name: s for s in report.departments}
    trade = by_name["International Trade"]
    assert (trade.people, trade.counts["started"], trade.counts["completed"], trade.counts["passed"],
            trade.counts["not_started"], trade.average_percent) == (3, 2, 1, 1, 1, 33)
    domestic = by_name["Domestic Trade"]
    assert (domestic.people, domestic.counts["started"], domestic.counts["completed"]) == (1, 1, 0)
    total = report.total
    assert (total.people, total.counts["started"], total.counts["completed"]) == (4, 3, 1)


def test_the_funnel_counts_each_lessons_stages(course, company):
    funnel = completion.funnel(db.session, course)
    assert [(f.position, f.opened, f.read, f.quiz_passed, f.completed) for f in funnel] == [
        (1, 3, 2, 1, 1),   # Ada, Bo, Di opened; Ada and Di read; Ada passed and completed
        (2, 1, 1, 0, 1),
    ]


def test_filters_by_department_status_role_and_name(course, company):
    assert set(rows_by_name(course, department_id=department("Domestic Trade").id)) == {"Di Failed"}
    assert set(rows_by_name(course, status="in_progress")) == {"Bo Started", "Di Failed"}
    assert set(rows_by_name(course, search="ada")) == {"Ada Done"}
    assert set(rows_by_name(course, search="CY")) == {"Cy Idle"}
    assert rows_by_name(course, role="hr") == {}


def test_a_parent_department_includes_its_sub_departments(course, company):
    center = Department(name="Marketing Center")
    db.session.add(center)
    department("International Trade").parent = center
    db.session.commit()
    assert set(rows_by_name(course, department_id=center.id)) == {"Ada Done", "Bo Started", "Cy Idle"}


def test_deactivated_people_leave_the_reports(course, company):
    company.idle.active = False
    db.session.commit()
    assert "Cy Idle" not in rows_by_name(course)


def test_a_material_revision_turns_a_certificate_into_one_for_an_earlier_version(course, company):
    second = published.lessons(db.session, course)[1]
    old = second.published_revision
    new = LessonRevision(lesson=second, number=2, title=old.title, source="changed", html="<p>changed</p>",
                         content_hash="x", material=True)
    db.session.add(new)
    db.session.flush()
    second.published_revision = new
    db.session.commit()
    row = rows_by_name(course)["Ada Done"]
    assert (row.status, row.needs_review, row.percent) == (PersonStatus.UPDATED, 1, 100)


def test_due_states_across_the_due_date(course, company):
    db.session.add(Assignment(course=course, department=department("International Trade"),
                              due_on=TODAY + timedelta(days=3)))
    db.session.commit()
    def statuses(today):
        rows = completion.person_rows(db.session, course, today=today)
        return {r.full_name: (r.due_state.value, r.status.value) for r in rows}
    before = statuses(TODAY)
    assert before["Ada Done"] == ("done", "complete")
    assert before["Bo Started"] == ("due_soon", "in_progress")
    assert before["Di Failed"] == ("none", "in_progress")       # another department
    after = statuses(TODAY + timedelta(days=4))
    assert after["Bo Started"] == ("overdue", "overdue")
    assert after["Cy Idle"] == ("overdue", "overdue")
    assert after["Ada Done"] == ("done", "complete")
    on_the_day = statuses(TODAY + timedelta(days=3))
    assert on_the_day["Bo Started"] == ("due_soon", "in_progress")


def test_hr_pages_show_the_figures(hr, course, company):
    page = hr.get("/hr/").get_data(as_text=True)
    assert "International Trade" in page and "Where people stall" in page
    assert "<svg" in page and "Course status by department" in page
    people = hr.get("/hr/people?status=not_started&role=manager").get_data(as_text=True)
    assert "Cy Idle" in people and "Ada Done" not in people and "1 person" in people
    person = hr.get(f"/hr/people/{company.done.id}").get_data(as_text=True)
    assert "Ada Done" in person and "revision 1" in person and "100%" in person
    questions = hr.get("/hr/questions").get_data(as_text=True)
    assert "Which option is the right one?" in questions and "The wrong one" in questions
    # The questions most people miss come first, the weakest marked; each quiz's table is folded.
    weakest = questions.split('id="weakest-title"')[1].split("</section>")[0]
    assert "50% right</strong> · Which option is the right one?" in weakest
    assert 'class="is-weak"' in weakest and '<details class="card question-quiz">' in questions


def test_each_quiz_lists_its_weakest_questions_first(course, company):
    from courseware.services.reports.question_analysis import analyse_course, weakest_first
    quizzes = analyse_course(db.session, course)
    weakest = weakest_first(quizzes, limit=2)
    rights = [q.percent_right for q in quizzes[0].questions]
    answered = [r for r in rights if r is not None]
    assert answered == sorted(answered) and rights[:len(answered)] == answered  # unanswered last
    assert [w.question.percent_right for w in weakest] == answered[:2]


def test_question_analysis_counts_answers_and_the_favourite_wrong_option(course, company):
    from courseware.services.reports.question_analysis import analyse_course
    (quiz,) = analyse_course(db.session, course)
    pick_one = quiz.questions[0]
    assert (pick_one.answered, pick_one.right, pick_one.percent_right) == (2, 1, 50)
    assert pick_one.most_chosen_wrong.text == "The wrong one"
    assert quiz.questions[1].most_chosen_wrong.text == "Wrong B"


def test_a_person_page_of_an_unknown_id_is_a_404(hr):
    assert hr.get("/hr/people/99999").status_code == 404


@pytest.mark.parametrize("query", ["status=bogus", "role=admin"])
def test_bad_filters_are_a_400(hr, course, query):
    assert hr.get(f"/hr/people?{query}").status_code == 400


def count_queries(client, url):
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return len(statements)


def test_report_pages_run_the_same_number_of_queries_for_10_and_200_people(hr, course, make_user):
    from tests.hr.conftest import RIGHT, take
    first = published.lessons(db.session, course)[0]

    def grow_to(n):
        while db.session.scalar(select(db.func.count(User.id))) < n:
            user = make_user()
            read_lesson(user, first)
            if user.id % 3 == 0:
                take(user, first, RIGHT)

    urls = ["/hr/", "/hr/people", "/hr/people?status=in_progress&sort=progress", "/hr/questions",
            "/hr/export/progress.csv", "/hr/export/attempts.csv"]
    grow_to(10)
    for url in urls:  # the in-memory course outline (lesson titles in the reader's language) is loaded once
        hr.get(url)
    small = [count_queries(hr, url) for url in urls]
    grow_to(200)
    large = [count_queries(hr, url) for url in urls]
    assert small == large
