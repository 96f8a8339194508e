""""What managers wrote" kept as rendered (courseware/learn/boxes.py): rendered once per lesson,
language and featured version, and shown anew at once after every change to it: a yes, a
withdrawal, a reflection rewritten, no longer shared or deleted, its author erased."""
from __future__ import annotations

import pytest

from courseware import templating
from courseware.extensions import db
from courseware.models import Reflection
from tests.conftest import erase_person
from tests.practice.conftest import NOW

ANSWER = "We quote from last year's list without asking what changed."


def _page(client, lesson) -> str:
    response = client.get(f"/courses/{lesson.course.slug}/{lesson.slug}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _featured(signed_in, lesson, choice: str = "named"):
    author, president = signed_in("manager", full_name="Wang Lei"), signed_in("president")
    reflection = Reflection(user_id=author.user.id, lesson_id=lesson.id, prompt="Where?", answer=ANSWER,
                            shared_at=NOW)
    db.session.add(reflection)
    db.session.commit()
    url = f"/practice/reflections/{reflection.id}"
    assert president.post(f"{url}/feature/ask").status_code == 303
    assert author.post(f"{url}/feature", data={"choice": choice}).status_code == 303
    return author, url


def _shows(page: str, text: str) -> bool:
    return text.replace("'", "&#39;") in page


def test_readers_share_one_rendering_of_the_featured_box(app, signed_in, with_prompt, clock):
    _featured(signed_in, with_prompt)
    first, second = signed_in("manager"), signed_in("hr")
    assert _shows(_page(first, with_prompt), ANSWER)
    renders = app.extensions[templating.FRAGMENTS_KEY].renders
    page = _page(second, with_prompt)
    assert app.extensions[templating.FRAGMENTS_KEY].renders == renders
    assert _shows(page, ANSWER) and "Wang Lei" in page


def test_a_yes_a_change_of_answer_and_a_withdrawal_show_at_once(signed_in, with_prompt, clock):
    reader = signed_in("manager")
    assert "What managers wrote" not in _page(reader, with_prompt)
    author, url = _featured(signed_in, with_prompt, choice="anonymous")
    page = _page(reader, with_prompt)
    assert _shows(page, ANSWER) and "Wang Lei" not in page
    author.post(f"{url}/feature", data={"choice": "named"})
    assert "Wang Lei" in _page(reader, with_prompt)
    assert author.post(f"/practice/reflections/lessons/{with_prompt.id}",
                       data={"answer": "Rewritten: we ask first."}).status_code in (302, 303)
    page = _page(reader, with_prompt)
    assert "Rewritten: we ask first." in page and not _shows(page, ANSWER)
    author.post(f"{url}/feature", data={"choice": "declined"})
    assert "What managers wrote" not in _page(reader, with_prompt)


@pytest.mark.parametrize("action", ["unshare", "delete"])
def test_stopping_to_share_or_deleting_it_takes_it_off_at_once(signed_in, with_prompt, clock, action):
    reader = signed_in("manager")
    author, url = _featured(signed_in, with_prompt)
    assert _shows(_page(reader, with_prompt), ANSWER)
    author.post(f"{url}/{action}")
    assert "What managers wrote" not in _page(reader, with_prompt)


def test_erasing_its_author_takes_it_off_at_once(signed_in, with_prompt, clock):
    reader = signed_in("manager")
    author, _url = _featured(signed_in, with_prompt)
    assert "Wang Lei" in _page(reader, with_prompt)
    erase_person(author.user.id, NOW)
    page = _page(reader, with_prompt)
    assert "What managers wrote" not in page and "Wang Lei" not in page
