"""The quiz editor: one form for the whole quiz, whose buttons add, remove and move questions and
options without JavaScript; save a draft, publish a new version, archive or delete."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from courseware.author.forms import QuizForm
from courseware.author.views import editing_language
from courseware.extensions import db
from courseware.forms import ConfirmForm
from courseware.language import SOURCE_LANGUAGE
from courseware.models import Lesson, QuizVersion
from courseware.services.authoring import lessons as authoring
from courseware.services.authoring import quiz_drafts, quizzes
from courseware.services.authoring.quiz_drafts import (
    Problem,
    ProblemMap,
    QuizDraft,
    QuizEditConflict,
    QuizProblems,
)
from courseware.services.errors import ValidationError

bp = Blueprint("quiz", __name__)


def _render(lesson: Lesson, form: QuizForm, problems: ProblemMap | None = None, error: str | None = None,
            status: int = 200, focus: str | None = None) -> ResponseReturnValue:
    quiz = lesson.quiz
    language = editing_language()
    objectives = quizzes.lesson_objectives(lesson)
    form.offer_objectives(objectives)
    return render_template(
        "author/quiz.html", lesson=lesson, quiz=quiz, form=form, problems=problems or ProblemMap(),
        objectives=objectives,
        error=error, draft=quizzes.draft_of(quiz, language), confirm_form=ConfirmForm(),
        versions=list(reversed(quiz.versions_in(language))) if quiz else [],
        attempts=quizzes.attempt_count(db.session, quiz),
        editing_language=language, current=quiz.current_version_in(language) if quiz else None,
        focus=focus,
    ), status


@bp.route("/lessons/<int:lesson_id>/quiz", methods=["GET", "POST"])
def edit(lesson_id: int) -> ResponseReturnValue:
    lesson = authoring.get_lesson(db.session, lesson_id)
    language = editing_language()
    if request.method == "GET":
        return _open(lesson)
    form = QuizForm()
    draft = form.to_draft()
    if request.form.get("edit"):
        focus = None
        try:
            draft = quiz_drafts.apply_edit(draft, request.form["edit"])
            focus = landing(request.form["edit"], draft)
        except ValidationError as refused:
            flash(str(refused), "error")
        return _render(lesson, QuizForm.from_draft(draft, form.base.data or "", form.note.data or ""),
                       focus=focus)
    if not form.validate():
        return _render(lesson, form, ProblemMap(quizzes.draft_problems(lesson, draft)),
                       _("Please correct the marked fields."), status=422)
    try:
        version: QuizVersion | None  # None: a draft the same as the published version, not saved
        if request.form.get("action") == "publish":
            version = quizzes.publish(db.session, lesson, current_user, draft, form.base.data,
                                             form.note.data or "", language=language)
            flash(_("Quiz version %(number)s is published. New attempts use it; every "
                    "earlier attempt keeps the version it was taken on, and its score.",
                    number=version.number), "success")
        else:
            version = quizzes.save_draft(db.session, lesson, current_user, draft,
                                                form.base.data, form.note.data or "", language)
            flash(_saved_message(version, quizzes.draft_problems(lesson, draft)),
                  "success" if version else "info")
    except QuizProblems as refused:
        return _render(lesson, form, ProblemMap(refused.problems), str(refused), status=422)
    except QuizEditConflict as conflict:
        db.session.expire_all()
        form.base.data = quizzes.base_token(lesson.quiz, language)
        return _render(lesson, form, ProblemMap(quizzes.draft_problems(lesson, draft)), str(conflict),
                       status=409)
    except ValidationError as refused:
        return _render(lesson, form, ProblemMap(quizzes.draft_problems(lesson, draft)), str(refused),
                       status=422)
    return redirect(url_for(".edit", lesson_id=lesson.id), code=303)


def landing(edit: str, draft: QuizDraft) -> str:
    """The id of what takes focus (and so the author's place on the page, with `autofocus`, script or
    not) after an editing button: a new question's or option's text, the field before a removed one
    (the list's heading when none is left before it), or the moved item's same button."""
    match = quiz_drafts.EDIT_RE.match(edit)
    if match is None:  # apply_edit has refused it already
        return "questions-title"
    action, what, first, second = match.groups()
    if what == "question":
        if action == "add":
            return f"questions-{len(draft.questions) - 1}-prompt"
        index = int(first)
        if action == "remove":
            return f"questions-{index - 1}-prompt" if index > 0 else "questions-title"
        return _move_button("question", action, index + (-1 if action == "up" else 1),
                            len(draft.questions), f"{index}")
    question, options = int(first), len(draft.questions[int(first)].options)
    if action == "add":
        return f"questions-{question}-options-{options - 1}-text"
    index = int(second)
    if action == "remove":
        return (f"questions-{question}-options-{index - 1}-text" if index > 0
                else f"questions-{question}-prompt")
    moved = index + (-1 if action == "up" else 1)
    return _move_button(f"option-{question}", action, moved, options, f"{question}-{index}")


def _move_button(what: str, action: str, moved: int, count: int, unmoved: str) -> str:
    """The same arrow on the moved item; the other one where that arrow is now disabled (first or
    last); where it did not move (already first or last), the button pressed."""
    if not 0 <= moved < count:
        return f"{action}-{what.split('-')[0]}-{unmoved}"
    if action == "up" and moved == 0:
        return f"down-{what}-{moved}"
    if action == "down" and moved == count - 1:
        return f"up-{what}-{moved}"
    return f"{action}-{what}-{moved}"


def _open(lesson: Lesson) -> ResponseReturnValue:
    quiz = lesson.quiz
    language = editing_language()
    version = quizzes.editing_version(quiz, language)
    draft = QuizDraft.of(version)
    if version is None and language != SOURCE_LANGUAGE and quiz is not None and quiz.current_version:
        # A language's first version starts from the English one, to translate.
        draft = QuizDraft.of(quiz.current_version)
    elif version is None:
        draft = quiz_drafts.apply_edit(draft, "add-question")
    is_draft = version is not None and version.published_at is None
    form = QuizForm.from_draft(draft, quizzes.base_token(quiz, language),
                               version.note if version is not None and is_draft else "")
    return _render(lesson, form, ProblemMap(quizzes.draft_problems(lesson, draft) if is_draft else []))


def _saved_message(version: QuizVersion | None, problems: list[Problem]) -> str:
    if version is None:
        return _("Nothing changed since the published version; nothing was saved.")
    if problems:
        count = len(problems)
        return ngettext("Draft saved. Fix the %(num)d problem marked below before you publish it.",
                        "Draft saved. Fix the %(num)d problems marked below before you publish it.",
                        count)
    return _("Draft saved. Learners keep the published version until you publish this one.")


@bp.post("/lessons/<int:lesson_id>/quiz/discard")
def discard(lesson_id: int) -> ResponseReturnValue:
    lesson = authoring.get_lesson(db.session, lesson_id)
    quizzes.discard_draft(db.session, lesson, editing_language())
    flash(_("The draft is discarded."), "success")
    return redirect(url_for(".edit", lesson_id=lesson.id), code=303)


@bp.post("/lessons/<int:lesson_id>/quiz/archive")
def archive(lesson_id: int) -> ResponseReturnValue:
    lesson = authoring.get_lesson(db.session, lesson_id)
    quizzes.archive(db.session, lesson)
    flash(_("The quiz is archived: learners no longer need it to complete the lesson. Every attempt "
            "stays on record and reviewable."), "success")
    return redirect(url_for(".edit", lesson_id=lesson.id), code=303)


@bp.post("/lessons/<int:lesson_id>/quiz/reinstate")
def reinstate(lesson_id: int) -> ResponseReturnValue:
    lesson = authoring.get_lesson(db.session, lesson_id)
    quizzes.reinstate(db.session, lesson)
    flash(_("The quiz is back on the lesson."), "success")
    return redirect(url_for(".edit", lesson_id=lesson.id), code=303)


@bp.post("/lessons/<int:lesson_id>/quiz/delete")
def delete(lesson_id: int) -> ResponseReturnValue:
    lesson = authoring.get_lesson(db.session, lesson_id)
    quizzes.delete(db.session, lesson)
    flash(_("The quiz is deleted."), "success")
    return redirect(url_for("author.lessons.index", _anchor=f"lesson-{lesson.id}"), code=303)


@bp.get("/lessons/<int:lesson_id>/quiz/versions/<int:number>")
def version(lesson_id: int, number: int) -> ResponseReturnValue:
    lesson = authoring.get_lesson(db.session, lesson_id)
    return render_template("author/quiz_version.html", lesson=lesson,
                           version=quizzes.version_of(db.session, lesson, number,
                                                             editing_language()))
