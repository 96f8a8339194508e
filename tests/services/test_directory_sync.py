"""Directory sync (services/people/directory_sync.py) against an in-memory directory: people and
departments created, updated, linked and deactivated, line managers set, dry runs, all or nothing,
a second run changing nothing, edits by hand kept unless overwritten, cycles refused."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

import pytest
import sqlalchemy as sa

from courseware.extensions import db
from courseware.models import AuditEvent, Department, DirectoryRecord, ExternalIdentity, User
from courseware.services.people import account_admin, directory_sync
from courseware.services.people.directory_people import DirectoryError
from courseware.services.people.directory_types import (
    DirectoryDepartment,
    DirectoryPerson,
    DirectorySnapshot,
    DirectoryUnavailable,
)

MARKETING = DirectoryDepartment("d1", "Marketing Center")
TRADE = DirectoryDepartment("d2", "International Trade", "d1")
CHEN = DirectoryPerson("u1", "Chen Yong", username="chen.yong", email="chen@example.com",
                       mobile="13800000001", department_external_id="d1", title="General Manager")
LI = DirectoryPerson("u2", "Li Na", username="li.na", email="li@example.com", department_external_id="d2",
                     manager_external_id="u1", title="Head of International Trade")
WANG = DirectoryPerson("u3", "Wang Lei", username="wang.lei", department_external_id="d2",
                       manager_external_id="u2")


@dataclass
class FakeDirectory:
    """A platform's directory in memory: what `snapshot` returns, or the error it raises."""

    directory: DirectorySnapshot | None
    provider: str = "wecom"
    error: str = ""

    def snapshot(self) -> DirectorySnapshot:
        if self.error:
            raise DirectoryUnavailable(self.error)
        assert self.directory is not None
        return self.directory


def company(*people: DirectoryPerson, departments=(MARKETING, TRADE)) -> DirectorySnapshot:
    return DirectorySnapshot("wecom", list(departments), list(people or (CHEN, LI, WANG)))


def user(username: str) -> User:
    return db.session.scalar(sa.select(User).where(User.username == username))


def state() -> list[tuple]:
    """Everything a sync may write, to compare before and after."""
    people = [(u.username, u.full_name, u.email, u.mobile, u.title, u.department_id, u.manager_id, u.active,
               u.password_hash) for u in db.session.scalars(sa.select(User).order_by(User.id))]
    departments = [(d.name, d.parent_id, d.directory_id) for d in db.session.scalars(sa.select(Department))]
    records = [(r.user_id, r.values) for r in db.session.scalars(sa.select(DirectoryRecord))]
    links = [(i.provider, i.subject, i.user_id) for i in db.session.scalars(sa.select(ExternalIdentity))]
    events = db.session.scalar(sa.select(sa.func.count(AuditEvent.id)))
    return [people, departments, records, links, events]


def test_a_first_sync_creates_departments_people_and_line_managers(app):
    report = directory_sync.run(db.session, FakeDirectory(company()))
    db.session.expire_all()
    chen, li, wang = user("chen.yong"), user("li.na"), user("wang.lei")
    assert (chen.full_name, chen.email, chen.mobile, chen.title) == (
        "Chen Yong", "chen@example.com", "13800000001", "General Manager")
    assert chen.department.name == "Marketing Center" and li.department.name == "International Trade"
    assert li.department.parent.name == "Marketing Center"
    assert (li.manager, wang.manager, chen.manager) == (chen, li, None)
    assert {u.role for u in (chen, li, wang)} == {"manager"}
    assert not chen.check_password("") and chen.password_hash  # nobody knows the password
    assert report.counts["created"] == 3 and report.counts["departments_created"] == 2
    actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert actions.count("account.create") == 3 and actions.count("directory.department") == 2
    assert actions.count("directory.sync") == 1
    link = db.session.scalar(sa.select(ExternalIdentity).where(ExternalIdentity.subject == "u3"))
    assert (link.provider, link.user) == ("wecom", wang)
    link_details = db.session.scalars(sa.select(AuditEvent.details)
                                      .where(AuditEvent.action == "account.link")).all()
    assert all(d.endswith("made by a directory sync") for d in link_details) and len(link_details) == 3


def test_a_second_run_changes_nothing(app):
    directory_sync.run(db.session, FakeDirectory(company()))
    before = state()
    report = directory_sync.run(db.session, FakeDirectory(company()))
    assert report.plan.empty and state() == before
    assert "Nothing to change" in directory_sync.describe(report)[-1]


def test_the_dry_run_prints_the_plan_and_changes_nothing(app, make_user):
    make_user(username="li.na", full_name="Li Na (old)", department=None)
    before = state()
    report = directory_sync.run(db.session, FakeDirectory(company()), dry_run=True)
    lines = "\n".join(directory_sync.describe(report))
    assert state() == before
    assert "+ department Marketing Center" in lines
    assert "+ Chen Yong (chen.yong): new account" in lines
    assert "= Li Na (li.na): linked to the directory's u2 by username" in lines
    assert "~ Li Na (li.na): name: Li Na (old) → Li Na" in lines
    assert "~ Li Na (li.na): line manager: - → Chen Yong" in lines
    assert lines.endswith("Dry run: nothing was changed.")


def test_existing_people_are_linked_once_by_e_mail_then_kept_by_their_link(app, make_user):
    old = make_user(username="cyong", full_name="Chen Y.")
    old.email = "CHEN@example.com"
    db.session.commit()
    directory_sync.run(db.session, FakeDirectory(company()))
    assert user("cyong").full_name == "Chen Yong" and user("chen.yong") is None
    link = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "account.link",
                                                         AuditEvent.target == "cyong"))
    assert "matched by e-mail" in link.details
    # Renamed in the directory, e-mail changed: still the same account, by its link.
    moved = replace(CHEN, full_name="Chen Yong II", email="cy@example.com")
    directory_sync.run(db.session, FakeDirectory(company(moved, LI, WANG)))
    db.session.expire_all()
    assert (user("cyong").full_name, user("cyong").email) == ("Chen Yong II", "cy@example.com")


def test_departments_are_renamed_and_moved_by_their_directory_id(app, make_user):
    make_user(username="someone", department="Marketing Center")  # matched by name, then linked
    directory_sync.run(db.session, FakeDirectory(company()))
    assert db.session.scalar(sa.select(sa.func.count(Department.id))) == 2
    renamed = [DirectoryDepartment("d1", "Marketing"), DirectoryDepartment("d2", "Intl Trade", None)]
    report = directory_sync.run(db.session, FakeDirectory(company(departments=renamed)))
    lines = "\n".join(directory_sync.describe(report))
    assert "~ department Marketing: name: Marketing Center → Marketing" in lines
    assert "~ department Intl Trade: parent department: Marketing Center → -" in lines
    db.session.expire_all()
    assert user("li.na").department.name == "Intl Trade" and user("li.na").department.parent is None
    assert user("someone").department.name == "Marketing"


def test_people_no_longer_listed_are_deactivated_but_never_hr_or_the_president(app):
    everyone = company(CHEN, LI, WANG, DirectoryPerson("u4", "Zhao HR", username="zhao.hr"),
                       DirectoryPerson("u5", "The President", username="boss"))
    directory_sync.run(db.session, FakeDirectory(everyone))
    user("zhao.hr").role, user("boss").role = "hr", "president"
    db.session.commit()
    report = directory_sync.run(db.session, FakeDirectory(company(CHEN, LI)))
    lines = "\n".join(directory_sync.describe(report))
    db.session.expire_all()
    assert not user("wang.lei").active and user("zhao.hr").active and user("boss").active
    assert "- Wang Lei (wang.lei): deactivated, no longer in the directory" in lines
    assert "! Zhao HR (zhao.hr) is no longer in the directory but stays active" in lines
    # History is kept, and someone listed again comes back.
    directory_sync.run(db.session, FakeDirectory(company()))
    db.session.expire_all()
    assert user("wang.lei").active and user("wang.lei").manager == user("li.na")


def test_people_never_synced_are_left_alone(app, make_user):
    make_user(username="hand.made")
    directory_sync.run(db.session, FakeDirectory(company()))
    assert user("hand.made").active


def test_a_field_edited_by_hand_is_kept_unless_overwritten(app, hr):
    directory_sync.run(db.session, FakeDirectory(company()))
    wang = user("wang.lei")
    account_admin.update_account(db.session, hr.user, wang.id, full_name="Wang Lei", email="wl@example.com",
                                 department_id=wang.department_id, role="manager", title="Analyst")
    changed = replace(WANG, title="Trader", mobile="139")
    report = directory_sync.run(db.session, FakeDirectory(company(CHEN, LI, changed)))
    lines = "\n".join(directory_sync.describe(report))
    db.session.expire_all()
    wang = user("wang.lei")
    assert (wang.title, wang.email, wang.mobile) == ("Analyst", "wl@example.com", "139")
    assert "! Wang Lei (wang.lei): title: Analyst → Trader not applied: edited by hand" in lines
    assert "e-mail: wl@example.com → - not applied" in lines
    # Still kept on the next run, without a change.
    again = directory_sync.run(db.session, FakeDirectory(company(CHEN, LI, changed)))
    assert again.plan.empty and again.counts["kept"] == 2
    directory_sync.run(db.session, FakeDirectory(company(CHEN, LI, changed)), overwrite_manual=True)
    db.session.expire_all()
    assert (user("wang.lei").title, user("wang.lei").email) == ("Trader", None)


def test_a_cycle_of_line_managers_is_refused_naming_the_people(app):
    directory_sync.run(db.session, FakeDirectory(company()))
    before = state()
    circular = replace(CHEN, manager_external_id="u3")
    with pytest.raises(DirectoryError) as error:
        directory_sync.run(db.session, FakeDirectory(company(circular, LI, WANG)))
    assert "Chen Yong → Wang Lei → Li Na → Chen Yong" in str(error.value)
    assert state() == before


def test_an_error_half_way_changes_nothing(app, monkeypatch):
    before = state()
    calls = []

    def failing(*args):
        calls.append(args)
        if len(calls) == 2:
            raise RuntimeError("the database went away")

    monkeypatch.setattr(directory_sync, "_write_fields", failing)
    with pytest.raises(RuntimeError):
        directory_sync.run(db.session, FakeDirectory(company()))
    assert len(calls) == 2 and state() == before


@pytest.mark.parametrize(("people", "message"), [
    ((CHEN, CHEN), "lists the person with id 'u1' twice"),
    ((replace(LI, manager_external_id="nobody"),), "Li Na's line manager ('nobody') is not in the directory"),
    ((replace(LI, email="not-an-address"),), "Li Na's e-mail address 'not-an-address' is not"),
    ((replace(LI, department_external_id="d9"),), "Li Na is in a department the directory does not list"),
])
def test_a_bad_directory_is_refused_with_a_clear_message(app, people, message):
    with pytest.raises(DirectoryError, match=re.escape(message)):
        directory_sync.run(db.session, FakeDirectory(company(*people)))
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_an_unreadable_directory_changes_nothing(app):
    with pytest.raises(DirectoryUnavailable, match="token expired"):
        directory_sync.run(db.session, FakeDirectory(None, error="token expired"))
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_a_department_synced_from_another_source_before_is_taken_over_by_name(app):
    directory_sync.run(db.session, FakeDirectory(DirectorySnapshot(
        "csv", [DirectoryDepartment("marketing center", "Marketing Center")],
        [DirectoryPerson("chen.yong", "Chen Yong", username="chen.yong",
                         department_external_id="marketing center")])))
    directory_sync.run(db.session, FakeDirectory(company()))
    db.session.expire_all()
    marketing = db.session.scalar(sa.select(Department).where(Department.name == "Marketing Center"))
    assert (marketing.directory_source, marketing.directory_id) == ("wecom", "d1")
    assert db.session.scalar(sa.select(sa.func.count(Department.id))) == 2
    assert user("chen.yong").directory_record.source == "wecom"
