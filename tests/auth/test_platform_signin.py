"""Sign-in with WeCom, DingTalk and Feishu (courseware/auth/platforms.py) through the site's own routes,
against the local fake platforms (tests/fakes/work_platforms.py): the browser's trip to the platform's
sign-in page is made with requests, everything else is the real flow."""
from __future__ import annotations

import socket
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sqlalchemy import select

from courseware.extensions import db
from courseware.models import AuditEvent, ExternalIdentity
from tests.auth.test_oidc import sign_out
from tests.fakes.work_platforms import IDS

SITE_URL = "https://courses.example.com"
PLATFORMS = ["wecom", "dingtalk", "feishu"]
LABELS = {"wecom": "Sign in with WeCom", "dingtalk": "Sign in with DingTalk", "feishu": "Sign in with Feishu"}
# Where each platform says who signed in (the answer a platform error is put on).
WHO = {"wecom": "/cgi-bin/auth/getuserinfo", "dingtalk": "/v1.0/oauth2/userAccessToken",
       "feishu": "/open-apis/authen/v2/oauth/token"}


@pytest.fixture
def platforms(app, work_platforms):
    app.config.update({**work_platforms.settings(), "SITE_URL": SITE_URL})
    return work_platforms


def start(http, platform: str, next_path: str | None = "/me"):
    response = http.get(f"/login/{platform}", query_string={"next": next_path} if next_path else {})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def at_platform(location: str) -> tuple[str, dict]:
    """The browser at the platform's sign-in page: where it is sent back to."""
    back = requests.get(location, allow_redirects=False, timeout=5)
    assert back.status_code == 302
    parts = urlsplit(back.headers["Location"])
    return f"{parts.scheme}://{parts.netloc}{parts.path}", {k: v[0] for k, v in parse_qs(parts.query).items()}


def sign_in(http, fake, platform: str, as_user: str = "wang.lei", next_path: str | None = "/me"):
    fake.signed_in_as = as_user
    url, query = at_platform(start(http, platform, next_path))
    assert url == f"{SITE_URL}/login/{platform}/callback"
    return http.get(urlsplit(url).path, query_string=query)


def audit(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                   .order_by(AuditEvent.id)))


@pytest.fixture
def wang(make_user):
    user = make_user(username="wang.lei", full_name="Wang Lei")
    user.email = "wang.lei@example.com"
    db.session.commit()
    return user


def test_buttons_only_for_configured_platforms(app, client, work_platforms):
    page = client.get("/login").get_data(as_text=True)
    assert "/login/wecom" not in page and "Sign in with" not in page
    assert [client.get(f"/login/{name}").status_code for name in PLATFORMS] == [404, 404, 404]
    assert client.get("/login/wecom/callback?code=x&state=y").status_code == 404
    app.config.update(work_platforms.settings("dingtalk"))
    page = client.get("/login?next=/me").get_data(as_text=True)
    assert ('<a class="button button-block sso-button" href="/login/dingtalk?next=/me">'
            'Sign in with DingTalk</a>') in page
    assert "WeCom" not in page and "Feishu" not in page and 'name="password"' in page
    app.config.update(work_platforms.settings())
    page = client.get("/login").get_data(as_text=True)
    assert all(label in page for label in LABELS.values())
    assert client.get("/login/slack").status_code == 404


@pytest.mark.parametrize("platform", PLATFORMS)
def test_the_authorization_request_carries_the_app_and_a_fresh_state(platforms, client, platform):
    request = {k: v[0] for k, v in parse_qs(urlsplit(start(client, platform)).query).items()}
    assert request["redirect_uri"] == f"{SITE_URL}/login/{platform}/callback"
    assert request.get("appid", request.get("client_id")) == IDS[platform]
    assert len(request["state"]) >= 32
    assert request["state"] != parse_qs(urlsplit(start(client, platform)).query)["state"][0]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_signing_in_links_the_account_once_and_starts_a_new_session(platforms, client, wang, platform):
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    response = sign_in(client, platforms, platform)
    assert response.status_code == 302 and response.headers["Location"] == "/me"
    with client.session_transaction() as session:
        assert "planted" not in session and "platform_signin" not in session and "_user_id" in session
    assert "Wang Lei" in client.get("/").get_data(as_text=True)
    link = db.session.scalar(select(ExternalIdentity))
    assert (link.provider, link.subject, link.user_id) == (platform, "wang.lei", wang.id)
    # WeCom and Feishu give the company mailbox; DingTalk's e-mail is the person's own: the username.
    how = "username" if platform == "dingtalk" else "e-mail"
    assert audit("account.link")[-1].details == f"provider={platform}; subject=wang.lei; matched by {how}"
    assert audit("login")[-1].details == f"via {platform}; {how}"
    sign_out(client)
    assert sign_in(client, platforms, platform).status_code == 302
    assert audit("login")[-1].details == f"via {platform}; identity" and len(audit("account.link")) == 1


@pytest.mark.parametrize("platform", PLATFORMS)
def test_someone_with_no_account_here_is_refused(platforms, client, wang, platform):
    response = sign_in(client, platforms, platform, as_user="stranger")
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "Sign-in did not work" in page and "No account here belongs to the company account" in page
    assert f'href="/login/{platform}">Try again</a>' in page
    assert "/logout" not in client.get("/login").get_data(as_text=True)
    failed = audit("login.failed")[-1]
    assert (failed.actor, failed.details) == ("stranger", f"via {platform}; no account")


def test_wecom_without_permission_to_read_members_links_by_user_id(platforms, client, wang):
    platforms.fail("wecom", "/cgi-bin/user/get", 60011, "no privilege to access/modify contact/party/agent")
    assert sign_in(client, platforms, "wecom").status_code == 302
    assert audit("account.link")[-1].details == "provider=wecom; subject=wang.lei; matched by username"


@pytest.mark.parametrize("platform", ["wecom", "dingtalk"])
def test_someone_outside_the_company_is_refused(platforms, client, platform):
    response = sign_in(client, platforms, platform, as_user="outsider")
    assert response.status_code == 403
    assert "not a member of the company" in response.get_data(as_text=True)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_state_that_is_not_this_sessions_is_refused(platforms, client, wang, platform):
    location = start(client, platform)
    url, query = at_platform(location)
    assert client.get(urlsplit(url).path, query_string={**query, "state": "国"}).status_code == 400
    url, query = at_platform(start(client, platform))
    forged = client.get(urlsplit(url).path, query_string={**query, "state": "made-up"})
    assert forged.status_code == 400
    assert "already used, has expired, or did not start here" in forged.get_data(as_text=True)
    # The state was spent by the failed try: the genuine return is refused too.
    assert client.get(urlsplit(url).path, query_string=query).status_code == 400
    # A return in another browser (no state in its session) is refused; the same in this one, once.
    url, query = at_platform(start(client, platform))
    other = type(client)(client.application, client.response_wrapper)
    assert other.get(urlsplit(url).path, query_string=query).status_code == 400
    assert client.get(urlsplit(url).path, query_string=query).status_code == 302
    sign_out(client)
    assert client.get(urlsplit(url).path, query_string=query).status_code == 400
    assert audit("login.failed")[-1].details == f"via {platform}; state mismatch"


def test_a_state_from_another_platforms_sign_in_is_refused(platforms, client, wang):
    url, query = at_platform(start(client, "wecom"))
    assert client.get("/login/feishu/callback", query_string=query).status_code == 400


@pytest.mark.parametrize("platform,code,words", [
    ("wecom", 40029, "invalid code"),
    ("dingtalk", "invalidParameter.authCode", "authCode is invalid"),
    ("feishu", 20003, "code is invalid"),
])
def test_a_platform_error_is_a_clear_page(platforms, client, wang, platform, code, words):
    platforms.fail(platform, WHO[platform], code, words)
    response = sign_in(client, platforms, platform)
    assert response.status_code == 401
    page = response.get_data(as_text=True)
    assert f"refused the sign-in (error {code}: {words})" in page
    assert audit("login.failed")[-1].details == f"via {platform}; error {code} at {WHO[platform]}"


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_code_used_twice_is_refused_by_the_platform(platforms, client, wang, platform):
    platforms.signed_in_as = "wang.lei"
    url, query = at_platform(start(client, platform))
    path = urlsplit(url).path
    assert client.get(path, query_string=query).status_code == 302
    sign_out(client)
    url2, query2 = at_platform(start(client, platform))
    response = client.get(path, query_string={**query2, "code": query.get("code") or query["authCode"],
                                              "authCode": query.get("authCode") or ""})
    assert response.status_code == 401 and "refused the sign-in" in response.get_data(as_text=True)


@pytest.mark.parametrize("platform", ["wecom", "dingtalk"])
def test_an_expired_app_token_is_fetched_again_during_a_sign_in(platforms, client, wang, platform):
    assert sign_in(client, platforms, platform).status_code == 302
    sign_out(client)
    platforms.expire_tokens(platform)
    assert sign_in(client, platforms, platform).status_code == 302
    assert platforms.token_requests[platform] == 2


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_platform_out_of_reach_is_a_clear_page(app, platforms, client, wang, platform):
    url, query = at_platform(start(client, platform))
    app.config[f"{platform.upper()}_BASE_URL"] = f"http://127.0.0.1:{_closed_port()}"
    response = client.get(urlsplit(url).path, query_string=query)
    assert response.status_code == 503
    assert "cannot be reached just now" in response.get_data(as_text=True)


def test_an_answer_in_another_shape_is_a_clear_page(platforms, client, wang, monkeypatch):
    from tests.fakes import work_platform_routes
    monkeypatch.setattr(work_platform_routes, "_feishu_ok",
                        lambda data: (200, {}, {"code": 0, "data": ["not", "an", "object"]}))
    response = sign_in(client, platforms, "feishu")
    assert response.status_code == 503 and "Feishu cannot be reached" in response.get_data(as_text=True)
    assert audit("login.failed")[-1].details == "via feishu; unexpected answer: AttributeError"


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_cancelled_sign_in_is_a_clear_page(platforms, client, platform):
    url, query = at_platform(start(client, platform))
    response = client.get(urlsplit(url).path,
                          query_string={"state": query["state"], "error": "access_denied"})
    assert response.status_code == 401 and "The sign-in was cancelled" in response.get_data(as_text=True)


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example"])
@pytest.mark.parametrize("platform", PLATFORMS)
def test_next_never_leaves_the_site(platforms, client, wang, platform, target):
    assert sign_in(client, platforms, platform, next_path=target).headers["Location"] == "/"


def test_the_sign_in_pages_speak_chinese(platforms, client):
    client.set_cookie("lang", "zh_CN")
    page = client.get("/login").get_data(as_text=True)
    assert ">使用企业微信登录</a>" in page and ">使用钉钉登录</a>" in page and ">使用飞书登录</a>" in page


@pytest.mark.parametrize("platform", PLATFORMS)
def test_an_account_is_made_at_sign_in_only_when_allowed(app, platforms, client, platform):
    app.config["SSO_CREATE_ACCOUNTS"] = True
    assert sign_in(client, platforms, platform, as_user="stranger").status_code == 302
    user = db.session.scalar(select(ExternalIdentity)).user
    assert (user.username, user.full_name, user.role) == ("stranger", "Stranger Member", "manager")
    assert audit("account.create")[-1].details == f"role=manager; at sign-in via {platform}"


def test_with_password_sign_in_off_the_platforms_are_the_way_in(app, platforms, client):
    app.config["PASSWORD_SIGNIN"] = False
    page = client.get("/login").get_data(as_text=True)
    assert all(label in page for label in LABELS.values())
    assert "Emergency sign-in with a password" in page
