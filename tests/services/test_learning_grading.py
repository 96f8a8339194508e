"""Each question type's rules and its pure grade()."""
from __future__ import annotations

import pytest

from courseware.content.question_types import QUESTION_TYPES, question_type


def options(*correct_flags: bool) -> list[dict]:
    return [{"key": "abcdef"[i], "text": f"o{i}", "correct": flag, "explain": "x"}
            for i, flag in enumerate(correct_flags)]


@pytest.mark.parametrize("selected,expected", [(["b"], True), (["a"], False), (["c"], False)])
def test_single_choice_is_right_only_with_the_correct_option(selected, expected):
    assert question_type("single").grade(options(False, True, False), selected) is expected


@pytest.mark.parametrize("selected,expected", [
    (["a", "c"], True),
    (["c", "a"], True),
    (["a"], False),             # partly right is wrong: all or nothing
    (["a", "b", "c"], False),   # an extra wrong choice is wrong
    (["b"], False),
])
def test_multiple_choice_needs_exactly_the_correct_set(selected, expected):
    assert question_type("multiple").grade(options(True, False, True), selected) is expected


@pytest.mark.parametrize("selected,expected", [(["a"], False), (["b"], True)])
def test_true_false(selected, expected):
    assert question_type("true_false").grade(options(False, True), selected) is expected


@pytest.mark.parametrize("type_name,flags,problem", [
    ("single", (True, True, False), "exactly one correct option, found 2"),
    ("single", (False, False), "exactly one correct option, found 0"),
    ("single", (True,), "at least two options"),
    ("multiple", (False, False, False), "at least one correct option"),
    ("true_false", (True, False, False), "exactly two options, found 3"),
    ("true_false", (True, True), "exactly one correct option"),
])
def test_validation_names_the_problem(type_name, flags, problem):
    problems = question_type(type_name).validate(options(*flags))
    assert any(problem in p for p in problems), problems


@pytest.mark.parametrize("type_name,flags", [
    ("single", (False, True, False)), ("multiple", (True, True, False)), ("true_false", (True, False)),
])
def test_valid_questions_have_no_problems(type_name, flags):
    assert question_type(type_name).validate(options(*flags)) == []


def test_the_registry_knows_the_three_types():
    assert set(QUESTION_TYPES) == {"single", "multiple", "true_false"}
    assert QUESTION_TYPES["multiple"].multiple_answers is True
    assert QUESTION_TYPES["single"].multiple_answers is False
