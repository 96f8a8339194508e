"""A pulse's figures: for each question, how many chose each value and the mean (of a scale), for
everyone and by department, and the trends of a question asked in several pulses.

Small groups are never shown. A department's figure appears only where at least MIN_GROUP people
answered; smaller departments are folded into "Others", itself hidden below MIN_GROUP. And since
"everyone" minus the departments shown would give a hidden "Others" away, while "Others" holds 1 to
4 people the smallest department shown is folded into it too. Everyone's figure needs MIN_GROUP
people as well. Everything is counted in SQL from the anonymous answers (one query per page).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from courseware.models import Department, Pulse, PulseAnswer, PulseQuestion
from courseware.services.pulse.pulses import CHOICE, SCALE, SCALE_POINTS

MIN_GROUP = 5
SCALE_LABELS = (_l("Strongly disagree"), _l("Disagree"), _l("Neither agree nor disagree"), _l("Agree"),
                _l("Strongly agree"))


@dataclass
class Figure:
    """One group's answers to one question: counts by value (1..n), the mean for a scale."""

    label: str
    counts: list[int]
    is_scale: bool

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def mean(self) -> float | None:
        if not self.is_scale or not self.total:
            return None
        return sum(value * count for value, count in enumerate(self.counts, start=1)) / self.total

    @property
    def shares(self) -> list[float]:
        return [count / self.total if self.total else 0.0 for count in self.counts]


@dataclass
class QuestionResult:
    question: PulseQuestion
    labels: list[str]
    overall: Figure | None
    departments: list[Figure] = field(default_factory=list)


@dataclass
class PulseResults:
    pulse: Pulse
    respondents: int
    questions: list[QuestionResult]


def value_labels(question: PulseQuestion) -> list[str]:
    if question.kind == CHOICE:
        return list(question.options)
    return [f"{n} · {label}" for n, label in enumerate(SCALE_LABELS, start=1)]


def _add(into: list[int], counts: list[int]) -> list[int]:
    return [a + b for a, b in zip(into, counts, strict=True)]


def _by_department(counts: dict[int | None, list[int]], names: dict[int, str], scale: bool) -> list[Figure]:
    """Departments of MIN_GROUP or more by name, then "Others" (see the module's docstring)."""
    size = len(next(iter(counts.values()))) if counts else 0
    shown = sorted(((dept, c) for dept, c in counts.items() if dept is not None and sum(c) >= MIN_GROUP),
                   key=lambda item: (sum(item[1]), names.get(item[0] or 0, "")))
    others = [0] * size
    for dept, c in counts.items():
        if dept is None or sum(c) < MIN_GROUP:
            others = _add(others, c)
    while 0 < sum(others) < MIN_GROUP and shown:
        others = _add(others, shown.pop(0)[1])
    figures = sorted((Figure(names.get(dept or 0, ""), c, scale) for dept, c in shown), key=lambda f: f.label)
    if sum(others) >= MIN_GROUP:
        figures.append(Figure(str(_("Others")), others, scale))
    return figures


def results(session: Session, pulse: Pulse) -> PulseResults:
    """Every question's figures (one query for the counts, one for the departments' names)."""
    rows = session.execute(
        select(PulseAnswer.question_id, PulseAnswer.department_id, PulseAnswer.value, func.count())
        .where(PulseAnswer.pulse_id == pulse.id)
        .group_by(PulseAnswer.question_id, PulseAnswer.department_id, PulseAnswer.value)).tuples()
    by_question: dict[int, dict[int | None, list[int]]] = defaultdict(dict)
    sizes = {q.id: (len(q.options) if q.kind == CHOICE else SCALE_POINTS) for q in pulse.questions}
    for question_id, department_id, value, count in rows:
        if question_id not in sizes or not 1 <= value <= sizes[question_id]:
            continue
        counts = by_question[question_id].setdefault(department_id, [0] * sizes[question_id])
        counts[value - 1] += count
    department_ids = {dept for groups in by_question.values() for dept in groups if dept is not None}
    names: dict[int, str] = {}
    if department_ids:
        named = session.execute(select(Department.id, Department.name)
                                .where(Department.id.in_(department_ids)))
        names = {department_id: name for department_id, name in named.tuples()}
    found = []
    respondents = 0
    for question in pulse.questions:
        groups = by_question.get(question.id, {})
        scale = question.kind == SCALE
        total = [0] * sizes[question.id]
        for counts in groups.values():
            total = _add(total, counts)
        respondents = max(respondents, sum(total))
        overall = Figure(str(_("Everyone")), total, scale) if sum(total) >= MIN_GROUP else None
        found.append(QuestionResult(question, value_labels(question), overall,
                                    _by_department(groups, names, scale) if overall else []))
    return PulseResults(pulse, respondents, found)


@dataclass(frozen=True)
class TrendPoint:
    pulse: Pulse
    respondents: int
    mean: float | None  # None below MIN_GROUP answers


@dataclass(frozen=True)
class Trend:
    text: str
    points: list[TrendPoint]


def trends(session: Session) -> list[Trend]:
    """Each scale question asked in two or more published pulses (the same words): its mean in each,
    oldest first (one query)."""
    rows = session.execute(
        select(Pulse, PulseQuestion.text, func.count(PulseAnswer.id), func.avg(PulseAnswer.value))
        .join(PulseQuestion, PulseQuestion.pulse_id == Pulse.id)
        .outerjoin(PulseAnswer, PulseAnswer.question_id == PulseQuestion.id)
        .where(Pulse.published_at.is_not(None), PulseQuestion.kind == SCALE)
        .group_by(Pulse.id, PulseQuestion.id, PulseQuestion.text)
        .order_by(Pulse.opens_at, Pulse.id)).tuples()
    points: dict[str, list[TrendPoint]] = defaultdict(list)
    for pulse, text, count, mean in rows:
        points[text].append(TrendPoint(pulse, count, float(mean) if mean is not None and count >= MIN_GROUP
                                       else None))
    return [Trend(text, found) for text, found in sorted(points.items()) if len(found) >= 2]
