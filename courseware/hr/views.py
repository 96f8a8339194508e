"""HR's reports: overview, people, one person, question analysis, exports, assignments."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, fresh_login_required
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms import SelectChoice

from courseware.auth.decorators import role_required
from courseware.extensions import db
from courseware.forms import show_errors
from courseware.hr.chart import completion_chart
from courseware.hr.forms import NEVER, AssignmentForm, CertificatePolicyForm
from courseware.inputs import bounded_int
from courseware.language import content_language, current_language
from courseware.models import Course, Department, User
from courseware.services.catalog import published
from courseware.services.errors import ValidationError
from courseware.services.learning import attempt_history, certificate_policy
from courseware.services.ops import audit
from courseware.services.people import account_admin, assignments
from courseware.services.reports import completion, course_states, exports, people_pages, question_analysis
from courseware.services.reports.person import person_report

bp = Blueprint("hr", __name__, url_prefix="/hr")
READERS = ("hr", "president")
PAGE_SIZE = 50
DEPARTMENTS_PAGE = 50  # the overview's departments on a page (chart and table)


@dataclass(frozen=True)
class ReportPages:
    """Where the report templates' links lead: HR's pages, or a line manager's own (hr/team.py)."""

    overview: str = "hr.overview"
    people: str = "hr.people"
    person: str = "hr.person"
    export_progress: str = "hr.export_progress"
    export_attempts: str = "hr.export_attempts"
    team: bool = False


@bp.app_context_processor
def _report_pages() -> dict:
    # Every page gets HR's; the team blueprint's own context processor puts its pages in their place.
    return {"report_pages": ReportPages()}


def _course():
    courses = published.courses(db.session)
    if not courses:
        return None, courses
    slug = request.args.get("course")
    chosen = next((c for c in courses if c.slug == slug), None) if slug else courses[0]
    if chosen is None:
        abort(404)
    return chosen, courses


STATUS_FILTERS = {*(s.value for s in completion.PersonStatus), course_states.EXPIRING}
DUE_FILTERS = {state.value for state in assignments.DueState}


def chosen_course() -> tuple[Course | None, list[Course]]:
    """The course the request asks for (`?course=`; the first by default) and every published one."""
    return _course()


def _filters(within: completion.People | None = None) -> completion.Filters:
    status = request.args.get("status") or None
    status = course_states.LEGACY_STATUSES.get(status or "", status)
    if status and status not in STATUS_FILTERS:
        abort(400)
    role = request.args.get("role") or None
    if role and role not in ("manager", "hr", "president"):
        abort(400)
    return completion.Filters(
        department_id=request.args.get("department", type=bounded_int) or None,
        status=status,
        search=request.args.get("q", "")[:100],
        role=role,
        within=within,
    )


@bp.get("/")
@role_required(*READERS)
def overview():
    course, courses = _course()
    if course is None:
        return render_template("hr/empty.html")
    return overview_page(completion.overview(db.session, course), courses)


def overview_page(report: completion.Overview, courses: list[Course]) -> str:
    """The overview (HR's, or hr/team.py's) with one page of its departments (`?page=`, 404 past
    the last): the totals and the funnel stay everyone's."""
    page = max(1, request.args.get("page", 1, type=bounded_int))
    pages = max(1, -(-len(report.departments) // DEPARTMENTS_PAGE))
    if page > pages:
        abort(404)
    start = (page - 1) * DEPARTMENTS_PAGE
    shown = replace(report, departments=report.departments[start:start + DEPARTMENTS_PAGE])
    return render_template("hr/overview.html", report=shown, page=page, pages=pages, courses=courses,
                           course=report.course, expiring_days=course_states.EXPIRING_DAYS,
                           chart=completion_chart(shown.departments))


@bp.get("/people")
@role_required(*READERS)
def people() -> ResponseReturnValue:
    if request.args.get("status") in course_states.LEGACY_STATUSES:
        # Links from before certificates expired: the same people under the state's new name.
        legacy: dict[str, Any] = request.args.to_dict()
        legacy["status"] = course_states.LEGACY_STATUSES[legacy["status"]]
        return redirect(url_for("hr.people", **legacy), 301)
    return people_page(account_admin.departments(db.session))


def people_page(departments: list[Department],
                within: completion.People | None = None) -> ResponseReturnValue:
    """The People list: everyone, or (hr/team.py) the people `within` a line manager's team."""
    course, courses = _course()
    if course is None:
        return render_template("hr/empty.html")
    filters = _filters(within)
    sort = request.args.get("sort", "name")
    due = request.args.get("due") or None  # one due state, "none" for the people with no due date
    if due and due not in DUE_FILTERS:
        abort(400)
    listed = _people_listed(course, filters, sort, due)
    if listed is None:
        abort(404)
    return render_template(
        "hr/people.html", rows=listed.rows, total=listed.total, page=listed.page, pages=listed.pages,
        after=listed.after, before=listed.before, filters=filters, sort=sort, course=course, courses=courses,
        departments=departments, statuses=list(completion.PersonStatus), due=due,
        due_states=list(assignments.DueState),
        expiring_days=course_states.EXPIRING_DAYS,
        # Back from a nudge's preview: the people chosen stay ticked.
        selected=set(request.args.getlist("selected", type=bounded_int)),
    )


def _people_listed(course: Course, filters: completion.Filters, sort: str,
                   due: str | None) -> people_pages.PeoplePage | None:
    """The page of the People list the address asks for (`page`, and `after` or `before` a person
    on the next and previous links): chosen in SQL when the order allows and no state or due date
    is asked for (reports.people_pages), else everyone read, filtered and sorted; None past the
    last page."""
    position = people_pages.Position(page=max(1, request.args.get("page", 1, type=bounded_int)),
                                     after=request.args.get("after", type=bounded_int),
                                     before=request.args.get("before", type=bounded_int))
    if due is None and people_pages.can_page(db.session, course, filters, sort):
        return people_pages.people_page(db.session, course, filters, sort, position, PAGE_SIZE)
    rows = completion.sort_rows(completion.person_rows(db.session, course, filters), sort)
    rows = [row for row in rows if due is None or row.due_state.value == due]
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    if position.page > pages:
        return None
    start = (position.page - 1) * PAGE_SIZE
    return people_pages.PeoplePage(rows[start:start + PAGE_SIZE], len(rows), position.page, pages)


@bp.get("/people/<int:user_id>")
@role_required(*READERS)
def person(user_id: int) -> ResponseReturnValue:
    person = db.session.get(User, user_id)
    if person is None:
        abort(404)
    return person_page(person)


def person_page(person: User) -> str:
    """One person's page, for HR and (hr/team.py) for the people above them. Attempts as one query
    of rows, lesson titles in the reader's language (no lesson loaded each)."""
    return render_template("hr/person.html", person=person, report=person_report(db.session, person),
                           attempts=attempt_history.attempt_summaries(db.session, person,
                                                                      language=content_language()))


@bp.get("/questions")
@role_required(*READERS)
def questions():
    course, courses = _course()
    if course is None:
        return render_template("hr/empty.html")
    quizzes = question_analysis.analyse_course(db.session, course, current_language())
    weakest = question_analysis.weakest_first(quizzes)
    return render_template("hr/questions.html", quizzes=quizzes, weakest=weakest, course=course,
                           courses=courses, weak_below=question_analysis.WEAK_BELOW)


@bp.get("/export/progress.csv")
@role_required(*READERS)
@fresh_login_required
def export_progress():
    return _csv_response("progress", exports.progress_header(), exports.progress_rows, cells_are_safe=True)


@bp.get("/export/attempts.csv")
@role_required(*READERS)
@fresh_login_required
def export_attempts():
    return _csv_response("attempts", exports.attempts_header(), exports.attempt_rows)


def export_csv(kind: str, within: completion.People, scope: str) -> Response:
    """The progress or attempts CSV of the people `within` a team (hr/team.py); `scope` says whose."""
    if kind == "progress":
        return _csv_response("progress", exports.progress_header(), exports.progress_rows,
                             cells_are_safe=True, within=within, scope=scope)
    return _csv_response("attempts", exports.attempts_header(), exports.attempt_rows,
                         within=within, scope=scope)


def _csv_response(kind: str, header: list[str],
                  rows_of: Callable[[Session, Course, completion.Filters], Iterable[Iterable[object]]],
                  cells_are_safe: bool = False, within: completion.People | None = None,
                  scope: str = "") -> Response:
    course, _ = _course()
    if course is None:
        abort(404)
    filters = _filters(within)
    audit.record(db.session, "export", actor=current_user, target=f"{course.slug} {kind}",
                 details=f"filters={replace(filters, within=None)}" + (f"; {scope}" if scope else ""),
                 commit=True)
    body = exports.csv_stream(header, rows_of(db.session, course, filters), cells_are_safe=cells_are_safe)
    filename = f"{course.slug}-{kind}-{assignments.company_today().isoformat()}.csv"
    # The rows are read while the response streams, after the view returned: keep the request's
    # context (its database session, and its language for the status words) open until the last row.
    response = Response(stream_with_context(body), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/assignments", methods=["GET", "POST"])
@role_required("hr")
def assignment_list() -> ResponseReturnValue:
    """Assign a course to departments (a tree of checkboxes) and people (a search, then checkboxes).
    "Find" posts the form without assigning: every choice stays, the matches are listed."""
    # GET: a search or a person chosen beforehand (`?q=`, `?user=`) in the address.
    form = AssignmentForm(formdata=None if request.method == "GET" else request.form,
                          data={"q": request.args.get("q", "")[:100],
                                "user_ids": request.args.getlist("user", type=bounded_int)})
    courses = published.courses(db.session)
    form.course_id.choices = [(c.id, c.title) for c in courses]
    form.purpose.choices = [SelectChoice(p.value, p.label) for p in assignments.Purpose]
    # "Find" posts the form (its token checked by CSRFProtect) to list matches; nothing is saved.
    if "find" not in request.form and form.validate_on_submit():
        try:
            made = assignments.create_assignment(
                db.session, course=next(c for c in courses if c.id == form.course_id.data),
                created_by=current_user,
                departments=assignments.with_sub_departments(db.session, form.department_ids.data or []),
                people=assignments.chosen_people(db.session, form.user_ids.data or []),
                due_on=form.due_on.data, due_days=form.due_days.data, purpose=form.purpose.data)
            flash(ngettext("%(course)s assigned (%(num)d assignment).",
                           "%(course)s assigned (%(num)d assignments).", len(made),
                           course=made[0].course.title), "success")
            return redirect(url_for("hr.assignment_list"))
        except ValidationError as error:
            db.session.rollback()
            show_errors(form, error, default=form.department_ids)
    return render_template("hr/assignments.html", form=form, **_assignment_choices(form),
                           assignments=assignments.list_assignments(db.session),
                           purposes={p.value: p.label for p in assignments.Purpose},
                           today=assignments.company_today()), 422 if form.errors else 200


def _assignment_choices(form: AssignmentForm) -> dict[str, Any]:
    """The department tree with what is ticked, the people ticked and the search's matches."""
    ticked = set(form.department_ids.data or [])
    chosen = [p for p in db.session.scalars(select(User).where(User.id.in_(set(form.user_ids.data or []))))
              if p.active]
    query = (form.q.data or "").strip()
    matches = assignments.find_people(db.session, query) if query else None
    return {"tree": assignments.department_tree(db.session), "ticked": ticked,
            "chosen": sorted(chosen, key=lambda p: p.full_name), "query": query,
            "matches": None if matches is None else [p for p in matches if p not in chosen]}


@bp.post("/assignments/<int:assignment_id>/delete")
@role_required("hr")
def assignment_delete(assignment_id: int) -> ResponseReturnValue:
    assignments.delete_assignment(db.session, assignment_id)
    flash(_("Assignment removed. Progress already made is kept."), "info")
    return redirect(url_for("hr.assignment_list"))


@bp.route("/courses/<int:course_id>/certificate", methods=["GET", "POST"])
@role_required(*READERS)
def certificate_settings(course_id: int) -> ResponseReturnValue:
    """How long the course's certificates stay valid, when a refresh is due, how many questions the
    refresh check asks."""
    course = certificate_policy.get_course(db.session, course_id)
    form = CertificatePolicyForm(data=None if request.method == "POST" else {
        "expires": NEVER if course.validity_months is None else "months",
        "validity_months": course.validity_months, "refresh_window_days": course.refresh_window_days,
        "refresh_questions": course.refresh_questions})
    if form.validate_on_submit():
        try:
            saved = certificate_policy.save(
                db.session, current_user, course,
                # "After a number of months" without one: 0, which the service refuses by name.
                validity_months=None if form.expires.data == NEVER else form.validity_months.data or 0,
                refresh_window_days=form.refresh_window_days.data,
                refresh_questions=form.refresh_questions.data)
            flash(ngettext("Certificate settings of %(course)s saved: %(num)d current certificate has a new "
                           "expiry date.",
                           "Certificate settings of %(course)s saved: %(num)d current certificates have a "
                           "new expiry date.", saved.certificates_changed,
                           course=course.title_in(content_language())), "success")
            return redirect(url_for("hr.overview", course=course.slug))
        except ValidationError as error:
            db.session.rollback()
            show_errors(form, error)
    return render_template(
        "hr/certificate_settings.html", form=form, course=course,
        current=certificate_policy.current_certificates(db.session, course),
        changes=certificate_policy.recent_changes(db.session, course),
    ), 422 if form.errors else 200
