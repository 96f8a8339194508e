"""Everything the site holds about a person, as the ZIP of "My data" (services/people/personal_data)."""
from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import datetime

from courseware.extensions import db
from courseware.services.people import personal_data
from tests.services.privacy_people import EMAIL, NAME, SECRET_TEXT, USERNAME, known_person

NOW = datetime(2026, 12, 3, 9, 30)


def test_every_table_naming_a_person_is_exported_or_excluded_with_a_reason(app):
    """A new table with a column referring to a person fails here until it is exported or excluded."""
    references = personal_data.user_references()
    exported = {(s.table, s.column) for s in personal_data.SUBJECTS} | {personal_data.AUDIT_REFERENCE}
    excluded = set(personal_data.EXCLUDED)
    assert references == exported | excluded, (
        f"neither exported nor excluded: {sorted(references - exported - excluded)}; "
        f"listed but not referring to a person: {sorted((exported | excluded) - references)}")
    assert not exported & excluded
    assert all(len(reason) > 20 for reason in personal_data.EXCLUDED.values())
    tables = db.metadata.tables
    for child in personal_data.CHILDREN:
        assert child.column in tables[child.table].c


def _zip(person) -> tuple[str, zipfile.ZipFile]:
    name, data = personal_data.export_zip(db.session, person, NOW)
    return name, zipfile.ZipFile(io.BytesIO(data))


def _json(archive: zipfile.ZipFile, name: str):
    return json.loads(archive.read(f"{name}.json"))


def test_the_zip_holds_everything_about_the_person(app, course, make_user):
    hr_user = make_user("hr")
    person = known_person(make_user, course, hr_user)
    other = make_user(username="someone.else")
    name, archive = _zip(person)
    assert name == f"my-data-{USERNAME}-2026-12-03.zip"
    profile = _json(archive, "profile")
    assert (profile["username"], profile["full_name"], profile["email"]) == (USERNAME, NAME, EMAIL)
    assert profile["time_zone"] == "Europe/London" and profile["department"] == "International Trade"
    assert len(_json(archive, "progress")) == 2
    assert [a["passed"] for a in _json(archive, "quiz_attempts")] == [True]
    assert sorted(a["question_id"] for a in _json(archive, "quiz_answers")) == [
        "pick-many", "pick-one", "true-or-false"]
    assert len(_json(archive, "certificates")) == 1
    assert len(_json(archive, "practice_goals")) == 2
    assert _json(archive, "practice_goal_updates")[0]["note"] == SECRET_TEXT
    assert _json(archive, "practice_focus")[0]["text"] == SECRET_TEXT
    assert _json(archive, "practice_days")[0]["most_important"] == SECRET_TEXT
    assert SECRET_TEXT in _json(archive, "practice_reflections")[0]["answer"]
    assert _json(archive, "notifications")[0]["params"]["name"] == NAME
    assert len(_json(archive, "deliveries")) == 1 and len(_json(archive, "sign_in_sessions")) == 1
    assert _json(archive, "external_identities")[0]["subject"] == f"sub-{USERNAME}"
    actions = sorted(e["action"] for e in _json(archive, "audit"))
    assert actions == ["account.update", "login"]
    # Times are UTC, and say so.
    assert _json(archive, "sign_in_sessions")[0]["created_at"].endswith("Z")
    # Nobody else's rows, and no secret.
    everything = b"".join(archive.read(info) for info in archive.infolist()).decode()
    assert "someone.else" not in everything and other.full_name not in everything
    assert person.password_hash not in everything and person.session_token not in everything
    assert "password_hash" not in everything and '"token"' not in everything


def test_lists_are_csv_files_too_and_the_readme_names_every_file(app, course, make_user):
    person = known_person(make_user, course)
    _, archive = _zip(person)
    names = set(archive.namelist())
    assert {"README.txt", "profile.json", "audit.json", "audit.csv"} <= names
    assert "profile.csv" not in names
    for subject in personal_data.SUBJECTS:
        assert {f"{subject.name}.json", f"{subject.name}.csv"} <= names
    rows = list(csv.DictReader(io.StringIO(archive.read("practice_focus.csv").decode("utf-8-sig"))))
    assert rows[0]["text"] == SECRET_TEXT
    answers = list(csv.DictReader(io.StringIO(archive.read("quiz_answers.csv").decode("utf-8-sig"))))
    assert {json.loads(row["selected"])[0] for row in answers} == {"a", "b"}
    readme = archive.read("README.txt").decode()
    assert f"{NAME} ({USERNAME})" in readme and "2026-12-03 09:30" in readme
    for file_name in sorted(names - {"README.txt"}):
        assert file_name in readme, file_name


def test_a_person_with_nothing_gets_empty_lists(app, make_user):
    person = make_user(department=None)
    _, archive = _zip(person)
    assert _json(archive, "progress") == [] and _json(archive, "quiz_answers") == []
    assert archive.read("progress.csv").decode("utf-8-sig") == ""
    assert _json(archive, "profile")["department"] is None
