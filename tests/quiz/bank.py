"""A small course whose one lesson has three learning objectives and a quiz bank of twelve
questions (four per objective), each with a pinned "None of these" last option: written to tmp_path
and imported, for the draw, shuffle and review tests."""
from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from courseware.extensions import db
from courseware.models import Course
from courseware.services.authoring.content_import import import_content

OBJECTIVES = ("spot-the-sign", "name-the-cost", "plan-a-change")
LESSON = """\
---
title: Habits at work
module: Only module
order: 1
minutes: 3
summary: Habits and inertia.
objectives:
  - id: spot-the-sign
    text: Spot a sign of habitual thinking in a meeting.
  - id: name-the-cost
    text: Name what inertia costs the company.
  - id: plan-a-change
    text: Plan one change against inertia.
---

Some text about habits.
"""
ZH_LESSON = LESSON.replace("title: Habits at work", "title: 工作中的习惯").replace(
    "module: Only module", "module: 唯一单元").replace(
    "Spot a sign of habitual thinking in a meeting.", "在会议中识别习惯性思维的迹象。")
URL = "/courses/bank-course/habits/quiz"


def question(number: int) -> str:
    objective = OBJECTIVES[(number - 1) % 3]
    return f"""\
  - id: q{number:02d}
    type: single
    prompt: Prompt number {number:02d}?
    objective: {objective}
    options:
      - text: Right answer {number:02d}
        correct: true
        explain: Why answer {number:02d} is right.
      - text: Wrong answer {number:02d}
        explain: Why wrong answer {number:02d} is wrong.
      - text: Other wrong answer {number:02d}
        explain: Why other wrong answer {number:02d} is wrong.
      - text: None of these {number:02d}
        explain: Why none of these {number:02d} is wrong.
        pinned: true
"""


def quiz_text(size: int = 12, head: str = "") -> str:
    return "pass_mark: 80\n" + head + "questions:\n" + "".join(question(n) for n in range(1, size + 1))


def import_bank(tmp_path: Path, size: int = 12, head: str = "") -> Course:
    lessons, quizzes = tmp_path / "bank" / "lessons" / "bank-course", tmp_path / "bank" / "quizzes"
    (lessons / "zh_CN").mkdir(parents=True)
    quizzes.mkdir(parents=True)
    (lessons / "course.yaml").write_text("title: Bank course\nmodules:\n  - Only module\n", encoding="utf-8")
    (lessons / "zh_CN" / "course.yaml").write_text("title: 题库课程\nmodules:\n  - 唯一单元\n",
                                                   encoding="utf-8")
    (lessons / "01-habits.md").write_text(LESSON, encoding="utf-8")
    (lessons / "zh_CN" / "01-habits.md").write_text(ZH_LESSON, encoding="utf-8")
    (quizzes / "habits.yaml").write_text(quiz_text(size, head), encoding="utf-8")
    report = import_content(db.session, lessons.parent, quizzes)
    assert report.ok, [str(e) for e in report.errors]
    return db.session.scalar(sa.select(Course).where(Course.slug == "bank-course"))
