"""Settings from the environment, in one place."""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _secret_key(instance_path: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in instance/."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _retention_months() -> int:
    """Personal data: people are erased this many months after their account's deactivation, by a
    daily job (services/people/erasure.py); 0 turns the job off. A whole number from 0 to 1200:
    anything else stops the start with a message naming the variable."""
    name = "PERSONAL_DATA_RETENTION_MONTHS"
    value = os.environ.get(name, "24").strip()
    if not value.isdigit() or int(value) > 1200:
        raise RuntimeError(f"{name} must be a whole number of months from 0 to 1200, not {value!r}")
    return int(value)


def _migration_commands() -> bool:
    """`flask db …` (Flask-Migrate and Alembic, 11 MB of memory): gunicorn.conf.py sets
    MIGRATION_COMMANDS=0, since the web workers never migrate (`flask db upgrade` runs before)."""
    return os.environ.get("MIGRATION_COMMANDS", "1") != "0"


def load_config(instance_path: Path) -> dict:
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance_path / 'courseware.db'}"
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # The interface and course language when neither the person nor the browser says (en, zh_CN).
        "SITE_LANGUAGE": os.environ.get("SITE_LANGUAGE", "en"),
        # The site's public address: certificates' verification links and QR codes are built from it,
        # never from the Host header a request carries.
        "SITE_URL": (os.environ.get("SITE_URL") or "http://127.0.0.1:5000").rstrip("/"),
        # The company's time zone (an IANA name): the zone of people who chose none, of commands, CSV
        # exports and due dates (courseware/timezones.py). PRACTICE_TIMEZONE is its deprecated old name.
        "COMPANY_TIMEZONE": (os.environ.get("COMPANY_TIMEZONE") or os.environ.get("PRACTICE_TIMEZONE")
                             or "Asia/Shanghai"),
        "LESSONS_DIR": os.environ.get("LESSONS_DIR", str(PROJECT_ROOT / "lessons")),
        "QUIZZES_DIR": os.environ.get("QUIZZES_DIR", str(PROJECT_ROOT / "quizzes")),
        # Lesson images the president uploads. Several instances need one shared folder (e.g. NFS),
        # since any of them may be asked for any image.
        "UPLOAD_DIR": os.environ.get("UPLOAD_DIR") or str(instance_path / "uploads"),
        # Where `flask backup` writes when given no file name.
        "BACKUP_DIR": os.environ.get("BACKUP_DIR") or str(instance_path / "backups"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("SESSION_COOKIE_SECURE", "0") == "1",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": os.environ.get("SESSION_COOKIE_SECURE", "0") == "1",
        "REMEMBER_COOKIE_DURATION": timedelta(days=14),
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
        # A long quiz must not lose its answers to an expired token.
        "WTF_CSRF_TIME_LIMIT": 4 * 3600,
        # Signed out after this long without a request (sessions without "keep me signed in").
        "SESSION_IDLE_TIMEOUT": timedelta(minutes=int(os.environ.get("SESSION_IDLE_MINUTES", "60"))),
        # Failed sign-ins are counted in the database (services/people/sign_in_limits.py), whatever
        # this says. Flask-Limiter's remaining limit (the company sign-in routes, per address) counts
        # in Redis when REDIS_URL is set, so that every worker and instance counts together; in each
        # process's memory otherwise (gunicorn.conf.py warns when several workers do).
        "RATELIMIT_STORAGE_URI": os.environ.get("REDIS_URL") or "memory://",
        # With Redis, the background jobs go through RQ on it, run by `flask jobs worker` processes
        # (courseware/jobs.py); without, the serving process runs them.
        "REDIS_URL": os.environ.get("REDIS_URL", ""),
        "JOBS_QUEUE": os.environ.get("JOBS_QUEUE", "culture-courses"),
        "MIGRATION_COMMANDS": _migration_commands(),
        **_notification_settings(),
        "PERSONAL_DATA_RETENTION_MONTHS": _retention_months(),  # services/people/erasure.py
        "RATELIMIT_HEADERS_ENABLED": True,
        "RATELIMIT_STRATEGY": "moving-window",
        # A lesson counts as read after this share of its estimated minutes (at least 30 s), measured
        # on the server between opening and confirming (services/learning/reading.py).
        "READ_MIN_FRACTION": float(os.environ.get("READ_MIN_FRACTION", "0.4")),
        # Only load benchmarks that sign in hundreds of people from one address turn this off.
        "RATELIMIT_ENABLED": os.environ.get("RATELIMIT_ENABLED", "1") != "0",
        # How many reverse proxies (nginx) stand in front and set X-Forwarded-For; 0 trusts none.
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", "0")),
        # Strict-Transport-Security: on when cookies are HTTPS-only, i.e. in production.
        "HSTS": os.environ.get("SESSION_COOKIE_SECURE", "0") == "1",
        **_sign_in_settings(),
        **_directory_settings(), **_page_cache_settings(),
    }


def _page_cache_settings() -> dict:
    """The dashboard and lesson pages kept as rendered per sign-in (courseware/page_cache.py): the
    memory each process gives them (0: none kept), the disk the processes share for them
    (courseware/shared_pages.py) and the longest a kept page is served."""
    return {"PAGE_CACHE_MB": int(os.environ.get("PAGE_CACHE_MB", "24")),
            "PAGE_CACHE_SECONDS": int(os.environ.get("PAGE_CACHE_SECONDS", "300")),
            # Shared by the processes of one machine (instance/page-cache.sqlite3; 0: none shared).
            "PAGE_CACHE_SHARED_MB": int(os.environ.get("PAGE_CACHE_SHARED_MB", "256"))}


def _notification_settings() -> dict:
    """Where reminders go besides the site's own list (services/notifications; each optional): e-mail
    over SMTP, and the group robots of WeCom, DingTalk and Feishu with their signing secrets."""
    return {name: os.environ.get(name, "") for name in (
        "SMTP_URL", "MAIL_FROM", "WECOM_WEBHOOK_URL", "DINGTALK_WEBHOOK_URL", "DINGTALK_SECRET",
        "FEISHU_WEBHOOK_URL", "FEISHU_SECRET")}


def _sign_in_settings() -> dict:
    """Sign-in with the company's accounts (OpenID Connect, courseware/auth/oidc.py): on when the issuer,
    client id and secret are all set; the identity provider must allow the redirect URI
    <SITE_URL>/auth/oidc/callback."""
    return {
        "OIDC_ISSUER": os.environ.get("OIDC_ISSUER", "").strip(),
        "OIDC_CLIENT_ID": os.environ.get("OIDC_CLIENT_ID", "").strip(),
        "OIDC_CLIENT_SECRET": os.environ.get("OIDC_CLIENT_SECRET", ""),
        # The sign-in page's button; empty: "Sign in with your company account", in the reader's language.
        "OIDC_BUTTON_LABEL": os.environ.get("OIDC_BUTTON_LABEL", "").strip(),
        # A first sign-in that matches no account makes one (a manager's) instead of being refused.
        "SSO_CREATE_ACCOUNTS": os.environ.get("SSO_CREATE_ACCOUNTS", "0") == "1",
        # 0: nobody signs in with a password but the break-glass account, a president's.
        "PASSWORD_SIGNIN": os.environ.get("PASSWORD_SIGNIN", "1") != "0",
        "BREAK_GLASS_USERNAME": os.environ.get("BREAK_GLASS_USERNAME", "").strip().lower(),
        # Sign-in with WeCom, DingTalk or Feishu (courseware/auth/platforms.py), each on when its
        # credentials are set; the same app reads the directory and sends work notices
        # (services/people/platforms). *_BASE_URL replaces the platform's hosts (tests' fake server).
        **{name: os.environ.get(name, "").strip() for name in (
            "WECOM_CORP_ID", "WECOM_AGENT_ID", "WECOM_SECRET", "WECOM_BASE_URL",
            "DINGTALK_CLIENT_ID", "DINGTALK_CLIENT_SECRET", "DINGTALK_AGENT_ID",
            "DINGTALK_BASE_URL", "FEISHU_APP_ID", "FEISHU_APP_SECRET", "FEISHU_BASE_URL")},
    }


def _directory_settings() -> dict:
    """The daily directory sync (courseware/jobs.py, services/people/directory_daily.py): its source
    (wecom, dingtalk, feishu or csv; empty: no daily sync), the CSV file, and the company's local time
    of day (COMPANY_TIMEZONE) from which it runs, once a day."""
    return {
        "DIRECTORY_SYNC_SOURCE": os.environ.get("DIRECTORY_SYNC_SOURCE", "").strip().lower(),
        "DIRECTORY_SYNC_FILE": os.environ.get("DIRECTORY_SYNC_FILE", "").strip(),
        "DIRECTORY_SYNC_AT": os.environ.get("DIRECTORY_SYNC_AT", "02:00").strip(),
    }
