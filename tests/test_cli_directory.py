"""`flask directory sync`: a CSV directory run twice, its dry run, and every refusal printed with the
file and line, exit code 1 and nothing changed."""
from __future__ import annotations

import sqlalchemy as sa

from courseware.extensions import db
from courseware.models import AuditEvent, Department, User

HEADER = "username,full_name,email,department,role,title,manager,mobile\n"
PEOPLE = (HEADER
          + "chen.yong,Chen Yong,chen@example.com,Marketing Center,manager,General Manager,,13800000001\n"
          + "li.na,Li Na,li@example.com,International Trade,manager,Head,chen.yong,\n"
          + "wang.lei,Wang Lei,,International Trade,manager,,li.na,\n")


def write(tmp_path, text: str, name: str = "people.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def people() -> list[tuple]:
    db.session.rollback()  # see what the command committed
    return [(u.username, u.full_name, u.manager.username if u.manager else None, u.active)
            for u in db.session.scalars(sa.select(User).order_by(User.username))]


def test_a_csv_directory_synced_twice_changes_nothing_the_second_time(runner, tmp_path):
    path = write(tmp_path, PEOPLE)
    first = runner.invoke(args=["directory", "sync", "--source", "csv", "--file", path])
    assert first.exit_code == 0, first.output
    assert "+ Chen Yong (chen.yong): new account" in first.output
    assert "3 to create, 0 to update, 0 to deactivate" in first.output
    assert people() == [("chen.yong", "Chen Yong", None, True), ("li.na", "Li Na", "chen.yong", True),
                        ("wang.lei", "Wang Lei", "li.na", True)]
    assert sorted(db.session.scalars(sa.select(Department.name))) == ["International Trade",
                                                                      "Marketing Center"]
    events = db.session.scalar(sa.select(sa.func.count(AuditEvent.id)))

    second = runner.invoke(args=["directory", "sync", "--source", "csv", "--file", path])
    assert second.exit_code == 0, second.output
    assert "Nothing to change: the site already matches the directory." in second.output
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) == events


def test_the_dry_run_prints_the_changes_and_makes_none(runner, tmp_path):
    result = runner.invoke(args=["directory", "sync", "--source", "csv", "--file", write(tmp_path, PEOPLE),
                                 "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "+ department Marketing Center" in result.output
    assert "Dry run: nothing was changed." in result.output
    assert people() == []


def test_someone_left_out_of_the_file_is_deactivated(runner, tmp_path):
    runner.invoke(args=["directory", "sync", "--source", "csv", "--file", write(tmp_path, PEOPLE)])
    fewer = PEOPLE.rsplit("wang.lei", 1)[0]
    result = runner.invoke(args=["directory", "sync", "--source", "csv", "--file", write(tmp_path, fewer)])
    assert result.exit_code == 0, result.output
    assert "- Wang Lei (wang.lei): deactivated, no longer in the directory" in result.output
    assert people()[-1] == ("wang.lei", "Wang Lei", "li.na", False)


def test_new_people_get_one_time_passwords_when_asked(runner, tmp_path):
    result = runner.invoke(args=["directory", "sync", "--source", "csv", "--file", write(tmp_path, PEOPLE),
                                 "--passwords"])
    assert result.exit_code == 0, result.output
    assert "One-time passwords (shown once):" in result.output
    line = next(line for line in result.output.splitlines() if line.startswith("li.na "))
    db.session.rollback()
    assert db.session.scalar(sa.select(User).where(User.username == "li.na")).check_password(line.split()[1])


def test_every_bad_line_is_named_with_the_file_and_nothing_changes(runner, tmp_path):
    path = write(tmp_path, HEADER
                 + "chen.yong,Chen Yong,chen@example.com,Marketing Center,manager,,,\n"
                 + "Bad Name,Someone,nope,Marketing Center,manager,,,\n"
                 + "li.na,Li Na,,International Trade,manager,,nobody,\n"
                 + "chen.yong,Chen Again,,,manager,,,\n")
    result = runner.invoke(args=["directory", "sync", "--source", "csv", "--file", path])
    assert result.exit_code == 1
    assert f"error: {path}:3: username 'bad name' must be 2-64 lowercase letters" in result.output
    assert "'nope' is not an e-mail address" in result.output
    assert f"{path}:4: manager 'nobody' is not in the file" in result.output
    assert f"{path}:5: username 'chen.yong' is also on line 2" in result.output
    assert "Nothing was changed." in result.output
    assert people() == []


def test_a_bad_header_names_line_1(runner, tmp_path):
    path = write(tmp_path, "name,email\nChen Yong,chen@example.com\n")
    result = runner.invoke(args=["directory", "sync", "--source", "csv", "--file", path])
    assert result.exit_code == 1
    assert f"{path}:1: the header must be exactly: username,full_name,email,department,role" in result.output


def test_a_missing_file_and_a_missing_setting_are_clear(runner, tmp_path):
    missing = str(tmp_path / "nowhere.csv")
    result = runner.invoke(args=["directory", "sync", "--source", "csv", "--file", missing])
    assert result.exit_code == 1 and f"error: {missing}: cannot read the file" in result.output
    result = runner.invoke(args=["directory", "sync", "--source", "csv"])
    assert result.exit_code == 1 and "A CSV directory needs its file: --file PATH" in result.output
    result = runner.invoke(args=["directory", "sync", "--source", "wecom"])
    assert result.exit_code == 1
    assert "WECOM_CORP_ID is not set: the wecom directory cannot be read without it" in result.output


def test_a_cycle_in_the_file_is_refused_naming_the_people(runner, tmp_path):
    circular = PEOPLE.replace("Marketing Center,manager,General Manager,,", "Marketing Center,manager,"
                              "General Manager,wang.lei,")
    result = runner.invoke(args=["directory", "sync", "--source", "csv", "--file", write(tmp_path, circular)])
    assert result.exit_code == 1
    assert "The line managers would form a cycle: Chen Yong → Wang Lei → Li Na → Chen Yong" in result.output
    assert people() == []


# --- the daily job ---------------------------------------------------------------------------

def daily(app, monkeypatch, tmp_path, at: str, text: str = PEOPLE, **settings) -> bool:
    """One tick of the directory-sync job at `at` (UTC), with the CSV directory configured."""
    from datetime import datetime

    from courseware import jobs

    app.config.update({"DIRECTORY_SYNC_SOURCE": "csv", "DIRECTORY_SYNC_FILE": write(tmp_path, text),
                       "DIRECTORY_SYNC_AT": "02:00", "COMPANY_TIMEZONE": "Asia/Shanghai", **settings})
    monkeypatch.setattr(jobs, "now", lambda: datetime.fromisoformat(at))
    job = next(job for job in jobs.PERIODIC if job.name == "directory-sync")
    return jobs.tick(app, [job])["directory-sync"]


def job_events() -> list[tuple]:
    db.session.rollback()
    return [(e.action, e.target, e.details) for e in db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action.like("directory.sync%")).order_by(AuditEvent.id))]


def test_the_daily_job_runs_once_a_day_from_its_local_time(app, monkeypatch, tmp_path):
    # 17:59 UTC is 01:59 in Shanghai: not yet.
    assert daily(app, monkeypatch, tmp_path, "2031-05-05T17:59:00") is True
    assert people() == [] and job_events() == []
    assert daily(app, monkeypatch, tmp_path, "2031-05-05T18:00:00") is True
    assert [u[0] for u in people()] == ["chen.yong", "li.na", "wang.lei"]
    [(action, target, details)] = job_events()
    assert (action, target) == ("directory.sync", "csv daily 2031-05-06")
    assert "created=3" in details and "deactivated=0" in details
    # Later the same day: done already, even with a changed file.
    assert daily(app, monkeypatch, tmp_path, "2031-05-06T09:00:00", PEOPLE.rsplit("wang.lei", 1)[0]) is True
    assert len(job_events()) == 1 and people()[-1][3] is True
    # The next day it runs again.
    assert daily(app, monkeypatch, tmp_path, "2031-05-06T18:30:00", PEOPLE.rsplit("wang.lei", 1)[0]) is True
    assert people()[-1][3] is False and job_events()[-1][1] == "csv daily 2031-05-07"


def test_a_failing_daily_sync_records_why_and_changes_nothing(app, monkeypatch, tmp_path):
    bad = PEOPLE + "li.na,Li Na Again,,,manager,,,\n"
    assert daily(app, monkeypatch, tmp_path, "2031-05-05T18:00:00", bad) is False
    assert people() == []
    [(action, target, details)] = job_events()
    assert (action, target) == ("directory.sync_failed", "csv daily 2031-05-06")
    assert ":5: username 'li.na' is also on line 3" in details and "nothing was changed" in details


def test_without_a_source_the_job_does_nothing(app, monkeypatch, tmp_path):
    assert daily(app, monkeypatch, tmp_path, "2031-05-05T18:00:00", DIRECTORY_SYNC_SOURCE="") is True
    assert people() == [] and job_events() == []
