"""HR's account pages: list, create, edit, deactivate, reset a password, erase a person who has left,
import a CSV; departments."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import force_locale, ngettext, pgettext
from flask_babel import gettext as _
from flask_login import current_user, fresh_login_required
from markupsafe import Markup

from courseware.auth.decorators import role_required
from courseware.extensions import db
from courseware.formatting import format_zone
from courseware.forms import ConfirmForm, show_errors
from courseware.hr.forms import (
    NO_DEPARTMENT,
    NOBODY,
    AccountForm,
    DepartmentForm,
    DepartmentHeadForm,
    DepartmentNamesForm,
    EraseForm,
    ImportForm,
)
from courseware.i18n import role_label
from courseware.models import User
from courseware.models._time import utcnow
from courseware.services.errors import Conflict, Forbidden, ValidationError
from courseware.services.ops import audit
from courseware.services.people import account_admin, department_names, erasure, import_handouts, reporting
from courseware.services.people.account_import import CSV_COLUMNS, CsvImportError
from courseware.timezones import company_zone

bp = Blueprint("hr_accounts", __name__, url_prefix="/hr")
MANAGERS_OF_ACCOUNTS = ("hr", "president")
# In the session: the id of the last import's stored passwords and the key that decrypts them.
IMPORT_HANDOUT = "_import_handout"


def _department_choices() -> list[tuple[int, str]]:
    return [(NO_DEPARTMENT, "—")] + [(d.id, d.full_name) for d in account_admin.departments(db.session)]


def _people_choices(*, leave_out: int | None = None, keep: User | None = None) -> list[tuple[int, str]]:
    """Active people to choose a line manager or a head from; `keep`, the current choice, even when
    deactivated."""
    people = [p for p in reporting.active_people(db.session) if p.id != leave_out]
    if keep is not None and keep not in people:
        people.append(keep)
    return [(NOBODY, "—")] + [(p.id, f"{p.full_name} ({p.username})") for p in people]


def _account_form(account: User | None = None, **kwargs: object) -> AccountForm:
    form = AccountForm(**kwargs)
    form.department_id.choices = _department_choices()
    form.manager_id.choices = _people_choices(leave_out=account.id if account else None,
                                              keep=account.manager if account else None)
    form.role.choices = [(r, role_label(r)) for r in account_admin.grantable_roles(current_user)]
    return form


@bp.get("/accounts")
@role_required(*MANAGERS_OF_ACCOUNTS)
def account_list():
    search = request.args.get("q", "")[:100]
    return render_template("hr/accounts.html", accounts=account_admin.list_accounts(db.session, search),
                           search=search)


@bp.get("/audit")
@role_required(*MANAGERS_OF_ACCOUNTS)
def audit_log():
    """Account and role changes: who did what to whom, when, from where."""
    return render_template("hr/audit.html", events=audit.account_events(db.session),
                           action_label=audit.action_label)


@bp.route("/accounts/new", methods=["GET", "POST"])
@role_required(*MANAGERS_OF_ACCOUNTS)
@fresh_login_required
def account_new():
    form = _account_form()
    if form.validate_on_submit():
        try:
            user, password = account_admin.create_account(
                db.session, current_user, username=form.username.data, full_name=form.full_name.data,
                email=form.email.data, department_id=form.department_id.data or None, role=form.role.data,
                title=form.title.data, manager_id=form.manager_id.data or None,
            )
            return render_template("hr/one_time_password.html", people=[(user, password)],
                                   title=_("Account created"))
        except ValidationError as error:
            db.session.rollback()
            show_errors(form, error)
    return render_template("hr/account_form.html", form=form, account=None), 422 if form.errors else 200


@bp.route("/accounts/<int:user_id>", methods=["GET", "POST"])
@role_required(*MANAGERS_OF_ACCOUNTS)
@fresh_login_required
def account_edit(user_id: int) -> ResponseReturnValue:
    account = account_admin.get_account(db.session, user_id)
    form = _account_form(account, obj=account, data=None if request.method == "POST" else {
        "department_id": account.department_id or NO_DEPARTMENT, "manager_id": account.manager_id or NOBODY})
    form.username.data = account.username  # the username never changes: history refers to it
    if account.role not in dict(form.role.choices):
        form.role.choices.append((account.role, role_label(account.role)))
    if form.validate_on_submit():
        try:
            account_admin.update_account(
                db.session, current_user, user_id, full_name=form.full_name.data, email=form.email.data,
                department_id=form.department_id.data or None, role=form.role.data, title=form.title.data,
                manager_id=form.manager_id.data or None,
            )
            flash(_("Saved %(name)s.", name=account.full_name), "success")
            return redirect(url_for("hr_accounts.account_list"))
        except ValidationError as error:
            db.session.rollback()
            show_errors(form, error)
    return render_template("hr/account_form.html", form=form, account=account,
                           identities=account_admin.identities_of(db.session, account.id)), \
        422 if form.errors else 200


@bp.post("/accounts/<int:user_id>/identities/<int:identity_id>/unlink")
@role_required(*MANAGERS_OF_ACCOUNTS)
@fresh_login_required
def account_unlink(user_id: int, identity_id: int) -> ResponseReturnValue:
    """Remove a wrong link to a company account (a first-time match by e-mail or username)."""
    link = account_admin.unlink_identity(db.session, current_user, user_id, identity_id)
    flash(_("The link to %(provider)s is removed.", provider=link.provider), "success")
    return redirect(url_for("hr_accounts.account_edit", user_id=user_id))


@bp.post("/accounts/<int:user_id>/deactivate")
@role_required(*MANAGERS_OF_ACCOUNTS)
@fresh_login_required
def account_deactivate(user_id: int) -> ResponseReturnValue:
    return _set_active(user_id, False)


@bp.post("/accounts/<int:user_id>/reactivate")
@role_required(*MANAGERS_OF_ACCOUNTS)
@fresh_login_required
def account_reactivate(user_id: int) -> ResponseReturnValue:
    return _set_active(user_id, True)


def _set_active(user_id: int, active: bool) -> ResponseReturnValue:
    try:
        user = account_admin.set_active(db.session, current_user, user_id, active)
        if active:
            flash(_("%(name)s is active again.", name=user.full_name), "success")
        else:
            flash(_("%(name)s is deactivated; their history is kept.", name=user.full_name), "success")
    except ValidationError as error:
        flash(str(error), "error")
    return redirect(url_for("hr_accounts.account_edit", user_id=user_id))


@bp.route("/accounts/<int:user_id>/erase", methods=["GET", "POST"])
@role_required(*MANAGERS_OF_ACCOUNTS)
@fresh_login_required
def account_erase(user_id: int) -> ResponseReturnValue:
    """Erase a person who has left (deactivated first), confirmed by typing their username. A person
    who may not be erased (active, oneself, the last president...) gets the page saying why."""
    account = account_admin.get_account(db.session, user_id)
    form = EraseForm()
    try:
        erasure.check_erasable(db.session, current_user, account)
    except (Conflict, Forbidden) as error:
        return render_template("hr/erase.html", account=account, form=None, problem=str(error)), \
            error.status_code
    if form.validate_on_submit():
        try:
            erased = erasure.erase_person(db.session, current_user, user_id, form.confirm.data, utcnow())
        except ValidationError as error:
            db.session.rollback()
            show_errors(form, error, default=form.confirm)
        else:
            flash(_("Erased: the account is now “%(name)s”, without personal data.", name=erased.full_name),
                  "success")
            return redirect(url_for("hr_accounts.account_edit", user_id=user_id))
    return render_template("hr/erase.html", account=account, form=form, problem=None), \
        422 if form.errors else 200


@bp.post("/accounts/<int:user_id>/reset-password")
@role_required(*MANAGERS_OF_ACCOUNTS)
@fresh_login_required
def account_reset_password(user_id: int) -> ResponseReturnValue:
    user, password = account_admin.reset_password(db.session, current_user, user_id)
    return render_template("hr/one_time_password.html", people=[(user, password)],
                           title=_("Password reset"))


@bp.route("/accounts/import", methods=["GET", "POST"])
@role_required(*MANAGERS_OF_ACCOUNTS)
@fresh_login_required
def account_import() -> ResponseReturnValue:
    form = ImportForm()
    problems: list[tuple[int, str]] = []
    if form.validate_on_submit():
        try:
            imported = import_handouts.import_with_handout(db.session, current_user, form.file.data.read(),
                                                           replaces=_stored_handout_id())
        except CsvImportError as error:
            db.session.rollback()
            problems = error.problems
            form.file.errors = [str(error)]
        else:
            session[IMPORT_HANDOUT] = {"id": imported.handout_id, "key": imported.key}
            title = ngettext("%(num)d account imported", "%(num)d accounts imported", len(imported.accounts))
            return render_template("hr/one_time_password.html", title=title,
                                   people=[(i.user, i.password) for i in imported.accounts],
                                   handout_until=imported.expires_at)
    return render_template("hr/import.html", form=form, problems=problems,
                           columns=CSV_COLUMNS), 422 if form.errors else 200


def _stored_handout() -> tuple[int, str]:
    """The id and key of this session's last import's passwords (HandoutGone without one)."""
    stored = session.get(IMPORT_HANDOUT)
    if not isinstance(stored, dict) or not isinstance(stored.get("id"), int) \
            or not isinstance(stored.get("key"), str):
        raise import_handouts.HandoutGone()
    return stored["id"], stored["key"]


def _stored_handout_id() -> int | None:
    """The id of the passwords of this session's last import, which a new import replaces."""
    stored = session.get(IMPORT_HANDOUT)
    return stored["id"] if isinstance(stored, dict) and isinstance(stored.get("id"), int) else None


@bp.get("/accounts/import/handout")
@role_required(*MANAGERS_OF_ACCOUNTS)
@fresh_login_required
def import_handout() -> ResponseReturnValue:
    """The last import's hand-out sheets, one printed page per person, each in the person's language;
    until its CSV is downloaded or 15 minutes have passed."""
    handout = import_handouts.open_handout(db.session, current_user, *_stored_handout())
    sign_in, zone = url_for("auth.login", _external=True), company_zone()
    sheets = []
    for person in handout.people:
        with force_locale(person.language):
            sheets.append(Markup(render_template("hr/_handout_sheet.html", person=person, sign_in=sign_in,
                                                 zone=zone, zone_label=format_zone(zone))))
    response = Response(render_template("hr/handout.html", sheets=sheets, handout=handout))
    response.headers["Cache-Control"] = "no-store"  # the passwords stay out of the browser's cache
    return response


@bp.post("/accounts/import/passwords.csv")
@role_required(*MANAGERS_OF_ACCOUNTS)
@fresh_login_required
def import_csv() -> ResponseReturnValue:
    """The last import's accounts and one-time passwords as a CSV, once."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    handout_id, key = _stored_handout()
    body = import_handouts.take_csv(db.session, current_user, handout_id, key,
                                    url_for("auth.login", _external=True))
    session.pop(IMPORT_HANDOUT, None)
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="one-time-passwords.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/departments", methods=["GET", "POST"])
@role_required(*MANAGERS_OF_ACCOUNTS)
def department_list():
    form = DepartmentForm()
    # A department's name, not a person's (the two read differently in Chinese).
    form.name.label.text = pgettext("department", "Name")
    form.parent_id.choices = _department_choices()
    if form.validate_on_submit():
        try:
            department = account_admin.create_department(
                db.session, form.name.data, form.parent_id.data or None, form.name_zh.data)
            flash(_("Department %(name)s created.", name=department.name), "success")
            return redirect(url_for("hr_accounts.department_list"))
        except ValidationError as error:
            db.session.rollback()
            show_errors(form, error)
    return _departments_page(form)


def _departments_page(form: DepartmentForm, head_forms: dict[int, DepartmentHeadForm] | None = None,
                      name_forms: dict[int, DepartmentNamesForm] | None = None) -> ResponseReturnValue:
    departments = account_admin.departments(db.session)
    choices = _people_choices()
    head_forms = head_forms or {}
    name_forms = name_forms or {}
    for department in departments:
        if department.id not in name_forms:
            name_forms[department.id] = DepartmentNamesForm(
                formdata=None, prefix=f"n{department.id}", data={"name": department.name,
                                                                "name_zh": department.name_zh})
    for department in departments:
        if department.id not in head_forms:
            head_forms[department.id] = DepartmentHeadForm(
                formdata=None, prefix=f"d{department.id}", data={"head_id": department.head_id or NOBODY})
        head_forms[department.id].head_id.choices = (
            choices if department.head is None or department.head.active
            else _people_choices(keep=department.head))
    failed = (form.errors or any(f.errors for f in head_forms.values())
              or any(f.errors for f in name_forms.values()))
    return render_template("hr/departments.html", form=form, departments=departments,
                           head_forms=head_forms, name_forms=name_forms), 422 if failed else 200


def _new_department_form() -> DepartmentForm:
    form = DepartmentForm(formdata=None)
    form.parent_id.choices = _department_choices()
    form.name.label.text = pgettext("department", "Name")
    return form


@bp.post("/departments/<int:department_id>/names")
@role_required(*MANAGERS_OF_ACCOUNTS)
def department_rename(department_id: int) -> ResponseReturnValue:
    """A department's name and Chinese name, changed on the departments page."""
    form = DepartmentNamesForm(prefix=f"n{department_id}")
    form.name.label.text = pgettext("department", "Name")
    if form.validate_on_submit():
        try:
            department = department_names.rename(db.session, current_user, department_id, form.name.data,
                                                 form.name_zh.data)
            flash(_("Department %(name)s saved.", name=department.full_name), "success")
            return redirect(url_for("hr_accounts.department_list"))
        except ValidationError as error:
            db.session.rollback()
            show_errors(form, error, default=form.name)
    return _departments_page(_new_department_form(), name_forms={department_id: form})


@bp.post("/departments/<int:department_id>/head")
@role_required(*MANAGERS_OF_ACCOUNTS)
def department_head(department_id: int) -> ResponseReturnValue:
    """The department's head, chosen on the departments page."""
    form = DepartmentHeadForm(prefix=f"d{department_id}")
    if form.validate_on_submit():
        try:
            department = reporting.set_department_head(db.session, current_user, department_id,
                                                       form.head_id.data or None)
            flash(_("Head of %(department)s saved.", department=department.name), "success")
            return redirect(url_for("hr_accounts.department_list"))
        except ValidationError as error:
            db.session.rollback()
            show_errors(form, error, default=form.head_id)
    form.head_id.errors = form.head_id.errors or [_("Choose the head from the list.")]
    return _departments_page(_new_department_form(), {department_id: form})
