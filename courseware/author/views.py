"""Courses, modules and lessons, and the lesson editor with its preview and image upload."""
from __future__ import annotations

from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import TypeVar

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import Session
from wtforms import SelectChoice

from courseware.author.forms import CourseForm, LessonForm, ModuleForm, MoveForm
from courseware.content.rendering import render_markdown
from courseware.extensions import db
from courseware.forms import show_errors
from courseware.inputs import bounded_int
from courseware.language import LANGUAGES, SOURCE_LANGUAGE
from courseware.models import Course, Lesson, LessonRevision, Module
from courseware.services.authoring import diffing, overview, publishing, uploads
from courseware.services.authoring import lessons as authoring
from courseware.services.authoring.lessons import EditConflict
from courseware.services.errors import InvalidFields, ValidationError

bp = Blueprint("lessons", __name__)


def upload_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


# --- the list of courses, modules and lessons ---------------------------------------------------------

# The languages as the lessons list names them, in the interface's language.
LANGUAGE_NAMES = {"en": _l("English"), "zh_CN": _l("Chinese")}


def _index(status: int = 200, course_form: CourseForm | None = None, module_form: ModuleForm | None = None,
           module_course_id: int | None = None) -> ResponseReturnValue:
    return render_template(
        "author/index.html", courses=overview.overview(db.session), language_names=LANGUAGE_NAMES,
        course_form=course_form or CourseForm(), module_form=module_form or ModuleForm(),
        module_course_id=module_course_id, blank_module_form=ModuleForm(formdata=None),
    ), status


@bp.get("/")
def index():
    return _index()


@bp.post("/courses")
def create_course():
    form = CourseForm()
    if form.validate():
        try:
            course = authoring.create_course(db.session, form.title.data, form.first_module.data,
                                             form.description.data or "", form.slug.data or "")
        except InvalidFields as error:
            show_errors(form, error)
        else:
            flash(_("Course “%(title)s” created. Write its first lesson.", title=course.title), "success")
            return redirect(url_for(".index", _anchor=f"course-{course.slug}"), code=303)
    return _index(422, course_form=form)


@bp.post("/courses/<course_slug>/modules")
def create_module(course_slug: str) -> ResponseReturnValue:
    course = authoring.get_course(db.session, course_slug)
    form = ModuleForm()
    if form.validate():
        try:
            module = authoring.create_module(db.session, course, form.title.data)
        except InvalidFields as error:
            show_errors(form, error)
        else:
            flash(_("Module “%(module)s” added to %(course)s.", module=module.title, course=course.title),
                  "success")
            return redirect(url_for(".index", _anchor=f"course-{course.slug}"), code=303)
    return _index(422, module_form=form, module_course_id=course.id)


@bp.post("/modules/<int:module_id>/move")
def move_module(module_id: int) -> ResponseReturnValue:
    module = authoring.get_module(db.session, module_id)
    _move(authoring.move_module, module)
    return redirect(url_for(".index", _anchor=f"course-{module.course.slug}"), code=303)


@bp.post("/lessons/<int:lesson_id>/move")
def move_lesson(lesson_id: int) -> ResponseReturnValue:
    lesson = authoring.get_lesson(db.session, lesson_id)
    _move(authoring.move_lesson, lesson)
    return redirect(url_for(".index", _anchor=f"lesson-{lesson.id}"), code=303)


_Item = TypeVar("_Item", Module, Lesson)


def _move(move: Callable[[Session, _Item, str], None], item: _Item) -> None:
    form = MoveForm()
    if not form.validate():
        raise ValidationError(_("Move up or down."))
    try:
        move(db.session, item, form.direction.data)
    except ValidationError as refused:
        db.session.rollback()
        flash(str(refused), "info")


# --- the editor ---------------------------------------------------------------------------------------

def _editor_form(course: Course) -> LessonForm:
    form = LessonForm()
    form.module.choices = [SelectChoice(str(module.id), module.title) for module in course.modules]
    return form


@bp.route("/courses/<course_slug>/lessons/new", methods=["GET", "POST"])
def new_lesson(course_slug: str) -> ResponseReturnValue:
    course = authoring.get_course(db.session, course_slug)
    if not course.modules:
        flash(_("Add a module to the course first: every lesson belongs to a module."), "info")
        return redirect(url_for(".index", _anchor=f"course-{course.slug}"))
    form = _editor_form(course)
    if request.method == "GET":
        form.minutes.data = 5
        form.module.data = request.args.get("module", type=bounded_int) or course.modules[-1].id
        return _render_editor(course, None, form)
    if request.form.get("action") in ("preview", "upload"):
        return _render_editor(course, None, form, preview=_preview_or_upload(form))
    if form.validate():
        try:
            lesson = authoring.create_lesson(db.session, course, current_user,
                                             form.fields_for_service(), form.slug.data or "")
        except InvalidFields as error:
            show_errors(form, error)
        else:
            flash(_("“%(title)s” saved as a draft (revision 1). Learners see it once you "
                    "publish it.", title=lesson.title), "success")
            return redirect(url_for(".edit", lesson_id=lesson.id), code=303)
    return _render_editor(course, None, form, status=422)


def editing_language() -> str:
    """The language whose revisions the page works on (`?lang=`, see author.blueprint)."""
    return g.get("author_language", SOURCE_LANGUAGE)


@bp.route("/lessons/<int:lesson_id>/edit", methods=["GET", "POST"])
def edit(lesson_id: int) -> ResponseReturnValue:
    lesson = authoring.get_lesson(db.session, lesson_id)
    language = editing_language()
    latest = authoring.latest_revision_or_none(db.session, lesson, language)
    if latest is None and language == SOURCE_LANGUAGE:
        latest = authoring.latest_revision(db.session, lesson)  # NotFound
    form = _editor_form(lesson.course)
    if request.method == "GET":
        if latest is None:
            # A language's first revision starts from the source language's text, to translate.
            _fill(form, authoring.latest_revision(db.session, lesson))
            form.base_number.data = ""
        else:
            _fill(form, latest)
        return _render_editor(lesson.course, lesson, form, latest=latest)
    if request.form.get("action") in ("preview", "upload"):
        return _render_editor(lesson.course, lesson, form, latest=latest,
                              preview=_preview_or_upload(form))
    if not form.validate():
        return _render_editor(lesson.course, lesson, form, latest=latest, status=422)
    try:
        result = authoring.save_draft(db.session, lesson, current_user, form.fields_for_service(),
                                      form.base(), language)
    except InvalidFields as error:
        show_errors(form, error)
        return _render_editor(lesson.course, lesson, form, latest=latest, status=422)
    except EditConflict as conflict:
        form.base_number.data = str(conflict.latest.number)
        return _render_editor(lesson.course, lesson, form, latest=conflict.latest, status=409,
                              conflict=_conflict_diff(conflict.latest, form))
    published = lesson.published_revision_in(language)
    if result.created:
        flash(_("Saved as draft revision %(number)s. Learners still see revision %(published)s.",
                number=result.revision.number, published=published.number)
              if published else
              _("Saved as draft revision %(number)s. Learners still see nothing until you publish it.",
                number=result.revision.number), "success")
    else:
        flash(_("Nothing changed since revision %(number)s; nothing was saved.",
                number=result.revision.number), "info")
    return redirect(url_for(".edit", lesson_id=lesson.id), code=303)


def _fill(form: LessonForm, revision: LessonRevision) -> None:
    form.title.data = revision.title
    form.module.data = authoring.module_of(revision).id
    form.minutes.data = revision.minutes
    form.summary.data = revision.summary
    form.reflection.data = revision.reflection or ""
    form.fill_guide(revision.objectives, revision.discussion)
    form.source.data = revision.source
    form.base_number.data = str(revision.number)


def _preview_or_upload(form: LessonForm) -> str:
    """The no-JavaScript path: Preview and Upload re-render the form with the author's text."""
    if request.form.get("action") == "upload":
        image = form.image.data
        try:
            stored = uploads.store_image(upload_dir(), image.stream if image else BytesIO(),
                                         image.filename if image else "", form.alt.data or "")
        except uploads.UploadRefused as refused:
            show_errors(form, refused)
        else:
            form.source.data = f"{(form.source.data or '').rstrip()}\n\n{stored.markdown}\n"
            flash(_("The image was added at the end of the text. Save to keep it."), "success")
    return render_markdown(authoring.normalize_source(form.source.data or ""))


def _conflict_diff(latest: LessonRevision, form: LessonForm) -> diffing.LessonDiff:
    fields = form.fields_for_service()
    source = authoring.normalize_source(fields.source)
    module = next((c.label for c in form.module.choices if c.value == str(fields.module_id)), "")
    yours = diffing.Snapshot(_("Your text"), " ".join(fields.title.split()),
                             " ".join(fields.summary.split()), fields.minutes or 0, module, source,
                             render_markdown(source))
    return diffing.diff(diffing.Snapshot.of(latest), yours)


def _render_editor(course: Course, lesson: Lesson | None, form: LessonForm,
                   latest: LessonRevision | None = None, preview: str | None = None, status: int = 200,
                   conflict: diffing.LessonDiff | None = None) -> ResponseReturnValue:
    if preview is None:
        preview = (latest.html if latest is not None and request.method == "GET"
                   else render_markdown(authoring.normalize_source(form.source.data or "")))
    return render_template(
        "author/editor.html", course=course, lesson=lesson, form=form, latest=latest,
        preview=preview, conflict=conflict, max_image=uploads.megabytes(uploads.MAX_BYTES),
        state=_state(lesson, latest), editing_language=editing_language() if lesson else SOURCE_LANGUAGE,
        languages=LANGUAGES,
    ), status


def _state(lesson: Lesson | None, latest: LessonRevision | None) -> overview.LessonState | None:
    if lesson is None or latest is None:
        return None
    ever = not publishing.is_first_publication(lesson, latest.language)
    return overview.state_of(lesson.published_revision_in(latest.language), latest, ever)


# --- live preview and image upload for the editor's script ---------------------------------------------

@bp.post("/preview")
def preview():
    html = render_markdown(authoring.normalize_source(request.form.get("source", "")))
    return Response(html, mimetype="text/html")


@bp.post("/uploads")
def upload():
    image = request.files.get("image")
    try:
        stored = uploads.store_image(upload_dir(), image.stream if image else BytesIO(),
                                     (image.filename or "") if image else "", request.form.get("alt", ""))
    except uploads.UploadRefused as refused:
        return jsonify(error=str(refused)), 400
    return jsonify(url=stored.url, markdown=stored.markdown)
