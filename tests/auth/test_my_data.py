""""My data" on /account: the download of everything the site holds about the signed-in person, and
the public privacy page."""
from __future__ import annotations

import io
import json
import zipfile

import sqlalchemy as sa

from courseware.extensions import db
from courseware.models import AuditEvent
from tests.conftest import SignedInClient, login


def test_the_account_page_leads_to_the_download(manager):
    page = manager.get("/account").get_data(as_text=True)
    assert 'href="/account/data"' in page and 'href="/privacy"' in page
    page = manager.get("/account/data").get_data(as_text=True)
    assert "Download my data (ZIP)" in page and 'action="/account/data"' in page


def test_the_download_is_a_zip_of_the_persons_data_and_is_audited(manager):
    response = manager.post("/account/data")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and f"my-data-{manager.user.username}-" in disposition
    assert response.headers["Cache-Control"] == "no-store"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    profile = json.loads(archive.read("profile.json"))
    assert (profile["username"], profile["full_name"]) == (manager.user.username, manager.user.full_name)
    # Signing in for this test is in it: a sign-in session and the "login" entry of the trail.
    assert len(json.loads(archive.read("sign_in_sessions.json"))) == 1
    assert "login" in {e["action"] for e in json.loads(archive.read("audit.json"))}
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "account.data_export")).one()
    assert (event.actor, event.target) == (manager.user.username, manager.user.username)


def test_the_readme_is_in_the_persons_language(app, make_user):
    user = make_user()
    user.locale = "zh_CN"
    db.session.commit()
    client = SignedInClient(app.test_client(), user)
    archive = zipfile.ZipFile(io.BytesIO(client.post("/account/data").data))
    readme = archive.read("README.txt").decode()
    assert "您在企业文化课程中的数据" in readme and "progress.json, progress.csv: 您打开过的每节课" in readme


def test_without_the_forms_token_nothing_is_sent(manager):
    response = manager.client.post("/account/data", data={})
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))
                             .where(AuditEvent.action == "account.data_export")) == 0


def test_anonymous_visitors_sign_in_first(client):
    response = client.get("/account/data")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert client.post("/account/data").status_code == 400  # no form token: refused before anything


def test_a_session_restored_from_the_remember_cookie_confirms_the_password_first(app, make_user):
    user = make_user()
    first = app.test_client()
    login(first, user.username, remember="y")
    restored = app.test_client()
    restored.set_cookie("remember_token", first.get_cookie("remember_token").value)
    response = restored.get("/account/data")
    assert response.status_code == 302 and response.headers["Location"].startswith("/reauthenticate")


def test_the_privacy_page_is_public_and_linked_from_every_page(client):
    assert 'href="/privacy"' in client.get("/login").get_data(as_text=True)
    page = client.get("/privacy").get_data(as_text=True)
    for heading in ("What is stored, and why", "Who sees it", "For how long", "Your data, your requests"):
        assert heading in page
    assert "24 months later you are erased automatically" in page
    assert "HR and the president see counts and rates only, never what anyone wrote" in page
    assert 'href="/account/data"' not in page  # a visitor has nothing to download


def test_the_privacy_page_in_chinese_and_without_retention(app, client):
    app.config["PERSONAL_DATA_RETENTION_MONTHS"] = 0
    page = client.get("/privacy", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "隐私：您在本站的数据" in page and "谁能看到" in page
    assert "并可应您的要求删除您的个人数据" in page and "个月后" not in page
