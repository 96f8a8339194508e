"""The quiz editor: a draft version the president edits, checked by the same rules as quiz files,
published as a new version that never changes again. Attempts keep the version they were taken on.

Each language has its own versions (models/content). A version in another language than the source
one is published only when it has the source's current questions, options and right answers, so
that it is graded the same way; archiving and deleting are of the quiz, in every language.
"""
from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from courseware.content.objectives import objective_ids
from courseware.content.translations import same_quiz
from courseware.language import SOURCE_LANGUAGE
from courseware.models import Lesson, Quiz, QuizAttempt, QuizVersion, User
from courseware.models._time import utcnow
from courseware.models.sql import rows_changed
from courseware.services.authoring.quiz_drafts import (
    Problem,
    QuizDraft,
    QuizEditConflict,
    QuizProblems,
    hard_problems,
    problems,
)
from courseware.services.errors import Conflict, InvalidFields, NotFound, ValidationError
from courseware.services.ops import audit


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
                           questions=draft.questions_data(), draw=draft.draw, review=draft.review)


def draft_problems(lesson: Lesson, draft: QuizDraft) -> list[Problem]:
    """What keeps the draft from being published on this lesson (with its objectives)."""
    return problems(draft, objective_ids(lesson_objectives(lesson)))


def lesson_objectives(lesson: Lesson) -> list[dict]:
    """The lesson's learning objectives ([{"id", "text"}]): its published revision's, else its
    latest's (they come from the course files: the lesson editor keeps them as they are)."""
    revisions = lesson.revisions_in(SOURCE_LANGUAGE)
    revision = lesson.published_revision or (revisions[-1] if revisions else None)
    return list(revision.objectives or []) if revision is not None else []


def publish(session: Session, lesson: Lesson, author: User, draft: QuizDraft, base: str,
            note: str = "", now: datetime | None = None,
            language: str = SOURCE_LANGUAGE) -> QuizVersion:
    """Save and publish in one step: a new version that learners' next attempts will use."""
    source = language == SOURCE_LANGUAGE
    found = draft_problems(lesson, draft) or ([] if source else translation_problems(draft, lesson.quiz))
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
    hard = hard_problems(draft)
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
                               max_attempts=draft.max_attempts, questions=questions, draw=draft.draw,
                               review_policy=draft.review,
                               content_hash=digest, note=note.strip(), author_id=author.id)
        session.add(existing)
        session.flush()
        return existing
    changed = session.execute(
        update(QuizVersion)
        .where(QuizVersion.id == existing.id, QuizVersion.content_hash == existing.content_hash,
               QuizVersion.published_at.is_(None))
        .values(pass_mark=draft.pass_mark, max_attempts=draft.max_attempts, questions=questions,
                draw=draft.draw, review_policy=draft.review,
                content_hash=digest, note=note.strip(), author_id=author.id)
        .execution_options(synchronize_session=False)
    )
    # An UPDATE's result is a CursorResult, which SQLAlchemy 2.0's Session.execute() types as Result.
    if rows_changed(changed) != 1:
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
