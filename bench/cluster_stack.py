"""bench/cluster.py's machinery: its PostgreSQL database, the two instances, the RQ worker and nginx.

Each part is started as production starts it (`make migrate`, `make db`, `make serve`, `make worker`,
deploy/nginx/culture-courses.conf) and every process is recorded in a Stack, whose close() stops them
all and drops the database, whatever happened before.
"""
from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from redis import Redis
from werkzeug.security import generate_password_hash

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.integrity import PASSWORD, POSTGRES, drop_database  # noqa: E402
from bench.serve import BIN, Server, free_port  # noqa: E402

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"  # Debian puts it in sbin
DEPLOY_NGINX = ROOT / "deploy" / "nginx" / "culture-courses.conf"
DEMO_PASSWORD = "cluster-demo-password-1"
QUEUE = "culture-courses"


@dataclass
class Stack:
    workdir: Path
    redis_url: str
    keep: bool = False
    database: str | None = None
    database_url: str = ""
    servers: dict[str, Server] = field(default_factory=dict)
    ports: dict[str, int] = field(default_factory=dict)
    processes: list[subprocess.Popen] = field(default_factory=list)

    def base(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def close(self) -> None:
        """Stop every process (the instances, the worker, nginx), flush the Redis database, drop ours."""
        for process in [*(s.process for s in self.servers.values() if s.process), *self.processes]:
            if process.poll() is None:
                process.terminate()
        for process in [*(s.process for s in self.servers.values() if s.process), *self.processes]:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        Redis.from_url(self.redis_url).flushdb()
        if self.keep:
            print(f"kept the database {self.database} and {self.workdir}")
        elif self.database:
            drop_database(self.database)


def create_database(stack: Stack) -> None:
    stack.database = f"cw_cluster_{os.getpid()}"
    admin = sa.create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{stack.database}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{stack.database}"'))
    admin.dispose()
    stack.database_url = sa.make_url(POSTGRES).set(database=stack.database).render_as_string(
        hide_password=False)


def common_environment(stack: Stack) -> dict[str, str]:
    """What every instance and the worker share, as deploy/culture-courses.env.example says."""
    env = {k: v for k, v in os.environ.items() if k not in ("FLASK_DEBUG", "WEB_CONCURRENCY")}
    env.update(FLASK_APP="app", DATABASE_URL=stack.database_url, REDIS_URL=stack.redis_url,
               SECRET_KEY=secrets.token_hex(32), TRUSTED_PROXIES="1", JOBS_QUEUE=QUEUE,
               UPLOAD_DIR=str(stack.workdir / "uploads"), DEMO_PASSWORD=DEMO_PASSWORD,
               INSTANCE_PATH=str(stack.workdir / "instance-setup"))
    return env


def prepare_database(env: dict[str, str], managers: int) -> str:
    """`make db` (migrations, the course, the demo company) and the bench's managers; returns the
    demo president's username."""
    for command in (["db", "upgrade"], ["content", "import"], ["seed-demo"]):
        done = subprocess.run([str(BIN / "flask"), *command], cwd=ROOT, env=env, capture_output=True,
                              text=True)
        if done.returncode:
            sys.exit(f"flask {' '.join(command)} failed:\n{done.stdout}{done.stderr}")
    president = re.search(r"^\s*president\s+(\S+)\s", done.stdout, re.MULTILINE)
    if president is None:
        sys.exit(f"flask seed-demo printed no president:\n{done.stdout}")
    engine = sa.create_engine(env["DATABASE_URL"])
    users = sa.Table("user_account", sa.MetaData(), autoload_with=engine)
    # A cheap hash: signing hundreds of people in must not take minutes (sign-ins are not measured).
    password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    now = datetime(2026, 11, 1)
    with engine.begin() as connection:
        connection.execute(sa.insert(users), [
            {"username": f"bench{i:04d}", "full_name": f"Bench Manager {i:04d}", "role": "manager",
             "password_hash": password_hash, "session_token": f"cluster-{i}", "active": True,
             "created_at": now, "department_since": now} for i in range(managers)])
    engine.dispose()
    return president.group(1)


def start_worker(stack: Stack, env: dict[str, str]) -> None:
    """`make worker`: `flask jobs worker` on the queue, waited for until it listens."""
    log = open(stack.workdir / "worker.log", "w")
    worker_env = {**env, "INSTANCE_PATH": str(stack.workdir / "instance-worker")}
    stack.processes.append(subprocess.Popen([str(BIN / "flask"), "jobs", "worker"], cwd=ROOT,
                                            env=worker_env, stdout=log, stderr=subprocess.STDOUT))
    from rq import Worker

    connection = Redis.from_url(stack.redis_url)
    deadline = time.monotonic() + 60
    while not Worker.count(connection=connection):
        if time.monotonic() > deadline or stack.processes[-1].poll() is not None:
            sys.exit(f"the RQ worker did not start: see {stack.workdir / 'worker.log'}")
        time.sleep(0.1)


def start_instance(stack: Stack, env: dict[str, str], name: str, ports: str | None) -> None:
    """`make serve` on a port of its own, with an instance folder of its own (another machine)."""
    port = free_port(ports, taken=tuple(stack.ports.values()))
    stack.ports[name] = port
    instance_env = {**env, "HOST": "127.0.0.1", "PORT": str(port),
                    "INSTANCE_PATH": str(stack.workdir / f"instance-{name}"),
                    "ACCESS_LOG": str(stack.workdir / f"access-{name}.log")}
    server = Server(instance_env, stack.workdir, log_name=f"gunicorn-{name}.log")
    stack.servers[name] = server
    server.start(port)


def kill_instance(server: Server) -> int:
    """SIGKILL the gunicorn master and its workers at once, as a machine that dies; returns how many."""
    assert server.process is not None
    pids = [server.process.pid, *server.workers()]
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
    server.process.wait(timeout=10)
    return len(pids)


def nginx_config(deploy: str, upstreams: list[int], port: int, prefix: Path) -> str:
    """The test server's configuration from the deploy file: its upstream block (our instances in its
    server lines, the rest as written), its map, and its `location /` (the proxy settings) verbatim;
    HTTP on a free port instead of the certificates, and every path in `prefix`."""
    upstream = re.search(r"^upstream culture_courses \{\n(.*?)^\}", deploy, re.MULTILINE | re.DOTALL)
    location = re.search(r"^    location / \{\n(.*?)^    \}", deploy, re.MULTILINE | re.DOTALL)
    mapping = re.search(r"^map .*?^\}", deploy, re.MULTILINE | re.DOTALL)
    if not (upstream and location and mapping):
        sys.exit(f"{DEPLOY_NGINX} has no upstream culture_courses, map or location / block")
    servers = re.findall(r"^\s*server \S+(.*);", upstream.group(1), re.MULTILINE)
    others = [line for line in upstream.group(1).splitlines()
              if line.strip() and not re.match(r"\s*#?\s*server ", line)]
    lines = [f"    server 127.0.0.1:{p}{servers[0] if servers else ''};" for p in upstreams] + others
    temp = "\n".join(f"    {kind}_temp_path {prefix / kind};"
                     for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    # As root, nginx's workers would run as nobody, who cannot write in our private temporary folder.
    user = "user root;" if os.geteuid() == 0 else ""
    return f"""# Generated by bench/cluster.py from {DEPLOY_NGINX.relative_to(ROOT)}.
{user}
worker_processes 1;
pid {prefix / 'nginx.pid'};
error_log {prefix / 'error.log'} warn;
events {{ worker_connections 1024; }}
http {{
    log_format cluster '$msec $status $request_method $request_uri $upstream_addr $upstream_status';
    access_log {prefix / 'access.log'} cluster;
{temp}
upstream culture_courses {{
{chr(10).join(lines)}
}}
{mapping.group(0)}
server {{
    listen 127.0.0.1:{port};
    location / {{
{location.group(1)}        # The check only: which instance answered.
        add_header X-Upstream $upstream_addr always;
    }}
}}
}}
"""


def start_nginx(stack: Stack, ports: str | None) -> None:
    prefix = stack.workdir / "nginx"
    prefix.mkdir()
    port = free_port(ports, taken=tuple(stack.ports.values()))
    stack.ports["nginx"] = port
    upstreams = [stack.ports[name] for name in ("A", "B")]
    (prefix / "nginx.conf").write_text(nginx_config(DEPLOY_NGINX.read_text(), upstreams, port, prefix))
    command = [NGINX, "-p", str(prefix), "-e", str(prefix / "error.log"), "-c", str(prefix / "nginx.conf")]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True)
    if checked.returncode:
        sys.exit(f"nginx -t refused the generated configuration:\n{checked.stderr}")
    stack.processes.append(subprocess.Popen([*command, "-g", "daemon off;"], stdout=subprocess.DEVNULL,
                                            stderr=open(prefix / "stderr.log", "w")))
    deadline = time.monotonic() + 10
    while True:
        try:
            urllib.request.urlopen(f"{stack.base('nginx')}/healthz", timeout=2)
            return
        except OSError:
            if time.monotonic() > deadline or stack.processes[-1].poll() is not None:
                sys.exit(f"nginx did not answer: see {prefix / 'error.log'}")
            time.sleep(0.05)
