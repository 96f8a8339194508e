"""The learner's pages: dashboard, course outline, lessons and their printable summaries and team
discussion guides, own progress, certificates."""
from __future__ import annotations

import io
from datetime import datetime

from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from courseware.content.discussion import MINUTES as DISCUSSION_MINUTES
from courseware.extensions import db
from courseware.forms import ConfirmForm
from courseware.inputs import bounded_int
from courseware.language import content_language
from courseware.learn import boxes
from courseware.models import Certificate
from courseware.models._time import utcnow
from courseware.practice import panels as practice_panels
from courseware.services import catalog
from courseware.services.authoring import diffing
from courseware.services.catalog import CourseOutline, LessonOutline, published
from courseware.services.errors import found
from courseware.services.learning import (
    attempt_history,
    certificates,
    completion,
    course_state,
    explanations,
    progress,
)
from courseware.services.people import assignments
from courseware.templating import reader_outline

bp = Blueprint("learn", __name__)


def _published_lesson(course_slug: str, lesson_slug: str) -> tuple[CourseOutline, LessonOutline]:
    """A published lesson and its course, from the outline in the reader's language; 404 otherwise.
    Pages show what the outline holds; a write then loads the lesson's row by id."""
    course = reader_outline().course(course_slug)
    return course, course.lesson(lesson_slug)


@bp.get("/")
@login_required
def dashboard():
    courses = progress.progress_in_all_courses(db.session, current_user, reader_outline())
    due_dates = assignments.DueDates(db.session, person=current_user)
    today = assignments.company_today()
    due = {}
    for cp in courses:
        complete = cp.total > 0 and cp.completed == cp.total
        # A refresh assignment is met by a certificate issued since (read anyway: the page links to it).
        certified_at = cp.certificate.issued_at if cp.certificate is not None else None
        course_due = due_dates.for_user(current_user, cp.course.id, complete=complete,
                                        certified_at=certified_at)
        if course_due is not None:
            due[cp.course.id] = (course_due, course_due.state(complete, today, certified_at),
                                 course_due.days_left(today))
    recent_attempts = attempt_history.attempt_summaries(db.session, current_user, limit=5,
                                                language=content_language())
    return render_template("learn/dashboard.html", courses=courses, due=due,
                           recent_attempts=recent_attempts,
                           practice=practice_panels.dashboard_panel(current_user, courses))


@bp.get("/courses/<course_slug>")
@login_required
def course(course_slug: str) -> ResponseReturnValue:
    course = catalog.current(db.session).course(course_slug)
    outline = progress.course_progress(db.session, current_user, course)
    return render_template("learn/course.html", outline=outline,
                           reasons=explanations.explain(db.session, current_user.id, outline))


@bp.get("/courses/<course_slug>/<lesson_slug>")
@login_required
def lesson(course_slug: str, lesson_slug: str) -> ResponseReturnValue:
    course, lesson = _published_lesson(course_slug, lesson_slug)
    return lesson_page(progress.open_lesson(db.session, current_user, course, lesson), lesson)


def lesson_page(outline: progress.CourseProgress, lesson: LessonOutline, failed: FlaskForm | None = None,
                status: int = 200) -> ResponseReturnValue:
    """The lesson page; `failed` is a question form that came back with errors (question_views.py),
    shown with them (and the page's status then 422)."""
    previous, following = outline.neighbours(lesson)
    status_of = outline.status_of(lesson)
    return render_template(
        "learn/lesson.html",
        outline=outline,
        status=status_of,
        lesson_html=catalog.lesson_html(db.session, lesson),
        previous=previous,
        following=following,
        best_score=attempt_history.best_score_of(db.session, current_user, lesson.quiz_id),
        reflection_box=practice_panels.reflection_box(current_user, status_of.lesson),
        boxes=boxes.lesson_boxes(current_user, outline.course, lesson, personal=failed is not None),
        failed=failed,
    ), status


@bp.get("/courses/<course_slug>/<lesson_slug>/summary")
@login_required
def summary(course_slug: str, lesson_slug: str) -> ResponseReturnValue:
    """A printable one-page summary of the lesson: objectives, key points, this week's task and a
    form to fill in by hand. Reading it records nothing."""
    course, lesson = _published_lesson(course_slug, lesson_slug)
    return render_template("learn/summary.html", course=course, lesson=lesson,
                           summary=catalog.lesson_summary(db.session, lesson))


@bp.get("/courses/<course_slug>/<lesson_slug>/discussion")
@login_required
def discussion(course_slug: str, lesson_slug: str) -> ResponseReturnValue:
    """A printable 30-minute discussion guide a manager runs with their team, with the lesson's
    objectives; 404 when the lesson has none. Reading it records nothing."""
    course, lesson = _published_lesson(course_slug, lesson_slug)
    revision = found(lesson.discussion_revision, _("This lesson has no team discussion guide."))
    return render_template("learn/discussion.html", course=course, lesson=lesson, revision=revision,
                           guide=revision.discussion, minutes=DISCUSSION_MINUTES)


@bp.get("/courses/<course_slug>/<lesson_slug>/changes")
@login_required
def changes(course_slug: str, lesson_slug: str) -> ResponseReturnValue:
    """What changed in the lesson since the revision the person completed."""
    course, lesson = _published_lesson(course_slug, lesson_slug)
    row = published.lesson(db.session, lesson.id)
    return render_template(
        "learn/changes.html", course=course, lesson=lesson, form=ConfirmForm(),
        status=progress.course_progress(db.session, current_user, course).status_of(lesson),
        diff=diffing.changes_since_completion(db.session, current_user, row),
    )


@bp.post("/courses/<course_slug>/<lesson_slug>/complete")
@login_required
def complete(course_slug: str, lesson_slug: str) -> ResponseReturnValue:
    course, lesson = _published_lesson(course_slug, lesson_slug)
    try:
        record = completion.mark_read(db.session, current_user, published.lesson(db.session, lesson.id))
    except completion.ReadingTooShort as too_short:
        # Back to the lesson, at its end, where the button says how long is left.
        flash(str(too_short), "warning")
        return redirect(url_for("learn.lesson", course_slug=course.slug, lesson_slug=lesson.slug,
                                _anchor="finish"))
    if record.completed_at is None:
        flash(_("Lesson read. Pass its quiz to complete it."), "info")
        return redirect(url_for("quiz.take", course_slug=course.slug, lesson_slug=lesson.slug))
    outline = progress.course_progress(db.session, current_user, course)
    # The title as the person reads it, in their language.
    flash(_("“%(title)s” is complete.", title=outline.status_of(lesson).revision.title), "success")
    if outline.certificate is not None and outline.standing().state == course_state.CourseState.COMPLETE:
        return redirect(url_for("learn.certificate", code=outline.certificate.code))
    _previous, following = outline.neighbours(lesson)
    if following is not None:
        return redirect(
            url_for("learn.lesson", course_slug=course.slug, lesson_slug=following.lesson.slug)
        )
    return redirect(url_for("learn.course", course_slug=course.slug))


@bp.post("/courses/<course_slug>/<lesson_slug>/progress")
@login_required
def reading_progress(course_slug: str, lesson_slug: str) -> ResponseReturnValue:
    """The lesson page's script: time spent reading (`seconds`, counted at most as the time since the
    last report) and the end reached (`end=1`, which marks the lesson read once read long enough)."""
    _course, lesson = _published_lesson(course_slug, lesson_slug)
    try:
        record = completion.record_reading(db.session, current_user,
                                         published.lesson(db.session, lesson.id),
                                         seconds=request.form.get("seconds", 0, type=bounded_int),
                                         reached_end=request.form.get("end") == "1")
    except completion.ReadingTooShort as too_short:
        return jsonify(read=False, completed=False, seconds_left=too_short.seconds_left,
                       message=str(too_short))
    return jsonify(read=record.read_at is not None, completed=record.completed_at is not None)


@bp.get("/me")
@login_required
def me():
    now = utcnow()
    courses = progress.progress_in_all_courses(db.session, current_user)
    return render_template(
        "learn/me.html",
        courses=courses,
        attempts=attempt_history.attempt_summaries(db.session, current_user, language=content_language()),
        certificates=[(each, certificates.status_of(each, now))
                      for each in certificates.certificates_of(db.session, current_user)],
    )


@bp.get("/certificates/<code>")
def certificate(code: str) -> ResponseReturnValue:
    """Public: anyone holding the code can verify the certificate and see its status."""
    found = certificates.get_by_code(db.session, code.upper())
    now = utcnow()
    holder_standing = None
    if current_user.is_authenticated and current_user.id == found.user_id:
        holder_standing = _standing_of(found.course_id, now)
    return render_template(
        "learn/certificate.html", certificate=found, status=certificates.status_of(found, now),
        lessons=_covered_titles(found), verification_url=_verification_url(found.code),
        verification_address=certificates.short_address(_verification_url(found.code)),
        course_minutes=certificates.course_minutes(db.session, found), holder_standing=holder_standing,
    )


@bp.get("/certificates/<code>/qr.svg")
def certificate_qr(code: str) -> ResponseReturnValue:
    """The QR code of the certificate's verification address (from SITE_URL), made offline."""
    import segno  # only here: the QR codes' library stays out of the workers that never draw one

    found = certificates.get_by_code(db.session, code.upper())
    svg = io.BytesIO()
    segno.make(_verification_url(found.code), error="m").save(
        svg, kind="svg", scale=4, border=2, xmldecl=False, svgns=True, dark="#1d2733")
    response = make_response(svg.getvalue())
    response.headers["Content-Type"] = "image/svg+xml"
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


def _verification_url(code: str) -> str:
    # Never from the request's Host header: a forged header must not put its address on a certificate.
    return current_app.config["SITE_URL"] + url_for("learn.certificate", code=code)


def _covered_titles(found: Certificate) -> list[tuple[certificates.CoveredLesson, str]]:
    """Each lesson the certificate covers, with its title in the reader's language where it is still
    published, else the title it had when the certificate was issued."""
    outline = catalog.current(db.session)
    return [(lesson, outline.lesson_title(lesson.lesson_id) or lesson.title)
            for lesson in certificates.covered_lessons(found)]


def _standing_of(course_id: int, now: datetime) -> course_state.Standing | None:
    outline = catalog.current(db.session)
    if course_id not in {course.id for course in outline.courses}:
        return None
    return progress.course_progress(db.session, current_user, outline.course_by_id(course_id)).standing(now)
