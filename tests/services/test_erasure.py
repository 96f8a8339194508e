"""Erasing a person who has left (services/people/erasure): no identifier left in any table or in the
log lines the erasure writes; their statistics kept anonymously; the retention job."""
from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from courseware.extensions import db
from courseware.models import (
    AuditEvent,
    Certificate,
    DailyEntry,
    FocusItem,
    Goal,
    LessonProgress,
    Notification,
    QuizAttempt,
    Reflection,
    User,
)
from courseware.models.accounts import ExternalIdentity, SignInSession
from courseware.services.errors import Conflict, Forbidden, ValidationError
from courseware.services.people import account_admin, accounts, erasure, personal_data
from tests.conftest import PASSWORD
from tests.services.privacy_people import IDENTIFIERS, SECRET_TEXT, USERNAME, known_person

NOW = datetime(2026, 12, 3, 9, 30)


def _mentions(identifiers) -> list[str]:
    """Every table.column (and row id) whose value contains one of the identifiers, any case."""
    found = []
    needles = [value.lower() for value in identifiers]
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            for row in conn.execute(sa.select(table)).mappings():
                for column, value in row.items():
                    is_json = isinstance(value, (dict, list))
                    text = json.dumps(value, ensure_ascii=False) if is_json else str(value)
                    if any(needle in text.lower() for needle in needles):
                        found.append(f"{table.name}.{column} (row {row.get('id')}): {text[:80]}")
    return found


def _deactivate(hr_user: User, person: User) -> None:
    account_admin.set_active(db.session, hr_user, person.id, False)


def _count(model, user_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(model.user_id == user_id))


def test_after_erasure_no_table_and_no_log_line_names_the_person(app, course, make_user, caplog):
    hr_user = make_user("hr")
    person = known_person(make_user, course, hr_user)
    _deactivate(hr_user, person)
    assert _mentions(IDENTIFIERS)  # the search finds them before
    caplog.set_level(logging.DEBUG)
    caplog.clear()

    erasure.erase_person(db.session, hr_user, person.id, USERNAME, NOW)

    assert _mentions(IDENTIFIERS) == []
    assert _mentions([SECRET_TEXT]) == []
    assert caplog.records and not any(value.lower() in caplog.text.lower() for value in IDENTIFIERS)


def test_every_column_naming_a_person_has_an_erasure_rule(app):
    """A new table referring to a person fails here until erasure deletes or keeps its rows, with why."""
    references = personal_data.user_references()
    ruled = erasure.DELETED | set(erasure.KEPT)
    assert references == ruled, (f"no rule: {sorted(references - ruled)}; "
                                 f"a rule but no such column: {sorted(ruled - references)}")
    assert not erasure.DELETED & set(erasure.KEPT)


def test_the_rows_erasure_deletes_are_gone_and_the_account_keeps_no_other_value(app, course, make_user):
    hr_user = make_user("hr")
    person = known_person(make_user, course, hr_user)
    person.department.head_id = person.id
    _deactivate(hr_user, person)
    erasure.erase_person(db.session, hr_user, person.id, USERNAME, NOW)
    tables = db.metadata.tables
    with db.engine.connect() as conn:
        for table, column in sorted(erasure.DELETED):
            count = conn.execute(sa.select(sa.func.count()).select_from(tables[table])
                                 .where(tables[table].c[column] == person.id)).scalar_one()
            assert count == 0, table
        account = conn.execute(sa.select(tables["user_account"]).where(
            tables["user_account"].c.id == person.id)).mappings().one()
        heads = conn.execute(sa.text("SELECT count(*) FROM department WHERE head_id IS NOT NULL"))
        assert heads.scalar_one() == 0
    assert {name for name, value in account.items() if value is not None} <= erasure.ACCOUNT_COLUMNS_KEPT


def test_erasure_pseudonymizes_the_account_and_keeps_the_statistics(app, course, make_user):
    hr_user = make_user("hr")
    person = known_person(make_user, course, hr_user)
    kept = {model: _count(model, person.id) for model in (LessonProgress, QuizAttempt, Certificate)}
    _deactivate(hr_user, person)

    erasure.erase_person(db.session, hr_user, person.id, f"  {USERNAME.upper()} ", NOW)

    db.session.expire_all()
    person = db.session.get(User, person.id)
    assert (person.full_name, person.username) == (f"Former employee {person.id}", f"erased-{person.id}")
    assert (person.email, person.title, person.timezone, person.manager_id) == (None, None, None, None)
    assert person.erased_at == NOW and not person.active
    assert not person.check_password(PASSWORD)
    assert accounts.authenticate(db.session, f"erased-{person.id}", PASSWORD) is None
    assert {model: _count(model, person.id) for model in kept} == kept == {
        LessonProgress: 2, QuizAttempt: 1, Certificate: 1}
    for model in (Goal, FocusItem, DailyEntry, Reflection, Notification, SignInSession, ExternalIdentity):
        assert _count(model, person.id) == 0, model
    # The trail says who erased whom by the account's number; entries about them name the pseudonym.
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "account.erase")).one()
    assert (event.actor, event.target, event.details) == (hr_user.username, f"erased-{person.id}",
                                                          f"account {person.id}")
    login = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "login")).one()
    assert (login.actor, login.target) == (f"erased-{person.id}", f"erased-{person.id}")
    imported = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "account.import")).one()
    assert imported.details == f"someone.else, erased-{person.id} (manager={hr_user.username})"


def test_the_pseudonym_is_in_the_sites_language(app, make_user):
    app.config["SITE_LANGUAGE"] = "zh_CN"
    president = make_user("president")
    person = make_user(active=False)
    erasure.erase_person(db.session, president, person.id, person.username, NOW)
    assert person.full_name == f"前员工 {person.id}"


def test_who_may_not_be_erased(app, make_user):
    hr_user, president = make_user("hr"), make_user("president")
    active = make_user()
    with pytest.raises(Conflict, match="Deactivate the account first"):
        erasure.erase_person(db.session, hr_user, active.id, active.username, NOW)
    with pytest.raises(Forbidden, match="your own account"):
        erasure.check_erasable(db.session, hr_user, hr_user)
    gone_president = make_user("president", active=False)
    with pytest.raises(Forbidden, match="Only a president"):
        erasure.erase_person(db.session, hr_user, gone_president.id, gone_president.username, NOW)
    left = make_user(active=False)
    with pytest.raises(ValidationError, match="Type the username"):
        erasure.erase_person(db.session, hr_user, left.id, "someone", NOW)
    erasure.erase_person(db.session, hr_user, left.id, left.username, NOW)
    with pytest.raises(Conflict, match="already been erased"):
        erasure.erase_person(db.session, hr_user, left.id, left.username, NOW)
    with pytest.raises(ValidationError, match="cannot be made active"):
        account_admin.set_active(db.session, hr_user, left.id, True)
    # The last president (the job has no actor): nobody else is an active president.
    president.active = False
    db.session.commit()
    with pytest.raises(Conflict, match="last president"):
        erasure.check_erasable(db.session, None, gone_president)


def test_deactivation_dates_the_retention_and_reactivation_clears_it(app, make_user):
    hr_user, person = make_user("hr"), make_user()
    account_admin.set_active(db.session, hr_user, person.id, False)
    assert person.deactivated_at is not None
    account_admin.set_active(db.session, hr_user, person.id, True)
    assert person.deactivated_at is None


def _left(make_user, months_ago: int, days: int = 0) -> User:
    person = make_user(active=False)
    person.deactivated_at = erasure.months_before(NOW, months_ago) - timedelta(days=days)
    db.session.commit()
    return person


def test_the_retention_job_erases_those_past_the_period_once_a_day(app, make_user, caplog):
    long_gone, recent = _left(make_user, 24, days=1), _left(make_user, 23)
    names = [long_gone.full_name, long_gone.username]
    caplog.set_level(logging.INFO)

    report = erasure.erase_expired(db.session, NOW, 24)

    assert report == erasure.RetentionReport(erased=1, kept=0)
    assert long_gone.erased_at == NOW and recent.erased_at is None
    run = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "privacy.retention")).one()
    assert (run.target, run.at) == ("1 erased", NOW)
    assert not any(name in caplog.text for name in names)
    # Daily: the next tick the same day does nothing; the next day it runs (and finds nobody new).
    assert erasure.erase_expired(db.session, NOW + timedelta(hours=23), 24) is None
    assert erasure.erase_expired(db.session, NOW + timedelta(days=1, minutes=1), 24) == (
        erasure.RetentionReport(erased=0, kept=0))


def test_zero_months_turns_the_retention_job_off(app, make_user):
    person = _left(make_user, 120)
    assert erasure.erase_expired(db.session, NOW, 0) is None
    assert person.erased_at is None
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) == 0


def test_months_before_keeps_the_day_or_takes_the_months_last(app):
    assert erasure.months_before(datetime(2026, 12, 3, 9), 24) == datetime(2024, 12, 3, 9)
    assert erasure.months_before(datetime(2026, 3, 31), 1) == datetime(2026, 2, 28)
    assert erasure.months_before(datetime(2026, 1, 15), 13) == datetime(2024, 12, 15)
