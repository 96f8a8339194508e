"""One time zone: the company's and each person's (courseware/timezones.py), times written in the
reader's zone and language (courseware/formatting.py), commands in the company's zone."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from flask_babel import force_locale

from courseware import cli, create_app, timezones
from courseware.extensions import db
from courseware.formatting import format_date, format_datetime, format_zone, time_zone_note, times_shown
from courseware.timezones import (
    company_zone,
    local_today,
    reader_zone,
    to_local,
    to_utc,
    zone_named,
    zone_of,
)

SHANGHAI, LONDON, NEW_YORK = (zone_named(name) for name in ("Asia/Shanghai", "Europe/London",
                                                             "America/New_York"))
WINTER = datetime(2026, 12, 3, 11, 40)   # naive UTC, as stored
SUMMER = datetime(2026, 7, 3, 11, 40)


# --- the conversions -------------------------------------------------------------------------------

def test_a_stored_time_is_read_in_a_zone():
    assert to_local(WINTER, SHANGHAI).replace(tzinfo=None) == datetime(2026, 12, 3, 19, 40)
    assert to_local(WINTER, LONDON).replace(tzinfo=None) == datetime(2026, 12, 3, 11, 40)  # GMT
    assert to_local(SUMMER, LONDON).replace(tzinfo=None) == datetime(2026, 7, 3, 12, 40)   # BST
    assert to_local(WINTER.replace(tzinfo=UTC), SHANGHAI).hour == 19  # an aware time is taken as it is


def test_a_typed_time_is_stored_in_utc_and_read_back_the_same():
    typed = datetime(2026, 12, 3, 19, 40)
    assert to_utc(typed, SHANGHAI) == WINTER
    assert to_local(to_utc(typed, SHANGHAI), SHANGHAI).replace(tzinfo=None) == typed
    assert to_utc(datetime(2026, 7, 3, 12, 40), LONDON) == SUMMER


def test_a_time_the_clocks_skip_lands_past_the_gap():
    # London goes from 01:00 GMT to 02:00 BST on 29 March 2026: 01:30 does not exist there.
    stored = to_utc(datetime(2026, 3, 29, 1, 30), LONDON)
    assert stored == datetime(2026, 3, 29, 1, 30)
    assert to_local(stored, LONDON).replace(tzinfo=None) == datetime(2026, 3, 29, 2, 30)
    # New York, 8 March 2026, 02:30 does not exist: 03:30 EDT.
    assert to_local(to_utc(datetime(2026, 3, 8, 2, 30), NEW_YORK), NEW_YORK).hour == 3


def test_a_time_that_happens_twice_is_the_first():
    # London goes back from 02:00 BST to 01:00 GMT on 25 October 2026: 01:30 happens twice.
    assert to_utc(datetime(2026, 10, 25, 1, 30), LONDON) == datetime(2026, 10, 25, 0, 30)
    assert to_utc(datetime(2026, 11, 1, 1, 30), NEW_YORK) == datetime(2026, 11, 1, 5, 30)


def test_the_calendar_day_is_the_zones():
    assert local_today(SHANGHAI, datetime(2026, 12, 3, 15, 59)) == date(2026, 12, 3)
    assert local_today(SHANGHAI, datetime(2026, 12, 3, 16, 0)) == date(2026, 12, 4)
    assert local_today(LONDON, datetime(2026, 12, 3, 16, 0)) == date(2026, 12, 3)


def test_unknown_names_are_refused_and_the_default_survives_without_a_database(monkeypatch):
    for name in ("Mars/Olympus", "../etc/passwd", "Asia/Shanghai "):
        with pytest.raises(timezones.UnknownTimeZone):
            zone_named(name)
        assert not timezones.is_zone_name(name)
    assert timezones.zone_key(zone_named(None)) == "Asia/Shanghai"

    def no_database(name):
        raise timezones.ZoneInfoNotFoundError(name)

    monkeypatch.setattr(timezones, "ZoneInfo", no_database)
    assert zone_named("Asia/Shanghai").utcoffset(None) == timedelta(hours=8)
    with pytest.raises(timezones.UnknownTimeZone):
        zone_named("Europe/London")


# --- whose zone ------------------------------------------------------------------------------------

def test_a_person_reads_their_own_zone_else_the_companys(app):
    assert timezones.zone_key(company_zone()) == "Asia/Shanghai"
    assert zone_of(SimpleNamespace(timezone="Europe/London")) == LONDON
    assert zone_of(SimpleNamespace(timezone=None)) == SHANGHAI
    assert zone_of(SimpleNamespace(timezone="Gone/Away")) == SHANGHAI  # a name the database lost
    assert zone_of(None) == SHANGHAI
    app.config["COMPANY_TIMEZONE"] = "Asia/Singapore"
    assert timezones.zone_key(zone_of(SimpleNamespace(timezone=None))) == "Asia/Singapore"
    with app.test_request_context():
        assert timezones.zone_key(reader_zone()) == "Asia/Singapore"  # a visitor


@pytest.fixture
def environment(monkeypatch, tmp_path):
    """The environment a new app reads (its instance folder out of the way)."""
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("SECRET_KEY", "test-secret-key")
    return monkeypatch


def test_company_timezone_comes_from_the_environment_and_the_old_name_still_works(environment, database):
    monkeypatch = environment
    monkeypatch.delenv("PRACTICE_TIMEZONE", raising=False)
    monkeypatch.setenv("COMPANY_TIMEZONE", "Europe/London")
    assert create_app({"TESTING": True, **database}).config["COMPANY_TIMEZONE"] == "Europe/London"
    monkeypatch.delenv("COMPANY_TIMEZONE")
    monkeypatch.setenv("PRACTICE_TIMEZONE", "Asia/Tokyo")
    assert create_app({"TESTING": True, **database}).config["COMPANY_TIMEZONE"] == "Asia/Tokyo"
    monkeypatch.setenv("COMPANY_TIMEZONE", "Asia/Hong_Kong")  # the new name wins
    assert create_app({"TESTING": True, **database}).config["COMPANY_TIMEZONE"] == "Asia/Hong_Kong"
    monkeypatch.delenv("PRACTICE_TIMEZONE")
    monkeypatch.delenv("COMPANY_TIMEZONE")
    assert create_app({"TESTING": True, **database}).config["COMPANY_TIMEZONE"] == "Asia/Shanghai"


def test_a_wrong_company_timezone_stops_the_app_at_start(environment, database):
    environment.setenv("COMPANY_TIMEZONE", "Mars/Olympus")
    with pytest.raises(RuntimeError, match="COMPANY_TIMEZONE='Mars/Olympus' is not a time zone name"):
        create_app({"TESTING": True, **database})


# --- how times are written -------------------------------------------------------------------------

@pytest.mark.parametrize("language,zone,expected", [
    ("en", SHANGHAI, "3 December 2026, 19:40"),
    ("zh_CN", SHANGHAI, "2026年12月3日 19:40"),
    ("en", LONDON, "3 December 2026, 11:40"),
    ("zh_CN", LONDON, "2026年12月3日 11:40"),
])
def test_a_time_in_each_language_and_zone(app, language, zone, expected):
    with force_locale(language):
        assert format_datetime(WINTER, zone) == expected


def test_a_time_shown_outside_a_request_is_in_the_companys_zone(app):
    with force_locale("en"):
        assert format_datetime(WINTER) == "3 December 2026, 19:40"
        assert format_datetime(SUMMER, LONDON) == "3 July 2026, 12:40"
        assert format_datetime(None) == ""


def test_the_day_of_a_time_is_the_readers_and_a_date_stays_as_it_is(app):
    late = datetime(2026, 12, 3, 17, 0)  # 01:00 on the 4th in Shanghai
    with force_locale("en"):
        assert format_date(late) == "4 December 2026"
        assert format_date(date(2026, 12, 3)) == "3 December 2026"
    with force_locale("zh_CN"):
        assert format_date(late) == "2026年12月4日"


@pytest.mark.parametrize("language,zone,expected", [
    ("en", SHANGHAI, "China Standard Time (Asia/Shanghai)"),
    ("zh_CN", SHANGHAI, "北京时间（Asia/Shanghai）"),
    ("en", LONDON, "United Kingdom Time (Europe/London)"),
    ("zh_CN", LONDON, "英国时间（Europe/London）"),
    ("en", zone_named("Asia/Tokyo"), "Japan Standard Time (Asia/Tokyo)"),
    ("en", zone_named("UTC"), "Coordinated Universal Time (UTC)"),
    ("en", timezone(timedelta(hours=8), "UTC+08"), "UTC+08"),
])
def test_zones_are_named_in_the_readers_language(app, language, zone, expected):
    with force_locale(language):
        assert format_zone(zone) == expected


def test_the_note_names_the_zone_once_a_time_was_shown(app):
    with app.test_request_context(), force_locale("zh_CN"):
        assert not times_shown()
        format_date(WINTER)
        assert not times_shown()  # a day alone needs no zone
        format_datetime(WINTER)
        assert times_shown()
        assert time_zone_note() == "时间均为北京时间（Asia/Shanghai）。"


# --- commands ----------------------------------------------------------------------------------------

def test_a_backup_is_named_by_the_companys_time(runner, app, tmp_path, monkeypatch):
    app.config["BACKUP_DIR"] = str(tmp_path)
    monkeypatch.setattr(cli, "utcnow", lambda: WINTER)
    result = runner.invoke(args=["backup"])
    assert result.exit_code == 0, result.output
    name = "courseware-20261203-194000+0800." + ("db" if db.engine.dialect.name == "sqlite" else "dump")
    assert (tmp_path / name).exists()
    assert name in result.output


# --- CSV exports ------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["Asia/Shanghai", "Europe/London", "America/New_York",
                                  "Australia/Adelaide", "Australia/Lord_Howe", "Asia/Kathmandu"])
def test_export_times_are_the_zones_across_every_change_of_offset(name):
    from courseware.services.reports.exports import CompanyTimes

    zone, moment = zone_named(name), datetime(2026, 1, 1)
    write = CompanyTimes(zone)
    while moment < datetime(2027, 1, 1):
        expected = to_local(moment, zone).strftime("%Y-%m-%d %H:%M")
        assert write(moment) == expected == write(moment.isoformat(" "))
        moment += timedelta(minutes=53)
    assert write(None) == write("") == ""
    assert write(WINTER.replace(tzinfo=UTC)) == to_local(WINTER, zone).strftime("%Y-%m-%d %H:%M")
