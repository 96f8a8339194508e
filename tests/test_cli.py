"""The flask commands: content check/import/export, create-user and seed-demo."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from courseware.extensions import db
from courseware.models import Course, Department, Lesson, LessonRevision, Quiz, QuizVersion, User
from courseware.services.errors import ValidationError
from courseware.services.people.accounts import authenticate
from tests.conftest import TEST_DATA, TEST_LESSONS, TEST_QUIZZES

DEMO_DEPARTMENTS = {
    "Marketing Center", "International Trade", "Domestic Trade", "Tax-free Business",
    "Finance Department", "Human Resources", "President's Office",
}
LOGIN_LINE = re.compile(r"^  (president|hr|manager)\s+(\S+)\s+(\S+)$", re.MULTILINE)


def count(model) -> int:
    db.session.rollback()  # see what the command committed
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def content_counts() -> list[int]:
    return [count(m) for m in (Course, Lesson, LessonRevision, Quiz, QuizVersion)]


@pytest.fixture
def broken_tree(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(TEST_DATA / "content", root)
    path = root / "quizzes" / "first-lesson.yaml"
    path.write_text(path.read_text().replace("pass_mark: 60", "pass_mark: 101"))
    return root / "lessons", root / "quizzes", path


def printed_error_path(stderr: str, rest: str) -> Path:
    """The file named by the one 'error: <path><rest>' line (the path may be cwd-relative)."""
    [line] = [line for line in stderr.splitlines() if line.startswith("error: ")]
    assert rest in line, stderr
    return Path(line.removeprefix("error: ").split(rest)[0]).resolve()


# --- content ---------------------------------------------------------------------------------

def test_content_check_accepts_the_test_tree(runner):
    result = runner.invoke(args=["content", "check"])

    assert result.exit_code == 0, result.output
    assert "Checked 1 course(s), 2 valid lesson(s), 1 valid quiz(zes)." in result.output
    assert "All content is valid" in result.output
    assert content_counts() == [0, 0, 0, 0, 0]


def test_content_check_names_the_file_and_line_of_a_problem(runner, broken_tree):
    lessons, quizzes, path = broken_tree

    result = runner.invoke(args=["content", "check", "--lessons", str(lessons), "--quizzes", str(quizzes)])

    assert result.exit_code == 1
    assert printed_error_path(result.stderr, ":1: 'pass_mark' must be at least 1 and 100, got 101") == path
    assert "All content is valid" not in result.output
    assert content_counts() == [0, 0, 0, 0, 0]


def test_content_import_prints_counts_and_is_idempotent(runner):
    first = runner.invoke(args=["content", "import"])

    assert first.exit_code == 0, first.output
    created = [Path(line.split(maxsplit=1)[1]).resolve()
               for line in first.output.splitlines() if line.startswith("created  ")]
    assert created == [
        TEST_LESSONS / "test-course" / "course.yaml",
        TEST_LESSONS / "test-course" / "01-first-lesson.md",
        TEST_LESSONS / "test-course" / "02-second-lesson.md",
        TEST_LESSONS / "test-course" / "zh_CN" / "01-first-lesson.md",
        TEST_QUIZZES / "first-lesson.yaml",
        TEST_QUIZZES / "zh_CN" / "first-lesson.yaml",
    ]
    assert "Content: 6 created, 0 revised, 0 unchanged, 0 with errors." in first.output
    assert content_counts() == [1, 2, 3, 1, 2]

    second = runner.invoke(args=["content", "import"])

    assert second.exit_code == 0, second.output
    assert "Content: 0 created, 0 revised, 5 unchanged, 0 with errors." in second.output
    assert "created  " not in second.output
    assert content_counts() == [1, 2, 3, 1, 2]


def test_content_import_of_a_broken_tree_imports_the_rest_and_reports_the_file(runner, broken_tree):
    """One bad file must not stop `make serve` (which imports first): the import reports it with its
    line, keeps what was imported, and succeeds; only `content check` (or --strict) fails."""
    lessons, quizzes, path = broken_tree

    result = runner.invoke(args=["content", "import", "--lessons", str(lessons), "--quizzes", str(quizzes)])

    assert result.exit_code == 0
    # The Chinese quiz waits for its broken original: neither is imported, one error is reported.
    assert "Content: 4 created, 0 revised, 0 unchanged, 1 with errors." in result.output
    assert printed_error_path(result.stderr, ":1: 'pass_mark' must be at least 1") == path
    assert content_counts() == [1, 2, 3, 0, 0]
    strict = runner.invoke(args=["content", "import", "--strict", "--lessons", str(lessons),
                                 "--quizzes", str(quizzes)])
    assert strict.exit_code == 1
    check = runner.invoke(args=["content", "check", "--lessons", str(lessons), "--quizzes", str(quizzes)])
    assert check.exit_code == 1


def test_content_export_writes_the_files(runner, tmp_path):
    assert runner.invoke(args=["content", "import"]).exit_code == 0
    out = tmp_path / "out"

    result = runner.invoke(args=["content", "export", "--out", str(out)])

    assert result.exit_code == 0, result.output
    assert f"Wrote 7 file(s) under {out}." in result.output  # 4 in English, 3 in Chinese
    first = (out / "lessons" / "test-course" / "01-first-lesson.md").read_text(encoding="utf-8")
    assert first.startswith("---\ntitle: The first lesson\nmodule: First module\norder: 1\n")
    assert "## A section" in first
    assert (out / "lessons" / "test-course" / "course.yaml").read_text().startswith("title: Test Course\n")
    assert "id: pick-one" in (out / "quizzes" / "first-lesson.yaml").read_text()
    check = runner.invoke(
        args=["content", "check", "--lessons", str(out / "lessons"), "--quizzes", str(out / "quizzes")]
    )
    assert check.exit_code == 0, check.output


# --- create-user -----------------------------------------------------------------------------

def test_create_user_with_a_password(runner):
    result = runner.invoke(args=["create-user", "Alice", "--name", "Alice Example", "--role", "hr",
                                 "--department", "Human Resources", "--password", "long enough pw"])

    assert result.exit_code == 0, result.output
    assert "Created hr alice." in result.output
    assert "Password" not in result.output
    user = authenticate(db.session, "alice", "long enough pw")
    assert user is not None
    assert (user.full_name, user.role, user.department.name) == ("Alice Example", "hr", "Human Resources")


def test_create_user_asks_for_the_password_when_not_given(runner):
    result = runner.invoke(args=["create-user", "bob", "--name", "Bob"], input="s3cret-pass\ns3cret-pass\n")

    assert result.exit_code == 0, result.output
    assert "Created manager bob." in result.output
    assert authenticate(db.session, "bob", "s3cret-pass") is not None


def test_create_user_refuses_a_taken_username(runner, make_user):
    make_user(username="carol")

    result = runner.invoke(args=["create-user", "Carol", "--name", "Other", "--password", "long enough pw"])

    assert result.exit_code != 0
    assert "Error: The username 'carol' is taken." in result.output
    assert count(User) == 1


def test_create_user_refuses_a_short_password(runner):
    result = runner.invoke(args=["create-user", "dave", "--name", "Dave", "--password", "short",
                                 "--department", "Brand New Dept"])

    assert result.exit_code != 0
    assert "Error: Passwords must be at least 8 characters." in result.output
    assert count(User) == 0
    assert count(Department) == 0


def test_create_user_refuses_an_unknown_role(runner):
    result = runner.invoke(args=["create-user", "erin", "--name", "Erin", "--role", "admin",
                                 "--password", "long enough pw"])

    assert result.exit_code == 2
    assert "'admin' is not one of" in result.output
    assert count(User) == 0


def test_create_user_with_a_generated_password_that_logs_in(runner):
    result = runner.invoke(args=["create-user", "frank", "--name", "Frank", "--generate-password"])

    assert result.exit_code == 0, result.output
    match = re.search(r"^Password \(shown once\): (\S+)$", result.output, re.MULTILINE)
    assert match, result.output
    password = match.group(1)
    assert len(password) >= 8
    assert authenticate(db.session, "frank", password).username == "frank"
    assert authenticate(db.session, "frank", password + "x") is None


# --- seed-demo -------------------------------------------------------------------------------

def printed_logins(output: str) -> list[tuple[str, str, str]]:
    return LOGIN_LINE.findall(output)


def test_seed_demo_creates_the_company(runner, monkeypatch, app):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-password")

    result = runner.invoke(args=["seed-demo"])

    assert result.exit_code == 0, result.output
    assert "Demo accounts created (role, username, password):" in result.output
    logins = printed_logins(result.output)
    assert len(logins) == 13
    assert {password for _, _, password in logins} == {"demo-password"}
    roles = [role for role, _, _ in logins]
    assert (roles.count("president"), roles.count("hr"), roles.count("manager")) == (1, 1, 11)
    db.session.rollback()
    departments = {d.name: d for d in db.session.scalars(sa.select(Department))}
    assert set(departments) == DEMO_DEPARTMENTS
    for name in ("International Trade", "Domestic Trade", "Tax-free Business"):
        assert departments[name].parent.name == "Marketing Center"
    users = {u.username: u for u in db.session.scalars(sa.select(User))}
    assert sorted(users) == sorted(username for _, username, _ in logins)
    assert [u.role for u in users.values()].count("manager") == 11
    for role, username, _ in logins:
        assert users[username].role == role
    assert users["president"].department.name == "President's Office"
    assert authenticate(db.session, "president", "demo-password") is not None
    logins_file = Path(app.instance_path) / "demo-logins.txt"
    assert "president\tpresident\tdemo-password\n" in logins_file.read_text()
    assert logins_file.stat().st_mode & 0o777 == 0o600


def test_seed_demo_a_second_time_creates_nothing_and_prints_valid_logins(runner, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-password")
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    db.session.rollback()
    hr = db.session.scalar(sa.select(User).where(User.role == "hr"))
    hr.set_password("changed-by-hr")
    db.session.commit()

    second = runner.invoke(args=["seed-demo"])

    assert second.exit_code == 0, second.output
    assert "Demo accounts (role, username, password):" in second.output
    assert "created" not in second.output
    logins = printed_logins(second.output)
    assert len(logins) == 12  # the changed password is no longer printed
    assert hr.username not in {username for _, username, _ in logins}
    assert count(User) == 13
    assert count(Department) == 7


def test_seed_demo_without_demo_password_gives_each_account_its_own(runner, monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)

    result = runner.invoke(args=["seed-demo"])

    assert result.exit_code == 0, result.output
    logins = printed_logins(result.output)
    passwords = [password for _, _, password in logins]
    assert len(passwords) == 13
    assert len(set(passwords)) == 13
    assert all(re.fullmatch(r"[a-z2-9]{4}(-[a-z2-9]{4}){3}", p) for p in passwords)
    role, username, password = logins[0]
    assert authenticate(db.session, username, password).role == role


def test_seed_demo_leaves_a_database_with_users_alone(runner, make_user, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-password")
    make_user(role="hr", username="existing")

    result = runner.invoke(args=["seed-demo"])

    assert result.exit_code == 0, result.output
    assert "The database already has accounts; no demo accounts were created." in result.output
    assert printed_logins(result.output) == []
    assert count(User) == 1
    assert count(Department) == 1  # only the fixture's own department


def test_seed_demo_with_a_short_demo_password_says_why(runner, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "short")

    result = runner.invoke(args=["seed-demo"])

    assert result.exit_code != 0
    assert not isinstance(result.exception, ValidationError)
    assert "at least 8 characters" in result.output
    assert count(User) == 0


def test_the_demo_company_has_reporting_lines_and_heads(runner, monkeypatch):
    from courseware.services.people import reporting

    monkeypatch.setenv("DEMO_PASSWORD", "demo-password")
    result = runner.invoke(args=["seed-demo"])
    assert ("manager", "chen.yong", "demo-password") in printed_logins(result.output)
    db.session.rollback()
    users = {u.username: u for u in db.session.scalars(sa.select(User))}
    chen = users["chen.yong"]
    assert (chen.full_name, chen.title, chen.department.name, chen.manager.username) == (
        "Chen Yong", "General Manager of the Marketing Center", "Marketing Center", "president")
    team = {users_by_id.username for users_by_id in users.values()
            if users_by_id.id in set(db.session.scalars(reporting.team_ids(chen.id)))}
    assert team == {"gao.jun", "wang.lei", "liu.fang", "sun.hao", "zhang.wei", "he.jing", "xu.tao", "ma.li"}
    assert {u.department.name for u in users.values() if u.username in team} == {
        "Marketing Center", "International Trade", "Domestic Trade", "Tax-free Business"}
    for username in ("hr.lin", "guo.qiang", "chen.yong"):
        assert users[username].manager.username == "president"
    heads = {d.name: d.head.username for d in db.session.scalars(sa.select(Department))}
    assert heads == {"Marketing Center": "chen.yong", "International Trade": "wang.lei",
                     "Domestic Trade": "zhang.wei", "Tax-free Business": "xu.tao",
                     "Finance Department": "guo.qiang", "Human Resources": "hr.lin",
                     "President's Office": "president"}


def test_a_demo_from_before_chen_yong_gains_him_and_the_lines(runner, monkeypatch, app):
    from courseware.services.ops import demo

    monkeypatch.setenv("DEMO_PASSWORD", "demo-password")
    # The demo as it was: no Chen Yong, no reporting lines, no heads.
    with monkeypatch.context() as before:
        before.setattr(demo, "ACCOUNTS", [a for a in demo.ACCOUNTS if a[1] != "chen.yong"])
        before.setattr(demo, "_set_lines_and_heads", lambda session: None)
        assert runner.invoke(args=["seed-demo"]).exit_code == 0
    db.session.rollback()
    assert count(User) == 12
    logins_file = Path(app.instance_path) / "demo-logins.txt"

    result = runner.invoke(args=["seed-demo"])

    assert result.exit_code == 0, result.output
    assert ("manager", "chen.yong", "demo-password") in printed_logins(result.output)
    assert "manager\tchen.yong\tdemo-password\n" in logins_file.read_text()
    assert logins_file.stat().st_mode & 0o777 == 0o600
    db.session.rollback()
    wang = db.session.scalar(sa.select(User).where(User.username == "wang.lei"))
    assert wang.manager.username == "chen.yong" and wang.department.head == wang
    # A second run changes nothing more.
    again = runner.invoke(args=["seed-demo"])
    assert len(printed_logins(again.output)) == 13 and count(User) == 13
