"""Every route, for every role: a route missing from this table fails the suite."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from courseware.extensions import db
from courseware.models import Notification, RefreshCheck, User
from courseware.services import catalog
from courseware.services.catalog import published
from courseware.services.learning import progress, quizzes
from courseware.services.notifications.messages import Kind
from courseware.services.notifications.preferences import unsubscribe_token
from tests.author import route_table as author_routes
from tests.conftest import SignedInClient, csrf_from, read_lesson
from tests.discussion import route_table as discussion_routes
from tests.hr import route_table as hr_routes
from tests.practice import route_table as practice_routes
from tests.route_roles import ANON, HOST, HR, LEAD, LOGIN, MANAGER, PRESIDENT

# endpoint -> (method, url template, {role: expected status})
CORE_ROUTES = {
    "static": ("GET", "/static/css/site.css", {ANON: 200, MANAGER: 200, HR: 200, PRESIDENT: 200}),
    "favicon": ("GET", "/favicon.ico", {ANON: 200, MANAGER: 200, HR: 200, PRESIDENT: 200}),
    "apple_touch_icon": ("GET", "/apple-touch-icon.png", {ANON: 200, MANAGER: 200, HR: 200, PRESIDENT: 200}),
    "health.healthz": ("GET", "/healthz", {ANON: 200, MANAGER: 200, HR: 200, PRESIDENT: 200}),
    "auth.login": ("GET", "/login", {ANON: 200, MANAGER: 302, HR: 302, PRESIDENT: 302}),
    "auth.logout": ("POST", "/logout", {ANON: LOGIN, MANAGER: 302, HR: 302, PRESIDENT: 302}),
    "auth.reauthenticate": ("GET", "/reauthenticate", {ANON: LOGIN, MANAGER: 200, HR: 200, PRESIDENT: 200}),
    "auth.account": ("GET", "/account", {ANON: LOGIN, MANAGER: 200, HR: 200, PRESIDENT: 200}),
    # Posted empty, the password form answers with its errors.
    "auth.change_password": ("POST", "/account/password",
                             {ANON: LOGIN, MANAGER: 422, HR: 422, PRESIDENT: 422}),
    # Only after signing in with a one-time password (tests/auth/test_one_time_passwords.py); with one's own,
    # it leads back to the account page.
    "auth.choose_password": ("GET", "/account/choose-password",
                             {ANON: LOGIN, MANAGER: 302, HR: 302, PRESIDENT: 302}),
    # Posted without a choice, the time zone form answers with its error (tests/test_time_zones.py).
    "auth.set_timezone": ("POST", "/account/timezone", {ANON: LOGIN, MANAGER: 422, HR: 422, PRESIDENT: 422}),
    "auth.sign_out_everywhere": ("POST", "/account/sign-out-everywhere",
                                 {ANON: LOGIN, MANAGER: 302, HR: 302, PRESIDENT: 302}),
    # Personal data: the public privacy page, and "My data" (the page; its form POSTs for the ZIP,
    # tests/auth/test_my_data.py).
    "privacy.privacy": ("GET", "/privacy", {ANON: 200, MANAGER: 200, HR: 200, PRESIDENT: 200}),
    "privacy.my_data": ("GET", "/account/data", {ANON: LOGIN, MANAGER: 200, HR: 200, PRESIDENT: 200}),
    # Sign-in with the company's accounts is not configured here: both are not found (tests/auth/test_oidc.py
    # and tests/oidc sign in through them).
    "oidc.login": ("GET", "/auth/oidc/login", {ANON: 404, MANAGER: 404, HR: 404, PRESIDENT: 404}),
    "oidc.callback": ("GET", "/auth/oidc/callback", {ANON: 404, MANAGER: 404, HR: 404, PRESIDENT: 404}),
    # No work platform is configured here: both are not found (tests/auth/test_platform_signin.py signs in
    # through WeCom, DingTalk and Feishu's fakes).
    "platforms.login": ("GET", "/login/wecom", {ANON: 404, MANAGER: 404, HR: 404, PRESIDENT: 404}),
    "platforms.callback": ("GET", "/login/wecom/callback",
                           {ANON: 404, MANAGER: 404, HR: 404, PRESIDENT: 404}),
    # Posted without a language, the switcher answers 400 (tests/test_i18n.py posts real choices).
    "auth.choose_language": ("POST", "/language", {ANON: 400, MANAGER: 400, HR: 400, PRESIDENT: 400}),
    "learn.dashboard": ("GET", "/", {ANON: LOGIN, MANAGER: 200, HR: 200, PRESIDENT: 200}),
    "learn.course": ("GET", "/courses/{course}", {ANON: LOGIN, MANAGER: 200, HR: 200, PRESIDENT: 200}),
    "learn.lesson": ("GET", "/courses/{course}/{lesson}",
                     {ANON: LOGIN, MANAGER: 200, HR: 200, PRESIDENT: 200}),
    "learn.summary": ("GET", "/courses/{course}/{lesson}/summary",
                      {ANON: LOGIN, MANAGER: 200, HR: 200, PRESIDENT: 200}),
    # The test course's first lesson has a team discussion guide (tests/data/content).
    "learn.discussion": ("GET", "/courses/{course}/{lesson}/discussion",
                         {ANON: LOGIN, MANAGER: 200, HR: 200, PRESIDENT: 200}),
    "learn.complete": ("POST", "/courses/{course}/{lesson}/complete",
                       {ANON: LOGIN, MANAGER: 302, HR: 302, PRESIDENT: 302}),
    # The lesson page's script reports reading time and the end reached (the test posts neither).
    "learn.reading_progress": ("POST", "/courses/{course}/{lesson}/progress",
                               {ANON: LOGIN, MANAGER: 200, HR: 200, PRESIDENT: 200}),
    "learn.me": ("GET", "/me", {ANON: LOGIN, MANAGER: 200, HR: 200, PRESIDENT: 200}),
    "learn.certificate": ("GET", "/certificates/{certificate}",
                          {ANON: 200, MANAGER: 200, HR: 200, PRESIDENT: 200}),
    "learn.certificate_qr": ("GET", "/certificates/{certificate}/qr.svg",
                             {ANON: 200, MANAGER: 200, HR: 200, PRESIDENT: 200}),
    # Nobody in the table holds a certificate whose refresh is due: back to the course with a message
    # (tests/learn/test_refresh_pages.py takes the check); posted without a check, back to the page.
    "refresh.take": ("GET", "/courses/{course}/refresh",
                     {ANON: LOGIN, MANAGER: 302, HR: 302, PRESIDENT: 302}),
    "refresh.submit": ("POST", "/courses/{course}/refresh",
                       {ANON: LOGIN, MANAGER: 303, HR: 303, PRESIDENT: 303}),
    # Someone else's refresh check is "not found" for everyone, whatever their role.
    "refresh.result": ("GET", "/courses/{course}/refresh/{others_refresh_check}",
                       {ANON: LOGIN, MANAGER: 404, HR: 404, PRESIDENT: 404}),
    # Everyone's notices; another person's notice is "not found" for everyone.
    "notifications.index": ("GET", "/notifications", {ANON: LOGIN, MANAGER: 200, HR: 200, PRESIDENT: 200}),
    "notifications.open_notice": ("GET", "/notifications/{others_notice}",
                                  {ANON: LOGIN, MANAGER: 404, HR: 404, PRESIDENT: 404}),
    "notifications.read_all": ("POST", "/notifications/read",
                               {ANON: LOGIN, MANAGER: 302, HR: 302, PRESIDENT: 302}),
    # Everyone's own notification preferences (tests/notifications/test_preferences.py posts them).
    "notifications.settings": ("GET", "/account/notifications",
                               {ANON: LOGIN, MANAGER: 200, HR: 200, PRESIDENT: 200}),
    # Public: the signed link at the foot of an optional mail (tests/notifications/test_mail.py).
    "notifications.unsubscribe": ("GET", "/unsubscribe/{unsubscribe_token}",
                                  {ANON: 200, MANAGER: 200, HR: 200, PRESIDENT: 200}),
    "quiz.take": ("GET", "/courses/{course}/{lesson}/quiz",
                  {ANON: LOGIN, MANAGER: 200, HR: 200, PRESIDENT: 200}),
    # Someone else's attempt is "not found" for everyone, whatever their role.
    "quiz.review": ("GET", "/attempts/{others_attempt}",
                    {ANON: LOGIN, MANAGER: 404, HR: 404, PRESIDENT: 404}),
}
ROUTES = {**CORE_ROUTES, **hr_routes.ROUTES, **author_routes.ROUTES, **practice_routes.ROUTES,
          **discussion_routes.ROUTES}


def test_every_route_is_in_the_table(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - ROUTES.keys() == set(), "add the new routes to ROUTES with each role's status"
    assert ROUTES.keys() - endpoints == set(), "ROUTES lists a route that no longer exists"


@pytest.fixture
def url_values(course, make_user):
    """An attempt, a certificate and a refresh check that belong to somebody else, who reports to
    the lead (the LEAD role)."""
    owner = make_user(role="manager", username="owner")
    owner.manager = make_user(role="manager", username="lead")
    lesson = published.lessons(db.session, course)[0]
    attempt = quizzes.open_attempt(db.session, owner, lesson.quiz)
    quizzes.submit_attempt(db.session, owner, attempt.id,
                           {"pick-one": ["b"], "pick-many": ["a", "c"], "true-or-false": ["a"]})
    for each in published.lessons(db.session, course):
        read_lesson(owner, each)
    shown = catalog.current(db.session).course_by_id(course.id)
    certificate = progress.course_progress(db.session, owner, shown).certificate
    assert certificate is not None
    check = RefreshCheck(user_id=owner.id, course_id=course.id, certificate_id=certificate.id, questions=[])
    notice = Notification(user_id=owner.id, kind="test", message="test", params={})
    db.session.add_all([check, notice])
    db.session.commit()
    return {
        "course": course.slug,
        "lesson": lesson.slug,
        "others_attempt": attempt.id,
        "certificate": certificate.code,
        "others_refresh_check": check.id,
        "others_notice": notice.id,
        "unsubscribe_token": unsubscribe_token(owner.id, Kind.NEW_LESSON),
        **hr_routes.url_values(course, owner),
        **author_routes.url_values(course, owner),
        **practice_routes.url_values(course, owner),
        **discussion_routes.url_values(course, owner),
    }


def _roles(endpoint: str) -> list[str]:
    """Every role, and the host of the lesson questions where the route's row names them."""
    return [ANON, MANAGER, HR, PRESIDENT, LEAD] + ([HOST] if HOST in ROUTES[endpoint][2] else [])


@pytest.mark.parametrize(("endpoint", "role"), [(endpoint, role) for endpoint in sorted(ROUTES)
                                                for role in _roles(endpoint)])
def test_route_status_for_role(endpoint, role, url_values, client, signed_in, app):
    method, template, expected = ROUTES[endpoint]
    url = template.format(**url_values)
    if role == ANON and method == "POST":
        token = csrf_from(client.get("/login").get_data(as_text=True))
        response = client.post(url, data={"csrf_token": token})
    elif role == ANON:
        response = client.get(url)
    else:
        if role in (LEAD, HOST):
            named = db.session.scalar(select(User).where(User.username == role))
            user_client = SignedInClient(app.test_client(), named)
        else:
            user_client = signed_in(role)
        response = user_client.get(url) if method == "GET" else user_client.post(url)
    wanted = expected.get(role, expected[MANAGER])
    if wanted == LOGIN:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")
    else:
        assert response.status_code == wanted, response.get_data(as_text=True)[:500]


def test_unknown_url_is_a_404_page(manager):
    response = manager.get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_unpublished_lesson_is_not_found(manager, course):
    lesson = published.lessons(db.session, course)[1]
    lesson.published_revision_id = None
    db.session.commit()
    assert manager.get(f"/courses/{course.slug}/{lesson.slug}").status_code == 404


def test_wrong_method_is_a_405_page(manager):
    response = manager.get("/logout")
    assert response.status_code == 405
    assert "not allowed" in response.get_data(as_text=True)
