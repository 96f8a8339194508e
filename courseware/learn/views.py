"""The learner's pages: dashboard, course outline, lessons, own progress, certificates."""
from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from courseware.auth.forms import ConfirmForm
from courseware.extensions import db
from courseware.i18n import content_language
from courseware.practice import panels as practice_panels
from courseware.services.authoring import diffing
from courseware.services.learning import certificates, progress, quizzes
from courseware.services.people import assignments

bp = Blueprint("learn", __name__)


@bp.get("/")
@login_required
def dashboard():
    courses = progress.progress_in_all_courses(db.session, current_user)
    due_dates = assignments.DueDates(db.session, person=current_user)
    today = assignments.today_utc()
    due = {}
    for cp in courses:
        course_due = due_dates.for_user(current_user, cp.course.id)
        if course_due is not None:
            complete = cp.total > 0 and cp.completed == cp.total
            due[cp.course.id] = (course_due, course_due.state(complete, today), course_due.days_left(today))
    recent_attempts = quizzes.attempt_summaries(db.session, current_user, limit=5,
                                                language=content_language())
    return render_template("learn/dashboard.html", courses=courses, due=due,
                           recent_attempts=recent_attempts,
                           practice=practice_panels.dashboard_panel(current_user, courses))


@bp.get("/courses/<course_slug>")
@login_required
def course(course_slug: str):
    course = progress.outline_course(db.session, course_slug)
    return render_template(
        "learn/course.html", outline=progress.course_progress(db.session, current_user, course)
    )


@bp.get("/courses/<course_slug>/<lesson_slug>")
@login_required
def lesson(course_slug: str, lesson_slug: str):
    course, lesson = progress.outline_lesson(db.session, course_slug, lesson_slug)
    outline = progress.open_lesson(db.session, current_user, course, lesson)
    previous, following = outline.neighbours(lesson)
    status = outline.status_of(lesson)
    return render_template(
        "learn/lesson.html",
        outline=outline,
        status=status,
        lesson_html=progress.lesson_html(db.session, lesson),
        previous=previous,
        following=following,
        best_score=quizzes.best_score_of(db.session, current_user, lesson.quiz_id),
        reflection_box=practice_panels.reflection_box(current_user, status.lesson),
    )


@bp.get("/courses/<course_slug>/<lesson_slug>/changes")
@login_required
def changes(course_slug: str, lesson_slug: str):
    """What changed in the lesson since the revision the person completed."""
    course = progress.get_course(db.session, course_slug)
    lesson = progress.get_published_lesson(db.session, course, lesson_slug)
    return render_template(
        "learn/changes.html", course=course, lesson=lesson, form=ConfirmForm(),
        status=progress.course_progress(db.session, current_user, course).status_of(lesson),
        diff=diffing.changes_since_completion(db.session, current_user, lesson),
    )


@bp.post("/courses/<course_slug>/<lesson_slug>/complete")
@login_required
def complete(course_slug: str, lesson_slug: str):
    course = progress.get_course(db.session, course_slug)
    lesson = progress.get_published_lesson(db.session, course, lesson_slug)
    record = progress.mark_read(db.session, current_user, lesson)
    if record.completed_at is None:
        flash(_("Lesson read. Pass its quiz to complete it."), "info")
        return redirect(url_for("quiz.take", course_slug=course.slug, lesson_slug=lesson.slug))
    outline = progress.course_progress(db.session, current_user, course)
    # The title as the person reads it, in their language.
    flash(_("“%(title)s” is complete.", title=outline.status_of(lesson).revision.title), "success")
    if outline.certificate is not None and outline.next_lesson is None:
        return redirect(url_for("learn.certificate", code=outline.certificate.code))
    _previous, following = outline.neighbours(lesson)
    if following is not None:
        return redirect(
            url_for("learn.lesson", course_slug=course.slug, lesson_slug=following.lesson.slug)
        )
    return redirect(url_for("learn.course", course_slug=course.slug))


@bp.post("/courses/<course_slug>/<lesson_slug>/progress")
@login_required
def reading_progress(course_slug: str, lesson_slug: str):
    """The lesson page's script: time spent reading (`seconds`) and the end reached (`end=1`)."""
    course = progress.get_course(db.session, course_slug)
    lesson = progress.get_published_lesson(db.session, course, lesson_slug)
    record = progress.record_reading(db.session, current_user, lesson,
                                     seconds=request.form.get("seconds", 0, type=int),
                                     reached_end=request.form.get("end") == "1")
    return jsonify(read=record.read_at is not None, completed=record.completed_at is not None)


@bp.get("/me")
@login_required
def me():
    courses = progress.progress_in_all_courses(db.session, current_user)
    return render_template(
        "learn/me.html",
        courses=courses,
        attempts=quizzes.attempt_summaries(db.session, current_user, language=content_language()),
        certificates=certificates.certificates_of(db.session, current_user),
    )


@bp.get("/certificates/<code>")
def certificate(code: str):
    """Public: anyone holding the code can verify the certificate."""
    return render_template(
        "learn/certificate.html", certificate=certificates.get_by_code(db.session, code.upper())
    )
