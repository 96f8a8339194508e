"""The interface language: complete catalogs, and who decides which language a page is in."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from flask_babel import refresh

from courseware.extensions import db
from courseware.formatting import format_date, format_percent
from courseware.i18n_catalogs import check
from courseware.language import normalize_language
from courseware.models import User
from tests.conftest import csrf_from


def test_every_catalog_is_complete_and_current():
    problems = check()
    assert not problems, "\n".join(map(str, problems[:40]))


@pytest.mark.parametrize("asked, served", [
    ("zh-CN", "zh_CN"), ("zh_CN", "zh_CN"), ("zh", "zh_CN"), ("zh-TW", "zh_CN"), ("en-GB", "en"),
    ("en", "en"), ("fr", None), ("", None), (None, None),
])
def test_requested_languages_map_to_the_supported_ones(asked, served):
    assert normalize_language(asked) == served


def test_accept_language_chooses_the_page_language(client):
    chinese = client.get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"})
    assert '<html lang="zh-CN">' in chinese.get_data(as_text=True)
    english = client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert '<html lang="en">' in english.get_data(as_text=True)
    assert "Accept-Language" in english.headers["Vary"]


def test_first_supported_language_in_the_header_wins(client):
    page = client.get("/login", headers={"Accept-Language": "fr-FR, de;q=0.9, zh-CN;q=0.8, en;q=0.5"})
    assert '<html lang="zh-CN">' in page.get_data(as_text=True)


def test_without_any_signal_the_site_default_is_used(app, client):
    assert '<html lang="en">' in client.get("/login").get_data(as_text=True)
    app.config["SITE_LANGUAGE"] = "zh_CN"
    assert '<html lang="zh-CN">' in client.get("/login").get_data(as_text=True)


def test_a_visitor_switches_language_with_a_cookie(client):
    page = client.get("/login")
    response = client.post("/language", data={
        "language": "zh_CN", "next": "/login?next=%2F", "csrf_token": csrf_from(page.get_data(as_text=True)),
    })
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=%2F"
    # The choice outweighs the browser's header.
    after = client.get("/login", headers={"Accept-Language": "en"})
    assert '<html lang="zh-CN">' in after.get_data(as_text=True)


def test_the_switcher_offers_the_other_language_in_its_own_name(client):
    html = client.get("/login").get_data(as_text=True)
    assert 'value="zh_CN" lang="zh-CN"' in html and "简体中文" in html
    assert "语言：" in client.get("/login", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)


def test_the_profile_setting_wins_over_the_header_and_is_stored(manager):
    response = manager.post("/language", data={"language": "zh_CN", "next": "/account"})
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    assert db.session.scalar(sa.select(User.locale).where(User.id == manager.user.id)) == "zh_CN"
    manager.client.delete_cookie("lang")
    page = manager.get("/account", headers={"Accept-Language": "en-US"})
    assert '<html lang="zh-CN">' in page.get_data(as_text=True)


def test_auto_clears_the_profile_setting(manager):
    manager.post("/language", data={"language": "zh_CN"})
    manager.post("/language", data={"language": "auto"})
    assert db.session.scalar(sa.select(User.locale).where(User.id == manager.user.id)) is None
    page = manager.get("/account", headers={"Accept-Language": "en"})
    assert '<html lang="en">' in page.get_data(as_text=True)


@pytest.mark.parametrize("value", ["fr", "", "auto", "zh_CN<script>"])
def test_an_unknown_language_is_refused_for_a_visitor(client, value):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    assert client.post("/language", data={"language": value, "csrf_token": token}).status_code == 400


def test_an_unknown_language_changes_nothing_for_a_person(manager):
    manager.post("/language", data={"language": "zh_CN"})
    assert manager.post("/language", data={"language": "klingon"}).status_code == 400
    assert db.session.scalar(sa.select(User.locale).where(User.id == manager.user.id)) == "zh_CN"


def test_the_switcher_needs_a_csrf_token(manager):
    response = manager.client.post("/language", data={"language": "zh_CN"})
    assert response.status_code == 400


def test_the_switcher_never_redirects_off_the_site(manager):
    response = manager.post("/language", data={"language": "en", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"


def test_dates_and_percentages_follow_the_language(app):
    # Each real request has its own app context; these share the fixture's, so forget the last choice.
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        refresh()
        assert format_date(date(2026, 11, 5)) == "2026年11月5日"
        assert format_percent(42) == "42%"
    with app.test_request_context(headers={"Accept-Language": "en"}):
        refresh()
        assert format_date(date(2026, 11, 5)) == "5 November 2026"


def test_one_demo_manager_reads_in_chinese(app):
    from courseware.services.ops.demo import seed_demo

    seed_demo(db.session, password="demo-password-for-tests")
    languages = dict(db.session.execute(sa.select(User.username, User.locale)).all())
    assert languages["zhang.wei"] == "zh_CN"
    assert languages["wang.lei"] is None


def test_the_account_page_sets_and_clears_the_language(manager):
    page = manager.get("/account").get_data(as_text=True)
    assert 'id="language-auto" value="auto" checked' in page
    manager.post("/language", data={"language": "zh_CN", "next": "/account"})
    page = manager.get("/account").get_data(as_text=True)
    assert 'id="language-zh_CN" value="zh_CN" checked' in page and "跟随浏览器的语言" in page
