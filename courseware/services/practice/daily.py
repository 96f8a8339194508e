"""The daily to-do and summary: in the morning the most important thing to do today and what most
needs doing well; in the evening what was done, what was learned, and what comes tomorrow.

A calendar of the last twelve weeks shows planned and summarized days, and a streak counts them
without nagging: a day counts when it is planned or summarized, today counts as soon as it is, and
Saturdays and Sundays count when used but never break a streak.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import case, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from courseware.models import DailyEntry, User
from courseware.services.practice.common import MAX_LINE, MAX_SUMMARY_FIELD, FieldChecks
from courseware.services.practice.goals import active_goals

CALENDAR_WEEKS = 12


def entry_for(session: Session, user: User, day: date) -> DailyEntry | None:
    return session.scalar(select(DailyEntry).where(DailyEntry.user_id == user.id, DailyEntry.day == day))


def previous_tomorrow(session: Session, user: User, today: date) -> DailyEntry | None:
    """The latest summary of the last few days that said what to do next, to start today from."""
    return session.scalar(
        select(DailyEntry)
        .where(DailyEntry.user_id == user.id, DailyEntry.day < today,
               DailyEntry.day >= today - timedelta(days=4), DailyEntry.tomorrow.is_not(None),
               DailyEntry.tomorrow != "")
        .order_by(DailyEntry.day.desc()).limit(1)
    )


def save_plan(session: Session, user: User, day: date, *, most_important: str, do_well: str,
              goal_id: int | None, now: datetime) -> DailyEntry:
    checks = FieldChecks()
    most_important = checks.line("most_important", most_important, MAX_LINE, label=_("This line"),
                                 required=_("Write the most important thing to do today."))
    do_well = checks.line("do_well", do_well, MAX_LINE, label=_("This line"))
    goal = None
    if goal_id:
        goal = next((g for g in active_goals(session, user) if g.id == goal_id), None)
        if goal is None:
            checks.add("goal_id", _("Choose one of your goals in progress, or none."))
    checks.raise_if_any()
    entry = _entry(session, user, day)
    entry.most_important, entry.do_well, entry.goal = most_important, do_well or None, goal
    entry.planned_at = entry.planned_at or now
    session.commit()
    return entry


def save_summary(session: Session, user: User, day: date, *, done: str, learned: str, tomorrow: str,
                 now: datetime) -> DailyEntry:
    checks = FieldChecks()
    done = checks.text("done", done, MAX_SUMMARY_FIELD, label=_("This answer"),
                       required=_("Write what you did today, even in one line."))
    learned = checks.text("learned", learned, MAX_SUMMARY_FIELD, label=_("This answer"))
    tomorrow = checks.text("tomorrow", tomorrow, MAX_SUMMARY_FIELD, label=_("This answer"))
    checks.raise_if_any()
    entry = _entry(session, user, day)
    entry.done, entry.learned, entry.tomorrow = done, learned or None, tomorrow or None
    entry.summarized_at = entry.summarized_at or now
    session.commit()
    return entry


def _entry(session: Session, user: User, day: date) -> DailyEntry:
    """The day's row, created on first need; a second tab creating it at the same time is fine."""
    entry = entry_for(session, user, day)
    if entry is not None:
        return entry
    try:
        with session.begin_nested():
            entry = DailyEntry(user_id=user.id, day=day)
            session.add(entry)
        return entry
    except IntegrityError:
        entry = entry_for(session, user, day)
        assert entry is not None  # the IntegrityError was its row, there already
        return entry


# --- the calendar and the streak -------------------------------------------------------------------

@dataclass(frozen=True)
class CalendarDay:
    day: date
    planned: bool
    summarized: bool
    future: bool

    @property
    def state(self) -> str:
        if self.future:
            return "future"
        if self.planned and self.summarized:
            return "both"
        return "planned" if self.planned else ("summarized" if self.summarized else "none")

    @property
    def label(self) -> str:
        """The day's state in words, in the reader's language (the calendar says it to screen readers)."""
        return {"future": _("still to come"), "both": _("planned and summarized"), "planned": _("planned"),
                "summarized": _("summarized"), "none": _("nothing written")}[self.state]


@dataclass
class Calendar:
    weeks: list[list[CalendarDay]]
    planned: int
    summarized: int

    @property
    def first(self) -> date:
        return self.weeks[0][0].day


@dataclass(frozen=True)
class Streak:
    current: int
    longest: int


def calendar(session: Session, user: User, today: date, weeks: int = CALENDAR_WEEKS) -> Calendar:
    """Monday-to-Sunday weeks, the last one holding today."""
    first = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    rows = session.execute(
        select(DailyEntry.day, DailyEntry.planned_at, DailyEntry.summarized_at)
        .where(DailyEntry.user_id == user.id, DailyEntry.day >= first, DailyEntry.day <= today)
    ).all()
    marks = {row.day: (row.planned_at is not None, row.summarized_at is not None) for row in rows}
    grid = []
    for week in range(weeks):
        grid.append([
            CalendarDay(day, *marks.get(day, (False, False)), future=day > today)
            for day in (first + timedelta(days=7 * week + offset) for offset in range(7))
        ])
    return Calendar(grid, planned=sum(1 for p, _ in marks.values() if p),
                    summarized=sum(1 for _, s in marks.values() if s))


@dataclass(frozen=True)
class Today:
    """What the dashboard says about today, and the streak: one query."""

    planned: bool
    summarized: bool
    most_important: str | None
    streak: Streak


def today_at_a_glance(session: Session, user: User, today: date) -> Today:
    rows = session.execute(
        select(DailyEntry.day, DailyEntry.planned_at.is_not(None), DailyEntry.summarized_at.is_not(None),
               case((DailyEntry.day == today, DailyEntry.most_important)))
        .where(DailyEntry.user_id == user.id, DailyEntry.day <= today,
               or_(DailyEntry.planned_at.is_not(None), DailyEntry.summarized_at.is_not(None)))
    ).tuples().all()
    mine = next((row for row in rows if row[0] == today), None)
    return Today(bool(mine and mine[1]), bool(mine and mine[2]), mine[3] if mine else None,
                 streaks({row[0] for row in rows}, today))


def streak(session: Session, user: User, today: date) -> Streak:
    return today_at_a_glance(session, user, today).streak


def _is_weekend(day: date) -> bool:
    return day.weekday() >= 5


def streaks(days: set[date], today: date) -> Streak:
    """The current and the longest streak of counted days (see the module's docstring)."""
    current = 0
    day = today if today in days else today - timedelta(days=1)
    while True:
        if day in days:
            current += 1
        elif not _is_weekend(day):
            break
        day -= timedelta(days=1)
        if current == 0 and (today - day).days > 3:
            break  # nothing since the last working day: no streak running
    longest = run = 0
    previous = None
    for day in sorted(days):
        gap_is_weekend_only = previous is not None and all(
            _is_weekend(previous + timedelta(days=n)) for n in range(1, (day - previous).days))
        run = run + 1 if gap_is_weekend_only else 1
        longest = max(longest, run)
        previous = day
    return Streak(current, max(longest, current))
