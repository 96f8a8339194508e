"""Sign-in with the company's accounts end to end, through a real OpenID provider (tests/oidc/conftest.py):
the site (Flask's test client) sends the browser to the provider; the browser (a requests session, with
its own cookies) signs in on the provider's development login page and consents; the provider sends it
back with a code, which the site exchanges for real tokens over HTTP, checks, and signs the person in."""
from __future__ import annotations

import re
from urllib.parse import urljoin

import pytest
import requests
from sqlalchemy import select

from courseware.auth import oidc
from courseware.extensions import db
from courseware.models import AuditEvent, ExternalIdentity
from tests.conftest import csrf_from
from tests.oidc.conftest import CLIENT_ID, CLIENT_SECRET, SITE_URL


@pytest.fixture
def company_sign_in(app, oidc_provider):
    app.config.update({"OIDC_ISSUER": oidc_provider.issuer, "OIDC_CLIENT_ID": CLIENT_ID,
                       "OIDC_CLIENT_SECRET": CLIENT_SECRET, "OIDC_BUTTON_LABEL": "Sign in with Test ID",
                       "SITE_URL": SITE_URL})
    oidc.init_app(app)
    return oidc_provider


def at_the_provider(url: str, login_name: str) -> str:
    """A browser at the provider: follows its redirects, signs in as `login_name` on its login page and
    consents; returns the address it sends the browser back to (the site's callback)."""
    browser = requests.Session()
    for _step in range(12):
        if url.startswith(SITE_URL):
            return url
        answer = browser.get(url, allow_redirects=False, timeout=10)
        if not answer.is_redirect:  # a page with a form: the login, or the consent
            action = re.search(r'<form[^>]*action="([^"]+)"', answer.text)
            prompt = re.search(r'name="prompt" value="(\w+)"', answer.text)
            assert action and prompt, answer.text[:500]
            data = {"prompt": prompt[1], "login": login_name, "password": "any"}
            answer = browser.post(urljoin(url, action[1]), data=data, allow_redirects=False, timeout=10)
            assert answer.is_redirect, answer.text[:500]
        url = urljoin(url, answer.headers["Location"])
    raise AssertionError(f"the provider never sent the browser back: {url}")


def sign_in(client, login_name: str, next_path: str = "/"):
    page = client.get(f"/login?next={next_path}").get_data(as_text=True)
    start = re.search(r'href="(/auth/oidc/login[^"]*)">Sign in with Test ID</a>', page)
    assert start, "no sign-in button"
    to_provider = client.get(start[1].replace("&amp;", "&"))
    assert to_provider.status_code == 302
    back = at_the_provider(to_provider.headers["Location"], login_name)
    return client.get(back.removeprefix(SITE_URL)), back


def test_a_manager_signs_in_with_the_company_account_and_no_password(company_sign_in, client, make_user,
                                                                   course):
    manager = make_user(username="wang.lei", full_name="Wang Lei")
    manager.email = "wang.lei@example.com"  # the provider's account "wang.lei" has this address, verified
    db.session.commit()

    response, _ = sign_in(client, "wang.lei", "/me")

    assert response.status_code == 302 and response.headers["Location"] == "/me"
    assert "Wang Lei" in client.get("/me").get_data(as_text=True)
    assert "Welcome, Wang Lei" in client.get("/").get_data(as_text=True)
    link = db.session.scalar(select(ExternalIdentity))
    assert (link.provider, link.subject, link.user_id) == (company_sign_in.issuer, "wang.lei", manager.id)
    logins = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "login")).all()
    assert [event.details for event in logins] == [f"via {company_sign_in.issuer}; e-mail"]

    # Signed out and in again: the stored link finds him.
    sign_out(client)
    again, _ = sign_in(client, "wang.lei")
    assert again.status_code == 302 and again.headers["Location"] == "/"
    assert db.session.scalars(select(AuditEvent.details).where(AuditEvent.action == "login")).all()[-1] == (
        f"via {company_sign_in.issuer}; identity")


def test_a_company_account_with_no_account_here_is_refused(company_sign_in, client):
    response, _ = sign_in(client, "stranger")
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "No account here belongs to the company account you signed in with" in page


def test_a_return_address_works_once(company_sign_in, client, make_user, app):
    make_user(username="liu.fang").email = "liu.fang@example.com"
    db.session.commit()
    response, back = sign_in(client, "liu.fang")
    assert response.status_code == 302
    # The same code and state again, in this browser or another: refused, never a second sign-in.
    assert client.get(back.removeprefix(SITE_URL)).status_code == 400
    assert app.test_client().get(back.removeprefix(SITE_URL)).status_code == 400


def sign_out(client) -> None:
    token = csrf_from(client.get("/account").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/account").status_code == 302
