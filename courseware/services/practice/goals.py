"""My goals: long-term goals with a period, broken into short-term goals with a target date and a
measure of done; progress marked in percent with an optional note.

A goal is only ever read through its owner (get_own_goal): anyone else's is "not found".
Deleting hides a goal and its short-term goals but keeps the rows, so that focus decisions and
day plans linked to it keep showing what they were linked to; a deleted goal can be restored.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from courseware.formatting import format_date, format_percent
from courseware.models import DailyEntry, FocusItem, Goal, GoalUpdate, User
from courseware.services import catalog
from courseware.services.catalog import published
from courseware.services.errors import NotFound, ValidationError
from courseware.services.practice.common import MAX_MEASURE, MAX_NOTE, MAX_TITLE, FieldChecks

MAX_LONG_TERM = 20          # long-term goals in progress at a time
MAX_SHORT_TERM = 20         # short-term goals under one long-term goal
MAX_PERIOD_DAYS = 3 * 366   # a long-term goal spans at most about three years


@dataclass
class GoalFields:
    title: str = ""
    measure: str = ""
    starts_on: date | None = None
    target_on: date | None = None
    lesson_id: int | None = None


# --- reading ------------------------------------------------------------------------------------

def get_own_goal(session: Session, user: User, goal_id: int, *, include_deleted: bool = False) -> Goal:
    goal = session.scalar(select(Goal).where(Goal.id == goal_id, Goal.user_id == user.id))
    if goal is None or (goal.deleted_at is not None and not include_deleted):
        raise NotFound(_("No such goal."))
    return goal


def long_term_goals(session: Session, user: User) -> list[Goal]:
    """The person's long-term goals (not deleted), open ones first, each by its end date."""
    goals = session.scalars(
        select(Goal)
        .where(Goal.user_id == user.id, Goal.parent_id.is_(None), Goal.deleted_at.is_(None))
        .options(selectinload(Goal.children).selectinload(Goal.lesson), selectinload(Goal.lesson))
        .order_by(Goal.target_on, Goal.id)
    )
    return sorted(goals, key=lambda goal: goal.done_at is not None)


def active_goals(session: Session, user: User) -> list[Goal]:
    """Goals that are neither done nor deleted, each long-term goal followed by its short-term goals:
    what requests and day plans can serve."""
    goals = session.scalars(
        select(Goal)
        .where(Goal.user_id == user.id, Goal.deleted_at.is_(None), Goal.done_at.is_(None))
        .options(selectinload(Goal.parent))
    )

    def place(goal: Goal) -> tuple:
        root = goal.parent or goal
        return root.target_on, root.id, goal.parent_id is not None, goal.target_on, goal.id

    live = (goal for goal in goals if goal.parent is None or goal.parent.deleted_at is None)
    return sorted(live, key=place)


def lesson_choices(session: Session, language: str | None = None) -> list[tuple[int, str]]:
    """Published lessons a goal can apply, as (id, "Course: N. Title"), in the reader's language
    (the in-memory course outline, by default in the request's language)."""
    outline = catalog.current(session, language)
    return [(lesson.id, f"{course.title}: {lesson.position}. {lesson.title}")
            for course in outline.courses for lesson in course.lessons]


@dataclass
class DeletionEffects:
    short_term: int
    focus_items: int
    days: int


def deletion_effects(session: Session, goal: Goal) -> DeletionEffects:
    ids = [goal.id, *(child.id for child in goal.live_children)]
    return DeletionEffects(
        short_term=len(ids) - 1,
        focus_items=session.scalars(select(func.count(FocusItem.id)).where(FocusItem.goal_id.in_(ids))).one(),
        days=session.scalars(select(func.count(DailyEntry.id)).where(DailyEntry.goal_id.in_(ids))).one(),
    )


def linked_focus_items(session: Session, goal: Goal) -> list[FocusItem]:
    ids = [goal.id, *(child.id for child in goal.children)]
    return list(session.scalars(
        select(FocusItem).where(FocusItem.goal_id.in_(ids))
        .order_by(FocusItem.created_at.desc(), FocusItem.id.desc()).limit(50)
    ))


# --- writing ------------------------------------------------------------------------------------

def create_goal(session: Session, user: User, fields: GoalFields, *, today: date, now: datetime,
                parent: Goal | None = None) -> Goal:
    """A long-term goal, or (with `parent`) a short-term goal inside the parent's period."""
    if parent is not None and (parent.user_id != user.id or parent.parent_id is not None
                               or parent.deleted_at is not None):
        raise NotFound(_("No such goal."))
    checks = FieldChecks()
    values = _checked(session, checks, fields, parent=parent, today=today, previous=None)
    if parent is None:
        count = session.scalars(select(func.count(Goal.id)).where(
            Goal.user_id == user.id, Goal.parent_id.is_(None), Goal.deleted_at.is_(None),
            Goal.done_at.is_(None))).one()
        if count >= MAX_LONG_TERM:
            checks.add("title", _("You have %(count)d long-term goals in progress, the most this page "
                                  "keeps; mark one done or delete one first.", count=count))
    elif len(parent.live_children) >= MAX_SHORT_TERM:
        checks.add("title", _("This goal already has %(count)d short-term goals; mark some done "
                              "or delete one first.", count=MAX_SHORT_TERM))
    checks.raise_if_any()
    goal = Goal(user_id=user.id, parent=parent, created_at=now, updated_at=now, **values)
    session.add(goal)
    session.commit()
    return goal


def update_goal(session: Session, goal: Goal, fields: GoalFields, *, today: date, now: datetime) -> Goal:
    if goal.deleted_at is not None:
        raise ValidationError(_("This goal was deleted; restore it before changing it."))
    checks = FieldChecks()
    values = _checked(session, checks, fields, parent=goal.parent, today=today, previous=goal)
    if goal.parent_id is None and "target_on" not in checks.errors and "starts_on" not in checks.errors:
        outside = [child for child in goal.live_children
                   if not values["starts_on"] <= child.target_on <= values["target_on"]]
        if outside:
            # Translators: what separates the goals of a list inside a sentence.
            names = _("; ").join(_("“%(title)s” (%(date)s)", title=child.title,
                                   date=format_date(child.target_on)) for child in outside)
            checks.add("target_on", _("These short-term goals would fall outside the new period: "
                                      "%(goals)s. Move their dates first.", goals=names))
    checks.raise_if_any()
    for name, value in values.items():
        setattr(goal, name, value)
    goal.updated_at = now
    session.commit()
    return goal


def mark_progress(session: Session, goal: Goal, progress: int | None, note: str, *,
                  now: datetime) -> GoalUpdate:
    """Record how far the goal has come; 100 % marks it done, less reopens it."""
    if goal.deleted_at is not None:
        raise ValidationError(_("This goal was deleted; restore it before marking progress."))
    checks = FieldChecks()
    if progress is None or not 0 <= progress <= 100:
        checks.add("progress", _("Progress is a whole number from 0 to 100 (percent)."))
    note = checks.line("note", note, MAX_NOTE, label=_("The note"))
    if not checks.errors and progress == goal.progress and not note:
        checks.add("progress", _("The goal is already at %(progress)s. Choose another figure, or add "
                                 "a note.", progress=format_percent(progress)))
    checks.raise_if_any()
    assert progress is not None  # checked above: raise_if_any raised otherwise
    update = GoalUpdate(goal=goal, progress=progress, note=note, created_at=now)
    goal.progress = progress
    goal.done_at = (goal.done_at or now) if progress == 100 else None
    goal.updated_at = now
    session.add(update)
    session.commit()
    return update


def delete_goal(session: Session, goal: Goal, *, now: datetime) -> None:
    """Hide the goal and its short-term goals; everything linked to them stays readable."""
    if goal.deleted_at is not None:
        return
    for each in [goal, *goal.live_children]:
        each.deleted_at = now
    session.commit()


def restore_goal(session: Session, goal: Goal) -> None:
    """Undo a deletion: the goal and the short-term goals deleted with it come back."""
    if goal.deleted_at is None:
        return
    if goal.parent is not None and goal.parent.deleted_at is not None:
        raise ValidationError(_("Restore its long-term goal first."))
    for child in goal.children:
        if child.deleted_at == goal.deleted_at:
            child.deleted_at = None
    goal.deleted_at = None
    session.commit()


# --- rules --------------------------------------------------------------------------------------

def _checked(session: Session, checks: FieldChecks, fields: GoalFields, *, parent: Goal | None,
             today: date, previous: Goal | None) -> dict:
    short_term = parent is not None
    title = checks.line("title", fields.title, MAX_TITLE, required=_("Give the goal a title."),
                        label=_("The title"))
    measure = checks.line(
        "measure", fields.measure, MAX_MEASURE, label=_("The measure of done"),
        required=_("Say how you will know it is done: a number, a date, a result someone can check.")
        if short_term else None)
    target_on = fields.target_on
    unchanged_target = previous is not None and previous.target_on == target_on
    if target_on is None:
        checks.add("target_on", _("Choose the target date.") if short_term
                   else _("Choose when the period ends."))
    elif target_on < today and not unchanged_target:
        checks.add("target_on", _("%(date)s is in the past; choose today or a later date.",
                                  date=format_date(target_on)))
    starts_on = None
    if parent is not None:
        assert parent.starts_on is not None  # a long-term goal always has its period
        if target_on is not None and not parent.starts_on <= target_on <= parent.target_on:
            checks.add("target_on", _("Choose a date inside the long-term goal's period, %(start)s to "
                                      "%(end)s.", start=format_date(parent.starts_on),
                                      end=format_date(parent.target_on)))
    else:
        starts_on = fields.starts_on or (previous.starts_on if previous else None) or today
        if target_on is not None and "target_on" not in checks.errors:
            if starts_on >= target_on:
                checks.add("starts_on", _("The period must end after it starts."))
            elif (target_on - starts_on).days > MAX_PERIOD_DAYS:
                checks.add("target_on", _("A long-term goal spans at most three years; "
                                          "break a longer vision into periods."))
    lesson_id = fields.lesson_id or None
    if lesson_id is not None and not published.is_published(session, lesson_id):
        checks.add("lesson_id", _("Choose one of the published lessons, or none."))
    return {"title": title, "measure": measure, "starts_on": starts_on, "target_on": target_on,
            "lesson_id": lesson_id}

