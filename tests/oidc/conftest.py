"""A real OpenID provider for the sign-in tests: node's oidc-provider (tests/oidc/provider.mjs, from
package-lock.json), on 127.0.0.1 and a free port, with one client whose redirect URI is the test app's.

It cannot listen on port 0 and say which port it got, so a free port is found first (bound and let go)
and passed to it. The fixture waits until its discovery document answers, and at the end stops the
process and waits until the port is free again, so that no test meets a provider of another's.
Everything skips, with a clear message, only when node or the package is not installed.
"""
from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from courseware.config import PROJECT_ROOT

PROVIDER = Path(__file__).parent / "provider.mjs"
PACKAGE = PROJECT_ROOT / "node_modules" / "oidc-provider"
SITE_URL = "http://127.0.0.1:5000"  # the test app's address as the provider knows it (config SITE_URL)
CLIENT_ID, CLIENT_SECRET = "courses", "secret"


@dataclass(frozen=True)
class RunningProvider:
    issuer: str
    redirect_uri: str
    log: Path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _wait_for_discovery(issuer: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 20
    while True:
        try:
            with urllib.request.urlopen(issuer + "/.well-known/openid-configuration", timeout=2) as answer:
                if json.load(answer)["issuer"] == issuer:
                    return
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            pytest.fail("the OpenID provider did not start:\n" + log.read_text())
        time.sleep(0.1)


def _stop(process: subprocess.Popen, port: int) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    deadline = time.monotonic() + 10
    while not _port_is_free(port) and time.monotonic() < deadline:
        time.sleep(0.1)


@contextmanager
def running_provider(redirect_uri: str, log: Path) -> Iterator[RunningProvider]:
    """The provider on a free port for one client with this redirect URI, stopped (its port free again)
    on the way out; skips the test when node or the package is missing."""
    node = shutil.which("node")
    if node is None or not PACKAGE.exists():
        pytest.skip("node and the oidc-provider package are needed (`make node_modules/.installed`, "
                    "which `make test` runs)")
    port = _free_port()
    issuer = f"http://127.0.0.1:{port}"
    with log.open("w") as output:
        process = subprocess.Popen([node, str(PROVIDER), str(port), redirect_uri], cwd=PROJECT_ROOT,
                                   stdout=output, stderr=subprocess.STDOUT)
    try:
        _wait_for_discovery(issuer, process, log)
        yield RunningProvider(issuer, redirect_uri, log)
    finally:
        _stop(process, port)


@pytest.fixture(scope="module")
def oidc_provider(tmp_path_factory) -> Iterator[RunningProvider]:
    log = tmp_path_factory.mktemp("oidc") / "provider.log"
    with running_provider(f"{SITE_URL}/auth/oidc/callback", log) as provider:
        yield provider
