"""Sign-in with the company's account in a real browser, as the README's "try it" says: the demo site
(a second server on the browser tests' database, with the three OIDC settings) and node's
oidc-provider; Chen Yong signs in on the provider's development login page, with no password here,
lands on his dashboard, and his team shows the Marketing Center's departments and not Finance."""
from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator

import pytest

from courseware.config import PROJECT_ROOT
from tests.browser.conftest import DESKTOP, OUTPUT, _free_port, screenshot
from tests.oidc.conftest import CLIENT_ID, CLIENT_SECRET, running_provider


@pytest.fixture(scope="module")
def company_site(live_site, tmp_path_factory) -> Iterator[str]:
    """The live site's database served again, with sign-in through a running test provider."""
    port = _free_port()
    site_url = f"http://127.0.0.1:{port}"
    folder = tmp_path_factory.mktemp("company-sign-in")
    with running_provider(f"{site_url}/auth/oidc/callback", folder / "provider.log") as provider:
        env = {**{k: v for k, v in os.environ.items() if not k.startswith("FLASK_")},
               "FLASK_APP": "app", "DATABASE_URL": f"sqlite:///{live_site.database}",
               "INSTANCE_PATH": str(live_site.instance), "SECRET_KEY": "browser-tests-secret",
               "SITE_URL": site_url, "OIDC_ISSUER": provider.issuer, "OIDC_CLIENT_ID": CLIENT_ID,
               "OIDC_CLIENT_SECRET": CLIENT_SECRET, "JOBS_IN_PROCESS": "0"}
        log_path = OUTPUT / "company-sign-in-server.log"
        with log_path.open("w") as log:
            server = subprocess.Popen(
                [sys.executable, "-m", "flask", "run", "--host", "127.0.0.1", "--port", str(port),
                 "--no-debugger", "--no-reload"],
                cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_for(site_url + "/healthz", server, log_path)
            yield site_url
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _wait_for(url: str, server: subprocess.Popen, log_path) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            pytest.fail("the site did not start:\n" + log_path.read_text())
        time.sleep(0.2)


def test_chen_yong_signs_in_with_the_company_account_and_sees_his_team(browser, company_site):
    context = browser.new_context(viewport=DESKTOP, base_url=company_site)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto("/login")
        page.click("text=Sign in with your company account")
        page.fill("input[name=login]", "chen.yong")  # the provider's development login page
        page.fill("input[name=password]", "any")
        page.click("button[type=submit]")
        page.click("button[type=submit]")  # its consent page
        page.wait_for_url(company_site + "/")
        assert page.inner_text(".who-name") == "Chen Yong"
        page.click("nav.main-nav >> text=My team")
        page.wait_for_url(company_site + "/team")
        departments = page.locator(".data-table tbody th[scope=row] a").all_inner_texts()
        assert sorted(departments) == ["Marketing Center", "Marketing Center · Domestic Trade",
                                       "Marketing Center · International Trade",
                                       "Marketing Center · Tax-free Business"]
        assert "Finance" not in page.inner_text("main")
        screenshot(page, "team-after-company-sign-in", full_page=True)
    finally:
        context.close()
