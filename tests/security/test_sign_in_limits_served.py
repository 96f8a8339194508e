"""The failed sign-in limit holds across gunicorn workers: the real server, two workers, no Redis."""
from __future__ import annotations

import http.client
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest

from courseware.config import PROJECT_ROOT
from tests.test_serving import SERVER_ENV, free_port

BIN = Path(sys.executable).parent
CSRF_RE = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


@pytest.fixture
def two_workers(tmp_path):
    """`make serve` with WEB_CONCURRENCY=2 on a SQLite file, REDIS_URL unset; the access log names the
    worker (pid) that answered each request."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "REDIS_URL", "RATELIMIT_ENABLED", "FLASK_DEBUG", *SERVER_ENV)}
    port = free_port()
    env.update(INSTANCE_PATH=str(tmp_path / "instance"), DATABASE_URL=f"sqlite:///{tmp_path / 'site.db'}",
               SECRET_KEY="served-limits", HOST="127.0.0.1", PORT=str(port), WEB_CONCURRENCY="2",
               GUNICORN_THREADS="2", JOBS_IN_PROCESS="0", ACCESS_LOG=str(tmp_path / "access.log"))
    flask = [str(BIN / "flask"), "--app", "app"]
    subprocess.run([*flask, "db", "upgrade"], cwd=PROJECT_ROOT, env=env, check=True, capture_output=True)
    subprocess.run([*flask, "create-user", "target", "--name", "Target Person", "--password",
                    "a long right passphrase"], cwd=PROJECT_ROOT, env=env, check=True, capture_output=True)
    log_path = tmp_path / "gunicorn.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", "--access-logformat", "%(p)s %(r)s %(s)s",
             "app:app"], cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while log_path.read_text().count("Worker ready") < 2:
            assert server.poll() is None and time.monotonic() < deadline, log_path.read_text()
            time.sleep(0.05)
        yield port, tmp_path
        server.terminate()
        server.wait(timeout=30)


def _request(port: int, method: str, path: str, body: str | None = None,
             cookie: str = "") -> http.client.HTTPResponse:
    """One request on a connection of its own, so that either worker may take it."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    headers = {"Cookie": cookie} if cookie else {}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def _wrong_password(port: int, n: int) -> tuple[int, str, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    connection.request("GET", "/login")
    page = connection.getresponse()
    html = page.read().decode()
    cookie = page.getheader("Set-Cookie", "").split(";")[0]
    connection.close()
    token = CSRF_RE.search(html).group(1)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    connection.request("POST", "/login", headers={"Cookie": cookie,
                                                  "Content-Type": "application/x-www-form-urlencoded"},
                       body=urlencode({"username": "target", "password": f"wrong guess {n}",
                                       "csrf_token": token}))
    response = connection.getresponse()
    text = response.read().decode()
    connection.close()
    return response.status, text, response.getheader("Retry-After") or ""


def test_ten_wrong_passwords_across_two_workers_get_five_answers_and_five_refusals(two_workers):
    port, folder = two_workers
    answers = [_wrong_password(port, n) for n in range(10)]
    statuses = [status for status, _text, _retry in answers]
    assert statuses == [422] * 5 + [429] * 5
    assert all("That username and password do not match an active account." in text
               for _s, text, _r in answers[:5])
    assert all("Too many attempts" in text and 0 < int(retry) <= 60 for _s, text, retry in answers[5:])
    # Both workers answered the sign-ins: the count is the database's, not a worker's.
    time.sleep(0.2)
    workers = {line.split()[0] for line in (folder / "access.log").read_text().splitlines()
               if "POST /login" in line}
    assert len(workers) == 2, (folder / "access.log").read_text()
    # The one limit still counted per worker without Redis is named at start (gunicorn.conf.py).
    assert "the per-address limit on /auth/oidc/..." in (folder / "gunicorn.log").read_text()
