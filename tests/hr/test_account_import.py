"""HR's CSV import (services/people/account_import.py, import_handouts.py): all or nothing, one error
summary listing each line's problems, and after an import a CSV of the one-time passwords (once) and
printable hand-out sheets, for the importer alone, for 15 minutes, audited."""
from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from courseware.extensions import db
from courseware.models import AuditEvent, Department, ImportHandout, User
from courseware.services.people import import_handouts, one_time_passwords
from tests.conftest import csrf_from, login

NOW = datetime(2026, 12, 4, 1, 0)

CSV_GOOD = (
    "username,full_name,email,department,role\r\n"
    "zhao.lei,赵磊,zhao@example.com,Domestic Trade,manager\r\n"
    "qian.yu,Qian Yu,,Domestic Trade,hr\r\n"
)


@pytest.fixture(autouse=True)
def domestic_trade(app):
    if db.session.scalar(select(Department).where(Department.name == "Domestic Trade")) is None:
        db.session.add(Department(name="Domestic Trade"))
        db.session.commit()


class Clock:
    def __init__(self, now: datetime):
        self.now = now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock(NOW)
    monkeypatch.setattr(import_handouts, "utcnow", lambda: clock.now)
    monkeypatch.setattr(one_time_passwords, "utcnow", lambda: clock.now)
    return clock


def upload(client, text: str):
    file = (io.BytesIO(text.encode("utf-8-sig")), "people.csv")
    return client.post("/hr/accounts/import", data={"file": file}, content_type="multipart/form-data")


def download(client, page: str):
    return client.post("/hr/accounts/import/passwords.csv", data={"csrf_token": csrf_from(page)})


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_a_valid_csv_imports_everyone_with_one_time_passwords(hr, clock):
    page = upload(hr, CSV_GOOD).get_data(as_text=True)
    assert "2 accounts imported" in page and "赵磊" in page
    assert "Open the hand-out sheets" in page and "Download the CSV (once)" in page
    imported = select(User).where(User.username.in_(["zhao.lei", "qian.yu"]))
    users = {u.username: u for u in db.session.scalars(imported)}
    assert users["zhao.lei"].department.name == "Domestic Trade" and users["qian.yu"].role == "hr"
    # Stored encrypted: no password readable in the database.
    stored = db.session.scalar(select(ImportHandout))
    passwords = re.findall(r"<td><code>([a-z0-9-]+)</code></td>", page)
    assert len(passwords) == 2 and all(p.encode() not in stored.secret for p in passwords)
    assert stored.expires_at == NOW + timedelta(minutes=15) and stored.user_id == hr.user.id


def test_the_hand_out_sheets_give_each_person_what_they_need_then_the_csv_once(hr, app, clock):
    page = upload(hr, CSV_GOOD).get_data(as_text=True)
    passwords = dict(re.findall(r"<td>([a-z.]+)</td><td>[^<]*</td><td><code>([a-z0-9-]+)</code>", page))
    sheets = hr.get("/hr/accounts/import/handout")
    assert sheets.status_code == 200 and sheets.headers["Cache-Control"] == "no-store"
    text = sheets.get_data(as_text=True)
    assert text.count('class="handout-sheet card"') == 2
    assert "Welcome to Culture Courses, 赵磊" in text and passwords["zhao.lei"] in text
    assert "http://localhost/login" in text and "Valid until" in text
    assert hr.get("/hr/accounts/import/handout").status_code == 200  # printable again until the CSV
    assert actions()[-2:] == ["account.import_handout", "account.import_handout"]

    response = download(hr, page)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    rows = list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert [(r["username"], r["one_time_password"]) for r in rows] == [
        ("zhao.lei", passwords["zhao.lei"]), ("qian.yu", passwords["qian.yu"])]
    assert rows[0]["sign_in_url"] == "http://localhost/login"
    assert rows[0]["expires_utc"] == (NOW + timedelta(hours=72)).strftime("%Y-%m-%d %H:%M")
    assert actions()[-1] == "account.import_csv"
    assert db.session.scalar(select(func.count(ImportHandout.id))) == 0
    # Once: the CSV and the sheets are gone, with a page saying why and what to do.
    again = download(hr, page)
    assert again.status_code == 410 and "no longer available" in again.get_data(as_text=True)
    gone = hr.get("/hr/accounts/import/handout")
    assert gone.status_code == 410 and "Reset the password" in gone.get_data(as_text=True)
    # The CSV's password is the one that signs in.
    assert login(app.test_client(), "zhao.lei", rows[0]["one_time_password"]).status_code == 302


def test_the_sheets_are_in_the_persons_language(hr, app, clock):
    app.config["SITE_LANGUAGE"] = "zh_CN"  # nobody imported has chosen a language: the site's
    upload(hr, CSV_GOOD)
    text = hr.get("/hr/accounts/import/handout", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert text.count('lang="zh-CN"') >= 2 and "欢迎" in text and "您" in text
    assert "One sheet per person" in text  # the page around them stays in the reader's language


def test_only_the_importer_in_the_same_browser_gets_them(hr, signed_in, app, clock):
    page = upload(hr, CSV_GOOD).get_data(as_text=True)
    other_hr = signed_in("hr", username="hr.other")
    assert other_hr.get("/hr/accounts/import/handout").status_code == 410
    assert download(other_hr, other_hr.get("/hr/accounts").get_data(as_text=True)).status_code == 410
    # The row is someone else's even with the right id: without the key nothing is read.
    assert db.session.scalar(select(func.count(ImportHandout.id))) == 1
    assert download(hr, page).status_code == 200


def test_after_15_minutes_they_are_gone(hr, clock):
    page = upload(hr, CSV_GOOD).get_data(as_text=True)
    clock.now = NOW + timedelta(minutes=14, seconds=59)
    assert hr.get("/hr/accounts/import/handout").status_code == 200
    clock.now = NOW + timedelta(minutes=15)
    assert hr.get("/hr/accounts/import/handout").status_code == 410
    assert download(hr, page).status_code == 410
    assert db.session.scalar(select(func.count(ImportHandout.id))) == 0


def test_a_new_import_replaces_the_last_ones_passwords(hr, clock):
    upload(hr, CSV_GOOD)
    # A refused file changes nothing: the last import's sheets are still there.
    refused = upload(hr, "username,full_name,email,department,role\r\nBad Name,,,,manager\r\n")
    assert refused.status_code == 422
    assert hr.get("/hr/accounts/import/handout").status_code == 200
    page = upload(hr, "username,full_name,email,department,role\r\nsun.li,Sun Li,,,manager\r\n").get_data(
        as_text=True)
    assert db.session.scalar(select(func.count(ImportHandout.id))) == 1
    rows = list(csv.DictReader(io.StringIO(download(hr, page).get_data().decode("utf-8-sig"))))
    assert [r["username"] for r in rows] == ["sun.li"]


def test_the_csv_shows_formulas_as_text_and_needs_the_form_token(hr, clock):
    page = upload(hr, "username,full_name,email,department,role\r\nfx,=HYPERLINK(1),,,manager\r\n").get_data(
        as_text=True)
    assert hr.post("/hr/accounts/import/passwords.csv", data={"csrf_token": "forged"}).status_code == 400
    rows = list(csv.DictReader(io.StringIO(download(hr, page).get_data().decode("utf-8-sig"))))
    assert rows[0]["full_name"] == "'=HYPERLINK(1)"


def test_a_csv_with_bad_rows_imports_nothing_and_lists_each_line_once(hr, make_user):
    make_user(username="exists")
    text = CSV_GOOD + (
        "exists,Already Here,,Domestic Trade,manager\r\n"
        "Bad Name,Someone,,Domestic Trade,manager\r\n"
        "new.one,,,Nowhere,manager\r\n"
        "zhao.lei,Twice,,Domestic Trade,manager\r\n"
        "boss,Big Boss,,Domestic Trade,president\r\n"
        "short,row\r\n"
    )
    response = upload(hr, text)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    summary = re.search(r'<div class="error-summary" role="alert".*?</div>', page, re.S).group(0)
    assert "The file has 6 problems; nothing was imported." in summary
    problems = re.findall(r'<li><a href="#file">Line (\d+): (.*?)</a></li>', summary)
    assert [int(line) for line, _ in problems] == [4, 5, 6, 7, 8, 9]
    reasons = dict(problems)
    assert "already has an account" in reasons["4"]
    assert "must be 2-64 lowercase" in reasons["5"]
    assert "full_name is empty" in reasons["6"] and "does not exist" in reasons["6"]
    assert "also on line 2" in reasons["7"]
    assert "only a president" in reasons["8"]
    assert "expected 5 columns" in reasons["9"]
    # Said once, not three times: the summary, then the field asks for the file again.
    assert page.count("The file has 6 problems") == 1 and page.count("already has an account") == 1
    assert "choose it again" in summary and "Choose the corrected file again" in page
    assert db.session.scalar(select(User).where(User.username == "zhao.lei")) is None
    assert db.session.scalar(select(func.count(ImportHandout.id))) == 0


@pytest.mark.parametrize("text,problem", [
    ("name,email\r\nx,y\r\n", "Line 1: the header must be exactly"),
    ("", "Line 1: the file is empty"),
    ("username,full_name,email,department,role\r\n", "Line 2: the file has no people in it"),
])
def test_a_csv_with_a_bad_shape_is_refused(hr, text, problem):
    response = upload(hr, text)
    assert response.status_code == 422 and problem in response.get_data(as_text=True)


def test_a_csv_that_is_not_utf8_is_refused(hr):
    response = hr.post("/hr/accounts/import", data={
        "file": (io.BytesIO("username,full_name\r\n".encode("utf-16")), "people.csv")},
        content_type="multipart/form-data")
    assert "not UTF-8" in response.get_data(as_text=True)


def test_no_file_chosen_is_one_message_in_the_summary(hr):
    response = hr.post("/hr/accounts/import", data={}, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'role="alert"' in page and '<a href="#file">Choose a CSV file.</a>' in page
