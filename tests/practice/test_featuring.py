"""Featuring a reflection in its lesson: the president asks, the author is told and chooses (named,
anonymous, no), nothing shows without a yes, and a withdrawal takes it off the lesson at once."""
from __future__ import annotations

import io
import json
import zipfile

import sqlalchemy as sa

from courseware.extensions import db
from courseware.models import FeatureState, Reflection, ReflectionFeature
from courseware.services.practice import featuring
from tests.conftest import erase_person
from tests.practice.conftest import NOW

ANSWER = "Our pricing habit: we quote from last year's list without asking what changed."


def _shared(author, lesson) -> Reflection:
    reflection = Reflection(user_id=author.user.id, lesson_id=lesson.id, prompt="Where?", answer=ANSWER,
                            shared_at=NOW)
    db.session.add(reflection)
    db.session.commit()
    return reflection


def _lesson_page(client, lesson) -> str:
    return client.get(f"/courses/{lesson.course.slug}/{lesson.slug}").get_data(as_text=True)


def test_asked_told_agreed_shown_and_withdrawn(signed_in, with_prompt, clock):
    author = signed_in("manager", full_name="Wang Lei")
    reader = signed_in("manager")
    president = signed_in("president")
    reflection = _shared(author, with_prompt)
    url = f"/practice/reflections/{reflection.id}"
    assert "Ask to show it in the lesson" in president.get(url).get_data(as_text=True)
    assert president.post(f"{url}/feature/ask").status_code == 303
    assert president.post(f"{url}/feature/ask").status_code == 409  # asked once

    notices = author.get("/notifications").get_data(as_text=True)
    assert "May your reflection appear in" in notices
    assert ANSWER not in _lesson_page(reader, with_prompt)  # nothing without a yes
    assert "The president asks to show this reflection" in author.get(url).get_data(as_text=True)

    assert author.post(f"{url}/feature", data={"choice": "anonymous"}).status_code == 303
    page = _lesson_page(reader, with_prompt)
    assert "What managers wrote" in page and ANSWER.replace("'", "&#39;") in page
    assert "Wang Lei" not in page and "A manager, who asked not to be named" in page

    author.post(f"{url}/feature", data={"choice": "named"})
    assert "Wang Lei" in _lesson_page(reader, with_prompt)

    author.post(f"{url}/feature", data={"choice": "declined"})
    assert ANSWER.replace("'", "&#39;") not in _lesson_page(reader, with_prompt)
    assert db.session.scalar(sa.select(ReflectionFeature.state)) == FeatureState.WITHDRAWN
    assert author.post(f"{url}/feature", data={"choice": "everyone"}).status_code == 400


def test_a_no_shows_nothing_and_stopping_to_share_withdraws(signed_in, with_prompt, clock):
    author, president = signed_in("manager"), signed_in("president")
    reflection = _shared(author, with_prompt)
    url = f"/practice/reflections/{reflection.id}"
    president.post(f"{url}/feature/ask")
    author.post(f"{url}/feature", data={"choice": "declined"})
    assert featuring.featured_in_lesson(db.session, with_prompt.id) == []
    author.post(f"{url}/feature", data={"choice": "named"})
    assert len(featuring.featured_in_lesson(db.session, with_prompt.id)) == 1
    author.post(f"{url}/unshare")
    assert featuring.featured_in_lesson(db.session, with_prompt.id) == []
    refused = author.post(f"{url}/feature", data={"choice": "named"})
    assert refused.status_code == 400  # share it again first
    author.post(f"{url}/delete")
    assert db.session.scalar(sa.select(sa.func.count(ReflectionFeature.id))) == 0


def test_only_the_president_asks_and_only_the_author_answers(signed_in, with_prompt, clock):
    author, other = signed_in("manager"), signed_in("manager")
    reflection = _shared(author, with_prompt)
    url = f"/practice/reflections/{reflection.id}"
    assert signed_in("hr").post(f"{url}/feature/ask").status_code == 403
    assert other.post(f"{url}/feature/ask").status_code == 403
    signed_in("president").post(f"{url}/feature/ask")
    assert other.post(f"{url}/feature", data={"choice": "named"}).status_code == 404
    assert featuring.featured_in_lesson(db.session, with_prompt.id) == []
    private = Reflection(user_id=other.user.id, lesson_id=with_prompt.id, prompt="Where?", answer="Mine")
    db.session.add(private)
    db.session.commit()
    assert signed_in("president").post(f"/practice/reflections/{private.id}/feature/ask").status_code == 404


def test_consent_is_exported_and_erased_with_its_author(signed_in, with_prompt, clock):
    author = signed_in("manager")
    reflection = _shared(author, with_prompt)
    president = signed_in("president")
    president.post(f"/practice/reflections/{reflection.id}/feature/ask")
    author.post(f"/practice/reflections/{reflection.id}/feature", data={"choice": "anonymous"})
    archive = author.post("/account/data")
    assert archive.mimetype == "application/zip"
    rows = json.loads(zipfile.ZipFile(io.BytesIO(archive.data)).read("reflection_features.json"))
    assert [(row["reflection_id"], row["state"]) for row in rows] == [(reflection.id, "anonymous")]
    erase_person(author.user.id, NOW)
    assert db.session.scalar(sa.select(sa.func.count(ReflectionFeature.id))) == 0
    assert featuring.featured_in_lesson(db.session, with_prompt.id) == []


def test_the_request_in_chinese(signed_in, with_prompt, clock):
    author = signed_in("manager")
    author.user.locale = "zh_CN"
    db.session.commit()
    reflection = _shared(author, with_prompt)
    signed_in("president").post(f"/practice/reflections/{reflection.id}/feature/ask")
    assert "您的反思可以出现在" in author.get("/notifications").get_data(as_text=True)
    assert "同意，署我的名" in author.get(f"/practice/reflections/{reflection.id}").get_data(as_text=True)
