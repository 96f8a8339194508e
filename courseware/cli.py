"""Flask commands: content import/check/export/publish-due, jobs tick/worker, create-user, seed-demo.

Each speaks the language of the environment it runs in (LC_ALL, LC_MESSAGES or LANG, see
i18n.cli_language), else the site's; the demo logins keep one parseable format in every language.
Times they print are in the company's zone (COMPANY_TIMEZONE, courseware.timezones).
"""
from __future__ import annotations

import functools
import os
import sys
from datetime import datetime
from pathlib import Path

import click
from flask import Flask, current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from courseware import i18n, jobs
from courseware.content.exporter import export_content
from courseware.content.loader import CourseFile, LessonFile
from courseware.content.quiz_files import QuizFile
from courseware.extensions import db
from courseware.formatting import format_datetime, format_number
from courseware.models import ROLES, Department, User
from courseware.models._time import utcnow
from courseware.services.authoring import content_import
from courseware.services.errors import ValidationError
from courseware.services.notifications.messages import Kind
from courseware.services.ops import backups, database_copy, demo
from courseware.services.people import accounts, one_time_passwords, page_versions
from courseware.timezones import company_zone, to_local


def register_commands(app: Flask) -> None:
    app.cli.add_command(backup_command)
    app.cli.add_command(copy_database_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(content_group)
    app.cli.add_command(jobs_group)
    app.cli.add_command(notifications_group)
    app.cli.add_command(create_user_command)
    app.cli.add_command(seed_demo_command)
    from courseware.cli_directory import directory_group  # it uses this module's helpers

    app.cli.add_command(directory_group)


def _in_cli_language(command):
    """Run the command with its messages in the environment's language (see i18n.cli_language)."""

    @functools.wraps(command)
    def wrapped(*args, **kwargs):
        with force_locale(i18n.cli_language()):
            return command(*args, **kwargs)

    return wrapped


@click.group("content", help="Import, check and export the course files.")
def content_group() -> None:
    pass


def _dirs(lessons: str | None, quizzes: str | None) -> tuple[str, str]:
    """The folders to read, relative to the working directory when inside it, for short messages."""
    chosen = (lessons or current_app.config["LESSONS_DIR"], quizzes or current_app.config["QUIZZES_DIR"])
    return _short(chosen[0]), _short(chosen[1])


def _short(path: str) -> str:
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


@content_group.command("import")
@click.option("--lessons", type=click.Path(file_okay=False), help="Folder of lessons.")
@click.option("--quizzes", type=click.Path(file_okay=False), help="Folder of quiz files.")
@click.option("--strict", is_flag=True, help="Exit 1 when a file has errors (as `content check` does).")
@_in_cli_language
def content_import_command(lessons: str | None, quizzes: str | None, strict: bool) -> None:
    """Import lessons/ and quizzes/; only changed content gets a new revision. A file with errors is
    reported with its line and left as last imported, and the command still succeeds (so that
    `make serve` starts with the content last imported) unless --strict."""
    report = content_import.import_content(db.session, *_dirs(lessons, quizzes))
    for path in report.created:
        click.echo(_("created  %(path)s", path=path))
    for path in report.revised:
        click.echo(_("revised  %(path)s", path=path))
    click.echo(_(
        "Content: %(created)d created, %(revised)d revised, %(unchanged)d unchanged, "
        "%(errors)d with errors.", created=len(report.created), revised=len(report.revised),
        unchanged=report.unchanged, errors=len(report.errors),
    ))
    _fail_on_errors(report.errors, fail=strict)


@content_group.command("check")
@click.option("--lessons", type=click.Path(file_okay=False), help="Folder of lessons.")
@click.option("--quizzes", type=click.Path(file_okay=False), help="Folder of quiz files.")
@_in_cli_language
def content_check_command(lessons: str | None, quizzes: str | None) -> None:
    """Validate the course files without writing anything."""
    content = content_import.check_content(*_dirs(lessons, quizzes))
    click.echo(_(
        "Checked %(courses)d course(s), %(lessons)d valid lesson(s), %(quizzes)d valid quiz(zes).",
        courses=len(content.courses), lessons=len(content.lessons), quizzes=len(content.quizzes),
    ))
    translated: list[CourseFile | LessonFile | QuizFile] = [
        *content.translated_courses, *content.translated_lessons, *content.translated_quizzes]
    if translated:
        click.echo(_(
            "Versions in other languages (%(languages)s): %(lessons)d valid lesson(s), "
            "%(quizzes)d valid quiz(zes).", languages=", ".join(sorted({f.language for f in translated})),
            lessons=len(content.translated_lessons), quizzes=len(content.translated_quizzes),
        ))
    _fail_on_errors(content.errors)
    click.echo(_("All content is valid."))


@content_group.command("export")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Folder to write lessons/ and quizzes/ into.")
@_in_cli_language
def content_export_command(out_dir: str) -> None:
    """Write the published lessons and current quizzes back to files in the import format."""
    written = export_content(db.session, Path(out_dir))
    click.echo(_("Wrote %(count)d file(s) under %(folder)s.", count=len(written), folder=out_dir))


@content_group.command("publish-due")
@_in_cli_language
def content_publish_due_command() -> None:
    """Publish the scheduled lesson revisions whose time has come (e.g. from cron)."""
    published = jobs.publish_due()
    for revision in published:
        click.echo(_("published  %(lesson)s revision %(number)d at %(when)s",
                     lesson=f"{revision.lesson.course.slug}/{revision.lesson.slug}", number=revision.number,
                     when=format_datetime(revision.published_at)))
    click.echo(_("%(count)d scheduled revision(s) published.", count=len(published)))


@click.group("jobs", help="The site's background jobs (courseware/jobs.py).")
def jobs_group() -> None:
    pass


@jobs_group.command("tick")
@_in_cli_language
def jobs_tick_command() -> None:
    """Run every periodic job once (e.g. from cron or a systemd timer); exit 1 if one failed."""
    # Flask types current_app as Flask, but it is a LocalProxy: the app itself is _get_current_object().
    results = jobs.tick(current_app._get_current_object())  # type: ignore[attr-defined]
    for name, succeeded in (results or {}).items():
        if succeeded:
            click.echo(_("%(job)s: done.", job=name))
        else:
            click.echo(_("%(job)s: failed; the error is in the log.", job=name), err=True)
    if results and not all(results.values()):
        raise click.exceptions.Exit(1)


@jobs_group.command("worker")
@click.option("--burst", is_flag=True, help="Run what is queued, then stop.")
@_in_cli_language
def jobs_worker_command(burst: bool) -> None:
    """Run the queued jobs (REDIS_URL must be set): `make worker`, or the systemd unit."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if jobs.job_queue.queue_of(app) is None:
        raise click.ClickException(_("REDIS_URL is not set: without a queue the site runs its jobs itself."))
    jobs.bind_worker_app(app)
    jobs.job_queue.work(app, burst=burst)


@click.group("notifications", help="Reminders and notices (services/notifications).")
def notifications_group() -> None:
    pass


@notifications_group.command("send-due")
@click.option("--now", "at", type=click.DateTime(formats=["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d"]),
              help="The moment to compute for, in UTC (default: now), e.g. 2031-05-06T09:00.")
@click.option("--dry-run", is_flag=True, help="Count what is due; claim and send nothing.")
@_in_cli_language
def notifications_send_due_command(at: datetime | None, dry_run: bool) -> None:
    """Claim what is due at that moment and send it; a second run at the same moment sends nothing."""
    report = jobs.send_notifications(at, dry_run=dry_run)
    for (state, channel), count in sorted(report.new.items()):
        click.echo(_("%(count)d %(state)s on %(channel)s", count=count, state=state, channel=channel))
    for kind, count in sorted(report.kinds.items()):
        click.echo(_("%(kind)s: %(count)d", kind=Kind(kind).label, count=count))
    if dry_run:
        click.echo(_("Dry run: %(new)d message(s) would be claimed, %(already)d were claimed before.",
                     new=sum(report.new.values()), already=report.already))
    else:
        click.echo(_("%(new)d new message(s) claimed, %(already)d claimed before.",
                     new=sum(report.new.values()), already=report.already))
        if report.enqueued:
            click.echo(_("The workers send them."))
        elif report.outcomes:
            click.echo(_("Sent now: %(sent)d; failed (retried later): %(failed)d.",
                         sent=report.outcomes["sent"], failed=report.outcomes["failed"]))


def _fail_on_errors(errors: list, fail: bool = True) -> None:
    for error in errors:
        click.echo(_("error: %(problem)s", problem=error), err=True)
    if errors and fail:
        raise click.exceptions.Exit(1)


@click.command("create-user")
@click.argument("username")
@click.option("--name", "full_name", required=True, help="Full name as shown on reports.")
@click.option("--role", type=click.Choice(ROLES), default="manager", show_default=True)
@click.option("--department", help="Department name (created if new).")
@click.option("--email")
@click.option("--password", help="Omit to be asked, or use --generate-password.")
@click.option("--generate-password", is_flag=True, help="Create and print a random password.")
@_in_cli_language
def create_user_command(username: str, full_name: str, role: str, department: str | None,
                        email: str | None, password: str | None, generate_password: bool) -> None:
    """Create an account."""
    if generate_password:
        password = accounts.generate_password()
    elif not password:
        password = click.prompt(_("Password"), hide_input=True, confirmation_prompt=True)
    dept = None
    if department:
        dept = db.session.scalar(select(Department).where(Department.name == department))
        dept = dept or accounts.get_or_create_department(db.session, department)
    try:
        user = accounts.create_user(
            db.session, username=username, full_name=full_name, password=password, role=role,
            department=dept, email=email, commit=False,
        )
        # A generated password is a one-time one: its owner chooses their own at the first sign-in.
        expires = one_time_passwords.issue(db.session, None, user, password) if generate_password else None
        db.session.commit()
    except ValidationError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    created = {
        "manager": _("Created manager %(username)s.", username=user.username),
        "hr": _("Created hr %(username)s.", username=user.username),
        "president": _("Created president %(username)s.", username=user.username),
    }
    click.echo(created[str(user.role)])
    if expires is not None:
        click.echo(_("It signs in once, until %(moment)s UTC (72 hours), to choose a password of one's own.",
                     moment=f"{expires:%Y-%m-%d %H:%M}"))
        click.echo(_("Password (shown once): %(password)s", password=password))


@click.command("seed-demo")
@_in_cli_language
def seed_demo_command() -> None:
    """Create the demo company on an empty database and print its logins."""
    logins_file = Path(current_app.instance_path) / "demo-logins.txt"
    try:
        logins = demo.seed_demo(db.session, password=os.environ.get("DEMO_PASSWORD") or None)
    except ValidationError as error:
        db.session.rollback()
        raise click.ClickException(f"DEMO_PASSWORD: {error}") from error
    if logins:
        _write_private(logins_file, "".join(f"{x.role}\t{x.username}\t{x.password}\n" for x in logins))
        click.echo(_("Demo accounts created (role, username, password):"))
    else:
        if logins_file.exists():
            _complete_demo(logins_file)
        logins = _still_valid_demo_logins(logins_file)
        if not logins:
            click.echo(_("The database already has accounts; no demo accounts were created."))
            return
        click.echo(_("Demo accounts (role, username, password):"))
    # The lines themselves never change with the language: `make run` and scripts read them.
    for login in logins:
        click.echo(f"  {login.line()}")
    sys.stdout.flush()


def _complete_demo(logins_file: Path) -> None:
    """A demo from before the latest demo people and reporting lines: add them, and their logins."""
    try:
        added = demo.complete_demo(db.session, password=os.environ.get("DEMO_PASSWORD") or None)
    except ValidationError as error:
        db.session.rollback()
        raise click.ClickException(f"DEMO_PASSWORD: {error}") from error
    if added:
        _write_private(logins_file, logins_file.read_text()
                       + "".join(f"{x.role}\t{x.username}\t{x.password}\n" for x in added))


def _write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read, from its first byte."""
    path.unlink(missing_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)


def _still_valid_demo_logins(logins_file: Path) -> list[demo.DemoLogin]:
    """The demo logins saved at first run whose password has not been changed since."""
    if not logins_file.exists():
        return []
    valid = []
    for line in logins_file.read_text().splitlines():
        role, username, password = line.split("\t")
        user = db.session.scalar(select(User).where(User.username == username))
        if user is not None and user.active and user.check_password(password):
            valid.append(demo.DemoLogin(role, username, password))
    return valid


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False), required=False)
@_in_cli_language
def backup_command(path: str | None) -> None:
    """Write a consistent backup of the database to PATH (by default a new file in BACKUP_DIR named
    by the company's time and its offset, courseware-20261203-194000+0800.db), while the site keeps
    running."""
    if path is None:
        stamp = to_local(utcnow(), company_zone()).strftime("%Y%m%d-%H%M%S%z")
        suffix = "db" if db.engine.dialect.name == "sqlite" else "dump"
        path = str(Path(current_app.config["BACKUP_DIR"]) / f"courseware-{stamp}.{suffix}")
    try:
        written = backups.backup(db.engine, Path(path))
    except ValidationError as error:
        raise click.ClickException(str(error)) from error
    click.echo(_("Backed up the %(dialect)s database to %(path)s (%(size)s bytes).",
                 dialect=db.engine.dialect.name, path=written, size=format_number(written.stat().st_size)))


@click.command("copy-database")
@click.option("--to", "target_url", required=True, help="SQLAlchemy URL of the target database.")
@click.option("--from", "source_url", help="SQLAlchemy URL to copy from (default: this site's).")
@_in_cli_language
def copy_database_command(target_url: str, source_url: str | None) -> None:
    """Copy every row into another database migrated to the same revision and empty, e.g. from the
    embedded SQLite database to PostgreSQL. Stop the site (or its writes) while it runs."""
    from sqlalchemy import create_engine

    source = create_engine(source_url) if source_url else db.engine
    target = create_engine(target_url)
    try:
        with page_versions.quiet():  # the rows copied, the versions among them, as they are
            copied = database_copy.copy_database(source, target, db.metadata)
    except ValidationError as error:
        raise click.ClickException(str(error)) from error
    finally:
        target.dispose()
        if source_url:
            source.dispose()
    for table in copied:
        click.echo(f"{table.name:<24} " + _("%(rows)s rows", rows=f"{table.target_rows:>10,}"))
    click.echo(_("Copied %(rows)s rows in %(tables)d tables to %(url)s; every count matches.",
                 rows=format_number(sum(t.target_rows for t in copied)), tables=len(copied),
                 url=target.url.render_as_string(hide_password=True)))


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--force", is_flag=True, help="Restore even though the site looks up.")
@_in_cli_language
def restore_command(path: str, yes: bool, force: bool) -> None:
    """Replace the database's content with the backup at PATH. Stop the site first: the command
    refuses while it looks up, unless --force."""
    in_use = backups.site_in_use(db.engine, Path(current_app.instance_path))
    if in_use and not force:
        raise click.ClickException(_("The site looks up: %(reason)s. Stop it first, or restore with "
                                     "--force.", reason=in_use))
    if not yes:
        click.confirm(_("Replace everything in the database with %(path)s?", path=path), abort=True)
    try:
        backups.restore(db.engine, Path(path))
    except ValidationError as error:
        raise click.ClickException(str(error)) from error
    click.echo(_("Restored the database from %(path)s.", path=path))
