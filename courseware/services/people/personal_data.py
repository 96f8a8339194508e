"""Everything the site holds about one person, as a ZIP they download from /account ("My data").

One JSON file per subject (`profile.json`, `progress.json`, `quiz_attempts.json`...), a CSV file
beside each list, and a README.txt in the person's language that says what each file holds.

Which rows are theirs is found through the database's own description (SQLAlchemy's metadata):
every column that refers to `user_account.id` is either exported (SUBJECTS, AUDIT_REFERENCE) or
excluded with a reason (EXCLUDED), and tests/services/test_personal_data.py fails on a new table that
is neither, so that a new table cannot be forgotten. Secrets (the password hash, session tokens) are
never exported.

The culture pulse's answers name nobody (courseware/models/feedback.py): there is nothing of a person's
to export, and its "has answered" tokens hold no id (services/pulse/answering.py says why they stay).
"""
from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import MetaData, Table, or_, select
from sqlalchemy.orm import Session

from courseware.extensions import db
from courseware.models import AuditEvent, User

USER_TABLE = "user_account"
# Never leave the server, even to their owner.
SECRET_COLUMNS = {("user_account", "password_hash"), ("user_account", "session_token"),
                  ("sign_in_session", "token")}


@dataclass(frozen=True)
class Subject:
    """The rows of `table` whose `column` is the person: one file `name`.json (and .csv)."""

    name: str
    table: str
    column: str
    description: Any  # a lazy string: what the file holds, for README.txt
    columns: tuple[str, ...] | None = None  # None: every column but the secrets


@dataclass(frozen=True)
class Child:
    """Rows of `table` that belong to the rows of a subject through `column` (the answers of an attempt)."""

    name: str
    table: str
    column: str
    parent: str  # the subject's name
    description: Any


SUBJECTS: tuple[Subject, ...] = (
    Subject("progress", "lesson_progress", "user_id",
            _l("Each lesson you opened: when you opened, read and completed it, and your reading time.")),
    Subject("quiz_attempts", "quiz_attempt", "user_id",
            _l("Your quiz attempts: when, the questions drawn, your score and whether you passed.")),
    Subject("certificates", "certificate", "user_id",
            _l("Your certificates: the lessons each covers, when it was issued and until when it is valid.")),
    Subject("refresh_checks", "refresh_check", "user_id",
            _l("Your refresh checks: the questions asked and your answers.")),
    Subject("assignments", "assignment", "user_id",
            _l("The courses assigned to you personally, and their due dates.")),
    Subject("assignments_made", "assignment", "created_by_id",
            _l("The assignments you made for others (course and due date only)."),
            ("id", "course_id", "department_id", "due_on", "due_days", "purpose", "created_at")),
    Subject("practice_goals", "practice_goal", "user_id", _l("Your practice goals, long- and short-term.")),
    Subject("practice_focus", "practice_focus_item", "user_id",
            _l("Your focus decisions: each request, linked to a goal or declined, and why.")),
    Subject("practice_days", "practice_day", "user_id", _l("Your daily plans and evening summaries.")),
    Subject("practice_reflections", "practice_reflection", "user_id",
            _l("Your answers to lessons' reflection prompts, whether you shared them, and the replies.")),
    Subject("reflection_replies", "practice_reflection", "replied_by_id",
            _l("The replies you wrote to reflections others shared with you (your words only)."),
            ("id", "lesson_id", "reply", "replied_at")),
    Subject("reflection_features", "reflection_feature", "user_id",
            _l("The president's requests to show your reflections in their lessons, and your answers."),
            ("id", "reflection_id", "lesson_id", "requested_at", "state", "decided_at")),
    Subject("practice_followups", "practice_followup", "user_id",
            _l("Your 30- and 90-day follow-up checks.")),
    Subject("lesson_questions", "lesson_question", "user_id",
            _l("The questions you asked on lessons: your text, whether you asked anonymously, and whether "
               "it was hidden and why.")),
    Subject("question_me_too", "question_me_too", "user_id",
            _l("The questions you marked 'I have this question too'.")),
    Subject("question_answers_written", "question_answer", "author_id",
            _l("The answers you wrote to questions on lessons, and whether they are pinned.")),
    Subject("question_host", "question_host", "user_id",
            _l("Whether the president named you host of the lesson questions, and since when."),
            ("id", "created_at")),
    Subject("notifications", "notification", "user_id", _l("The notices in your list (the bell).")),
    Subject("deliveries", "delivery", "user_id",
            _l("Every message sent or due to you, on which channel, and what became of it.")),
    Subject("notification_opt_outs", "notification_opt_out", "user_id",
            _l("The kinds of messages you turned off.")),
    Subject("sign_in_sessions", "sign_in_session", "user_id",
            _l("Your sign-ins: when each started and when it was signed out.")),
    Subject("external_identities", "external_identity", "user_id",
            _l("Your links to the company's sign-in service.")),
    Subject("directory_record", "directory_record", "user_id",
            _l("What the company's directory said about you at its last sync.")),
    Subject("departments_headed", "department", "head_id", _l("The departments you head."), ("id", "name")),
)
CHILDREN: tuple[Child, ...] = (
    Child("quiz_answers", "attempt_answer", "attempt_id", "quiz_attempts",
            _l("Your answer to each question of each attempt, and whether it was right.")),
    Child("practice_goal_updates", "practice_goal_update", "goal_id", "practice_goals",
            _l("Each progress mark on your goals, with its note.")),
    Child("answers_to_my_questions", "question_answer", "question_id", "lesson_questions",
            _l("The answers given to your questions.")),
    Child("practice_followup_answers", "practice_followup_answer", "check_id", "practice_followups",
            _l("Your answers in the follow-up checks.")),
)
# The audit trail: entries by the person, or naming them (audit.json), found by actor and target.
AUDIT_REFERENCE = ("audit_event", "actor_id")
EXCLUDED: dict[tuple[str, str], str] = {
    ("user_account", "manager_id"): "who reports to the person is data about others; their own line "
                                    "manager is in profile.json",
    ("lesson_revision", "author_id"): "course content written as the company's author belongs to the "
                                      "course, not to the person",
    ("quiz_version", "author_id"): "quizzes written as the company's author belong to the course",
    ("import_handout", "user_id"): "other people's one-time passwords from an import the person made, "
                                   "encrypted and gone within 15 minutes",
    ("reflection_feature", "requested_by_id"): "a request to feature a reflection belongs to the "
                                               "reflection's author (reflection_features.json)",
    ("lesson_question", "hidden_by_id"): "hiding another person's question is moderation of their text; "
                                         "each hiding is in audit.json",
    ("question_host", "added_by_id"): "naming another person host is in audit.json",
}


def user_references(metadata: MetaData | None = None) -> set[tuple[str, str]]:
    """Every (table, column) that refers to user_account.id."""
    metadata = metadata or db.metadata
    return {(table.name, column.name) for table in metadata.tables.values() for column in table.columns
            for key in column.foreign_keys if key.column.table.name == USER_TABLE and key.column.name == "id"}


def _plain(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat() + "Z"  # stored in UTC
    if isinstance(value, date):
        return value.isoformat()
    return value


def _rows(session: Session, table: Table, where: Any, columns: tuple[str, ...] | None) -> list[dict]:
    names = [c.name for c in table.columns if (table.name, c.name) not in SECRET_COLUMNS
             and (columns is None or c.name in columns)]
    result = session.execute(select(*(table.c[name] for name in names)).where(where).order_by(table.c.id))
    return [{name: _plain(value) for name, value in zip(names, row, strict=True)} for row in result]


def profile(user: User) -> dict:
    return {name: _plain(value) for name, value in {
        "id": user.id, "username": user.username, "full_name": user.full_name, "title": user.title,
        "email": user.email, "mobile": user.mobile, "role": user.role,
        "department": user.department.full_name if user.department else None,
        "line_manager": user.manager.full_name if user.manager else None,
        "language": user.locale, "time_zone": user.timezone, "active": user.active,
        "created_at": user.created_at, "last_login_at": user.last_login_at,
        "department_since": user.department_since, "deactivated_at": user.deactivated_at,
    }.items()}


def collect(session: Session, user: User) -> dict[str, Any]:
    """Every subject's rows: {file name: rows}, `profile` a dict, every other a list."""
    tables = db.metadata.tables
    data: dict[str, Any] = {"profile": profile(user)}
    for subject in SUBJECTS:
        table = tables[subject.table]
        data[subject.name] = _rows(session, table, table.c[subject.column] == user.id, subject.columns)
    for child in CHILDREN:
        table = tables[child.table]
        parents = [row["id"] for row in data[child.parent]]
        data[child.name] = _rows(session, table, table.c[child.column].in_(parents), None) if parents else []
    events = tables[AuditEvent.__tablename__]
    data["audit"] = _rows(session, events, or_(events.c.actor_id == user.id, events.c.actor == user.username,
                                               events.c.target == user.username), None)
    return data


def _csv(rows: list[dict]) -> str:
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            writer.writerow({key: json.dumps(value, ensure_ascii=False) if isinstance(value, (list, dict))
                             else value for key, value in row.items()})
    return "\ufeff" + out.getvalue()  # a BOM: spreadsheets then read the UTF-8 right


def readme(user: User, now: datetime) -> str:
    """README.txt in the reader's language: what each file holds."""
    lines = [
        _("Your data at Culture Courses"), "",
        _("Everything the site holds about %(name)s (%(username)s), exported on %(date)s (UTC).",
          name=user.full_name, username=user.username, date=now.strftime("%Y-%m-%d %H:%M")),
        _("Each subject is a JSON file; lists are also given as CSV files (UTF-8) for spreadsheets."),
        _("Times are in UTC (the Z at their end). Ids refer to rows of other files or to the course's "
          "lessons."),
        "",
        "profile.json: " + _("Your account: name, username, e-mail, job title, role, department, line "
                             "manager, language, time zone."),
    ]
    items: list[Subject | Child] = [*SUBJECTS, *CHILDREN]
    for item in items:
        lines.append(f"{item.name}.json, {item.name}.csv: {item.description}")
    lines += ["audit.json, audit.csv: " + _("The security log's entries made by you or about you."), "",
              _("Your password is not included: the site keeps only a one-way hash of it."),
              _("To have your data erased after you leave the company, ask HR. See the privacy page on "
                "the site.")]
    return "\r\n".join(str(line) for line in lines) + "\r\n"


def export_zip(session: Session, user: User, now: datetime) -> tuple[str, bytes]:
    """The file name and the ZIP of everything the site holds about the person."""
    data = collect(session, user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", readme(user, now))
        for name, rows in data.items():
            archive.writestr(f"{name}.json", json.dumps(rows, ensure_ascii=False, indent=2))
            if isinstance(rows, list):
                archive.writestr(f"{name}.csv", _csv(rows))
    return f"my-data-{user.username}-{now:%Y-%m-%d}.zip", buffer.getvalue()
