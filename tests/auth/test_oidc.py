"""Sign-in with the company's accounts, through the site's own routes: the provider's discovery, keys and
token answer are stood in for (tokens signed here, tests/auth/test_id_tokens.py's), everything else is
the real flow. tests/oidc signs in through a real provider."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from courseware.auth import oidc
from courseware.extensions import db
from courseware.models import AuditEvent, ExternalIdentity, User
from tests.auth.test_id_tokens import CLIENT_ID, ISSUER, JWKS, NOW, OTHER_KEY, claims, signed, unsigned
from tests.conftest import PASSWORD, csrf_from, login

SITE_URL = "https://courses.example.com"


class FakeProvider:
    """What the provider answers at its token endpoint: an ID token for `claims`, made per request with
    the nonce the site sent (unless the test gives a token of its own)."""

    def __init__(self, app, monkeypatch):
        self.client = app.extensions[oidc.EXTENSION]
        self.client.server_metadata.update({
            "issuer": ISSUER, "authorization_endpoint": f"{ISSUER}/authorize",
            "token_endpoint": f"{ISSUER}/token", "jwks": JWKS, "_loaded_at": 0})
        self.claims: dict = {}
        self.token: str | None = None
        self.nonce = ""
        monkeypatch.setattr(self.client, "fetch_access_token", self._token_response)
        monkeypatch.setattr(oidc, "now", lambda: NOW)

    def _token_response(self, **params) -> dict:
        assert params["code_verifier"] and params["redirect_uri"] == f"{SITE_URL}/auth/oidc/callback"
        token = self.token or signed(claims(**{"nonce": self.nonce, **self.claims}))
        return {"access_token": "opaque", "token_type": "Bearer", "id_token": token}

    def sign_in(self, http, next_path: str = "/", **query):
        """Start at /auth/oidc/login, 'sign in' at the provider, come back to the callback."""
        start = http.get("/auth/oidc/login", query_string={"next": next_path})
        assert start.status_code == 302, start.get_data(as_text=True)
        request = parse_qs(urlsplit(start.headers["Location"]).query)
        self.nonce = request["nonce"][0]
        return http.get("/auth/oidc/callback", query_string={"code": "the-code", "state": request["state"][0],
                                                              **query})


def configure(app, **settings) -> None:
    app.config.update({"OIDC_ISSUER": ISSUER, "OIDC_CLIENT_ID": CLIENT_ID, "OIDC_CLIENT_SECRET": "secret",
                       "SITE_URL": SITE_URL, **settings})
    oidc.init_app(app)


@pytest.fixture
def provider(app, monkeypatch) -> FakeProvider:
    configure(app)
    return FakeProvider(app, monkeypatch)


def audit(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                   .order_by(AuditEvent.id)))


def test_the_button_is_there_only_when_configured(app, client):
    assert "/auth/oidc/login" not in client.get("/login").get_data(as_text=True)
    assert client.get("/auth/oidc/login").status_code == 404
    assert client.get("/auth/oidc/callback").status_code == 404
    configure(app)
    page = client.get("/login?next=/me").get_data(as_text=True)
    assert ('<a class="button button-block sso-button" href="/auth/oidc/login?next=/me">'
            'Sign in with your company account</a>') in page
    assert 'name="password"' in page  # password sign-in stays
    app.config["OIDC_BUTTON_LABEL"] = "Sign in with Acme ID"
    assert ">Sign in with Acme ID</a>" in client.get("/login").get_data(as_text=True)


def test_the_authorization_request_uses_pkce_state_and_nonce(provider, client):
    location = client.get("/auth/oidc/login").headers["Location"]
    assert location.startswith(f"{ISSUER}/authorize?")
    request = {name: values[0] for name, values in parse_qs(urlsplit(location).query).items()}
    assert request["response_type"] == "code" and request["client_id"] == CLIENT_ID
    assert request["redirect_uri"] == f"{SITE_URL}/auth/oidc/callback"
    assert set(request["scope"].split()) == {"openid", "email", "profile"}
    assert request["code_challenge_method"] == "S256" and len(request["code_challenge"]) == 43
    assert len(request["state"]) >= 20 and len(request["nonce"]) >= 20
    assert "prompt" not in request


def test_a_verified_email_links_the_account_once_and_signs_in_on_a_new_session(provider, client, make_user):
    user = make_user(username="wang.lei", full_name="Wang Lei")
    user.email = "Wang.Lei@example.com"
    db.session.commit()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    response = provider.sign_in(client, "/me")
    assert response.status_code == 302 and response.headers["Location"] == "/me"
    with client.session_transaction() as session:
        assert "planted" not in session and "oidc_next" not in session and "_user_id" in session
    assert "Wang Lei" in client.get("/me").get_data(as_text=True)
    link = db.session.scalar(select(ExternalIdentity))
    assert (link.provider, link.subject, link.user_id) == (ISSUER, "248289761001", user.id)
    assert audit("account.link")[-1].details == f"provider={ISSUER}; subject=248289761001; matched by e-mail"
    assert audit("login")[-1].details == f"via {ISSUER}; e-mail"

    # Next time the stored link decides, whatever the e-mail address says now.
    provider.claims = {"email": "someone.else@example.com"}
    sign_out(client)
    assert provider.sign_in(client).status_code == 302
    assert audit("login")[-1].details == f"via {ISSUER}; identity" and len(audit("account.link")) == 1


def test_an_unverified_email_does_not_link_but_the_username_does(provider, client, make_user):
    user = make_user(username="liu.fang")
    user.email = "liu.fang@example.com"
    db.session.commit()
    provider.claims = {"email": "liu.fang@example.com", "email_verified": False}
    assert provider.sign_in(client).status_code == 403
    provider.claims["preferred_username"] = "Liu.Fang"
    assert provider.sign_in(client).status_code == 302
    assert audit("account.link")[-1].details.endswith("matched by username")


def test_an_identity_with_no_account_is_refused_and_audited(provider, client):
    response = provider.sign_in(client)
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "Sign-in did not work" in page and "No account here belongs to the company account" in page
    assert "/logout" not in page
    failed = audit("login.failed")[-1]
    assert (failed.actor, failed.details) == ("wang.lei@example.com", f"via {ISSUER}; no account")
    assert db.session.scalar(select(User)) is None


def test_accounts_are_made_at_sign_in_only_when_allowed(app, provider, client):
    app.config["SSO_CREATE_ACCOUNTS"] = True
    provider.claims = {"preferred_username": "zhou.min", "name": "Zhou Min"}
    assert provider.sign_in(client).status_code == 302
    user = db.session.scalar(select(User))
    assert (user.username, user.full_name, user.email, user.role, user.department) == (
        "zhou.min", "Zhou Min", "wang.lei@example.com", "manager", None)
    assert audit("account.create")[-1].details == f"role=manager; at sign-in via {ISSUER}"
    assert audit("login")[-1].details == f"via {ISSUER}; created"


def test_an_account_is_linked_to_one_identity_of_a_provider_only(provider, client, make_user):
    user = make_user(username="wang.lei")
    user.email = "wang.lei@example.com"
    db.session.commit()
    assert provider.sign_in(client).status_code == 302
    sign_out(client)
    provider.claims = {"sub": "someone-else-with-the-same-address"}
    response = provider.sign_in(client)
    assert response.status_code == 403
    assert "linked to another company account already" in response.get_data(as_text=True)


def test_a_deactivated_account_is_not_signed_in(provider, client, make_user):
    user = make_user(username="wang.lei", active=False)
    user.email = "wang.lei@example.com"
    db.session.commit()
    response = provider.sign_in(client)
    assert response.status_code == 403 and "deactivated" in response.get_data(as_text=True)
    assert db.session.scalar(select(ExternalIdentity)) is None


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example"])
def test_next_never_leaves_the_site(provider, client, make_user, target):
    make_user(username="wang.lei").email = "wang.lei@example.com"
    db.session.commit()
    assert provider.sign_in(client, target).headers["Location"] == "/"


@pytest.mark.parametrize("bad,status,words", [
    ({"iss": "https://evil.example.com"}, 401, "was issued by another service than the one this site trusts"),
    ({"aud": "another-site"}, 401, "is meant for another site"),
    ({"nonce": "from-another-sign-in"}, 401, "belongs to another sign-in"),
    ({"exp": NOW - 3600, "iat": NOW - 7200}, 401, "has expired"),
    ("bad signature", 401, "does not carry a valid signature"),
    ("alg none", 401, "is not signed"),
], ids=["wrong issuer", "wrong audience", "wrong nonce", "expired", "bad signature", "alg none"])
def test_a_bad_id_token_is_refused_with_a_clear_page(provider, client, make_user, bad, status, words):
    make_user(username="wang.lei").email = "wang.lei@example.com"
    db.session.commit()
    if bad == "bad signature":
        provider.token = signed(claims(), key=OTHER_KEY)
    elif bad == "alg none":
        provider.token = unsigned(claims())
    else:
        provider.claims = bad
    response = provider.sign_in(client)
    assert response.status_code == status
    page = response.get_data(as_text=True)
    assert f"The company&#39;s sign-in service sent an identity token that {words}" in page
    assert "Nobody was signed in." in page
    assert "/logout" not in client.get("/login").get_data(as_text=True)
    assert audit("login.failed")[-1].details.startswith(f"via {ISSUER}; token ")


def test_a_used_or_forged_return_is_refused(provider, client):
    assert client.get("/auth/oidc/callback?code=x&state=made-up").status_code == 400
    start = client.get("/auth/oidc/login")
    state = parse_qs(urlsplit(start.headers["Location"]).query)["state"][0]
    assert client.get(f"/auth/oidc/callback?code=x&state={state}&iss=https://evil.example").status_code == 400
    cancelled = client.get(f"/auth/oidc/callback?error=access_denied&state={state}")
    assert cancelled.status_code == 401 and "cancelled" in cancelled.get_data(as_text=True)


def test_an_unreachable_provider_is_a_clear_503(app, client, unused_port):
    configure(app, OIDC_ISSUER=f"http://127.0.0.1:{unused_port}")
    response = client.get("/auth/oidc/login")
    assert response.status_code == 503
    assert "cannot be reached just now" in response.get_data(as_text=True)


def test_password_sign_in_can_be_turned_off_but_for_the_break_glass_president(app, client, make_user):
    configure(app, PASSWORD_SIGNIN=False, BREAK_GLASS_USERNAME="boss")
    manager = make_user(username="wang.lei")
    make_user(role="president", username="boss")
    page = client.get("/login").get_data(as_text=True)
    assert "Emergency sign-in with a password (administrators only)" in page
    refused = login(client, manager.username, PASSWORD)
    assert refused.status_code == 422
    assert "Signing in with a password is turned off" in refused.get_data(as_text=True)
    assert audit("login.failed")[-1].details == "password sign-in is off"
    assert login(client, "boss", PASSWORD).status_code == 302
    # The break-glass account must be a president's.
    app.config["BREAK_GLASS_USERNAME"] = "wang.lei"
    assert login(app.test_client(), "wang.lei", PASSWORD).status_code == 422


def test_a_restored_session_confirms_with_the_company_account(app, provider, signed_in):
    manager = signed_in("manager")
    app.config["PASSWORD_SIGNIN"] = False
    page = manager.get("/reauthenticate?next=/hr/").get_data(as_text=True)
    assert "Confirm it is you" in page and 'name="password"' not in page
    assert 'href="/auth/oidc/login?next=/hr/"' in page
    location = manager.get("/auth/oidc/login").headers["Location"]
    assert parse_qs(urlsplit(location).query)["prompt"] == ["login"]


@pytest.fixture
def unused_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def sign_out(client) -> None:
    token = csrf_from(client.get("/account").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/account").status_code == 302


def test_the_sign_in_pages_speak_chinese(provider, client):
    client.set_cookie("lang", "zh_CN")
    assert ">使用公司账号登录</a>" in client.get("/login").get_data(as_text=True)
    page = provider.sign_in(client).get_data(as_text=True)
    assert "登录未成功" in page and "本站没有与您所用公司账号对应的账号" in page
