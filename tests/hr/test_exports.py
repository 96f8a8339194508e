"""CSV exports: RFC 4180, UTF-8 with BOM, formula injection neutralised, the page's filters applied."""
from __future__ import annotations

import csv
import io

import pytest

from courseware.services.reports import exports
from courseware.services.reports.exports import csv_stream, safe_cell


def read_csv(response):
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    text = raw.decode("utf-8-sig")
    assert "\r\n" in text
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("value,expected", [
    ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
    ("+1+1", "'+1+1"),
    ("-2", "'-2"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\tTab", "'\tTab"),
    ("\rCR", "'\rCR"),
    ("王伟", "王伟"),
    ("plain", "plain"),
    (42, "42"),
    (None, ""),
])
def test_cells_that_a_spreadsheet_would_run_are_neutralised(value, expected):
    assert safe_cell(value) == expected


def test_rfc4180_quoting_of_commas_quotes_and_newlines():
    text = "".join(csv_stream(["a", "b"], [['x, y', 'say "hi"'], ["two\nlines", "ok"]]))
    assert text == '\ufeffa,b\r\n"x, y","say ""hi"""\r\n"two\nlines",ok\r\n'


def test_the_progress_export_has_a_row_per_person_and_lesson(hr, course, company):
    response = hr.get("/hr/export/progress.csv?role=manager")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    rows = read_csv(response)
    assert rows[0][:4] == ["username", "full_name", "department", "role"]
    body = {(r[0], r[5]): r for r in rows[1:]}
    assert len(body) == 4 * 2
    ada = body[("ada", "1")]
    assert ada[7] == "completed" and ada[9] == "1" and ada[10] == "100" and ada[11] == "1"
    assert body[("di", "1")][7] == "quiz pending" and body[("di", "1")][10] == "0"
    assert body[("bo", "1")][7] == "opened" and body[("cy", "2")][7] == "not started"


def test_the_progress_export_streams_progress_the_same_whatever_the_batches(hr, course, company, monkeypatch):
    expected = read_csv(hr.get("/hr/export/progress.csv"))
    assert [r[1] for r in expected[1::2]] == sorted((r[1] for r in expected[1::2]), key=str.lower)
    # A chunk of scores per person and a fetch per row from the cursor: the same file.
    monkeypatch.setattr(exports, "CHUNK_PEOPLE", 1)
    monkeypatch.setattr(exports, "STREAM_ROWS", 1)
    assert read_csv(hr.get("/hr/export/progress.csv")) == expected


def test_exports_apply_the_page_filters(hr, course, company):
    rows = read_csv(hr.get("/hr/export/progress.csv?q=ada"))
    assert {r[0] for r in rows[1:]} == {"ada"}
    attempts = read_csv(hr.get("/hr/export/attempts.csv?status=in_progress"))
    assert [r[0] for r in attempts[1:]] == ["di"]
    # Which language the quiz was taken in: the attempt and its score are the quiz's either way.
    assert attempts[1][8] == "en" and attempts[1][9] == "0" and attempts[1][10] == "no"


def test_names_that_look_like_formulas_are_exported_inert(hr, course, make_user):
    make_user(full_name='=HYPERLINK("http://evil.example","x")', username="evil")
    make_user(full_name="王伟", username="wang.wei")
    rows = read_csv(hr.get("/hr/export/progress.csv"))
    names = {r[0]: r[1] for r in rows[1:]}
    assert names["evil"] == '\'=HYPERLINK("http://evil.example","x")'
    assert names["wang.wei"] == "王伟"


def test_names_are_escaped_on_hr_pages(hr, course, make_user):
    make_user(full_name='"><img src=x onerror=alert(1)>', username="xss")
    page = hr.get("/hr/people").get_data(as_text=True)
    assert "<img src=x onerror" not in page
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in page
