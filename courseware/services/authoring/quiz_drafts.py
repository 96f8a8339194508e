"""The quiz editor's draft: the quiz as the president edits it (questions with their objectives,
options with the pinned last one, pass mark, attempts, questions per attempt and review policy),
every problem it has (the same rules as quiz files, each tied to its field), and the
structural edits (add, remove, move a question or an option). Saving and publishing are in
courseware.services.authoring.quizzes."""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext, pgettext

from courseware.content.question_types import QUESTION_TYPES
from courseware.content.quiz_files import OPTION_KEYS, QUESTION_ID_RE, REVIEW_AFTER_PASS, REVIEW_POLICIES
from courseware.content.rendering import quiz_hash
from courseware.models import QuizVersion
from courseware.services.errors import Conflict, ValidationError

MAX_TEXT = 2000
PASS_MARK_MESSAGE = _l("The pass mark is a percentage from 1 to 100.")
ATTEMPTS_MESSAGE = _l("Allow at least 1 attempt, or leave it empty for unlimited attempts.")
EDIT_RE = re.compile(r"^(add|remove|up|down)-(question|option)(?:-(\d+))?(?:-(\d+))?$")


@dataclass
class OptionDraft:
    text: str = ""
    correct: bool = False
    explain: str = ""
    # Stays last when the options are shuffled (only the last option may be).
    pinned: bool = False


@dataclass
class QuestionDraft:
    id: str
    type: str = "single"
    prompt: str = ""
    options: list[OptionDraft] = field(default_factory=lambda: [OptionDraft(), OptionDraft()])
    # The id of the lesson objective the question tests; "" for none.
    objective: str = ""


@dataclass
class QuizDraft:
    pass_mark: int | None = 80
    max_attempts: int | None = None
    questions: list[QuestionDraft] = field(default_factory=list)
    # Questions per attempt (None: the default) and what the review shows (REVIEW_POLICIES).
    draw: int | None = None
    review: str = REVIEW_AFTER_PASS

    @classmethod
    def of(cls, version: QuizVersion | None) -> QuizDraft:
        if version is None:
            return cls()
        return cls(version.pass_mark, version.max_attempts, [
            QuestionDraft(q["id"], q["type"], q["prompt"],
                          [OptionDraft(o["text"], bool(o["correct"]), o["explain"], bool(o.get("pinned")))
                           for o in q["options"]], q.get("objective") or "")
            for q in version.questions
        ], version.draw, version.review_policy or REVIEW_AFTER_PASS)

    def questions_data(self) -> list[dict]:
        """As the quiz file loader produces them: trimmed text, option keys a, b, c... by position,
        "objective" only when set and "pinned" only on a pinned option."""
        return [_question_data(q) for q in self.questions]

    def digest(self) -> str:
        assert self.pass_mark is not None  # digested once checked: hard_problems requires a pass mark
        return quiz_hash(self.pass_mark, self.max_attempts, self.questions_data(), self.draw, self.review)


def _question_data(question: QuestionDraft) -> dict:
    data: dict = {"id": question.id, "type": question.type, "prompt": _clean(question.prompt)}
    if question.objective:
        data["objective"] = question.objective
    data["options"] = [{"key": OPTION_KEYS[index], "text": _clean(o.text), "correct": bool(o.correct),
                        "explain": _clean(o.explain), **({"pinned": True} if o.pinned else {})}
                       for index, o in enumerate(question.options[:len(OPTION_KEYS)])]
    return data


def _clean(text: str) -> str:
    """Browsers send CRLF from text areas; files and the loader use LF and trimmed text."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


@dataclass(frozen=True)
class Problem:
    message: str
    question: int | None = None
    option: int | None = None
    field: str | None = None


@dataclass
class ProblemMap:
    """Problems by where the editor shows them: the quiz, a question, or one field."""

    problems: list[Problem] = field(default_factory=list)

    def at(self, *where: int | str) -> list[str]:
        question, option, name = _where(where)
        return [p.message for p in self.problems
                if (p.question, p.option, p.field) == (question, option, name)]

    def __bool__(self) -> bool:
        return bool(self.problems)


def _where(where: tuple) -> tuple:
    names = [w for w in where if isinstance(w, str)]
    numbers = [w for w in where if isinstance(w, int)]
    return ((numbers + [None, None])[0], (numbers + [None, None])[1], names[0] if names else None)


class QuizProblems(ValidationError):
    def __init__(self, problems: list[Problem]):
        count = len(problems)
        super().__init__(ngettext("The quiz cannot be published yet: %(num)d problem to fix, marked below.",
                                  "The quiz cannot be published yet: %(num)d problems to fix, marked below.",
                                  count))
        self.problems = problems


class QuizEditConflict(Conflict):
    def __init__(self):
        super().__init__(_("This quiz changed while you were editing it (someone saved or published "
                           "it since you opened it). Your version is below and has not been saved; "
                           "save again to replace theirs, or reload to see it."))


def problems(draft: QuizDraft, objectives: list[str] | None = None) -> list[Problem]:
    """Everything that keeps the draft from being published, as the quiz file rules say;
    `objectives`: the ids of the lesson's learning objectives."""
    found = hard_problems(draft)
    if not draft.questions:
        found.append(Problem(_("Add at least one question.")))
    if draft.draw is not None and draft.questions and draft.draw > len(draft.questions):
        found.append(Problem(_("An attempt cannot ask more questions than the quiz has (%(count)s).",
                               count=len(draft.questions)), field="draw"))
    found.extend(objective_problems(draft, objectives or []))
    data = draft.questions_data()
    for index, question in enumerate(draft.questions):
        if not question.prompt.strip():
            found.append(Problem(_("Write the question."), index, field="prompt"))
        if any(option.pinned for option in question.options[:-1]):
            found.append(Problem(_("Only the last option can be kept last."), index))
        for option_index, option in enumerate(question.options):
            if not option.text.strip():
                found.append(Problem(_("Write the option's text."), index, option_index, "text"))
            if not option.explain.strip():
                found.append(Problem(_("Explain why this option is right or wrong; learners see it "
                                       "after they submit."), index, option_index, "explain"))
        qtype = QUESTION_TYPES.get(question.type)
        if qtype is not None:
            found.extend(Problem(_sentence(message), index)
                         for message in qtype.validate(data[index]["options"]))
    return found


def hard_problems(draft: QuizDraft) -> list[Problem]:
    """Problems that stop even a draft from being saved."""
    found = []
    if draft.pass_mark is None or not 1 <= draft.pass_mark <= 100:
        found.append(Problem(str(PASS_MARK_MESSAGE), field="pass_mark"))
    if draft.max_attempts is not None and draft.max_attempts < 1:
        found.append(Problem(str(ATTEMPTS_MESSAGE), field="max_attempts"))
    if draft.draw is not None and draft.draw < 1:
        found.append(Problem(_("Ask at least 1 question per attempt, or leave it empty for the default."),
                             field="draw"))
    if draft.review not in REVIEW_POLICIES:
        found.append(Problem(_("Choose what the review shows."), field="review"))
    seen = set()
    for index, question in enumerate(draft.questions):
        if not QUESTION_ID_RE.match(question.id) or question.id in seen:
            found.append(Problem(_("This question's id is missing or used twice; reload the editor."),
                                 index, field="prompt"))
        seen.add(question.id)
        if question.type not in QUESTION_TYPES:
            found.append(Problem(_("Choose a question type."), index, field="type"))
        if len(question.options) > len(OPTION_KEYS):
            found.append(Problem(_("A question can have at most %(limit)s options.", limit=len(OPTION_KEYS)),
                                 index))
        texts = [question.prompt] + [t for o in question.options for t in (o.text, o.explain)]
        if any(len(text) > MAX_TEXT for text in texts):
            found.append(Problem(_("Keep each text to %(limit)s characters.", limit=MAX_TEXT), index))
    return found


def objective_problems(draft: QuizDraft, objectives: list[str]) -> list[Problem]:
    """With objectives, every question tests one of them; without, none does."""
    found = []
    for index, question in enumerate(draft.questions):
        if objectives and question.objective not in objectives:
            found.append(Problem(_("Choose the lesson objective this question tests."), index,
                                 field="objective"))
        elif not objectives and question.objective:
            found.append(Problem(_("The lesson has no objectives: this question cannot test one."),
                                 index, field="objective"))
    return found


def _sentence(message: str) -> str:
    end = "" if message.endswith((".", "。")) else pgettext("end of a sentence", ".")
    return message[0].upper() + message[1:] + end


# --- editing the draft in the form ------------------------------------------------------------------

def apply_edit(draft: QuizDraft, edit: str) -> QuizDraft:
    """Add, remove or move a question or an option; returns a new draft."""
    match = EDIT_RE.match(edit or "")
    if not match:
        raise ValidationError(_("That editing button is not known."))
    action, what, first, second = match.groups()
    draft = copy.deepcopy(draft)
    try:
        if what == "question":
            if action == "add":
                draft.questions.append(QuestionDraft(_new_question_id(draft)))
            else:
                _change(draft.questions, action, int(first))
        else:
            options = draft.questions[int(first)].options
            if action == "add":
                if len(options) >= len(OPTION_KEYS):
                    raise ValidationError(_("A question can have at most %(limit)s options.",
                                            limit=len(OPTION_KEYS)))
                options.append(OptionDraft())
            else:
                _change(options, action, int(second))
    except (IndexError, TypeError):
        raise ValidationError(_("That question or option is no longer in the form.")) from None
    return draft


def _change(items: list, action: str, index: int) -> None:
    if not 0 <= index < len(items):
        raise IndexError(index)
    if action == "remove":
        del items[index]
        return
    other = index - 1 if action == "up" else index + 1
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]


def _new_question_id(draft: QuizDraft) -> str:
    taken = {question.id for question in draft.questions}
    number = len(taken) + 1
    while f"question-{number}" in taken:
        number += 1
    return f"question-{number}"


# --- versions -----------------------------------------------------------------------------------------

