"""The retention job (courseware/jobs.py `erase-expired`): people deactivated longer than
PERSONAL_DATA_RETENTION_MONTHS ago are erased, once a day, each run audited; 0 turns it off."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from courseware import jobs
from courseware.config import load_config
from courseware.extensions import db
from courseware.models import AuditEvent, User

NOW = datetime(2026, 12, 3, 2, 0)
JOB = next(job for job in jobs.PERIODIC if job.name == "erase-expired")


def _runs() -> list[tuple[str, str]]:
    return [(e.target, e.details) for e in db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "privacy.retention").order_by(AuditEvent.id))]


@pytest.fixture
def left(make_user):
    person = make_user(username="gone.long.ago", full_name="Gone Long Ago", active=False)
    person.deactivated_at = datetime(2024, 11, 30)
    db.session.commit()
    return person


def test_the_daily_job_erases_who_left_longer_ago_than_the_retention(app, left, monkeypatch):
    monkeypatch.setattr(jobs, "now", lambda: NOW)
    assert app.config["PERSONAL_DATA_RETENTION_MONTHS"] == 24

    assert jobs.tick(app, [JOB]) == {"erase-expired": True}

    db.session.expire_all()
    person = db.session.get(User, left.id)
    assert (person.username, person.erased_at) == (f"erased-{left.id}", NOW)
    assert _runs() == [("1 erased", "retention 24 months; 0 kept (last president)")]
    # Every minute's tick runs it, but it works once a day.
    monkeypatch.setattr(jobs, "now", lambda: NOW + timedelta(hours=12))
    jobs.tick(app, [JOB])
    assert len(_runs()) == 1
    monkeypatch.setattr(jobs, "now", lambda: NOW + timedelta(days=1))
    jobs.tick(app, [JOB])
    assert _runs()[-1][0] == "0 erased" and len(_runs()) == 2


def test_a_longer_retention_keeps_them_and_zero_turns_the_job_off(app, left, monkeypatch):
    monkeypatch.setattr(jobs, "now", lambda: NOW)
    app.config["PERSONAL_DATA_RETENTION_MONTHS"] = 36
    jobs.tick(app, [JOB])
    assert _runs() == [("0 erased", "retention 36 months; 0 kept (last president)")]
    app.config["PERSONAL_DATA_RETENTION_MONTHS"] = 0
    monkeypatch.setattr(jobs, "now", lambda: NOW + timedelta(days=400))
    jobs.tick(app, [JOB])
    assert len(_runs()) == 1 and db.session.get(User, left.id).erased_at is None


def test_the_setting_is_a_number_of_months(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "x")
    monkeypatch.setenv("PERSONAL_DATA_RETENTION_MONTHS", "6")
    assert load_config(tmp_path)["PERSONAL_DATA_RETENTION_MONTHS"] == 6
    for wrong in ("two years", "-1", "1.5", "100000"):
        monkeypatch.setenv("PERSONAL_DATA_RETENTION_MONTHS", wrong)
        with pytest.raises(RuntimeError, match="PERSONAL_DATA_RETENTION_MONTHS must be a whole number"):
            load_config(tmp_path)
