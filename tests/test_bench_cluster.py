"""bench/cluster.py's nginx configuration is generated from deploy/nginx/culture-courses.conf: the
check must run production's upstream and proxy settings, with its own instances in the upstream."""
from __future__ import annotations

import re
import runpy
import shutil
import subprocess
from pathlib import Path

import pytest

from bench.cluster_stack import DEPLOY_NGINX, NGINX, ROOT, nginx_config

DEPLOY = DEPLOY_NGINX.read_text()


def _location(config: str) -> str:
    return config.split("location / {", 1)[1]


def test_the_upstream_lists_both_instances_and_keeps_the_deploy_settings(tmp_path):
    config = nginx_config(DEPLOY, [5701, 5702], 5703, tmp_path)

    upstream = config.split("upstream culture_courses {", 1)[1].split("}", 1)[0]
    assert "server 127.0.0.1:5701;" in upstream
    assert "server 127.0.0.1:5702;" in upstream
    assert "keepalive 32;" in upstream
    assert "8000" not in upstream and "10.0.0.12" not in upstream
    assert "listen 127.0.0.1:5703;" in config


def test_every_proxy_setting_of_the_deploy_file_is_in_the_check(tmp_path):
    config = nginx_config(DEPLOY, [5701, 5702], 5703, tmp_path)

    deployed = [line.strip() for line in _location(DEPLOY).split("\n    }", 1)[0].splitlines()
                if line.strip().startswith("proxy_")]
    assert "proxy_next_upstream error timeout;" in deployed
    assert "proxy_connect_timeout 2s;" in deployed
    assert all(setting in _location(config) for setting in deployed)


def test_a_deploy_file_without_an_upstream_is_refused(tmp_path):
    with pytest.raises(SystemExit, match="no upstream culture_courses"):
        nginx_config(DEPLOY.replace("upstream culture_courses", "upstream other"), [1, 2], 3, tmp_path)


@pytest.mark.skipif(not Path(NGINX).exists() and shutil.which("nginx") is None,
                    reason="Debian's nginx is not installed")
def test_nginx_accepts_the_generated_configuration(tmp_path):
    (tmp_path / "nginx.conf").write_text(nginx_config(DEPLOY, [5701, 5702], 5703, tmp_path))

    checked = subprocess.run([NGINX, "-t", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"),
                              "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True)

    assert checked.returncode == 0, checked.stderr


def test_nginx_drops_an_idle_connection_to_an_instance_before_gunicorn_does():
    """gunicorn closes a kept-alive connection after `keepalive` idle seconds; if nginx kept it longer
    (its upstream default is 60 s), it could send a request down a connection gunicorn is closing:
    a GET goes to another instance, a form gets a 502 (seen by bench/cluster.py under load)."""
    gunicorn_keepalive = runpy.run_path(str(ROOT / "gunicorn.conf.py"))["keepalive"]
    upstream = DEPLOY.split("upstream culture_courses {", 1)[1].split("}", 1)[0]
    found = re.search(r"^\s*keepalive_timeout (\d+)s;", upstream, re.MULTILINE)

    assert found is not None, "the upstream block sets no keepalive_timeout (nginx's default is 60 s)"
    assert int(found.group(1)) < gunicorn_keepalive
