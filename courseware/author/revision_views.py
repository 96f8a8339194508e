"""A lesson's history: every revision, the diff of any two, restoring, publishing and scheduling."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from courseware.author.forms import PublishForm, ScheduleForm
from courseware.author.views import LANGUAGE_NAMES, editing_language
from courseware.extensions import db
from courseware.formatting import format_datetime, format_zone
from courseware.forms import ConfirmForm, show_errors
from courseware.inputs import bounded_int
from courseware.language import SOURCE_LANGUAGE
from courseware.models import Lesson, LessonRevision
from courseware.services.authoring import diffing, publishing
from courseware.services.authoring import lessons as authoring
from courseware.services.errors import ValidationError
from courseware.timezones import reader_zone, to_utc

bp = Blueprint("revisions", __name__)


@bp.get("/lessons/<int:lesson_id>/history")
def history(lesson_id: int) -> ResponseReturnValue:
    """The revisions of one language (`?lang=`), newest first."""
    lesson = authoring.get_lesson(db.session, lesson_id)
    language = editing_language()
    revisions = list(reversed(lesson.revisions_in(language)))
    if not revisions:
        return redirect(url_for("author.lessons.edit", lesson_id=lesson.id))
    first_published = min((r.number for r in revisions if r.published_at), default=None)
    return render_template("author/history.html", lesson=lesson, revisions=revisions,
                           latest=revisions[0], first_published=first_published, form=ConfirmForm())


@bp.get("/lessons/<int:lesson_id>/revisions/<int:number>")
def revision(lesson_id: int, number: int) -> ResponseReturnValue:
    lesson = authoring.get_lesson(db.session, lesson_id)
    language = editing_language()
    return render_template("author/revision.html", lesson=lesson, form=ConfirmForm(),
                           revision=authoring.revision_of(db.session, lesson, number, language),
                           latest=authoring.latest_revision(db.session, lesson, language))


@bp.get("/lessons/<int:lesson_id>/diff")
def diff(lesson_id: int) -> ResponseReturnValue:
    lesson = authoring.get_lesson(db.session, lesson_id)
    language = editing_language()
    latest = authoring.latest_revision(db.session, lesson, language)
    published = lesson.published_revision_in(language)
    default_old = published.number if published and published.number != latest.number else max(
        latest.number - 1, 1)
    old_number = request.args.get("from", default_old, type=bounded_int)
    new_number = request.args.get("to", latest.number, type=bounded_int)
    view = "source" if request.args.get("view") == "source" else "text"
    old = authoring.revision_of(db.session, lesson, old_number, language)
    new = authoring.revision_of(db.session, lesson, new_number, language)
    return render_template("author/diff.html", lesson=lesson, view=view,
                           revisions=list(reversed(lesson.revisions_in(language))),
                           diff=diffing.diff(diffing.Snapshot.of(old), diffing.Snapshot.of(new), view))


@bp.post("/lessons/<int:lesson_id>/revisions/<int:number>/restore")
def restore(lesson_id: int, number: int) -> ResponseReturnValue:
    lesson = authoring.get_lesson(db.session, lesson_id)
    try:
        restored = authoring.restore_revision(db.session, lesson, current_user, number,
                                              editing_language())
    except ValidationError as refused:
        flash(str(refused), "info")
        return redirect(url_for(".history", lesson_id=lesson.id), code=303)
    flash(_("Revision %(old)s restored as draft revision %(number)s. Publish it to "
            "make it what learners read.", old=number, number=restored.number), "success")
    return redirect(url_for("author.lessons.edit", lesson_id=lesson.id), code=303)


# --- publishing -----------------------------------------------------------------------------------------

def _render_publish(lesson: Lesson, number: int | None = None, publish_form: PublishForm | None = None,
                    schedule_form: ScheduleForm | None = None, status: int = 200) -> ResponseReturnValue:
    language = editing_language()
    latest = authoring.latest_revision(db.session, lesson, language)
    candidate = authoring.revision_of(db.session, lesson, number, language) if number else latest
    published = lesson.published_revision_in(language)
    problem = None
    try:
        publishing.check_publishable(lesson, candidate)
    except ValidationError as refused:
        problem = str(refused)
    if published is not None and candidate.id == published.id:
        problem = _("Revision %(number)s is what learners read now. Save your changes in "
                    "the editor to make a new draft, then publish that.", number=candidate.number)
    changes = None
    if published is not None and published.id != candidate.id:
        changes = diffing.diff(diffing.Snapshot.of(published, _("Published revision %(number)s",
                                                                 number=published.number)),
                               diffing.Snapshot.of(candidate))
    publish_form = publish_form or PublishForm(formdata=None, number=candidate.number)
    schedule_form = schedule_form or ScheduleForm(formdata=None, number=candidate.number)
    scheduled = next((r for r in lesson.revisions_in(language) if r.scheduled_for is not None), None)
    return render_template(
        "author/publish.html", lesson=lesson, candidate=candidate, latest=latest,
        published=published, problem=problem, changes=changes, publish_form=publish_form,
        schedule_form=schedule_form, scheduled=scheduled, confirm_form=ConfirmForm(),
        first=publishing.is_first_publication(lesson, language), zone=format_zone(reader_zone()),
        translation=language != SOURCE_LANGUAGE,
        missing=publishing.missing_translations(db.session, lesson) if language == SOURCE_LANGUAGE else [],
        language_names=LANGUAGE_NAMES,
    ), status


def _number_from(form: PublishForm | ScheduleForm) -> int | None:
    return form.number.data if isinstance(form.number.data, int) else None


@bp.get("/lessons/<int:lesson_id>/publish")
def publish_page(lesson_id: int) -> ResponseReturnValue:
    lesson = authoring.get_lesson(db.session, lesson_id)
    return _render_publish(lesson, request.args.get("number", type=bounded_int))


@bp.post("/lessons/<int:lesson_id>/publish")
def publish(lesson_id: int) -> ResponseReturnValue:
    lesson = authoring.get_lesson(db.session, lesson_id)
    form = PublishForm()
    language = editing_language()
    first = publishing.is_first_publication(lesson, language)
    if form.validate():
        try:
            revision = publishing.publish(db.session, lesson, form.number.data or 0, form.material,
                                          actor=current_user, language=language)
        except ValidationError as refused:
            show_errors(form, refused, default=form.kind)
        else:
            flash(_published_message(revision, first), "success")
            return redirect(url_for("author.lessons.index", _anchor=f"lesson-{lesson.id}"), code=303)
    return _render_publish(lesson, _number_from(form), publish_form=form, status=422)


def _published_message(revision: LessonRevision, first: bool) -> str:
    title, number = revision.title, revision.number
    if first:
        return _("“%(title)s” (revision %(number)s) is published: learners can read it now.",
                 title=title, number=number)
    if revision.material:
        return _("“%(title)s” (revision %(number)s) is published as a material change: people who "
                 "completed an earlier revision are asked to read it again.", title=title, number=number)
    return _("“%(title)s” (revision %(number)s) is published as a minor change: completions stay as "
             "they are.", title=title, number=number)


@bp.post("/lessons/<int:lesson_id>/schedule")
def schedule(lesson_id: int) -> ResponseReturnValue:
    lesson = authoring.get_lesson(db.session, lesson_id)
    form = ScheduleForm()
    if form.validate():
        try:
            revision = publishing.schedule(db.session, lesson, form.number.data or 0, form.material,
                                           to_utc(form.when.data, reader_zone()),
                                           language=editing_language())
        except ValidationError as refused:
            show_errors(form, refused, default=form.kind)
        else:
            flash(_("Revision %(number)s will be published at %(when)s.", number=revision.number,
                    when=format_datetime(revision.scheduled_for)), "success")
            return redirect(url_for(".publish_page", lesson_id=lesson.id), code=303)
    return _render_publish(lesson, _number_from(form), schedule_form=form, status=422)


@bp.post("/lessons/<int:lesson_id>/schedule/cancel")
def cancel_schedule(lesson_id: int) -> ResponseReturnValue:
    lesson = authoring.get_lesson(db.session, lesson_id)
    publishing.cancel_schedule(db.session, lesson, editing_language())
    flash(_("The scheduled publication is cancelled."), "success")
    return redirect(url_for(".publish_page", lesson_id=lesson.id), code=303)


@bp.post("/lessons/<int:lesson_id>/unpublish")
def unpublish(lesson_id: int) -> ResponseReturnValue:
    lesson = authoring.get_lesson(db.session, lesson_id)
    publishing.unpublish(db.session, lesson, actor=current_user, language=editing_language())
    flash(_("“%(title)s” is unpublished: learners no longer see it. Its history and everyone's "
            "progress are kept; publish it again at any time.", title=lesson.title), "success")
    return redirect(url_for("author.lessons.index", _anchor=f"lesson-{lesson.id}"), code=303)
