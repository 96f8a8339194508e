"""Page versions (courseware/services/people/page_versions.py): every write raises the version of the
pages it may change, in its own transaction: a manager's their own (and that of anyone an inserted row
names), anyone else's the shared one; writes that change no page raise nothing."""
from __future__ import annotations

import sqlalchemy as sa

from courseware.extensions import db
from courseware.models import AuditEvent, LessonProgress, Notification, SharedPageVersion, User
from courseware.services.people import page_versions


def versions(*people: User) -> tuple[int, ...]:
    """The shared version, then each person's."""
    db.session.expire_all()
    shared = db.session.scalar(sa.select(SharedPageVersion.version)) or 0
    return (shared, *(db.session.get(User, person.id).page_version for person in people))


def notice(person: User) -> Notification:
    return Notification(user_id=person.id, kind="test", message="test", params={})


def test_a_write_with_nobody_signed_in_raises_the_shared_version(app, make_user):
    person = make_user()
    before = versions(person)
    db.session.execute(sa.update(User).where(User.id == person.id).values(title="Director"))
    db.session.commit()
    assert versions(person) == (before[0] + 1, before[1])


def test_a_notice_a_job_writes_raises_only_its_persons_version(app, make_user):
    person, other = make_user(), make_user()
    before = versions(person, other)
    db.session.add(notice(person))
    db.session.commit()
    assert versions(person, other) == (before[0], before[1] + 1, before[2])


def test_a_managers_write_raises_their_own_version_once_a_transaction(app, make_user, course):
    person, other = make_user(), make_user()
    before = versions(person, other)
    with app.test_request_context():
        page_versions.act_as(person.id, "manager")
        db.session.add(LessonProgress(user_id=person.id, lesson_id=course.lessons[0].id))
        db.session.add(notice(person))
        db.session.commit()
    assert versions(person, other) == (before[0], before[1] + 1, before[2])


def test_a_row_a_manager_inserts_for_someone_else_raises_theirs_too(app, make_user):
    person, other = make_user(), make_user()
    before = versions(person, other)
    with app.test_request_context():
        page_versions.act_as(person.id, "manager")
        db.session.add(notice(other))
        db.session.commit()
    assert versions(person, other) == (before[0], before[1] + 1, before[2] + 1)


def test_hr_writes_raise_the_shared_version(app, make_user):
    hr, person = make_user(role="hr"), make_user()
    before = versions(hr, person)
    with app.test_request_context():
        page_versions.act_as(hr.id, "hr")
        db.session.execute(sa.update(User).where(User.id == person.id).values(title="Director"))
        db.session.commit()
    assert versions(hr, person) == (before[0] + 1, before[1], before[2])


def test_quiet_tables_and_quiet_blocks_raise_nothing(app, make_user):
    person = make_user()
    before = versions(person)
    db.session.add(AuditEvent(action="test", actor_id=person.id))
    db.session.commit()
    with page_versions.quiet():
        db.session.add(notice(person))
        db.session.commit()
    assert versions(person) == before


def test_a_write_rolled_back_raises_nothing(app, make_user):
    person = make_user()
    before = versions(person)
    db.session.add(notice(person))
    db.session.flush()
    db.session.rollback()
    assert versions(person) == before
    db.session.add(notice(person))
    db.session.commit()  # the next transaction raises it again
    assert versions(person) == (before[0], before[1] + 1)


def test_a_write_that_changes_no_row_raises_nothing(app, make_user):
    person = make_user()
    before = versions(person)
    db.session.execute(sa.delete(Notification).where(Notification.user_id == person.id))
    db.session.commit()
    assert versions(person) == before


def test_without_on_conflict_the_shared_row_is_written_then_raised(app):
    with db.engine.begin() as connection:
        connection.execute(sa.delete(SharedPageVersion))
        page_versions.raise_shared_without_upsert(connection)
        page_versions.raise_shared_without_upsert(connection)
    assert db.session.scalar(sa.select(SharedPageVersion.version)) == 2
