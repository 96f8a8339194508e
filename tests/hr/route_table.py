"""The HR pages in the route × role table: endpoint -> (method, url template, {role: status}).

URL templates may use the names that url_values() returns, and those of tests/test_routes.py.
Reports are read by HR and the president, who also set each course's certificate settings;
assignments and nudges are HR's alone; accounts are managed by HR and the president (only a
president may grant the president role); both see and test the notification channels and read the
delivery log. A line manager reads the same reports of their team on /team (the owner reports to
the lead); nobody else has a team there.
"""
from courseware.extensions import db
from courseware.models import Assignment, ExternalIdentity
from tests.route_roles import HR, PRESIDENT, lead_only, only

ROUTES: dict = {
    "hr.overview": ("GET", "/hr/", only(HR, PRESIDENT)),
    "hr.people": ("GET", "/hr/people", only(HR, PRESIDENT)),
    "hr.person": ("GET", "/hr/people/{owner_id}", only(HR, PRESIDENT)),
    "hr.questions": ("GET", "/hr/questions", only(HR, PRESIDENT)),
    "hr.export_progress": ("GET", "/hr/export/progress.csv", only(HR, PRESIDENT)),
    "hr.export_attempts": ("GET", "/hr/export/attempts.csv", only(HR, PRESIDENT)),
    "hr.certificate_settings": ("GET", "/hr/courses/{course_id}/certificate", only(HR, PRESIDENT)),
    "hr.assignment_list": ("GET", "/hr/assignments", only(HR)),
    "hr.assignment_delete": ("POST", "/hr/assignments/{assignment_id}/delete", only(HR, ok=302)),
    "hr_accounts.account_list": ("GET", "/hr/accounts", only(HR, PRESIDENT)),
    "hr_accounts.account_new": ("GET", "/hr/accounts/new", only(HR, PRESIDENT)),
    "hr_accounts.account_edit": ("GET", "/hr/accounts/{owner_id}", only(HR, PRESIDENT)),
    "hr_accounts.account_deactivate": ("POST", "/hr/accounts/{owner_id}/deactivate",
                                       only(HR, PRESIDENT, ok=302)),
    "hr_accounts.account_reactivate": ("POST", "/hr/accounts/{owner_id}/reactivate",
                                       only(HR, PRESIDENT, ok=302)),
    "hr_accounts.account_reset_password": ("POST", "/hr/accounts/{owner_id}/reset-password",
                                           only(HR, PRESIDENT)),
    # The owner is active: erasing them is refused until deactivated (tests/hr/test_erasure_views.py).
    "hr_accounts.account_erase": ("GET", "/hr/accounts/{owner_id}/erase", only(HR, PRESIDENT, ok=409)),
    # Removing the owner's link to a company account (a wrong first-time match), back to their form.
    "hr_accounts.account_unlink": ("POST", "/hr/accounts/{owner_id}/identities/{identity_id}/unlink",
                                   only(HR, PRESIDENT, ok=302)),
    "hr_accounts.account_import": ("GET", "/hr/accounts/import", only(HR, PRESIDENT)),
    # An import's hand-out sheets and CSV: nothing imported in this session, so gone (410) for HR and
    # the president (tests/hr/test_account_import.py: the importer's own, for 15 minutes).
    "hr_accounts.import_handout": ("GET", "/hr/accounts/import/handout", only(HR, PRESIDENT, ok=410)),
    "hr_accounts.import_csv": ("POST", "/hr/accounts/import/passwords.csv", only(HR, PRESIDENT, ok=410)),
    "hr_accounts.audit_log": ("GET", "/hr/audit", only(HR, PRESIDENT)),
    "hr_accounts.department_list": ("GET", "/hr/departments", only(HR, PRESIDENT)),
    # Notification settings and the delivery log; the test posted without a channel is refused (400).
    "hr_notifications.overview": ("GET", "/hr/notifications", only(HR, PRESIDENT)),
    "hr_notifications.send_test": ("POST", "/hr/notifications/test", only(HR, PRESIDENT, ok=400)),
    # HR's nudge: the preview of one person (the owner has an assignment); posted with nobody chosen,
    # back to People with the message (tests/hr/test_nudge.py sends real ones).
    "hr_nudge.preview": ("GET", "/hr/nudge?user={owner_id}", only(HR)),
    "hr_nudge.send": ("POST", "/hr/nudge", only(HR, ok=303)),
    # Posted empty: the department has no head.
    "hr_accounts.department_head": ("POST", "/hr/departments/{department_id}/head",
                                    only(HR, PRESIDENT, ok=302)),
    # Posted empty: the name is missing (the page again, with the error).
    "hr_accounts.department_rename": ("POST", "/hr/departments/{department_id}/names",
                                      only(HR, PRESIDENT, ok=422)),
    # Read-only copies of the president's insights and pulse figures (tests/hr/test_insight_pages.py).
    "hr_insights.insights": ("GET", "/hr/insights", only(HR, PRESIDENT)),
    "hr_insights.pulse_list": ("GET", "/hr/pulses", only(HR, PRESIDENT)),
    "hr_insights.pulse": ("GET", "/hr/pulses/{pulse_open}", only(HR, PRESIDENT)),
    "hr_insights.trends": ("GET", "/hr/pulses/trends", only(HR, PRESIDENT)),
    "team.overview": ("GET", "/team", lead_only()),
    "team.people": ("GET", "/team/people", lead_only()),
    "team.person": ("GET", "/team/people/{owner_id}", lead_only()),
    "team.export_progress": ("GET", "/team/export/progress.csv", lead_only()),
    "team.export_attempts": ("GET", "/team/export/attempts.csv", lead_only()),
}


def url_values(course, owner) -> dict:
    """Values for this table's URL templates; `owner` is a manager with an attempt and a certificate."""
    assignment = Assignment(course=course, user=owner, due_days=30)
    identity = ExternalIdentity(provider="wecom", subject="owner-at-wecom", user=owner)
    db.session.add_all([assignment, identity])
    db.session.commit()
    return {"owner_id": owner.id, "assignment_id": assignment.id, "course_id": course.id,
            "department_id": owner.department_id, "identity_id": identity.id}
