"""The question types: one class each, with the rules a question must follow and a pure grade()."""
from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l


class QuestionType:
    name: str = ""
    label: str = ""
    multiple_answers: bool = False

    def validate(self, options: list[dict]) -> list[str]:
        """Problems with a question's options, as sentences for the author."""
        problems = []
        if len(options) < 2:
            problems.append(_("needs at least two options"))
        return problems

    def grade(self, options: list[dict], selected: Iterable[str]) -> bool:
        """True when the selected option keys are exactly the correct ones."""
        correct = {option["key"] for option in options if option.get("correct")}
        return set(selected) == correct

    @staticmethod
    def correct_count(options: list[dict]) -> int:
        return sum(1 for option in options if option.get("correct"))


class SingleChoice(QuestionType):
    name = "single"
    label = _l("Choose one")

    def validate(self, options: list[dict]) -> list[str]:
        problems = super().validate(options)
        if self.correct_count(options) != 1:
            problems.append(
                _("a single-choice question needs exactly one correct option, found %(count)d",
                  count=self.correct_count(options))
            )
        return problems


class MultipleChoice(QuestionType):
    name = "multiple"
    label = _l("Choose all that apply")
    multiple_answers = True

    def validate(self, options: list[dict]) -> list[str]:
        problems = super().validate(options)
        if self.correct_count(options) < 1:
            problems.append(_("a multiple-choice question needs at least one correct option"))
        return problems


class TrueFalse(QuestionType):
    name = "true_false"
    label = _l("True or false")

    def validate(self, options: list[dict]) -> list[str]:
        if len(options) != 2:
            return [_("a true/false question needs exactly two options, found %(count)d", count=len(options))]
        if self.correct_count(options) != 1:
            return [_("a true/false question needs exactly one correct option")]
        return []


QUESTION_TYPES: dict[str, QuestionType] = {
    qtype.name: qtype for qtype in (SingleChoice(), MultipleChoice(), TrueFalse())
}


def question_type(name: str) -> QuestionType:
    return QUESTION_TYPES[name]
