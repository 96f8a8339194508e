"""Culture Courses: the president's Corporate Culture Series, online."""
from __future__ import annotations

import logging
import os
from pathlib import Path

from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.pool import ConnectionPoolEntry

from courseware import i18n, inputs, jobs, sqlite_writes, timezones
from courseware.config import PROJECT_ROOT, load_config
from courseware.extensions import csrf, db, init_migrations, limiter, login_manager
from courseware.services import catalog


def create_app(test_config: dict | None = None) -> Flask:
    instance_path = Path(os.environ.get("INSTANCE_PATH", PROJECT_ROOT / "instance"))
    app = Flask(
        __name__,
        instance_path=str(instance_path),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.update(load_config(instance_path))
    if test_config:
        app.config.update(test_config)
    instance_path.mkdir(parents=True, exist_ok=True)

    configure_logging(app)
    register_extensions(app)
    inputs.init_app(app)  # before the blueprints: it bounds the ids of every route they add
    register_blueprints(app)
    register_errors(app)
    register_serving(app)
    register_security_headers(app)
    register_page_cache(app)
    register_template_helpers(app)
    register_cli(app)
    jobs.init_app(app)  # the background jobs' runner: where it runs and why, see courseware/jobs.py
    register_proxies(app)
    return app


def configure_logging(app: Flask) -> None:
    """Errors and the audit trail reach standard error (gunicorn's log) unless logging is set up."""
    if not logging.getLogger().handlers and not app.testing:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def register_extensions(app: Flask) -> None:
    timezones.init_app(app)  # checks COMPANY_TIMEZONE: a wrong zone stops the app at start
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = sqlite_writes.engine_options(
        app.config["SQLALCHEMY_DATABASE_URI"], app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}))
    db.init_app(app)
    i18n.init_app(app)
    catalog.init_app(app)
    if app.config["MIGRATION_COMMANDS"]:
        init_migrations(app, str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    # A session whose browser or address changes is dropped; one restored from the remember cookie
    # is "not fresh" and must re-enter the password for sensitive actions.
    login_manager.session_protection = "strong"
    login_manager.refresh_view = "auth.reauthenticate"
    login_manager.needs_refresh_message = _l("Please confirm your password to continue.")
    login_manager.needs_refresh_message_category = "info"
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to continue.")
    login_manager.login_message_category = "info"
    # The messages are lazy: flashed as text in the language of the request that flashes them.
    login_manager.localize_callback = str
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _sqlite_pragmas)

    from flask_login import user_loaded_from_cookie

    from courseware.auth.session import bind_restored_session, load_user

    login_manager.user_loader(load_user)
    user_loaded_from_cookie.connect(bind_restored_session, app)

    from courseware.auth import oidc

    oidc.init_app(app)  # sign-in with the company's accounts, when configured


def _sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    # WAL lets readers and one writer work together; busy_timeout waits instead of failing.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # With WAL, NORMAL syncs the disk at checkpoints rather than at every commit: the file stays
    # consistent whatever happens, and a power cut (not a crash) may lose the last transactions.
    # Every commit waiting for the disk would cap the whole site at a few hundred writes a second.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=ON")
    # Reports read large indexes: map the file instead of copying pages, and keep more in cache.
    cursor.execute("PRAGMA mmap_size=268435456")
    cursor.execute("PRAGMA cache_size=-32000")
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.close()


def register_blueprints(app: Flask) -> None:
    from courseware.auth.oidc import bp as oidc_bp
    from courseware.auth.platforms import bp as platforms_bp
    from courseware.auth.privacy import bp as privacy_bp
    from courseware.auth.views import bp as auth_bp
    from courseware.author.blueprint import bp as author_bp
    from courseware.author.media import bp as media_bp
    from courseware.health import bp as health_bp
    from courseware.hr.accounts import bp as hr_accounts_bp
    from courseware.hr.insight_views import bp as hr_insights_bp
    from courseware.hr.notification_views import bp as hr_notifications_bp
    from courseware.hr.nudge_views import bp as hr_nudge_bp
    from courseware.hr.team import bp as team_bp
    from courseware.hr.views import bp as hr_bp
    from courseware.learn.question_views import bp as questions_bp
    from courseware.learn.refresh_views import bp as refresh_bp
    from courseware.learn.views import bp as learn_bp
    from courseware.notifications.views import bp as notifications_bp
    from courseware.practice.views import bp as practice_bp
    from courseware.quiz.views import bp as quiz_bp

    for blueprint in (auth_bp, oidc_bp, platforms_bp, learn_bp, refresh_bp, quiz_bp, health_bp, hr_bp,
                      hr_accounts_bp,
                      team_bp, author_bp, media_bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(practice_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(hr_notifications_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(hr_nudge_bp)
    app.register_blueprint(hr_insights_bp)
    app.register_blueprint(questions_bp)


def register_errors(app: Flask) -> None:
    from courseware.errors import register_error_handlers

    register_error_handlers(app)


def register_serving(app: Flask) -> None:
    # Before the security headers: after-request hooks run last-registered first, so the static
    # cache headers have the last word and compression sees the final page.
    from courseware.serving import register_serving as register

    register(app)


def register_security_headers(app: Flask) -> None:
    from courseware.security import init_security

    init_security(app)


def register_proxies(app: Flask) -> None:
    from courseware.security import trust_proxies

    trust_proxies(app)


def register_page_cache(app: Flask) -> None:
    # After the hooks that check each request and load the signed-in person: its own goes between.
    from courseware import page_cache

    page_cache.init_app(app)


def register_template_helpers(app: Flask) -> None:
    from courseware.templating import register_filters

    register_filters(app)


def register_cli(app: Flask) -> None:
    from courseware.cli import register_commands

    register_commands(app)
