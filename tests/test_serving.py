"""Production serving: gunicorn's settings, the real server started as `make serve` starts it,
migrations run once by command, and the configurable upload and backup folders."""
from __future__ import annotations

import gzip
import http.client
import json
import os
import re
import runpy
import shutil
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest

from courseware.config import PROJECT_ROOT, load_config
from courseware.extensions import db

BIN = Path(sys.executable).parent
CONFIG = PROJECT_ROOT / "gunicorn.conf.py"
SERVER_ENV = ("HOST", "PORT", "GUNICORN_BIND", "WEB_CONCURRENCY", "GUNICORN_THREADS", "ACCESS_LOG",
              "FLASK_DEBUG")


def gunicorn_settings(monkeypatch, **env) -> dict:
    for name in SERVER_ENV:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONFIG))


def test_gunicorn_defaults_come_from_the_cores(monkeypatch):
    settings = gunicorn_settings(monkeypatch)
    cores = len(os.sched_getaffinity(0))
    assert settings["workers"] == max(2, cores)
    assert settings["worker_class"] == "gthread" and settings["threads"] >= 1
    assert settings["bind"] == "127.0.0.1:8000"
    assert settings["preload_app"] is True
    assert settings["accesslog"] == "-"
    assert settings["control_socket_disable"] is True


def test_gunicorn_settings_follow_the_environment(monkeypatch):
    settings = gunicorn_settings(monkeypatch, WEB_CONCURRENCY="5", GUNICORN_THREADS="8", HOST="0.0.0.0",
                                 PORT="9000", ACCESS_LOG="off", FLASK_DEBUG="1")
    assert (settings["workers"], settings["threads"], settings["bind"]) == (5, 8, "0.0.0.0:9000")
    assert settings["accesslog"] is None
    assert "FLASK_DEBUG" not in os.environ  # production never runs in debug mode
    socket_bind = gunicorn_settings(monkeypatch, GUNICORN_BIND="unix:/run/cc/gunicorn.sock")["bind"]
    assert socket_bind == "unix:/run/cc/gunicorn.sock"


# Libraries a page never uses, imported where they are used instead (worker memory, issue 20): the
# password lists (12 MB), Alembic (11 MB), Authlib and joserfc, cryptography, requests, Redis and RQ,
# the QR codes' library.
NOT_IN_A_WORKER = ("zxcvbn", "flask_migrate", "alembic", "authlib", "joserfc", "cryptography", "requests",
                   "redis", "rq", "segno")


def test_a_web_worker_loads_the_app_without_the_libraries_no_page_uses(monkeypatch, tmp_path):
    settings = gunicorn_settings(monkeypatch)
    env = {**os.environ, **dict(item.split("=", 1) for item in settings["raw_env"])}
    for name in ("REDIS_URL", "OIDC_ISSUER", "DATABASE_URL"):
        env.pop(name, None)
    env.update(INSTANCE_PATH=str(tmp_path), SECRET_KEY="test-secret-key")
    probe = ("import sys, app; print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))")
    loaded = subprocess.run([sys.executable, "-c", probe], cwd=PROJECT_ROOT, env=env, check=True,
                            capture_output=True, text=True, timeout=120).stdout.split()
    assert "flask" in loaded and "sqlalchemy" in loaded
    assert [name for name in NOT_IN_A_WORKER if name in loaded] == []


def test_commands_and_tests_keep_the_migrations(app):
    assert "migrate" in app.extensions  # flask_migrate.upgrade() and `flask db …` read it
    assert "db" in app.cli.commands


def test_make_serve_migrates_once_by_command_then_starts_gunicorn():
    steps = subprocess.run(["make", "-n", "serve"], cwd=PROJECT_ROOT, capture_output=True, text=True,
                           check=True).stdout.splitlines()
    upgrade = [i for i, line in enumerate(steps) if "flask db upgrade" in line]
    server = [i for i, line in enumerate(steps) if "gunicorn" in line and "app:app" in line]
    assert len(upgrade) == 1 and len(server) == 1 and upgrade[0] < server[0]
    assert "--config gunicorn.conf.py" in steps[server[0]]
    assert not any("flask run" in line for line in steps)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port: int, path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    return response.status, dict(response.getheaders()), response.read()


def _healthy(port: int) -> bool:
    try:
        return get(port, "/healthz")[0] == 200
    except OSError:
        return False


@pytest.fixture
def served(tmp_path):
    """The real server in production settings on a fresh SQLite instance, as `make serve` runs it."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "SECRET_KEY", *SERVER_ENV)}
    port = free_port()
    env.update(INSTANCE_PATH=str(tmp_path / "instance"), HOST="127.0.0.1", PORT=str(port),
               WEB_CONCURRENCY="2", GUNICORN_THREADS="2", ACCESS_LOG=str(tmp_path / "access.log"),
               FLASK_DEBUG="1")
    subprocess.run([str(BIN / "flask"), "--app", "app", "db", "upgrade"], cwd=PROJECT_ROOT, env=env,
                   check=True, capture_output=True)
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen([str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", "app:app"],
                              cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    # Every worker ready, not only the first: a worker still booting when the test stops the server
    # would miss the TERM and hold the stop for gunicorn's graceful timeout.
    while (tmp_path / "gunicorn.log").read_text().count("Worker ready") < 2 or not _healthy(port):
        assert server.poll() is None and time.monotonic() < deadline, \
            (tmp_path / "gunicorn.log").read_text()
        time.sleep(0.05)
    yield port, tmp_path
    server.terminate()
    server.wait(timeout=30)
    log.close()


def test_the_real_server_serves_the_site_in_production_settings(served):
    port, folder = served
    status, _, body = get(port, "/healthz")
    assert status == 200 and json.loads(body) == {"status": "ok", "database": "ok"}

    status, headers, body = get(port, "/login", {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    page = gzip.decompress(body).decode()
    stylesheet = re.search(r'href="(/static/css/site\.css\?v=[0-9a-f]{12})"', page).group(1)
    status, headers, _ = get(port, stylesheet)
    assert status == 200 and headers["Cache-Control"] == "public, max-age=31536000, immutable"
    # The file through gunicorn's file wrapper, compressed as nginx would (courseware/compression.py).
    status, headers, body = get(port, stylesheet, {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert int(headers["Content-Length"]) == len(body)
    assert gzip.decompress(body) == (PROJECT_ROOT / "static/css/site.css").read_bytes()
    status, headers, _ = get(port, "/favicon.ico")
    assert status == 200 and headers["Content-Type"].startswith("image/")

    status, _, body = get(port, "/no-such-page")
    assert status == 404 and b"Traceback" not in body and b"Page not found" in body

    log = (folder / "access.log").read_text()
    assert re.search(r'"GET /healthz HTTP/1\.1" 200 \d+ \d+ms', log), log
    # The secret key was generated once into the instance folder, readable only by its owner.
    key = folder / "instance" / "secret_key"
    assert key.exists() and key.stat().st_mode & 0o077 == 0


def test_one_gunicorn_worker_runs_the_background_jobs(served):
    """Every worker starts a jobs runner, and only the one holding instance/jobs.lock runs the jobs."""
    _port, folder = served
    log = folder / "gunicorn.log"
    deadline = time.monotonic() + 10
    while "runs the periodic jobs" not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.05)
    text = log.read_text()
    leaders = re.findall(r"process (\d+) runs the periodic jobs", text)
    workers = re.findall(r"Booting worker with pid: (\d+)", text)
    assert len(leaders) == 1 and leaders[0] in workers, text
    assert (folder / "instance" / "jobs.lock").exists()


def test_upload_and_backup_folders_default_to_the_instance_and_follow_the_environment(
        tmp_path, monkeypatch):
    monkeypatch.delenv("UPLOAD_DIR", raising=False)
    monkeypatch.delenv("BACKUP_DIR", raising=False)
    monkeypatch.setenv("SECRET_KEY", "x")
    defaults = load_config(tmp_path)
    assert (defaults["UPLOAD_DIR"], defaults["BACKUP_DIR"]) == (
        str(tmp_path / "uploads"), str(tmp_path / "backups"))
    monkeypatch.setenv("UPLOAD_DIR", "/srv/shared/uploads")
    monkeypatch.setenv("BACKUP_DIR", "/var/backups/culture-courses")
    configured = load_config(tmp_path)
    assert (configured["UPLOAD_DIR"], configured["BACKUP_DIR"]) == (
        "/srv/shared/uploads", "/var/backups/culture-courses")


def test_lesson_images_are_served_from_the_upload_folder(app, manager, tmp_path):
    app.config["UPLOAD_DIR"] = str(tmp_path / "shared-uploads")
    name = "a" * 64 + ".png"
    (tmp_path / "shared-uploads").mkdir()
    (tmp_path / "shared-uploads" / name).write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 32)
    response = manager.get(f"/uploads/{name}")
    assert response.status_code == 200 and response.get_data().startswith(b"\x89PNG")


def test_a_backup_without_a_file_name_goes_to_the_backup_folder(app, runner, course, tmp_path):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the PostgreSQL backup (pg_dump) is tested in tests/security")
    app.config["BACKUP_DIR"] = str(tmp_path / "backups")
    result = runner.invoke(args=["backup"])
    assert result.exit_code == 0, result.output
    written = list((tmp_path / "backups").glob("courseware-*.db"))
    assert len(written) == 1 and written[0].stat().st_size > 0


NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


@pytest.fixture
def nginx_in_front(served, tmp_path):
    """deploy/nginx/culture-courses.conf itself, on free ports, in front of the real server."""
    if NGINX is None or shutil.which("openssl") is None:
        pytest.skip("nginx (Debian package nginx) and openssl are needed to try the site config")
    app_port, _ = served
    http_port, https_port = free_port(), free_port()
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=localhost", "-keyout", str(tmp_path / "key.pem"),
                    "-out", str(tmp_path / "cert.pem")], check=True, capture_output=True)
    site = (PROJECT_ROOT / "deploy/nginx/culture-courses.conf").read_text()
    for old, new in [
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};"),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        ("/etc/letsencrypt/live/courses.example.com/fullchain.pem", str(tmp_path / "cert.pem")),
        ("/etc/letsencrypt/live/courses.example.com/privkey.pem", str(tmp_path / "key.pem")),
        ("root /srv/culture-courses;", f"root {PROJECT_ROOT};"),
    ]:
        assert old in site, old
        site = site.replace(old, new)
    site = "\n".join(line for line in site.splitlines() if "[::]" not in line)
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(f"""
{'user root;' if os.geteuid() == 0 else ''}
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/nginx-error.log;
events {{}}
http {{
    include /etc/nginx/mime.types;
    access_log {tmp_path}/nginx-access.log;
    client_body_temp_path {tmp_path}/body;
    proxy_temp_path {tmp_path}/proxy;
    fastcgi_temp_path {tmp_path}/fastcgi;
    uwsgi_temp_path {tmp_path}/uwsgi;
    scgi_temp_path {tmp_path}/scgi;
    include {tmp_path}/site.conf;
}}
""")
    checked = subprocess.run([NGINX, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    server = subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"),
                               "-g", "daemon off;"], stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
            break
        except OSError:
            assert server.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
    yield http_port, https_port
    server.terminate()
    server.wait(timeout=10)


def test_nginx_serves_static_files_for_a_year_and_proxies_the_rest(nginx_in_front):
    http_port, https_port = nginx_in_front

    def fetch(path: str, headers: dict | None = None):
        connection = http.client.HTTPSConnection("127.0.0.1", https_port, timeout=10,
                                                 context=ssl._create_unverified_context())
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()

    status, headers, body = fetch("/login", {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["content-encoding"] == "gzip"
    stylesheet = re.search(r'href="(/static/css/site\.css\?v=[0-9a-f]{12})"',
                           gzip.decompress(body).decode()).group(1)
    status, headers, body = fetch(stylesheet)
    assert status == 200 and headers["cache-control"] == "public, max-age=31536000, immutable"
    assert body == (PROJECT_ROOT / "static/css/site.css").read_bytes()
    assert "x-frame-options" not in headers  # from disk, not through the app
    assert fetch("/static/css/site.css")[1]["cache-control"] == "no-cache"
    assert fetch("/static/../app.py")[0] in (400, 404)
    assert fetch("/healthz")[0] == 200

    connection = http.client.HTTPConnection("127.0.0.1", http_port, timeout=10)
    connection.request("GET", "/me")
    response = connection.getresponse()
    assert response.status == 301 and response.getheader("Location").startswith("https://")


def test_several_workers_without_redis_are_told_which_limit_counts_per_worker(monkeypatch):
    settings = gunicorn_settings(monkeypatch)
    monkeypatch.delenv("REDIS_URL", raising=False)
    warning = settings["per_worker_limits_warning"](3)
    assert "REDIS_URL is not set" in warning and "/auth/oidc/" in warning and "90 a minute" in warning
    assert "Failed password sign-ins are limited in the database" in warning
    assert settings["per_worker_limits_warning"](1) is None
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    assert settings["per_worker_limits_warning"](3) is None
