"""The president's forms. They check the shape of the input; the rules live in the services."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    Field,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from courseware.content.discussion import QUESTION_COUNT
from courseware.content.question_types import QUESTION_TYPES
from courseware.inputs import BoundedIntegerField, bounded_int
from courseware.services.authoring.front_matter import OBJECTIVE_ROWS, discussion_field, objective_field
from courseware.services.authoring.lessons import LessonFields
from courseware.services.authoring.quiz_drafts import (
    ATTEMPTS_MESSAGE,
    PASS_MARK_MESSAGE,
    OptionDraft,
    QuestionDraft,
    QuizDraft,
)

KIND_CHOICES = [
    SelectChoice("minor", _l("Minor: wording only. Completions stay as they are.")),
    SelectChoice("material", _l("Material: the content changed. People who completed an earlier "
                                "revision are asked to read it again, and HR sees them as complete "
                                "for an earlier version.")),
]


class CourseForm(FlaskForm):
    title = StringField(_l("Course title"), validators=[InputRequired(_l("Give the course a title.")),
                                                        Length(max=200)])
    slug = StringField(_l("Address"), validators=[Length(max=80)],
                       description=_l("Part of the course's address, /courses/<address>. Leave empty "
                                      "to make one from the title."))
    description = TextAreaField(_l("Description"), validators=[Length(max=2000)])
    first_module = StringField(_l("First module"), validators=[
        InputRequired(_l("Name the course's first module.")), Length(max=200)],
        description=_l("Every lesson belongs to a module; add more modules later."))


class ModuleForm(FlaskForm):
    title = StringField(_l("New module"), validators=[InputRequired(_l("Give the module a title.")),
                                                      Length(max=200)])


class MoveForm(FlaskForm):
    direction = SelectField(choices=[SelectChoice("up", _l("Up")), SelectChoice("down", _l("Down"))])


class GuideFields(FlaskForm):
    """The editor's learning objectives (a row of id and text each; empty rows are left out) and
    the team discussion guide's parts (all of them, or none). The services check them."""

    objective_1_id = StringField(_l("Id"))
    objective_1_text = StringField(_l("What the reader can do"))
    objective_2_id = StringField(_l("Id"))
    objective_2_text = StringField(_l("What the reader can do"))
    objective_3_id = StringField(_l("Id"))
    objective_3_text = StringField(_l("What the reader can do"))
    objective_4_id = StringField(_l("Id"))
    objective_4_text = StringField(_l("What the reader can do"))
    discussion_opening = TextAreaField(_l("Opening question (about 5 minutes)"))
    discussion_case = TextAreaField(_l("The case to discuss (about 10 minutes)"))
    discussion_question_1 = TextAreaField(_l("Question 1"))
    discussion_question_2 = TextAreaField(_l("Question 2"))
    discussion_question_3 = TextAreaField(_l("Question 3"))
    discussion_record = TextAreaField(_l("What the team writes down"))
    discussion_follow_up = TextAreaField(_l("How and when you follow up"))

    def objective_rows(self) -> list[tuple[Field, Field]]:
        return [(self[objective_field(row)], self[objective_field(row, "text")])
                for row in range(1, OBJECTIVE_ROWS + 1)]

    def question_fields(self) -> list[Field]:
        return [self[discussion_field("questions", number)] for number in range(1, QUESTION_COUNT + 1)]

    def guide_for_service(self) -> tuple[list[tuple[str, str]], dict]:
        objectives = [(ident.data or "", text.data or "") for ident, text in self.objective_rows()]
        discussion = {part: self[discussion_field(part)].data or ""
                      for part in ("opening", "case", "record", "follow_up")}
        discussion["questions"] = [field.data or "" for field in self.question_fields()]
        return objectives, discussion

    def fill_guide(self, objectives: list[dict] | None, discussion: dict | None) -> None:
        """The fields as a revision holds them (None: none)."""
        rows = list(objectives or [])
        for index, (ident, text) in enumerate(self.objective_rows()):
            objective = rows[index] if index < len(rows) else {"id": "", "text": ""}
            ident.data, text.data = objective["id"], objective["text"]
        guide = discussion or {}
        for part in ("opening", "case", "record", "follow_up"):
            self[discussion_field(part)].data = guide.get(part, "")
        questions = list(guide.get("questions", []))
        for index, field in enumerate(self.question_fields()):
            field.data = questions[index] if index < len(questions) else ""


class LessonForm(GuideFields):
    """The editor: front matter as fields, the markdown text, and an image to upload."""

    title = StringField(_l("Title"), validators=[InputRequired(_l("Give the lesson a title.")),
                                                 Length(max=200)])
    slug = StringField(_l("Address"), validators=[Length(max=80)],
                       description=_l("The lesson's address in the course; it cannot change later. "
                                      "Leave empty to make one from the title."))
    module = SelectField(_l("Module"), coerce=bounded_int, validate_choice=False)
    minutes = BoundedIntegerField(_l("Reading time (minutes)"), validators=[
        InputRequired(_l("Enter the reading time in minutes.")),
        NumberRange(1, 600, _l("Reading time is 1 to 600 minutes."))])
    summary = StringField(_l("Summary"), validators=[Length(max=500)],
                          description=_l("One or two sentences shown in the course outline."))
    reflection = StringField(_l("Reflection prompt (optional)"), validators=[
        Length(max=300, message=_l("Keep the reflection prompt to 300 characters."))],
                             description=_l("One question readers answer privately at the end of the "
                                            "lesson, e.g. “Where does habitual thinking show in your "
                                            "department?”"))
    source = TextAreaField(_l("Text (markdown)"), validators=[InputRequired(_l("Write the lesson's text."))])
    note = StringField(_l("Change note"), validators=[Length(max=500)],
                       description=_l("What you changed, for the history."))
    base_number = HiddenField()
    image = FileField(_l("Image"))
    alt = StringField(_l("Image description"), validators=[Length(max=200)],
                      description=_l("For readers who cannot see the image."))

    def fields_for_service(self) -> LessonFields:
        objectives, discussion = self.guide_for_service()
        return LessonFields(title=self.title.data or "", module_id=self.module.data,
                            minutes=self.minutes.data, summary=self.summary.data or "",
                            source=self.source.data or "", note=self.note.data or "",
                            reflection=self.reflection.data or "", objectives=objectives,
                            discussion=discussion)

    def base(self) -> int | None:
        value = self.base_number.data or ""
        return int(value) if value.isdigit() else None


class PublishForm(FlaskForm):
    number = BoundedIntegerField(validators=[InputRequired()])
    kind = RadioField(_l("What kind of change is this?"), choices=KIND_CHOICES,
                      validators=[InputRequired(_l("Choose minor or material."))])

    @property
    def material(self) -> bool:
        return self.kind.data == "material"


class ScheduleForm(PublishForm):
    # Typed in the president's zone (the page names it); the view converts it to UTC for storage.
    when = DateTimeLocalField(_l("Publish at"), format="%Y-%m-%dT%H:%M",
                              validators=[InputRequired(_l("Choose a date and time."))])


REVIEW_CHOICES = [
    SelectChoice("after_pass", _l("After a pass: a failed attempt shows which answers were wrong, the "
                                  "right answers once the person passes or has no attempts left")),
    SelectChoice("always", _l("Always: every attempt shows the right answers and every explanation")),
    SelectChoice("never", _l("Never: only the score and which questions were wrong")),
]


class OptionForm(Form):
    text = TextAreaField(_l("Option"))
    correct = BooleanField(_l("Correct"))
    explain = TextAreaField(_l("Explanation"))
    pinned = BooleanField(_l("Keep last"))


class QuestionForm(Form):
    question_id = HiddenField()
    question_type = SelectField(_l("Type"), choices=[SelectChoice(name, qtype.label)
                                                 for name, qtype in QUESTION_TYPES.items()])
    prompt = TextAreaField(_l("Question"))
    # Choices: the lesson's objectives, set by the view (the services check the value).
    objective = SelectField(_l("Objective it tests"), choices=[], validate_choice=False)
    options = FieldList(FormField(OptionForm))


class QuizForm(FlaskForm):
    pass_mark = BoundedIntegerField(_l("Pass mark (%)"), validators=[
        InputRequired(_l("Enter the pass mark.")), NumberRange(1, 100, PASS_MARK_MESSAGE)])
    max_attempts = BoundedIntegerField(_l("Attempts allowed"), validators=[
        Optional(), NumberRange(min=1, message=ATTEMPTS_MESSAGE)],
        description=_l("Leave empty for unlimited attempts."))
    draw = BoundedIntegerField(_l("Questions per attempt"), validators=[Optional()],
                        description=_l("Each attempt draws this many questions from the bank, at least "
                                       "one per objective. Leave empty for 6 (or all, when there are "
                                       "fewer)."))
    review = SelectField(_l("What the review shows"), choices=REVIEW_CHOICES, default="after_pass")
    note = StringField(_l("Change note"), validators=[Length(max=500)])
    base = HiddenField()
    questions = FieldList(FormField(QuestionForm))

    def to_draft(self) -> QuizDraft:
        return QuizDraft(
            pass_mark=self.pass_mark.data,
            max_attempts=self.max_attempts.data,
            questions=[
                QuestionDraft(q.form.question_id.data or "", q.form.question_type.data or "",
                              q.form.prompt.data or "", [
                                  OptionDraft(o.form.text.data or "", bool(o.form.correct.data),
                                              o.form.explain.data or "", bool(o.form.pinned.data))
                                  for o in q.form.options
                              ], q.form.objective.data or "")
                for q in self.questions
            ],
            draw=self.draw.data,
            review=self.review.data or "after_pass",
        )

    def offer_objectives(self, objectives: list[dict]) -> None:
        """Each question's objective select: the lesson's objectives (none: the field is not shown)."""
        for question in self.questions:
            question.form.objective.choices = [SelectChoice("", _l("Choose an objective"))] + [
                SelectChoice(each["id"], each["text"]) for each in objectives]

    @classmethod
    def from_draft(cls, draft: QuizDraft, base: str, note: str = "") -> QuizForm:
        data = {
            "pass_mark": draft.pass_mark, "max_attempts": draft.max_attempts, "note": note,
            "base": base, "draw": draft.draw, "review": draft.review,
            "questions": [
                {"question_id": q.id, "question_type": q.type, "prompt": q.prompt,
                 "objective": q.objective,
                 "options": [{"text": o.text, "correct": o.correct, "explain": o.explain,
                              "pinned": o.pinned}
                             for o in q.options]}
                for q in draft.questions
            ],
        }
        return cls(formdata=None, data=data)


class HostForm(FlaskForm):
    """Naming a host (/author/hosts): the person, from the active accounts."""

    user_id = SelectField(_l("Person"), coerce=bounded_int, validate_choice=False)
