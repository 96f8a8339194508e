"""The lesson editor's learning objectives (2 to 4 rows of id and text, by the course files' rules)
and team discussion guide (all five parts or none): saved with the revision, refused next to their
field and in the error summary, and never leaving the lesson's quiz testing an objective that is gone."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from courseware.extensions import db
from courseware.models import Lesson, LessonRevision, User
from courseware.services.authoring import lessons as authoring
from courseware.services.errors import InvalidFields
from tests.author.conftest import editor_data, lesson_named
from tests.author.test_views import new_lesson_data
from tests.quiz.bank import import_bank

GUIDE = {
    "discussion_opening": "Where did we last miss a goal <b>and</b> notice it late?",
    "discussion_case": "A team hit its number but its two best customers left.",
    "discussion_question_1": "What did the number hide?",
    "discussion_question_2": "Who noticed first?",
    "discussion_question_3": "What will we check each month?",
    "discussion_record": "One check to add to the monthly review.",
    "discussion_follow_up": "Look at the check together at the next monthly review.",
}
NO_GUIDE = {name: "" for name in GUIDE}


def revisions() -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(LessonRevision))


def latest(slug: str, language: str = "en") -> LessonRevision:
    return lesson_named(slug).revisions_in(language)[-1]


def save(client, lesson: Lesson, language: str = "en", **changes):
    data = editor_data(lesson, **changes)
    if language != "en":
        revision = lesson.revisions_in(language)[-1]
        data.update(title=revision.title, source=revision.source, base_number=str(revision.number),
                    summary=revision.summary)
    return client.post(f"/author/lessons/{lesson.id}/edit?lang={language}", data=data)


def page(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def habits(app, tmp_path) -> Lesson:
    """The bank course's lesson: three objectives, each tested by four quiz questions."""
    import_bank(tmp_path)
    return lesson_named("habits")


# --- objectives ---------------------------------------------------------------------------------

def test_the_editor_is_filled_with_the_objectives_and_the_guide(president, habits, first):
    objectives = page(president.get(f"/author/lessons/{habits.id}/edit"))
    assert 'name="objective_1_id" type="text" value="spot-the-sign"' in objectives
    assert 'value="Plan one change against inertia."' in objectives
    assert 'name="objective_4_id" type="text" value=""' in objectives
    guide = page(president.get(f"/author/lessons/{first.id}/edit"))
    assert "What did the first lesson change in how you see your own work?</textarea>" in guide
    assert "What would you stop doing to make room for it?</textarea>" in guide


def test_objectives_are_saved_and_an_empty_row_is_left_out(president, first):
    response = save(president, first, objective_1_id="goal-and-effect",
                    objective_1_text="  Tell the goal from   the effect. ",
                    objective_3_id="name-a-cost", objective_3_text="Name what a missed goal costs.")
    assert response.status_code == 303
    assert latest("first-lesson").objectives == [
        {"id": "goal-and-effect", "text": "Tell the goal from the effect."},
        {"id": "name-a-cost", "text": "Name what a missed goal costs."}]
    # The editor shows them back, in two rows, and its preview lists them as the lesson page does.
    editor = page(president.get(f"/author/lessons/{first.id}/edit"))
    assert 'name="objective_2_id" type="text" value="name-a-cost"' in editor
    preview = editor.split("data-preview-objectives", 1)[1].split("data-preview>", 1)[0]
    assert "After this lesson you can…" in preview and "Name what a missed goal costs." in preview


def test_saving_the_same_objectives_again_saves_nothing(president, habits):
    before = revisions()
    response = save(president, habits)
    assert response.status_code == 303 and revisions() == before
    assert "Nothing changed since revision 1" in page(president.get(f"/author/lessons/{habits.id}/edit"))


@pytest.mark.parametrize("rows, field, message", [
    ({"objective_1_id": "Bad Id", "objective_1_text": "One.", "objective_2_id": "two",
      "objective_2_text": "Two."}, "objective_1_id",
     "objective 1: id &#39;Bad Id&#39; may use only lowercase letters, digits and single hyphens"),
    ({"objective_1_id": "one", "objective_1_text": "One."}, "objective_1_id",
     "&#39;objectives&#39; must be a list of 2 to 4 objectives"),
    ({"objective_2_id": "same", "objective_2_text": "One.", "objective_4_id": "same",
      "objective_4_text": "Two."}, "objective_4_id", "objective id &#39;same&#39; is used twice"),
    ({"objective_1_id": "one", "objective_1_text": "One.", "objective_2_id": "two"}, "objective_2_text",
     "&#39;text&#39; must not be empty"),
    ({"objective_1_id": "one", "objective_1_text": "x" * 201, "objective_2_id": "two",
      "objective_2_text": "Two."}, "objective_1_text", "at most 200 characters, got 201"),
])
def test_bad_objectives_are_refused_next_to_their_field_and_in_the_summary(president, first, rows,
                                                                             field, message):
    before = revisions()
    response = save(president, first, **rows)
    html = page(response)
    assert response.status_code == 422 and revisions() == before
    summary = html.split("data-error-summary", 1)[1].split("</div>", 1)[0]
    assert f'<a href="#{field}">' in summary and message in summary
    assert f'id="{field}" name="{field}"' in html
    field_html = html.split(f'<label for="{field}">', 1)[1].split("</div>", 1)[0]
    assert 'aria-invalid="true"' in field_html and message in field_html


def test_too_many_objectives_are_refused_by_the_service(app, first):
    author = db.session.scalar(sa.select(User)) or User(username="p", full_name="P", role="president",
                                                       password_hash="x")
    fields = authoring.LessonFields(title="T", module_id=first.module_id, minutes=3, source="Text.",
                                    objectives=[(f"objective-{n}", f"Objective {n}.") for n in range(5)])
    with pytest.raises(InvalidFields) as refused:
        authoring.save_draft(db.session, first, author, fields, base_number=1)
    assert "must be a list of 2 to 4 objectives" in refused.value.errors["objective_1_id"]


def test_removing_an_objective_the_quiz_tests_is_refused_naming_the_questions(president, habits):
    before = revisions()
    response = save(president, habits, objective_3_id="", objective_3_text="")
    html = page(response)
    assert response.status_code == 422 and revisions() == before
    assert "The quiz still tests objectives you removed:" in html
    for number in (3, 6, 9, 12):
        assert f"question {number} (“Prompt number {number:02d}?”) tests plan-a-change" in html
    assert "question 1 (" not in html
    # Renaming it is removing it; rewording it is fine.
    assert save(president, habits, objective_3_id="plan-one-change").status_code == 422
    assert save(president, habits, objective_3_text="Plan one change.").status_code == 303
    assert latest("habits").objectives[2] == {"id": "plan-a-change", "text": "Plan one change."}


def test_a_translation_keeps_the_english_objective_ids(president, habits):
    refused = save(president, habits, "zh_CN", objective_1_id="another-id")
    assert refused.status_code == 422
    assert ("A translation lists the English lesson&#39;s objectives, with the same ids in the same "
            "order: spot-the-sign, name-the-cost, plan-a-change.") in page(refused)
    chinese = latest("habits", "zh_CN")
    rows = {f"objective_{n}_text": f"目标 {n}。" for n in (1, 2, 3)}
    assert save(president, habits, "zh_CN", **{
        f"objective_{n}_id": each["id"] for n, each in enumerate(chinese.objectives, 1)}, **rows
    ).status_code == 303
    texts = [each["text"] for each in latest("habits", "zh_CN").objectives]
    assert texts == ["目标 1。", "目标 2。", "目标 3。"]


# --- the discussion guide -------------------------------------------------------------------------

def test_a_guide_is_saved_and_shown_on_the_discussion_page(president, manager, second):
    assert manager.get("/courses/test-course/second-lesson/discussion").status_code == 404
    response = save(president, second, **GUIDE)
    assert response.status_code == 303
    revision = latest("second-lesson")
    assert revision.discussion["questions"] == ["What did the number hide?", "Who noticed first?",
                                                "What will we check each month?"]
    publish = president.post(f"/author/lessons/{second.id}/publish",
                             data={"number": revision.number, "kind": "minor"})
    assert publish.status_code in (302, 303)
    shown = page(manager.get("/courses/test-course/second-lesson/discussion"))
    assert "Where did we last miss a goal &lt;b&gt;and&lt;/b&gt; notice it late?" in shown
    assert "A team hit its number but its two best customers left." in shown
    assert "Look at the check together at the next monthly review." in shown
    assert "/courses/test-course/second-lesson/discussion" in page(
        manager.get("/courses/test-course/second-lesson"))


def test_a_partly_filled_guide_is_refused_at_each_empty_part(president, second):
    before = revisions()
    response = save(president, second, **{**NO_GUIDE, "discussion_opening": "Only this.",
                                          "discussion_question_2": "And this?"})
    html = page(response)
    assert response.status_code == 422 and revisions() == before
    summary = html.split("data-error-summary", 1)[1].split("</div>", 1)[0]
    for field in ("discussion_case", "discussion_question_1", "discussion_question_3",
                  "discussion_record", "discussion_follow_up"):
        assert f'<a href="#{field}">Fill in this part too' in summary
    assert '<a href="#discussion_opening">' not in summary
    assert "Only this.</textarea>" in html  # what was typed comes back


@pytest.mark.parametrize("change, field, message", [
    ({"discussion_case": "y" * 1201}, "discussion_case", "&#39;case&#39; must be at most 1200 characters"),
    ({"discussion_question_2": "z" * 601}, "discussion_question_2", "question 2 must be at most 600"),
    ({"discussion_record": "One.\r\n\r\nTwo."}, "discussion_record",
     "&#39;record&#39; must be one paragraph"),
])
def test_a_guide_breaking_the_file_rules_is_refused(president, second, change, field, message):
    response = save(president, second, **{**GUIDE, **change})
    assert response.status_code == 422
    summary = page(response).split("data-error-summary", 1)[1].split("</div>", 1)[0]
    assert f'<a href="#{field}">' in summary and message in summary


def test_clearing_the_guide_removes_it_and_restoring_brings_it_back(president, first):
    assert save(president, first, **NO_GUIDE).status_code == 303
    assert latest("first-lesson").discussion is None
    president.post(f"/author/lessons/{first.id}/revisions/1/restore")
    assert latest("first-lesson").number == 3
    assert latest("first-lesson").discussion["record"] == (
        "One thing the team will keep doing and one it will change.")


def test_a_new_lesson_starts_with_its_objectives_and_guide(president, course):
    response = president.post("/author/courses/test-course/lessons/new", data=new_lesson_data(
        course, slug="listening", objective_1_id="hear-the-other",
        objective_1_text="Hear a view unlike yours.", objective_2_id="ask-why",
        objective_2_text="Ask why before answering.", **GUIDE))
    assert response.status_code == 303
    revision = latest("listening")
    assert [each["id"] for each in revision.objectives] == ["hear-the-other", "ask-why"]
    assert revision.discussion["case"] == GUIDE["discussion_case"]
