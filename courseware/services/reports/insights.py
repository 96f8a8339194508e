"""What managers apply, lesson by lesson (/author/insights for the president, /hr/insights for HR):
how many completed it, the goals linked to it, the daily plans written in the 4 weeks after
completing it, what people still knew at the 30- and 90-day follow-up checks, and the quiz questions
most often missed, and the questions asked under it with their "I have this question too" marks.
Counts and rates only: no name and no one's own words ever leave this module (the missed questions
are the course's own). One query per figure for the whole course.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, func, literal_column, select
from sqlalchemy.orm import Session

from courseware.language import SOURCE_LANGUAGE
from courseware.models import (
    Course,
    DailyEntry,
    FollowUpCheck,
    Goal,
    LessonProgress,
    LessonQuestion,
    QuestionMeToo,
)
from courseware.services.catalog import published
from courseware.services.reports.participation import StageFigures
from courseware.services.reports.question_analysis import QuestionStat, analyse_course

PLAN_WEEKS = 4
STAGES = (30, 90)
MISSED_SHOWN = 3


@dataclass
class LessonInsight:
    lesson_id: int
    position: int
    title: str
    completed: int = 0
    goals: int = 0
    goal_people: int = 0
    planners: int = 0
    plans: int = 0
    # The follow-up checks at each stage, counted as practice participation counts them.
    followups: dict[int, StageFigures] = field(
        default_factory=lambda: {stage: StageFigures() for stage in STAGES})
    missed: list[QuestionStat] = field(default_factory=list)
    questions: int = 0  # asked under the lesson (hidden ones left out)
    me_too: int = 0  # "I have this question too" marks on them

    @property
    def planner_rate(self) -> float | None:
        """Of those who completed the lesson, the share who wrote a daily plan in the weeks after."""
        return self.planners / self.completed if self.completed else None


def _plan_window(session: Session) -> tuple[Any, Any]:
    """The first day after completion and the day PLAN_WEEKS later, in the database's own dialect."""
    completed = LessonProgress.completed_at
    if session.get_bind().dialect.name == "postgresql":
        start = func.date(completed)
        return start, func.date(completed + literal_column(f"interval '{PLAN_WEEKS * 7} days'"))
    return func.date(completed), func.date(completed, f"+{PLAN_WEEKS * 7} days")


def _completions(session: Session, lesson_ids: Any, found: dict[int, LessonInsight]) -> None:
    rows = session.execute(select(LessonProgress.lesson_id, func.count(LessonProgress.id))
                           .where(LessonProgress.lesson_id.in_(lesson_ids),
                                  LessonProgress.completed_at.is_not(None))
                           .group_by(LessonProgress.lesson_id)).tuples()
    for lesson_id, count in rows:
        found[lesson_id].completed = count


def _goals(session: Session, lesson_ids: Any, found: dict[int, LessonInsight]) -> None:
    distinct_people = func.count(func.distinct(Goal.user_id))
    rows = session.execute(select(Goal.lesson_id, func.count(Goal.id), distinct_people)
                           .where(Goal.lesson_id.in_(lesson_ids), Goal.deleted_at.is_(None))
                           .group_by(Goal.lesson_id)).tuples()
    for lesson_id, goals, people in rows:
        if lesson_id is not None:
            found[lesson_id].goals, found[lesson_id].goal_people = goals, people


def _plans(session: Session, lesson_ids: Any, found: dict[int, LessonInsight]) -> None:
    start, end = _plan_window(session)
    rows = session.execute(
        select(LessonProgress.lesson_id, func.count(func.distinct(LessonProgress.user_id)),
               func.count(DailyEntry.id))
        .join(DailyEntry, and_(DailyEntry.user_id == LessonProgress.user_id,
                               DailyEntry.planned_at.is_not(None),
                               DailyEntry.day >= start, DailyEntry.day < end))
        .where(LessonProgress.lesson_id.in_(lesson_ids), LessonProgress.completed_at.is_not(None))
        .group_by(LessonProgress.lesson_id)).tuples()
    for lesson_id, planners, plans in rows:
        found[lesson_id].planners, found[lesson_id].plans = planners, plans


def _followups(session: Session, lesson_ids: Any, found: dict[int, LessonInsight]) -> None:
    rows = session.execute(
        select(FollowUpCheck.lesson_id, FollowUpCheck.stage, FollowUpCheck.skipped,
               func.count(FollowUpCheck.id), func.coalesce(func.sum(FollowUpCheck.correct_count), 0),
               func.coalesce(func.sum(FollowUpCheck.question_count), 0))
        .where(FollowUpCheck.lesson_id.in_(lesson_ids), FollowUpCheck.stage.in_(STAGES))
        .group_by(FollowUpCheck.lesson_id, FollowUpCheck.stage, FollowUpCheck.skipped)).tuples()
    for lesson_id, stage, skipped, count, correct, questions in rows:
        retention = found[lesson_id].followups[stage]
        if skipped:
            retention.skipped += count
        elif questions:
            retention.answered += count
            retention.correct += int(correct)
            retention.questions += int(questions)


def _questions(session: Session, lesson_ids: Any, found: dict[int, LessonInsight]) -> None:
    marks = (select(QuestionMeToo.question_id, func.count(QuestionMeToo.id).label("marks"))
             .group_by(QuestionMeToo.question_id).subquery())
    rows = session.execute(
        select(LessonQuestion.lesson_id, func.count(LessonQuestion.id),
               func.coalesce(func.sum(marks.c.marks), 0))
        .outerjoin(marks, marks.c.question_id == LessonQuestion.id)
        .where(LessonQuestion.lesson_id.in_(lesson_ids), LessonQuestion.hidden_at.is_(None))
        .group_by(LessonQuestion.lesson_id)).tuples()
    for lesson_id, questions, me_too in rows:
        found[lesson_id].questions, found[lesson_id].me_too = questions, int(me_too)


def course_insights(session: Session, course: Course, language: str = SOURCE_LANGUAGE) -> list[LessonInsight]:
    """Each published lesson of the course, in course order, with its figures."""
    found = {lesson_id: LessonInsight(lesson_id, position, title) for lesson_id, position, title, _, _
             in session.execute(published.lessons_in_order(course.id)).tuples()}
    if not found:
        return []
    lesson_ids = list(found)
    for figure in (_completions, _goals, _plans, _followups, _questions):
        figure(session, lesson_ids, found)
    for quiz in analyse_course(session, course, language):
        if quiz.lesson_id in found:
            asked = [q for q in quiz.questions if q.answered and q.right < q.answered]
            asked.sort(key=lambda q: (q.right / q.answered, -q.answered))
            found[quiz.lesson_id].missed = asked[:MISSED_SHOWN]
    return list(found.values())


def totals(insights: list[LessonInsight]) -> dict[str, int]:
    """The course's sums, for the page's lede."""
    summed: dict[str, int] = defaultdict(int)
    for insight in insights:
        summed["goals"] += insight.goals
        summed["plans"] += insight.plans
        summed["completed"] += insight.completed
    return dict(summed)
