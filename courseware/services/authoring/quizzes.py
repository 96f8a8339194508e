"""The quiz editor: a draft version the president edits, checked by the same rules as quiz files,
published as a new version that never changes again. Attempts keep the version they were taken on.

Each language has its own versions (models/content). A version in another language than the source
one is published only when it has the source's current questions, options and right answers, so
that it is graded the same way; archiving and deleting are of the quiz, in every language.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext, pgettext
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from courseware.content.question_types import QUESTION_TYPES
from courseware.content.quiz_files import OPTION_KEYS, QUESTION_ID_RE
from courseware.content.rendering import quiz_hash
from courseware.content.translations import same_quiz
from courseware.language import SOURCE_LANGUAGE
from courseware.models import Lesson, Quiz, QuizAttempt, QuizVersion, User
from courseware.models._time import utcnow
from courseware.services.errors import Conflict, InvalidFields, NotFound, ValidationError
from courseware.services.ops import audit

MAX_TEXT = 2000
PASS_MARK_MESSAGE = _l("The pass mark is a percentage from 1 to 100.")
ATTEMPTS_MESSAGE = _l("Allow at least 1 attempt, or leave it empty for unlimited attempts.")
EDIT_RE = re.compile(r"^(add|remove|up|down)-(question|option)(?:-(\d+))?(?:-(\d+))?$")


@dataclass
class OptionDraft:
    text: str = ""
    correct: bool = False
    explain: str = ""


@dataclass
class QuestionDraft:
    id: str
    type: str = "single"
    prompt: str = ""
    options: list[OptionDraft] = field(default_factory=lambda: [OptionDraft(), OptionDraft()])


@dataclass
class QuizDraft:
    pass_mark: int | None = 80
    max_attempts: int | None = None
    questions: list[QuestionDraft] = field(default_factory=list)

    @classmethod
    def of(cls, version: QuizVersion | None) -> QuizDraft:
        if version is None:
            return cls()
        return cls(version.pass_mark, version.max_attempts, [
            QuestionDraft(q["id"], q["type"], q["prompt"],
                          [OptionDraft(o["text"], bool(o["correct"]), o["explain"])
                           for o in q["options"]])
            for q in version.questions
        ])

    def questions_data(self) -> list[dict]:
        """As the quiz file loader produces them: trimmed text, option keys a, b, c... by position."""
        return [
            {"id": q.id, "type": q.type, "prompt": _clean(q.prompt),
             "options": [{"key": OPTION_KEYS[index], "text": _clean(o.text),
                          "correct": bool(o.correct), "explain": _clean(o.explain)}
                         for index, o in enumerate(q.options[:len(OPTION_KEYS)])]}
            for q in self.questions
        ]

    def digest(self) -> str:
        assert self.pass_mark is not None  # digested once checked: _hard_problems requires a pass mark
        return quiz_hash(self.pass_mark, self.max_attempts, self.questions_data())


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


def problems(draft: QuizDraft) -> list[Problem]:
    """Everything that keeps the draft from being published, as the quiz file rules say."""
    found = _hard_problems(draft)
    if not draft.questions:
        found.append(Problem(_("Add at least one question.")))
    data = draft.questions_data()
    for index, question in enumerate(draft.questions):
        if not question.prompt.strip():
            found.append(Problem(_("Write the question."), index, field="prompt"))
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


def _hard_problems(draft: QuizDraft) -> list[Problem]:
    """Problems that stop even a draft from being saved."""
    found = []
    if draft.pass_mark is None or not 1 <= draft.pass_mark <= 100:
        found.append(Problem(str(PASS_MARK_MESSAGE), field="pass_mark"))
    if draft.max_attempts is not None and draft.max_attempts < 1:
        found.append(Problem(str(ATTEMPTS_MESSAGE), field="max_attempts"))
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

def draft_of(quiz: Quiz | None, language: str = SOURCE_LANGUAGE) -> QuizVersion | None:
    versions = quiz.versions_in(language) if quiz is not None else []
    if not versions or versions[-1].published_at is not None:
        return None
    return versions[-1]


def editing_version(quiz: Quiz | None, language: str = SOURCE_LANGUAGE) -> QuizVersion | None:
    """What the editor opens: the draft, else the published version, else nothing."""
    if quiz is None:
        return None
    versions = quiz.versions_in(language)
    return draft_of(quiz, language) or quiz.current_version_in(language) or (
        versions[-1] if versions else None)


def base_token(quiz: Quiz | None, language: str = SOURCE_LANGUAGE) -> str:
    """Names the state the editor was opened on, for optimistic locking."""
    version = editing_version(quiz, language)
    return f"{version.number}:{version.content_hash}" if version else "new"


def version_of(session: Session, lesson: Lesson, number: int,
               language: str = SOURCE_LANGUAGE) -> QuizVersion:
    quiz = lesson.quiz
    version = quiz and session.scalar(
        select(QuizVersion).where(QuizVersion.quiz_id == quiz.id, QuizVersion.language == language,
                                  QuizVersion.number == number)
    )
    if not version:
        raise NotFound(_("This quiz has no version %(number)s.", number=number))
    return version


def attempt_count(session: Session, quiz: Quiz | None) -> int:
    if quiz is None:
        return 0
    return session.scalars(select(func.count(QuizAttempt.id)).where(QuizAttempt.quiz_id == quiz.id)).one()


def save_draft(session: Session, lesson: Lesson, author: User, draft: QuizDraft, base: str,
               note: str = "", language: str = SOURCE_LANGUAGE) -> QuizVersion | None:
    """Keep the draft (problems that only block publishing are allowed); None if nothing changed."""
    version = _write_draft(session, lesson, author, draft, base, note, language)
    _commit(session)
    return version


def translation_problems(draft: QuizDraft, quiz: Quiz | None) -> list[Problem]:
    """What keeps a version in another language from being published: it must be graded exactly
    as the source language's current version (same questions, options and right answers)."""
    current = quiz.current_version if quiz is not None else None
    if current is None:
        return [Problem(_("Publish the English quiz first: a translation follows its questions."))]
    if same_quiz(draft_shape(draft), current):
        return []
    return [Problem(_("A translation keeps the English version's questions, options, right answers, "
                      "pass mark and attempts, in the same order: only the words change. Compare "
                      "with English version %(number)s.", number=current.number))]


def draft_shape(draft: QuizDraft) -> SimpleNamespace:
    """The draft as quiz versions are compared (content.translations.same_quiz)."""
    return SimpleNamespace(pass_mark=draft.pass_mark, max_attempts=draft.max_attempts,
                           questions=draft.questions_data())


def publish(session: Session, lesson: Lesson, author: User, draft: QuizDraft, base: str,
            note: str = "", now: datetime | None = None,
            language: str = SOURCE_LANGUAGE) -> QuizVersion:
    """Save and publish in one step: a new version that learners' next attempts will use."""
    source = language == SOURCE_LANGUAGE
    found = problems(draft) or ([] if source else translation_problems(draft, lesson.quiz))
    if found:
        raise QuizProblems(found)
    current = lesson.quiz.current_version_in(language) if lesson.quiz else None
    if current is not None and current.content_hash == draft.digest():
        raise ValidationError(_("This is the same as the published version %(number)s; "
                                "there is nothing new to publish.", number=current.number))
    version = _write_draft(session, lesson, author, draft, base, note, language)
    assert version is not None  # None only for a draft the same as the published version, refused above
    quiz = version.quiz
    version.published_at = now or utcnow()
    quiz.set_published_in(language, version)
    if source:
        quiz.archived_at = None
    audit.record(session, "quiz.publish", actor=author, target=f"lesson {lesson.id} {lesson.slug}",
                 details=f"{'' if source else language + ' '}version {version.number}")
    _commit(session)
    return version


def _write_draft(session: Session, lesson: Lesson, author: User, draft: QuizDraft, base: str,
                 note: str, language: str = SOURCE_LANGUAGE) -> QuizVersion | None:
    hard = _hard_problems(draft)
    if hard:
        raise QuizProblems(hard)
    if len(note) > 500:
        raise InvalidFields({"note": _("Keep the change note to %(limit)s characters.", limit=500)})
    quiz = lesson.quiz
    if base != base_token(quiz, language):
        raise QuizEditConflict()
    if quiz is None and language != SOURCE_LANGUAGE:
        raise ValidationError(_("Publish the English quiz first: a translation follows its questions."))
    digest, questions = draft.digest(), draft.questions_data()
    existing = draft_of(quiz, language)
    if existing is None:
        current = quiz.current_version_in(language) if quiz is not None else None
        if current is not None and current.content_hash == digest:
            return None
        quiz = quiz or Quiz(lesson=lesson)
        session.add(quiz)
        number = max((v.number for v in quiz.versions_in(language)), default=0) + 1
        existing = QuizVersion(quiz=quiz, number=number, language=language, pass_mark=draft.pass_mark,
                               max_attempts=draft.max_attempts, questions=questions,
                               content_hash=digest, note=note.strip(), author_id=author.id)
        session.add(existing)
        session.flush()
        return existing
    changed = session.execute(
        update(QuizVersion)
        .where(QuizVersion.id == existing.id, QuizVersion.content_hash == existing.content_hash,
               QuizVersion.published_at.is_(None))
        .values(pass_mark=draft.pass_mark, max_attempts=draft.max_attempts, questions=questions,
                content_hash=digest, note=note.strip(), author_id=author.id)
        .execution_options(synchronize_session=False)
    )
    # An UPDATE's result is a CursorResult, which SQLAlchemy 2.0's Session.execute() types as Result.
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        raise QuizEditConflict()
    session.refresh(existing)
    return existing


def _commit(session: Session) -> None:
    try:
        session.commit()
    except IntegrityError:  # two first drafts at once: one wins
        session.rollback()
        raise QuizEditConflict() from None


def discard_draft(session: Session, lesson: Lesson, language: str = SOURCE_LANGUAGE) -> None:
    draft = draft_of(lesson.quiz, language)
    if draft is None:
        raise ValidationError(_("There is no draft to discard."))
    quiz = draft.quiz
    others = [version for version in quiz.versions if version is not draft]
    session.delete(draft)
    if not others:  # a quiz that was never published goes with its only draft
        session.flush()
        session.delete(quiz)
    session.commit()


def archive(session: Session, lesson: Lesson, now: datetime | None = None) -> None:
    quiz = lesson.quiz
    if quiz is None or quiz.current_version is None:
        raise ValidationError(_("There is no published quiz to archive."))
    if quiz.archived_at is not None:
        raise ValidationError(_("The quiz is already archived."))
    quiz.archived_at = now or utcnow()
    session.commit()


def reinstate(session: Session, lesson: Lesson) -> None:
    quiz = lesson.quiz
    if quiz is None or quiz.archived_at is None:
        raise ValidationError(_("The quiz is not archived."))
    quiz.archived_at = None
    session.commit()


def delete(session: Session, lesson: Lesson) -> None:
    """Only a quiz nobody has taken; a quiz with attempts keeps them and can be archived."""
    quiz = lesson.quiz
    if quiz is None:
        raise NotFound(_("This lesson has no quiz."))
    attempts = attempt_count(session, quiz)
    if attempts:
        raise Conflict(ngettext("This quiz has %(num)d attempt, which must stay reviewable, so it "
                                "cannot be deleted. Archive it instead.",
                                "This quiz has %(num)d attempts, which must stay reviewable, so it "
                                "cannot be deleted. Archive it instead.", attempts))
    quiz.current_version = None
    for translation in list(quiz.translations):
        session.delete(translation)
    session.flush()
    for version in list(quiz.versions):
        session.delete(version)
    session.flush()
    session.delete(quiz)
    session.commit()
